"""Monte Carlo, the tornado and goal-seek.

Randomness has one entry point: ``np.random.default_rng(seed)`` in ``run_monte_carlo``, passed down.

``simulate`` calls the one projection, ``lib.kernel.project`` (as ``lib.run`` does), for N lever sets at
once, in chunks of samples so that memory stays bounded whatever the sample count and span. Quantiles are
exact: each month's quantiles are taken over all N samples of that month, and neither the chunk nor the
block of months held at once changes a single value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ScenarioError, suggest
from .gate import excerpt, parse_number
from . import kernel
from .levers import LEVERS, POLICY_LEVERS, UNCERTAIN_LEVERS, get_lever
from .model import SUMMARY_KEYS, Compiled, compile_scenario, run
from .scenario import Scenario

QUANTILES = {"p10": 0.10, "p50": 0.50, "p90": 0.90}
SERIES = ("h100e_training", "h100e_inference", "largest_run_flop", "frontier_gap_years", "capability_gap_years",
          "remote_access_h100e",
          "h100e_arriving_licensed", "h100e_arriving_smuggled", "h100e_arriving_domestic")
NATIONAL_SERIES = ("national_output", "huawei_output")
HEADLINE_SAMPLES = 300         # [samples] the small Monte Carlo (seed 0) behind the headline's ranges, on the page
                               # and in the brief alike, so both quote the same p10–p90
MAX_SAMPLES = 50_000           # [samples] the CLI's maximum: the process stays under 300 MB at any span (measured)
BLOCK_MONTHS = None            # [months] months of each series held at once; None: as many as HELD_NUMBERS allows
NUMERIC_SUMMARY = tuple(k for k in SUMMARY_KEYS if k not in ("runway_beyond_horizon", "runway_end_month",
                                                             "runway_reserve_only_end_month", "domestic_binding_end",
                                                             "months", "reading_year"))


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

def _place(block: np.ndarray, lo: int, hi: int, ks: list) -> None:
    """Partition ``block[:, lo:hi]`` in place so that every column index in ``ks`` holds its order statistic:
    the middle one first, then each side on its own (numpy's partition with several kth is much slower)."""
    if not ks:
        return
    middle = len(ks) // 2
    k = ks[middle]
    block[:, lo:hi].partition(k - lo, axis=1)
    _place(block, lo, k, ks[:middle])
    _place(block, k + 1, hi, ks[middle + 1:])


def exact_quantiles(block: np.ndarray) -> np.ndarray:
    """Exact linear-interpolation quantiles (numpy's default method) along the last axis of a 2-D block that
    the caller owns: partitioned in place, no copy. Returns (3, rows) in ``QUANTILES`` order.

    The lower order statistic of each quantile is placed by partitioning; its upper neighbour is then the
    smallest value above it, a minimum over the segment up to the next placed statistic."""
    n = block.shape[1]
    positions = [q * (n - 1) for q in QUANTILES.values()]
    lows = [int(math.floor(p)) for p in positions]
    kth = sorted(set(lows))
    _place(block, 0, n, kth)
    bounds = kth[1:] + [n - 1]
    upper = {low: (block[:, low + 1:stop + 1].min(axis=1) if low + 1 < n else block[:, low])
             for low, stop in zip(kth, bounds)}
    out = np.empty((len(positions), block.shape[0]))
    for i, (pos, low) in enumerate(zip(positions, lows)):
        a, b = block[:, low], upper[low]
        frac = pos - low
        out[i] = a + (b - a) * frac if frac < 0.5 else b - (b - a) * (1.0 - frac)
    return out


HELD_NUMBERS = 10_000_000     # [numbers] most values of series held at once for exact quantiles (96 MB); more
                              # columns than this are taken in several passes, each rerunning the kernel
CHUNK_NUMBERS = 50_000       # [numbers] samples × months per kernel call: bounds the kernel's own memory


PER_PATTERN_SERIES = ("h100e_arriving_licensed", "h100e_arriving_smuggled")  # a function of the rule pattern only


def _columns(compiled: Compiled) -> list:
    """Every (series, month index) whose quantiles a Monte Carlo takes; national months last. A series that
    depends on the month only through its rule pattern is taken once per pattern (its first month)."""
    T, M = len(compiled.months), len(compiled.national.labels)
    first = sorted({int(np.argmax(compiled.month_pattern == u)) for u in range(len(compiled.patterns))})
    return ([(name, t) for name in SERIES for t in (first if name in PER_PATTERN_SERIES else range(T))]
            + [("national_output", m) for m in range(M)])


def simulate(scenario: Scenario, compiled: Compiled, values: dict, *, collect: bool = True,
             block_months: int | None = None) -> tuple[dict, dict, dict]:
    """The kernel for N lever sets, with exact per-month quantiles, in bounded memory.

    The samples are projected in chunks (``CHUNK_NUMBERS``); the values whose quantiles are wanted are held for
    all N samples at once, at most ``HELD_NUMBERS`` of them (or ``block_months`` months of each series), in as
    many passes as needed. Quantiles are exact whatever the chunk or block: each month's quantiles are taken
    over all N samples of that month.

    Returns
    -------
    per_sample : summary key → (N,) array (the numeric keys of ``lib.run``'s summary)
    monthly : series → {"p10", "p50", "p90"} arrays over the scenario's months (empty unless ``collect``)
    national : series → quantiles over the national months from 2023 (empty unless ``collect``)
    """
    from .model import reading_index

    c = compiled
    arrays, N = kernel.lever_arrays(values)
    T = len(c.months)
    r = reading_index(scenario, c)
    chunk = max(1, CHUNK_NUMBERS // max(T, len(c.national.labels)))
    columns = _columns(c) if collect else []
    per_pass = max(1, HELD_NUMBERS // N)
    if block_months is not None:
        per_pass = min(per_pass, max(1, int(block_months)) * (len(SERIES) + 1))
    blocks = [columns[i:i + per_pass] for i in range(0, len(columns), per_pass)] or [[]]
    per_sample: dict = {}
    found: dict = {}
    for number, block in enumerate(blocks):
        wanted: dict = {}
        for j, (name, t) in enumerate(block):
            wanted.setdefault(name, ([], []))
            wanted[name][0].append(t)
            wanted[name][1].append(j)
        held = np.empty((len(block), N)) if block else None
        for lo in range(0, N, chunk):
            hi = min(N, lo + chunk)
            part = kernel.project(c, {k: x[lo:hi] for k, x in arrays.items()}, r)
            if number == 0:
                for key in NUMERIC_SUMMARY:
                    per_sample.setdefault(key, np.empty(N))[lo:hi] = part.summary[key]
            for name, (months, rows) in wanted.items():
                if name in PER_PATTERN_SERIES:
                    held[rows, lo:hi] = part.by_pattern[name][c.month_pattern[months]]
                    continue
                source = part.national["output"] if name == "national_output" else part.series[name]
                held[rows, lo:hi] = np.broadcast_to(source, (source.shape[0], hi - lo))[months]
        if block:
            q = exact_quantiles(held)
            for j, (name, t) in enumerate(block):
                found[(name, t)] = q[:, j]
    if not collect:
        return per_sample, {}, {}
    first = {u: int(np.argmax(c.month_pattern == u)) for u in range(len(c.patterns))}
    source_month = {name: ([first[int(u)] for u in c.month_pattern] if name in PER_PATTERN_SERIES else range(T))
                    for name in SERIES}
    monthly = {name: {label: np.array([found[(name, t)][i] for t in source_month[name]])
                      for i, label in enumerate(QUANTILES)} for name in SERIES}
    M = len(c.national.labels)
    national_output = {label: np.array([found[("national_output", m)][i] for m in range(M)])
                       for i, label in enumerate(QUANTILES)}
    # Huawei's output is national output times a fixed share per month; quantiles commute with that factor.
    national = {"national_output": national_output,
                "huawei_output": {k: q * c.national.huawei_share for k, q in national_output.items()}}
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

TORNADO_OUTPUTS = ("runway_months", "capability_gap_years_reading", "us_china_compute_ratio_reading",
                   "runway_reserve_only_months", "h100e_end", "h100e_years_total", "frontier_gap_years_reading",
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
                "h200_approval_share", "china_accepts_hopper", "import_budget", "remote_access", "hbm_imports_after_control")
TARGET_KEYS = {  # target key → capability column (None: a whole-run figure read from the summary)
    "frontier_gap_years": "frontier_gap_years", "capability_gap_years": "capability_gap_years",
    "us_china_compute_ratio": "us_china_compute_ratio", "runway_months": None, "h100e": "h100e_training",
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
