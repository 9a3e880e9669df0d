"""The fleet: stock from arrivals, retirements at end of life and failures meanwhile.

Shapes: ``T`` months, ``C`` chips, ``N`` Monte Carlo samples. Lever arguments are scalars or arrays
broadcasting over months. Stock = previous stock + arrivals − retirements holds exactly, per chip and
per channel sum (the orchestrator enforces it row by row).
"""

from __future__ import annotations

import numpy as np


def monthly_survival(failure_rate):
    """Share of chips not failing in a month, from a yearly failure rate [share]."""
    return (1.0 - np.asarray(failure_rate, dtype=float)) ** (1.0 / 12.0)


def survival_kernel_stock(arrivals, lifetime_months, monthly_survival):
    """Stock from arrivals when each chip retires at ``lifetime_months`` of age and fails at a constant rate.

    ``stock[t] = Σ_{t−L < t' ≤ t} arrivals[t'] · q^(t−t')``, computed as a difference of cumulative sums
    so that it vectorises over samples with different lifetimes.

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


def lifetime_months(lifetime_years):
    """Useful life in whole months, at least 1 [months]."""
    return np.maximum(1, np.round(np.asarray(lifetime_years, dtype=float) * 12)).astype(int)


def stock_and_retirements(arrivals, initial, lifetime_years, mean_age_years, failure_rate):
    """Per-chip stock and retirements [chips] with conservation enforced exactly.

    ``arrivals`` (C, T) [chips/month], ``initial`` (C,) [chips]. Returns ``(stock, retirements)``, both (C, T),
    with ``stock[:, t] = stock[:, t−1] + arrivals[:, t] − retirements[:, t]`` and retirements ≥ 0.
    """
    T = arrivals.shape[-1]
    q = monthly_survival(failure_rate)
    stock = survival_kernel_stock(arrivals, int(lifetime_months(lifetime_years)), q)
    stock += initial[:, None] * initial_stock_survival(T, lifetime_years, mean_age_years, q)
    previous = np.concatenate([initial[:, None], stock[:, :-1]], axis=1)
    retirements = np.maximum(previous + arrivals - stock, 0.0)
    return previous + arrivals - retirements, retirements
