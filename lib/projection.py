"""Small pure functions of the monthly projection, vectorised over chips, months and samples.

Shapes: ``T`` months, ``C`` chips, ``K`` foreign chips the actor would buy, ``N`` Monte Carlo
samples. Lever arguments are scalars or arrays of shape ``(N, 1)`` so that they broadcast over
months. Nothing here loops over months.
"""

from __future__ import annotations

import numpy as np

from .rules import CASE_BY_CASE, CONTROLLED, GRAY_ZONE, NOT_CONTROLLED, STATUSES
from .units import H100_PEAK_FLOPS, SECONDS_PER_DAY

STATUS_INDEX = {status: i for i, status in enumerate(STATUSES)}


def month_index(month: str) -> int:
    """'YYYY-MM' → months since year 0."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def access_by_status(leakage, approval_share):
    """Share of demand that arrives, per status [share], in ``STATUSES`` order.

    A licensable chip (gray zone or case-by-case) arrives when the licence is granted, and
    otherwise leaks like a controlled chip: ``approval + (1 − approval) × leakage``. So a looser
    status never lowers access.
    """
    leakage = np.asarray(leakage, dtype=float)
    approval = np.asarray(approval_share, dtype=float)
    licensable = approval + (1.0 - approval) * leakage
    return np.stack(np.broadcast_arrays(np.ones_like(leakage + approval), licensable, licensable,
                                        leakage + 0 * approval), axis=-1)


def waterfall_shares(access):
    """Budget share reaching each chip when the actor tries chips in preference order [share].

    ``access[..., k, t]`` is the share of demand for chip k that arrives. The actor first spends on
    its preferred chip; what is blocked there moves to the next, and so on:
    ``share_k = access_k × Π_{j<k} (1 − access_j)``. Budget blocked at every chip is not spent.
    """
    blocked_before = np.cumprod(1.0 - access, axis=-2)
    blocked_before = np.concatenate([np.ones_like(access[..., :1, :]), blocked_before[..., :-1, :]], axis=-2)
    return access * blocked_before


def survival_kernel_stock(arrivals, lifetime_months, monthly_survival):
    """Stock from arrivals when each chip retires at ``lifetime_months`` of age and fails at a constant rate.

    ``stock[t] = Σ_{t−L < t' ≤ t} arrivals[t'] · q^(t−t')`` computed as a difference of cumulative
    sums, so it vectorises over samples with different lifetimes.

    Parameters
    ----------
    arrivals : array (..., T) [chips/month or H100e/month]
    lifetime_months : int or int array broadcastable to arrivals[..., 0] [months], ≥ 1
    monthly_survival : q, share not failing per month, broadcastable like lifetime_months [share]
    """
    T = arrivals.shape[-1]
    t = np.arange(T)
    q = np.asarray(monthly_survival, dtype=float)[..., None] if np.ndim(monthly_survival) else float(monthly_survival)
    q_pow = q ** t
    cumulative = np.cumsum(arrivals / q_pow, axis=-1)
    L = np.asarray(lifetime_months)
    if L.ndim == 0:
        shifted = np.zeros_like(cumulative)
        if int(L) < T:
            shifted[..., int(L):] = cumulative[..., : T - int(L)]
    else:
        index = t - L[..., None]
        shifted = np.take_along_axis(np.broadcast_to(cumulative, np.broadcast_shapes(cumulative.shape, index.shape)),
                                     np.clip(index, 0, None), axis=-1)
        shifted = np.where(index >= 0, shifted, 0.0)
    return np.maximum(q_pow * (cumulative - shifted), 0.0)


def initial_stock_survival(T, lifetime_years, mean_age_years, monthly_survival):
    """Share of the starting stock still in service at each month [share], shape (..., T).

    The starting stock retires evenly between (life − 2·age) and life years after the start
    (Assumption: ages spread evenly around their mean), and fails at the constant rate meanwhile.
    """
    t = np.arange(T)
    life = np.asarray(lifetime_years, dtype=float) * 12.0
    spread = np.maximum(np.minimum(2.0 * np.asarray(mean_age_years, dtype=float) * 12.0, life), 1.0)
    life, spread = (life[..., None], spread[..., None]) if life.ndim else (life, spread)
    remaining = np.clip((life - t) / spread, 0.0, 1.0)
    q = np.asarray(monthly_survival, dtype=float)
    q = q[..., None] if q.ndim else q
    return remaining * q ** t


def monthly_survival(failure_rate):
    """Share of chips not failing in a month, from a yearly failure rate [share]."""
    return (1.0 - np.asarray(failure_rate, dtype=float)) ** (1.0 / 12.0)


def domestic_supply_per_month(T, supply_per_year, growth_per_year):
    """Domestic chips reaching the actor each month [chips/month], growing smoothly."""
    t = np.arange(T)
    s = np.asarray(supply_per_year, dtype=float)
    g = np.asarray(growth_per_year, dtype=float)
    if s.ndim:
        s, g = s[..., None], g[..., None]
    return s / 12.0 * g ** (t / 12.0)


def largest_run_flop(h100e_training, mfu, run_window_days, training_share):
    """Largest training run the fleet can do in one run window [FLOP]."""
    return h100e_training * H100_PEAK_FLOPS * mfu * run_window_days * SECONDS_PER_DAY * training_share


def growth_path(value_at_zero, growth_per_year, months_from_zero):
    """value × growth^(months/12) [same unit as value]."""
    return value_at_zero * np.asarray(growth_per_year, dtype=float) ** (np.asarray(months_from_zero) / 12.0)


def frontier_gap_years(largest_run, frontier_run, frontier_growth):
    """Years behind the frontier: log(frontier/largest)/log(growth), at least 0 [years].

    A fleet that cannot run anything is treated as 1 FLOP, so the gap stays finite.
    """
    ratio = np.asarray(frontier_run) / np.maximum(largest_run, 1.0)
    return np.maximum(np.log(ratio) / np.log(frontier_growth), 0.0)


def inference_tokens_per_day(h100e_inference, training_share, tokens_per_second_per_h100e):
    """Decode tokens per day served by the part of the fleet not in the largest run [tokens/day]."""
    return h100e_inference * (1.0 - training_share) * tokens_per_second_per_h100e * SECONDS_PER_DAY


def runway_months(planned_run, largest_run):
    """Months from the start until the planned run first exceeds the largest feasible run.

    0 if it does not fit at the start; T (the horizon's length) if it always fits. Works on (..., T).
    """
    fails = np.asarray(planned_run) > np.asarray(largest_run)
    T = fails.shape[-1]
    first = np.argmax(fails, axis=-1)
    return np.where(fails.any(axis=-1), first, T)


__all__ = [
    "STATUS_INDEX", "NOT_CONTROLLED", "GRAY_ZONE", "CASE_BY_CASE", "CONTROLLED",
    "access_by_status", "waterfall_shares", "survival_kernel_stock", "initial_stock_survival", "monthly_survival",
    "domestic_supply_per_month", "largest_run_flop", "growth_path", "frontier_gap_years",
    "inference_tokens_per_day", "runway_months", "month_index", "month_label",
]
