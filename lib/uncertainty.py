"""Monte Carlo, the tornado and goal-seek.

Randomness has one entry point: ``np.random.default_rng(seed)`` in ``run_monte_carlo``, passed down.

``simulate`` evaluates the same mechanisms as ``lib.run`` for N lever sets at once, month by month,
on aggregate series (H100e, chips), so that memory stays bounded whatever the sample count and span:
it keeps the current stocks, a ring buffer of recent domestic arrivals (everything else that leaves
the fleet at end of life is recomputed from its month), and one block of months of each series at a
time. Quantiles are exact: each month's quantiles are taken over all N samples of that month, and the
block size does not change a single value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .catalog import DIE_SITES_PER_WAFER
from .errors import ScenarioError, suggest
from .gate import excerpt, parse_number
from .levers import LEVERS, POLICY_LEVERS, UNCERTAIN_LEVERS, get_lever
from .model import SUMMARY_KEYS, Compiled, compile_scenario, foreign_for_pattern, run
from .scenario import Scenario
from .units import H100_PEAK_FLOPS, SECONDS_PER_DAY

QUANTILES = {"p10": 0.10, "p50": 0.50, "p90": 0.90}
SERIES = ("h100e_training", "h100e_inference", "largest_run_flop", "frontier_gap_years", "remote_access_h100e",
          "h100e_arriving_licensed", "h100e_arriving_smuggled", "h100e_arriving_domestic", "inference_tokens_per_day")
NATIONAL_SERIES = ("national_output", "huawei_output")
PER_PATTERN_SERIES = ("h100e_arriving_licensed", "h100e_arriving_smuggled")
HEADLINE_SAMPLES = 300         # [samples] the small Monte Carlo (seed 0) behind the headline's ranges, on the page
                               # and in the brief alike, so both quote the same p10–p90
MAX_SAMPLES = 50_000           # [samples] the CLI's maximum: the process stays under 300 MB at any span (measured)
BLOCK_MONTHS = 12              # [months] months of series held at once before their quantiles are taken
NUMERIC_SUMMARY = tuple(k for k in SUMMARY_KEYS if k not in ("runway_beyond_horizon", "runway_end_month",
                                                             "domestic_binding_end", "months", "reading_year"))


# ---- drawing ----------------------------------------------------------------------------------------

def lever_range(scenario: Scenario, name: str, ranges: dict | None = None) -> tuple[float, float]:
    """Low and high values of an uncertain lever around the scenario's value, clipped to its range."""
    lever = LEVERS[name]
    if ranges and name in ranges:
        low, high = ranges[name]
        return lever.clamp(min(low, high)), lever.clamp(max(low, high))
    u = lever.uncertainty
    current = scenario.lever(name)
    if u.kind == "relative":
        low, high = current * u.low, current * u.high
    else:
        low, high = current + u.low, current + u.high
    low, high = lever.clamp(low), lever.clamp(high)
    if lever.integer:
        low, high = math.ceil(low), math.floor(high)
    return low, high


def draw(scenario: Scenario, samples: int, rng: np.random.Generator, ranges: dict | None = None) -> dict:
    """Draw every uncertain lever; the others stay at the scenario's value. Returns lever → (N,) array."""
    # Levers that are not drawn are read-only views of one number: no memory per sample.
    values = {name: np.broadcast_to(np.float64(scenario.lever(name)), (samples,)) for name in LEVERS}
    for name in UNCERTAIN_LEVERS:
        low, high = lever_range(scenario, name, ranges)
        mode = min(max(scenario.lever(name), low), high)
        if high <= low:
            values[name] = np.full(samples, low)
        elif LEVERS[name].uncertainty.distribution == "loguniform" and low > 0:
            values[name] = np.exp(rng.uniform(math.log(low), math.log(high), samples))
        else:
            values[name] = rng.triangular(low, mode, high, samples)
        if LEVERS[name].integer:
            values[name] = np.round(values[name])
    return values


# ---- the vectorised projection -------------------------------------------------------------------------

