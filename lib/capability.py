"""Capability: the largest run a cluster allows, the planned run and the runway, the frontier, the two gaps
(compute and capability), and inference capacity against demand.

Functions work on arrays (..., T) and scalars alike; lever arguments broadcast.

Years behind, both gaps
-----------------------
A gap in years is how many years of the frontier's trend growth separate two runs: ``log(frontier ÷ run) ÷
log(growth)``. While the frontier grows on its trend this is exactly "how long ago the frontier ran a run
this large", the lag Epoch reads off its charts [K72][K100]; once the frontier slows towards its feasibility
bound [K73] it stays continuous (a ratio cannot jump), and it shrinks as the follower grows. The compute gap
works on physical training compute [FLOP]; the capability gap on effective compute: physical compute times
algorithmic efficiency, which halves the compute a given performance needs every ``halving_months``
[K103]. The follower uses the frontier's methods ``catch_up_lag_months`` later [K75].
"""

from __future__ import annotations

import numpy as np

from .units import H100_PEAK_FLOPS, SECONDS_PER_DAY

FRONTIER_SATURATION = 2.0  # [1] Assumption: sharpness of the frontier's approach to its ceiling (a smooth minimum)
RUN_FLOOR_FLOP = 1e20      # [FLOP] Assumption: a run below this (a few hundred H100-days) counts as this, so a
                           # fleet that empties gives a finite gap (~8 years at 4.5×/yr from 1e26) instead of infinity


def largest_run_flop(cluster_h100e, mfu, run_window_days, share=1.0):
    """Largest training run a cluster can do in one run window [FLOP]: cluster [H100e] × peak × MFU × window."""
    return cluster_h100e * (H100_PEAK_FLOPS * SECONDS_PER_DAY * mfu * run_window_days * share)


def growth_path(value_at_zero, growth_per_year, months_from_zero):
    """value × growth^(months/12) [same unit as value]."""
    return value_at_zero * np.asarray(growth_per_year, dtype=float) ** (np.asarray(months_from_zero) / 12.0)


def frontier_trend_flop(anchor_flop, growth_per_year, months_from_anchor):
    """The frontier's trend: the anchor run growing at ``growth_per_year`` [FLOP]."""
    return growth_path(anchor_flop, growth_per_year, months_from_anchor)


def frontier_flop(anchor_flop, growth_per_year, ceiling_flop, months_from_anchor, sharpness=FRONTIER_SATURATION):
    """The frontier's largest run [FLOP]: the trend, slowing smoothly as it nears the feasibility ceiling.

    ``trend ÷ (1 + (trend ÷ ceiling)^k)^(1/k)``, a smooth minimum of trend and ceiling: growth is 90% of the
    trend's when the trend is a third of the ceiling, half when it reaches it, and the frontier never passes
    the ceiling. Epoch's 4–5×/yr and its ~2e29 FLOP feasible by 2030 cannot both hold through 2030; the
    model follows the trend and bends towards the ceiling [K72][K73] (Assumption: the shape of the bend).
    """
    trend = frontier_trend_flop(anchor_flop, growth_per_year, months_from_anchor)
    k = float(sharpness)
    return trend / (1.0 + (trend / ceiling_flop) ** k) ** (1.0 / k)


def log_frontier_ratio(largest_run, frontier_run):
    """log(frontier ÷ run), the run floored at ``RUN_FLOOR_FLOP`` [1]: what both gaps read."""
    run = np.maximum(np.asarray(largest_run, dtype=float), RUN_FLOOR_FLOP)
    return np.log(np.asarray(frontier_run, dtype=float) / run)


def compute_gap_from_log_ratio(log_ratio, growth_per_year):
    """The compute gap from ``log_frontier_ratio`` [years]."""
    return np.maximum(log_ratio * (1.0 / np.log(np.asarray(growth_per_year, dtype=float))), 0.0)


def compute_gap_years(largest_run, frontier_run, growth_per_year):
    """Years behind the frontier in physical compute: log(frontier ÷ run) ÷ log(trend growth), at least 0 [years].

    A run at or above the frontier is 0 years behind; a run below ``RUN_FLOOR_FLOP`` counts as the floor.
    """
    return compute_gap_from_log_ratio(log_frontier_ratio(largest_run, frontier_run), growth_per_year)


def frontier_gap_years(largest_run, frontier_run, anchor_flop=None, growth_per_year=4.5, months_from_anchor=None):
    """Model 2.0's name for the compute gap, kept for callers: the same number as ``compute_gap_years`` [years]."""
    return compute_gap_years(largest_run, frontier_run, growth_per_year)


def algorithmic_growth_per_year(halving_months):
    """Yearly growth of algorithmic efficiency when the compute a performance needs halves every
    ``halving_months`` [× per year]: 8 months gives 2^(12/8) ≈ 2.83 [K103]."""
    return 2.0 ** (12.0 / np.asarray(halving_months, dtype=float))


def capability_gap_years(largest_run, frontier_run, growth_per_year, halving_months, catch_up_lag_months):
    """Years behind the frontier in effective compute (physical × algorithmic efficiency) [years].

    The frontier's effective compute grows at trend growth × algorithmic growth; the follower's algorithms
    are the frontier's of ``catch_up_lag_months`` ago. With ``r = log(frontier ÷ run)``, ``f = log(growth)``
    and ``a = log(algorithmic growth)``: gap = (r + a × lag/12) ÷ (f + a), at least 0. It equals the compute
    gap when the lag equals the compute gap, and is smaller when the lag is shorter: the follower runs
    frontier-grade methods on less compute.
    """
    return capability_gap_from_log_ratio(log_frontier_ratio(largest_run, frontier_run), growth_per_year,
                                         halving_months, catch_up_lag_months)


def capability_gap_from_log_ratio(log_ratio, growth_per_year, halving_months, catch_up_lag_months):
    """The capability gap from ``log_frontier_ratio`` [years] (see ``capability_gap_years``)."""
    f = np.log(np.asarray(growth_per_year, dtype=float))
    a = np.log(algorithmic_growth_per_year(halving_months))
    lag_years = np.asarray(catch_up_lag_months, dtype=float) / 12.0
    return np.maximum((log_ratio + a * lag_years) * (1.0 / (f + a)), 0.0)


def runway_months(planned_run, largest_run, axis=-1):
    """Months from the start until the planned run first exceeds the largest feasible run.

    0 if it does not fit at the start; T (the horizon's length) if it always fits. Months run along ``axis``.
    """
    fails = np.asarray(planned_run) > np.asarray(largest_run)
    T = fails.shape[axis]
    first = np.argmax(fails, axis=axis)
    return np.where(fails.any(axis=axis), first, T)


def inference_tokens_per_day(h100e_inference, training_share, tokens_per_second_per_h100e):
    """Decode tokens per day served by the owned fleet not kept for training [tokens/day]."""
    return h100e_inference * (1.0 - training_share) * tokens_per_second_per_h100e * SECONDS_PER_DAY


def h100e_years(h100e_monthly):
    """Integral of a monthly H100e series over the horizon [H100e·years]."""
    return np.asarray(h100e_monthly).sum(axis=-1) / 12.0
