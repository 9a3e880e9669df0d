"""Capability: the largest feasible run, the planned run and the runway, the frontier and the gap, and
inference capacity against demand.

Functions work on arrays (..., T) and scalars alike; lever arguments broadcast.
"""

from __future__ import annotations

import numpy as np

from .units import H100_PEAK_FLOPS, SECONDS_PER_DAY


def largest_run_flop(h100e_training, mfu, run_window_days, training_share):
    """Largest training run the fleet share can do in one run window [FLOP]."""
    return h100e_training * H100_PEAK_FLOPS * mfu * run_window_days * SECONDS_PER_DAY * training_share


def growth_path(value_at_zero, growth_per_year, months_from_zero):
    """value × growth^(months/12) [same unit as value]."""
    return value_at_zero * np.asarray(growth_per_year, dtype=float) ** (np.asarray(months_from_zero) / 12.0)


def frontier_flop(anchor_flop, growth_per_year, ceiling_flop, months_from_anchor):
    """The frontier's largest run: the trend from the anchor until the feasibility ceiling [FLOP].

    Epoch's historical 4–5×/yr and its ~2e29 FLOP feasible by 2030 cannot both hold through 2030; the
    model follows the trend until the ceiling bounds it [K72][K73].
    """
    return np.minimum(growth_path(anchor_flop, growth_per_year, months_from_anchor), ceiling_flop)


def frontier_gap_years(largest_run, frontier_run, anchor_flop, growth_per_year, months_from_anchor):
    """Years behind the frontier: how long ago the frontier first ran a run as large as ``largest_run`` [years].

    The frontier's history is inverted on its trend: τ = anchor + log(run/anchor)/log(growth) years. A
    run at or above the frontier is 0 years behind; an empty fleet is treated as a 1 FLOP run, so the gap
    stays finite.
    """
    run = np.maximum(np.asarray(largest_run, dtype=float), 1.0)
    growth = np.asarray(growth_per_year, dtype=float)
    reached_years = np.log(run / anchor_flop) / np.log(growth)       # years after the anchor the frontier hit `run`
    gap = np.asarray(months_from_anchor) / 12.0 - reached_years
    return np.where(run >= frontier_run, 0.0, np.maximum(gap, 0.0))


def runway_months(planned_run, largest_run):
    """Months from the start until the planned run first exceeds the largest feasible run.

    0 if it does not fit at the start; T (the horizon's length) if it always fits. Works on (..., T).
    """
    fails = np.asarray(planned_run) > np.asarray(largest_run)
    T = fails.shape[-1]
    first = np.argmax(fails, axis=-1)
    return np.where(fails.any(axis=-1), first, T)


def inference_tokens_per_day(h100e_inference, training_share, tokens_per_second_per_h100e):
    """Decode tokens per day served by the owned fleet not in the largest run [tokens/day]."""
    return h100e_inference * (1.0 - training_share) * tokens_per_second_per_h100e * SECONDS_PER_DAY


def h100e_years(h100e_monthly):
    """Integral of a monthly H100e series over the horizon [H100e·years]."""
    return np.asarray(h100e_monthly).sum(axis=-1) / 12.0