def exact_quantiles(block: np.ndarray) -> np.ndarray:
    """Exact linear-interpolation quantiles (numpy's default method) along the last axis of a 2-D block that
    the caller owns: partitioned in place, no copy. Returns (3, rows) in ``QUANTILES`` order."""
    n = block.shape[1]
    positions = [q * (n - 1) for q in QUANTILES.values()]
    lows = [int(math.floor(p)) for p in positions]
    kth = sorted({k for low in lows for k in (low, min(low + 1, n - 1))})
    block.partition(kth, axis=1)
    out = np.empty((len(positions), block.shape[0]))
    for i, (pos, low) in enumerate(zip(positions, lows)):
        a, b = block[:, low], block[:, min(low + 1, n - 1)]
        frac = pos - low
        out[i] = a + (b - a) * frac if frac < 0.5 else b - (b - a) * (1.0 - frac)
    return out


class _Quantiles:
    """Collects one block of months of each series and keeps only their quantiles."""

    def __init__(self, names, block: int, n: int):
        self.names = tuple(names)
        self.block = max(1, int(block))
        self.buffer = np.empty((len(self.names), self.block, n))
        self.filled = 0
        self.done = []

    def add(self, row: dict):
        for i, name in enumerate(self.names):
            self.buffer[i, self.filled] = row[name]
        self.filled += 1
        if self.filled == self.block:
            self.flush()

    def flush(self):
        if self.filled:
            part = self.buffer[:, :self.filled].reshape(len(self.names) * self.filled, -1)
            self.done.append(exact_quantiles(part).reshape(len(QUANTILES), len(self.names), self.filled))
            self.filled = 0

    def result(self) -> dict:
        self.flush()
        if not self.done:
            return {}
        joined = np.concatenate(self.done, axis=2)
        return {name: {label: joined[j, i].copy() for j, label in enumerate(QUANTILES)}
                for i, name in enumerate(self.names)}


