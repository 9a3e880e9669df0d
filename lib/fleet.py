"""The fleet: stock from arrivals, retirements at end of life and failures meanwhile.

Shapes: ``T`` months, ``C`` chips, ``N`` Monte Carlo samples. Lever arguments are scalars or arrays
broadcasting over months. Stock = previous stock + arrivals − retirements holds exactly, per chip and
per channel sum (the orchestrator enforces it row by row).
"""

from __future__ import annotations

import numpy as np

MIN_RETIREMENT_SPREAD_MONTHS = 12.0  # [months] Assumption: a starting stock was bought over at least a year, so
                                     # it never retires in one month (which would make the fleet, and the gap, jump)


def monthly_survival(failure_rate):
    """Share of chips not failing in a month, from a yearly failure rate [share]."""
    return (1.0 - np.asarray(failure_rate, dtype=float)) ** (1.0 / 12.0)


def stock_by_month(flow, lifetime_months, monthly_survival):
    """Stock from arrivals when each chip retires at ``lifetime_months`` of age and fails at a constant rate,
    month-major: ``flow`` is (T, ..., N) [chips/month or H100e/month], one month per row.

    ``stock[t] = Σ_{t−L < t' ≤ t} flow[t'] · q^(t−t')``, as the scan ``stock[t] = q · stock[t−1] + flow[t] −
    q^L · flow[t−L]``: one step per month over every stream and sample at once.

    Parameters
    ----------
    flow : array (T, ...) [per month]
    lifetime_months : int, or int array (N,) matching flow's last axis [months], ≥ 1
    monthly_survival : q, share not failing per month: a float, or an array like lifetime_months [share]
    """
    flow = np.asarray(flow, dtype=float)
    T = flow.shape[0]
    L = np.asarray(lifetime_months)
    q = np.asarray(monthly_survival, dtype=float)
    net = flow.copy()                                                 # becomes the stock, month by month
    if L.ndim == 0:
        if int(L) < T:
            net[int(L):] -= (q ** int(L)) * flow[:T - int(L)]
    elif int(L.min()) < T:  # one lifetime per sample: month t − L of each sample, one flat gather for all streams
        first = int(L.min())                                          # no chip leaves before this month
        n = L.shape[0]
        row = flow[0].size                                            # values per month
        padded = np.concatenate([np.zeros(row), flow.reshape(-1)])    # month −1 is a row of zeros
        month = np.maximum(np.arange(first, T)[:, None] - L[None, :] + 1, 0)  # (T − first, N); 0: before the start
        source = (month * row)[:, None, :] + np.arange(row).reshape(-1, n)[None]
        leaving = np.take(padded, source.reshape(-1)).reshape((T - first,) + flow.shape[1:])
        leaving *= q ** L
        net[first:] -= leaving
    for month in range(1, T):
        net[month] += q * net[month - 1]
    return np.maximum(net, 0.0, out=net)


def survival_kernel_stock(arrivals, lifetime_months, monthly_survival):
    """``stock_by_month`` for arrivals laid out (..., T) [chips/month or H100e/month]: per chip, per sample."""
    arrivals = np.asarray(arrivals, dtype=float)
    flow = np.moveaxis(arrivals, -1, 0)
    L = np.asarray(lifetime_months)
    if L.ndim and flow.ndim == 2:  # (N, T) with one lifetime per sample
        return stock_by_month(flow, L, monthly_survival).T.copy()
    return np.moveaxis(stock_by_month(flow, L, monthly_survival), 0, -1).copy()


def initial_stock_survival(T, lifetime_years, mean_age_years, monthly_survival):
    """Share of the starting stock still in service at each month [share]: shape (T,) for scalars, (T, N)
    (month-major) for (N,) arrays.

    The starting stock retires evenly between (life − 2·age) and life years after the start
    (Assumption: ages spread evenly around their mean), over at least ``MIN_RETIREMENT_SPREAD_MONTHS``, and
    fails at the constant rate meanwhile.
    """
    life = np.asarray(lifetime_years, dtype=float) * 12.0
    spread = np.maximum(np.minimum(2.0 * np.asarray(mean_age_years, dtype=float) * 12.0, life),
                        MIN_RETIREMENT_SPREAD_MONTHS)
    q = np.asarray(monthly_survival, dtype=float)
    t = np.arange(T)[:, None] if max(life.ndim, spread.ndim, q.ndim) else np.arange(T)
    remaining = np.clip((life - t) / spread, 0.0, 1.0)
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