def simulate(scenario: Scenario, compiled: Compiled, values: dict, *, collect: bool = True,
             block_months: int = BLOCK_MONTHS) -> tuple[dict, dict, dict]:
    """Evaluate the projection for N lever sets at once, month by month.

    Parameters
    ----------
    values : lever name → (N,) array [lever units]
    collect : also take per-month quantiles of ``SERIES`` and ``NATIONAL_SERIES``

    Returns
    -------
    per_sample : summary key → (N,) array (the numeric keys of ``lib.run``'s summary)
    monthly : series → {"p10", "p50", "p90"} arrays over the scenario's months (empty unless ``collect``)
    national : series → quantiles over the national months from 2023 (empty unless ``collect``)
    """
    c = compiled
    v = {name: np.asarray(x, dtype=float).reshape(-1) for name, x in values.items()}
    N = max(len(x) for x in v.values())
    v = {name: np.broadcast_to(x, (N,)) for name, x in v.items()}
    K, T = c.buy_count, len(c.months)
    nat = c.national
    M, offset = len(nat.labels), nat.offset
    dom = c.is_domestic
    idx = np.arange(N)

    # Foreign flows per month pattern, collapsed to what the fleet and the summary need.
    # Totals over the horizon are per-pattern values times the number of months each pattern holds.
    U = len(c.patterns)
    pattern = c.month_pattern
    months_in = np.bincount(pattern, minlength=U).astype(float)
    f_train, f_infer, f_units = np.zeros((U, N)), np.zeros((U, N)), np.zeros((U, N))
    lic_train, smug_train = np.zeros((U, N)), np.zeros((U, N))
    acc = {k: np.zeros(N) for k in ("h100e_years_total", "arrivals_licensed_total", "arrivals_smuggled_total",
                                    "arrivals_domestic_total", "h100e_licensed_total", "h100e_smuggled_total",
                                    "h100e_domestic_total", "spend_usd_total", "national_output_total",
                                    "national_output_since_2023")}
    for u in range(U):
        lic, smug, cost = foreign_for_pattern(c, u, v)
        lic_train[u], smug_train[u] = lic @ c.train_rel[:K], smug @ c.train_rel[:K]
        f_train[u] = lic_train[u] + smug_train[u]
        f_infer[u] = (lic + smug) @ c.infer_rel[:K]
        f_units[u] = lic.sum(axis=1) + smug.sum(axis=1)
        acc["arrivals_licensed_total"] += months_in[u] * lic.sum(axis=1)
        acc["arrivals_smuggled_total"] += months_in[u] * smug.sum(axis=1)
        acc["h100e_licensed_total"] += months_in[u] * lic_train[u]
        acc["h100e_smuggled_total"] += months_in[u] * smug_train[u]
        acc["spend_usd_total"] += months_in[u] * cost
        del lic, smug, cost
    remote_weight = np.where(c.remote >= 0, c.train_rel[np.maximum(c.remote, 0)], 0.0)   # (U,) H100e per rented chip
    remote_on = (c.remote >= 0).astype(float)

    # Deterministic per-month weights: fixed deliveries and the domestic mix.
    fixed = c.fixed_deliveries
    fix_f_train, fix_d_train = c.train_rel[~dom] @ fixed[~dom], c.train_rel[dom] @ fixed[dom]
    fix_f_infer, fix_d_infer = c.infer_rel[~dom] @ fixed[~dom], c.infer_rel[dom] @ fixed[dom]
    fix_units, fix_dom_units = fixed.sum(axis=0), fixed[dom].sum(axis=0)
    mix_train, mix_infer, mix_units = c.train_rel[dom] @ c.mix[dom], c.infer_rel[dom] @ c.mix[dom], c.mix[dom].sum(axis=0)
    mix_price = c.price[dom] @ c.mix[dom]
    init_f_train, init_d_train = float(c.initial[~dom] @ c.train_rel[~dom]), float(c.initial[dom] @ c.train_rel[dom])
    init_f_infer, init_d_infer = float(c.initial[~dom] @ c.infer_rel[~dom]), float(c.initial[dom] @ c.infer_rel[dom])
    init_units = float(c.initial.sum())

    st, si = v["training_substitution"], v["inference_substitution"]
    q = (1.0 - v["failure_rate"]) ** (1.0 / 12.0)
    life_m = np.maximum(1, np.round(v["lifetime_years"] * 12)).astype(int)
    qL = q ** life_m
    life = v["lifetime_years"] * 12.0
    spread = np.maximum(np.minimum(2.0 * v["initial_stock_age_years"] * 12.0, life), 1.0)
    ring_len = int(max(1, min(T, life_m.max())))
    ring = np.zeros((ring_len, N))                      # domestic arrivals of recent months [chips/month]
    run_factor = H100_PEAK_FLOPS * v["mfu"] * v["run_window_days"] * SECONDS_PER_DAY * v["training_share"]
    token_factor = (1.0 - v["training_share"]) * v["tokens_per_second_per_h100e"] * SECONDS_PER_DAY
    log_frontier_growth = np.log(v["frontier_growth"])
    log_anchor = np.log(v["frontier_anchor_flop"])

    # National inputs.
    from .domestic import NationalState
    state = NationalState(N, v["stock_draw_months"])
    wafers = v["logic_wafers_per_month"] * DIE_SITES_PER_WAFER * v["logic_yield"]
    log_wafer_growth, log_hbm_growth = np.log(v["logic_wafer_growth"]), np.log(v["domestic_hbm_growth"])
    after_control = v["hbm_imports_after_control"] / 12.0
    domestic_hbm = v["domestic_hbm_stacks_per_year"] / 12.0

    S_train, S_infer, S_units = np.zeros(N), np.zeros(N), np.zeros(N)
    R_train, R_units = np.zeros(N), np.zeros(N)
    runway = np.full(N, T)
    inference_runway = np.full(N, T)
    record: dict = {}
    reading_last = max(i for i, label in enumerate(c.labels) if int(label[:4]) == scenario.reading_year)
    # Decode capacity is the inference fleet times a factor no uncertain lever moves (unless ranges say so):
    # then its quantiles are the fleet's, scaled, and need no sort of their own.
    tokens_scaled = bool(np.ptp(token_factor) == 0 and token_factor[0] > 0)
    skip = PER_PATTERN_SERIES + (("inference_tokens_per_day",) if tokens_scaled else ())
    per_month_series = tuple(n for n in SERIES if n not in skip)
    # Hold at most ~2M numbers of series at once (16 MB), fewer months per block for many samples.
    block_months = max(1, min(int(block_months), 2_000_000 // (len(per_month_series) * N)))
    quant = _Quantiles(per_month_series, block_months, N) if collect else None
    national_quant = _Quantiles(("national_output",), block_months, N) if collect else None
    supply, growth = v["domestic_supply"] / 12.0, np.log(v["domestic_growth"])
    share = v["national_share"]

    for m in range(M):
        smic = wafers * np.exp(log_wafer_growth * nat.wafer_years[m])
        hbm = v["hbm_imports_per_month"] * nat.pre_control[m] + after_control * nat.post_control[m]
        if nat.domestic_hbm_on[m]:
            hbm = hbm + domestic_hbm * np.exp(log_hbm_growth * nat.domestic_hbm_years[m])
        made = state.step(smic, v["die_bank_dies"], hbm, float(nat.dies_per_package[m]),
                          float(nat.stacks_per_package[m]), bool(nat.bank_open[m]),
                          v["hbm_front_running_stacks"] * nat.surge_month[m])
        if collect:
            national_quant.add({"national_output": made})
        acc["national_output_since_2023"] += made
        t = m - offset
        if t < 0:
            continue
        acc["national_output_total"] += made
        domestic = np.minimum(supply * np.exp(growth * (t / 12.0)), share * made)
        p = pattern[t]
        a_train = f_train[p] + fix_f_train[t] + (fix_d_train[t] + domestic * mix_train[t]) / st
        a_infer = f_infer[p] + fix_f_infer[t] + (fix_d_infer[t] + domestic * mix_infer[t]) / si
        a_units = f_units[p] + fix_units[t] + domestic * mix_units[t]
        r_add = v["remote_access"] / 12.0 * remote_on[p]
        # What leaves at end of life: the arrivals of month t − L, recomputed (only domestic ones are stored).
        gone = t - life_m
        if (gone >= 0).any():
            valid = (gone >= 0).astype(float)
            d = np.maximum(gone, 0)
            pd_ = pattern[d]
            old_dom = ring[d % ring_len, idx] * valid
            dep_train = (f_train[pd_, idx] + fix_f_train[d]) * valid + (fix_d_train[d] * valid + old_dom * mix_train[d]) / st
            dep_infer = (f_infer[pd_, idx] + fix_f_infer[d]) * valid + (fix_d_infer[d] * valid + old_dom * mix_infer[d]) / si
            dep_units = (f_units[pd_, idx] + fix_units[d]) * valid + old_dom * mix_units[d]
            r_dep = v["remote_access"] / 12.0 * remote_on[pd_] * valid
            S_train = q * S_train + a_train - qL * dep_train
            S_infer = q * S_infer + a_infer - qL * dep_infer
            S_units = q * S_units + a_units - qL * dep_units
            R_train = q * R_train + r_add * remote_weight[p] - qL * r_dep * remote_weight[pd_]
            R_units = q * R_units + r_add - qL * r_dep
        else:
            S_train, S_infer, S_units = q * S_train + a_train, q * S_infer + a_infer, q * S_units + a_units
            R_train, R_units = q * R_train + r_add * remote_weight[p], q * R_units + r_add
        ring[t % ring_len] = domestic  # after reading month t − L, which may share its slot
        s0 = np.clip((life - t) / spread, 0.0, 1.0) * q ** t
        h_train = np.maximum(S_train, 0.0) + (init_f_train + init_d_train / st) * s0
        h_infer = np.maximum(S_infer, 0.0) + (init_f_infer + init_d_infer / si) * s0
        units = np.maximum(S_units, 0.0) + init_units * s0
        remote_h = np.maximum(R_train, 0.0)
        largest = (h_train + remote_h) * run_factor
        planned = v["planned_run_flop"] * v["demand_growth"] ** (t / 12.0)
        frontier_offset = c.frontier_offset[t]
        frontier = np.minimum(np.exp(log_anchor + log_frontier_growth * frontier_offset / 12.0),
                              v["frontier_ceiling_flop"])
        run_ = np.maximum(largest, 1.0)
        gap = np.where(run_ >= frontier, 0.0,
                       np.maximum(frontier_offset / 12.0 - (np.log(run_) - log_anchor) / log_frontier_growth, 0.0))
        tokens = h_infer * token_factor
        demand = v["inference_demand_tokens_per_day"] * v["inference_demand_growth"] ** (t / 12.0)
        runway = np.where((runway == T) & (planned > largest), t, runway)
        inference_runway = np.where((inference_runway == T) & (demand > tokens), t, inference_runway)
        acc["h100e_years_total"] += (h_train + remote_h) / 12.0
        acc["arrivals_domestic_total"] += domestic * mix_units[t] + fix_dom_units[t]
        acc["h100e_domestic_total"] += domestic * mix_train[t] / st
        acc["spend_usd_total"] += domestic * mix_price[t]
        now = {"h100e_training": h_train, "h100e_inference": h_infer, "largest_run_flop": largest,
               "frontier_gap_years": gap, "remote_access_h100e": remote_h, "h100e_arriving_licensed": lic_train[p],
               "h100e_arriving_smuggled": smug_train[p], "h100e_arriving_domestic": domestic * mix_train[t] / st,
               "inference_tokens_per_day": tokens}
        if collect:
            quant.add(now)
        if t == 0:
            record["start"] = dict(now, units=units, planned=planned, frontier=frontier)
        if t == reading_last:
            record["reading"] = dict(now)
        if t == T - 1:
            record["end"] = dict(now, units=units, planned=planned, frontier=frontier, demand=demand, remote_units=R_units)

    start, end, reading = record["start"], record["end"], record["reading"]
    per_sample = {
        "runway_months": runway.astype(float),
        "h100e_start": start["h100e_training"], "h100e_end": end["h100e_training"],
        "h100e_inference_start": start["h100e_inference"], "h100e_inference_end": end["h100e_inference"],
        "largest_run_flop_start": start["largest_run_flop"], "largest_run_flop_end": end["largest_run_flop"],
        "planned_run_flop_end": np.broadcast_to(end["planned"], (N,)),
        "frontier_flop_end": np.broadcast_to(end["frontier"], (N,)),
        "frontier_gap_years_start": start["frontier_gap_years"], "frontier_gap_years_end": end["frontier_gap_years"],
        "inference_tokens_per_day_end": end["inference_tokens_per_day"],
        "stock_units_start": start["units"], "stock_units_end": end["units"],
        "arrivals_foreign_total": acc["arrivals_licensed_total"] + acc["arrivals_smuggled_total"],
        "arrivals_leaked_total": acc["arrivals_smuggled_total"],
        "remote_access_chips_end": np.maximum(end["remote_units"], 0.0), "remote_access_h100e_end": end["remote_access_h100e"],
        "h100e_reading": reading["h100e_training"], "frontier_gap_years_reading": reading["frontier_gap_years"],
        "largest_run_flop_reading": reading["largest_run_flop"],
        "inference_runway_months": inference_runway.astype(float),
        "inference_coverage_end": np.where(end["demand"] > 0, end["inference_tokens_per_day"] / end["demand"], 0.0),
        "arrivals_ordered_total": np.full(N, float(fix_units.sum())),
        **acc,
    }
    per_sample = {k: np.asarray(per_sample[k], dtype=float) for k in NUMERIC_SUMMARY}
    if not collect:
        return per_sample, {}, {}
    monthly = quant.result()
    # Flows that depend on the month only through its rule pattern: quantiles once per pattern, then spread.
    for name, by_pattern in (("h100e_arriving_licensed", lic_train), ("h100e_arriving_smuggled", smug_train)):
        q = exact_quantiles(np.stack(by_pattern))
        monthly[name] = {label: q[i][pattern].copy() for i, label in enumerate(QUANTILES)}
    if tokens_scaled:
        monthly["inference_tokens_per_day"] = {k: q * token_factor[0] for k, q in monthly["h100e_inference"].items()}
    monthly = {name: monthly[name] for name in SERIES}
    national = national_quant.result()
    # Huawei's output is national output times a fixed share per month; quantiles commute with that factor.
    national["huawei_output"] = {k: q * nat.huawei_share for k, q in national["national_output"].items()}
    return per_sample, monthly, national


# ---- Monte Carlo --------------------------------------------------------------------------------

@dataclass(frozen=True)
class MonteCarloResult:
    """Quantiles per month and per summary key, and event probabilities."""

    samples: int
    seed: int
    months: tuple
    monthly: dict        # series → {"p10", "p50", "p90"} over the scenario's months
    summary: dict        # key → {"p10", "p50", "p90", "mean"}
    probabilities: dict  # event → probability [share]
    national_months: tuple = ()
    national: dict = None  # series → quantiles over the national months from 2023

    def quantiles_frame(self) -> pd.DataFrame:
        data = {"month": pd.to_datetime(np.array(self.months), format="%Y-%m")}
        for series, qs in self.monthly.items():
            for q, values in qs.items():
                data[f"{series}_{q}"] = values
        return pd.DataFrame(data)


def check_samples(samples, maximum: int = MAX_SAMPLES) -> int:
    number, _ = parse_number(samples, "samples", 1, maximum, integer=True)
    return int(number)


def run_monte_carlo(scenario: Scenario, samples: int = 2_000, seed: int = 0, ranges: dict | None = None, *,
                    block_months: int = BLOCK_MONTHS) -> MonteCarloResult:
    """Draw the uncertain levers ``samples`` times and project them all at once.

    Parameters
    ----------
    samples : number of draws, 1 to ``MAX_SAMPLES``
    seed : seed of ``np.random.default_rng``; the same seed gives the same output, whatever ``block_months``
    ranges : optional lever → (low, high) overriding the default uncertainty ranges
    block_months : months of series held in memory at once [months]; changes memory, never a value
    """
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)):
        raise ScenarioError(f"samples: {excerpt(samples)} is not allowed; allowed: a whole number from 1 to {MAX_SAMPLES:,}")
    samples = check_samples(int(samples))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not (0 <= seed < 2**63):
        raise ScenarioError(f"seed: {excerpt(seed)} is not allowed; allowed: a whole number from 0 to 2^63-1")
    for name in ranges or {}:
        if name not in UNCERTAIN_LEVERS:
            raise ScenarioError(f"ranges: {excerpt(name)} is not an uncertain lever{suggest(str(name), UNCERTAIN_LEVERS)}; "
                                f"allowed: {', '.join(UNCERTAIN_LEVERS)}")
    rng = np.random.default_rng(seed)
    compiled = compile_scenario(scenario)
    values = draw(scenario, samples, rng, ranges)
    per_sample, monthly, national = simulate(scenario, compiled, values, block_months=block_months)
    levels = list(QUANTILES.values())
    summary = {}
    for key, arr in per_sample.items():
        qs = np.quantile(arr, levels)
        summary[key] = {**{label: float(qs[i]) for i, label in enumerate(QUANTILES)}, "mean": float(arr.mean())}
    runway = per_sample["runway_months"]
    T = len(compiled.months)
    gap_reading = per_sample["frontier_gap_years_reading"]
    probabilities = {
        "runway_under_12_months": float((runway < 12).mean()),
        "runway_under_24_months": float((runway < 24).mean()),
        "runway_beyond_horizon": float((runway >= T).mean()),
        "frontier_gap_end_at_least_2_years": float((per_sample["frontier_gap_years_end"] >= 2).mean()),
        "frontier_gap_end_at_least_5_years": float((per_sample["frontier_gap_years_end"] >= 5).mean()),
        "frontier_gap_reading_at_least_1_year": float((gap_reading >= 1).mean()),
        "frontier_gap_reading_at_least_2_years": float((gap_reading >= 2).mean()),
    }
    return MonteCarloResult(samples=samples, seed=int(seed), months=compiled.labels, monthly=monthly, summary=summary,
                            probabilities=probabilities, national_months=compiled.national.labels, national=national)


# ---- sensitivity --------------------------------------------------------------------------------

TORNADO_OUTPUTS = ("runway_months", "h100e_end", "h100e_years_total", "frontier_gap_years_reading",
                   "h100e_inference_end", "largest_run_flop_end", "frontier_gap_years_end", "inference_tokens_per_day_end",
                   "inference_runway_months", "stock_units_end")


def _check_output(output) -> str:
    if output not in TORNADO_OUTPUTS:
        raise ScenarioError(f"output: {excerpt(output)} is not allowed{suggest(str(output), TORNADO_OUTPUTS)}; "
                            f"allowed: {', '.join(TORNADO_OUTPUTS)}")
    return output


def tornado(scenario: Scenario, output: str = "h100e_end", kind: str = "uncertain") -> pd.DataFrame:
    """Swing each lever from low to high, the others held at the scenario's values.

    ``kind`` ``"uncertain"`` swings the uncertain levers over their uncertainty ranges (one vectorised
    projection); ``"policy"`` swings the policy levers over their plausible policy ranges (each a full
    run, since thresholds change which chips are controlled). Returns one row per lever, sorted by the
    size of the swing; ``frame.attrs["base"]`` holds the base output.
    """
    _check_output(output)
    if kind not in ("uncertain", "policy"):
        raise ScenarioError(f"kind: {excerpt(kind)} is not allowed; allowed: uncertain, policy")
    rows, bounds = [], {}
    if kind == "uncertain":
        names = list(UNCERTAIN_LEVERS)
        n = 1 + 2 * len(names)
        values = {name: np.full(n, scenario.lever(name)) for name in LEVERS}
        for i, name in enumerate(names):
            low, high = lever_range(scenario, name)
            bounds[name] = (low, high)
            values[name][1 + 2 * i], values[name][2 + 2 * i] = low, high
        outputs = simulate(scenario, compile_scenario(scenario), values, collect=False)[0][output]
        base = float(outputs[0])
        swings = {name: (float(outputs[1 + 2 * i]), float(outputs[2 + 2 * i])) for i, name in enumerate(names)}
    else:
        names = list(POLICY_LEVERS)
        base = _summary_value(scenario, output)
        swings = {}
        for name in names:
            low, high = LEVERS[name].policy_range
            bounds[name] = (low, high)
            swings[name] = (_summary_value(scenario.with_levers(**{name: low}), output),
                            _summary_value(scenario.with_levers(**{name: high}), output))
    for name in names:
        low_out, high_out = swings[name]
        rows.append({"lever": name, "label": LEVERS[name].label, "unit": LEVERS[name].unit, "kind": kind,
                     "low_value": bounds[name][0], "high_value": bounds[name][1],
                     "output_at_low": low_out, "output_at_high": high_out,
                     "change_at_low": low_out - base, "change_at_high": high_out - base,
                     "swing": abs(high_out - low_out)})
    frame = pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    frame.attrs["base"] = base
    frame.attrs["output"] = output
    frame.attrs["kind"] = kind
    return frame


def _summary_value(scenario: Scenario, key: str) -> float:
    return float(run(scenario).summary[key])


# ---- goal-seek ----------------------------------------------------------------------------------

SOLVE_LEVERS = ("tpp_threshold", "density_threshold", "case_by_case_tpp_below", "leakage", "approval_share",
                "import_budget", "remote_access", "hbm_imports_after_control")
TARGET_KEYS = {  # target key → capability column (None: a whole-run figure read from the summary)
    "frontier_gap_years": "frontier_gap_years", "runway_months": None, "h100e": "h100e_training",
    "h100e_training": "h100e_training", "h100e_inference": "h100e_inference", "largest_run_flop": "largest_run_flop",
    "inference_tokens_per_day": "inference_tokens_per_day",
    **{key: None for key in SUMMARY_KEYS if key in NUMERIC_SUMMARY and key != "runway_months"},
}
_TARGET_RE = re.compile(r"\s*([a-z0-9_]{1,60})\s*(>=|<=)\s*([-+0-9.eE]{1,40})\s*", re.ASCII)


def parse_target(text) -> tuple[str, str, float]:
    """'frontier_gap_years>=3' → ('frontier_gap_years', '>=', 3.0). Summary keys are accepted too
    ('frontier_gap_years_end>=3')."""
    match = _TARGET_RE.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ScenarioError(f"--target: {excerpt(text)} is not allowed; allowed: KEY>=VALUE or KEY<=VALUE with KEY "
                            f"a series ({', '.join(k for k, v in TARGET_KEYS.items() if v)}) or a summary key")
    key, op, value = match.groups()
    if key not in TARGET_KEYS:
        raise ScenarioError(f"--target: key {excerpt(key)} is unknown{suggest(key, TARGET_KEYS)}; "
                            f"allowed: {', '.join(TARGET_KEYS)}")
    number, _ = parse_number(value, "--target value", -1e300, 1e300)
    return key, op, number


def _metric(scenario: Scenario, key: str, year: int | None) -> float:
    result = run(scenario)
    column = TARGET_KEYS[key]
    if column is None:
        return float(result.summary[key])
    frame = result.capability
    if year is None:
        return float(frame[column].iloc[-1])
    rows = frame[frame["month"].dt.year == year]
    return float(rows[column].iloc[-1])


def solve(scenario: Scenario, lever_name: str, target: tuple[str, str, float], year: int | None = None,
          iterations: int = 50) -> dict:
    """Find the value of a lever at which the target is just met, by bisection on a monotone output.

    Returns a dict with ``achievable``, ``value`` (the boundary value that meets the target), ``direction``
    (values ``<=`` or ``>=`` it also meet it), the metric there, and a plain message. When no value in the
    lever's range meets the target, says so and gives the best value reachable. The value returned always
    meets the target when applied as it is (checked).
    """
    lever = get_lever(lever_name, "--lever")
    if lever.name not in SOLVE_LEVERS:
        raise ScenarioError(f"--lever: {excerpt(lever_name)} is not allowed; allowed: {', '.join(SOLVE_LEVERS)}")
    key, op, goal = target
    if year is not None:
        first, last = int(scenario.start[:4]), int(scenario.horizon[:4])
        if isinstance(year, bool) or not (first <= int(year) <= last):
            raise ScenarioError(f"--year: {excerpt(year)} is outside the scenario; allowed: {first} to {last}")
        if TARGET_KEYS[key] is None:
            year = None  # a whole-run figure
    ok = (lambda m: m >= goal) if op == ">=" else (lambda m: m <= goal)  # noqa: E731
    f = lambda x: _metric(scenario.with_levers(**{lever.name: x}), key, year)  # noqa: E731
    lo, hi = lever.minimum, lever.maximum
    f_lo, f_hi = f(lo), f(hi)
    when = f" in {year}" if year else " at the horizon" if TARGET_KEYS[key] else ""
    goal_text = f"{key} {op} {goal:g}{when}"
    range_text = f"[{lo:g}, {hi:g}]"
    if not ok(f_lo) and not ok(f_hi):
        best_x, best_m = (lo, f_lo) if (f_lo >= f_hi) == (op == ">=") else (hi, f_hi)
        return {"achievable": False, "lever": lever.name, "target": goal_text, "value": None, "direction": None,
                "best_value": best_x, "best_metric": best_m,
                "message": f"no value of {lever.name} in {range_text} achieves {goal_text}; the best reachable is "
                           f"{key} = {best_m:.4g} at {lever.name} = {best_x:g}"}
    if ok(f_lo) and ok(f_hi):
        return {"achievable": True, "lever": lever.name, "target": goal_text, "value": hi, "direction": "any",
                "metric_at_value": f_hi, "message": f"every value of {lever.name} in {range_text} achieves {goal_text}"}
    good, bad = (lo, hi) if ok(f_lo) else (hi, lo)
    f_good = f_lo if ok(f_lo) else f_hi
    for _ in range(iterations):
        mid = (good + bad) / 2
        if lever.log_scale and good > 0 and bad > 0:
            mid = math.sqrt(good * bad)
        f_mid = f(mid)
        if ok(f_mid):
            good, f_good = mid, f_mid
        else:
            bad = mid
        if abs(good - bad) <= max(lever.step / 100, abs(good) * 1e-9):
            break
    direction = "<=" if good < bad else ">="
    if lever.integer:
        good = math.floor(good) if direction == "<=" else math.ceil(good)
        f_good = f(good)
    return {"achievable": True, "lever": lever.name, "target": goal_text, "value": good, "direction": direction,
            "metric_at_value": f_good,
            "message": f"{lever.name} {direction} {good:.6g} achieves {goal_text} ({key} = {f_good:.4g} there; "
                       f"lever range {range_text})"}


def meets(scenario: Scenario, lever_name: str, value: float, target: tuple, year: int | None = None) -> bool:
    """Does ``lever = value`` meet the target? (used to check a snapped value before applying it)."""
    key, op, goal = target
    year = None if TARGET_KEYS[key] is None else year
    metric = _metric(scenario.with_levers(**{lever_name: value}), key, year)
    return metric >= goal if op == ">=" else metric <= goal


def applicable_value(scenario: Scenario, answer: dict, target: tuple, year: int | None = None) -> float | None:
    """A value a control can hold that still meets the target: goal-seek's boundary moved onto the lever's step
    grid (4 significant digits for log levers) on the side that meets the target, then checked, and moved one
    step further if needed. None when no such value is found within 20 steps."""
    if not answer.get("achievable") or answer.get("value") is None or answer.get("direction") not in ("<=", ">="):
        return None
    lever = LEVERS[answer["lever"]]
    up = answer["direction"] == ">="
    value = float(answer["value"])
    for attempt in range(20):
        if lever.log_scale and value > 0:
            exponent = math.floor(math.log10(abs(value))) - 3
            unit = 10.0 ** exponent
            candidate = (math.ceil(value / unit) if up else math.floor(value / unit)) * unit
            candidate = float(f"{candidate:.4g}")
        else:
            steps = (value - lever.minimum) / lever.step
            steps = math.ceil(steps - 1e-9) if up else math.floor(steps + 1e-9)
            candidate = float(f"{lever.minimum + steps * lever.step:.10g}")
        candidate = lever.clamp(candidate)
        if meets(scenario, lever.name, candidate, target, year):
            return candidate
        step = (abs(candidate) * 1e-3 if lever.log_scale else lever.step)
        value = candidate + (step if up else -step)
    return None
