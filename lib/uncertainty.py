"""Monte Carlo, the tornado and goal-seek.

Randomness has one entry point: ``np.random.default_rng(seed)`` in ``run_monte_carlo``, passed down.
The projection is evaluated for all samples at once on aggregate series (the stock kernel is linear
and the same for every chip, so H100e can be summed before it), vectorised across samples and months.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import projection as pj
from .errors import ScenarioError, suggest
from .levers import LEVERS, UNCERTAIN_LEVERS, get_lever
from .model import Compiled, compile_scenario, foreign_purchases, run
from .scenario import Scenario

QUANTILES = {"p10": 0.10, "p50": 0.50, "p90": 0.90}
SERIES = ("h100e_training", "h100e_inference", "largest_run_flop", "frontier_gap_years")
MAX_SAMPLES = 100_000
RUN_SCALE_LEVERS = ("mfu", "run_window_days", "training_share")  # largest run = training H100e × these


# ---- the vectorised projection ------------------------------------------------------------------

def simulate_aggregate(scenario: Scenario, compiled: Compiled, values: dict) -> dict:
    """Evaluate the projection for N parameter sets at once.

    ``values`` maps every lever name to an array of shape (N,) [lever units]. Returns a dict of
    (N, T) series named as in ``SERIES`` plus ``planned_run_flop`` and (N,) totals.
    """
    K = compiled.buy_count
    T = len(compiled.months)
    v = {name: np.asarray(x, dtype=float) for name, x in values.items()}
    dom = compiled.is_domestic
    weights = {"train": compiled.train_base[:K], "infer": compiled.infer_base[:K], "units": np.ones(K)}
    bought, leaked, spend = foreign_purchases(compiled, v["import_budget"], v["leakage"], v["approval_share"],
                                              v["front_running_surge"], v["foreign_supply_cap"], weights=weights)
    fixed = compiled.fixed_deliveries
    supply = pj.domestic_supply_per_month(T, v["domestic_supply"], v["domestic_growth"])   # (N, T)

    def weighted(base, name):
        foreign = bought[name] + (fixed[~dom] * base[~dom, None]).sum(axis=0)
        domestic = (fixed[dom] * base[dom, None]).sum(axis=0) + supply * (compiled.mix[dom] * base[dom, None]).sum(axis=0)
        initial_f = float((compiled.initial[~dom] * base[~dom]).sum())
        initial_d = float((compiled.initial[dom] * base[dom]).sum())
        return foreign, domestic, initial_f, initial_d

    q = pj.monthly_survival(v["failure_rate"])
    lifetime_months = np.maximum(1, np.round(v["lifetime_years"] * 12)).astype(int)
    s0 = pj.initial_stock_survival(T, v["lifetime_years"], v["initial_stock_age_years"], q)    # (N, T)

    # The three stocks (training H100e, inference H100e, units) share lifetimes and failure rates: stack them
    # and run the kernel once, so its index arithmetic and gathers are paid once.
    bases = ((compiled.train_base, "train", v["training_substitution"]),
             (compiled.infer_base, "infer", v["inference_substitution"]),
             (np.ones(len(compiled.chips)), "units", np.ones_like(v["training_substitution"])))
    arrivals, initial = [], []
    for base, name, substitution in bases:
        foreign, domestic, initial_f, initial_d = weighted(base, name)
        arrivals.append(foreign + domestic / substitution[:, None])
        initial.append(initial_f + initial_d / substitution)
    stocks = pj.survival_kernel_stock(np.stack(arrivals), lifetime_months[None, :], q[None, :] if np.ndim(q) else q)
    stocks += np.stack(initial)[:, :, None] * s0[None]
    h_train, h_infer, units = stocks
    t = np.arange(T)
    col = lambda name: v[name][:, None]  # noqa: E731
    largest = pj.largest_run_flop(h_train, col("mfu"), col("run_window_days"), col("training_share"))
    planned = pj.growth_path(col("planned_run_flop"), col("demand_growth"), t)
    frontier = pj.growth_path(col("frontier_anchor_flop"), col("frontier_growth"), compiled.frontier_offset)
    runway = pj.runway_months(planned, largest)
    domestic_arrivals = fixed[dom].sum() + (supply * compiled.mix[dom].sum(axis=0)).sum(axis=-1)
    return {
        "h100e_training": h_train, "h100e_inference": h_infer, "stock_units": units, "largest_run_flop": largest,
        "planned_run_flop": planned, "frontier_flop": frontier,
        "frontier_gap_years": pj.frontier_gap_years(largest, frontier, col("frontier_growth")),
        "inference_tokens_per_day": pj.inference_tokens_per_day(h_infer, col("training_share"),
                                                                col("tokens_per_second_per_h100e")),
        "runway_months": runway,
        "arrivals_foreign_total": bought["units"].sum(axis=-1), "arrivals_leaked_total": leaked.sum(axis=-1),
        "arrivals_domestic_total": domestic_arrivals,
        "spend_usd_total": spend.sum(axis=-1) + (supply * (compiled.mix[dom] * np.nan_to_num(compiled.price[dom])[:, None]).sum(axis=0)).sum(axis=-1),
    }


def summary_from_aggregate(series: dict) -> dict:
    """The numeric summary keys of ``lib.run`` for each sample, as (N,) arrays."""
    end, start = -1, 0
    return {
        "runway_months": series["runway_months"].astype(float),
        "h100e_start": series["h100e_training"][:, start], "h100e_end": series["h100e_training"][:, end],
        "h100e_inference_start": series["h100e_inference"][:, start], "h100e_inference_end": series["h100e_inference"][:, end],
        "largest_run_flop_start": series["largest_run_flop"][:, start], "largest_run_flop_end": series["largest_run_flop"][:, end],
        "planned_run_flop_end": series["planned_run_flop"][:, end], "frontier_flop_end": series["frontier_flop"][:, end],
        "frontier_gap_years_start": series["frontier_gap_years"][:, start],
        "frontier_gap_years_end": series["frontier_gap_years"][:, end],
        "inference_tokens_per_day_end": series["inference_tokens_per_day"][:, end],
        "stock_units_start": series["stock_units"][:, start], "stock_units_end": series["stock_units"][:, end],
        "arrivals_foreign_total": series["arrivals_foreign_total"], "arrivals_leaked_total": series["arrivals_leaked_total"],
        "arrivals_domestic_total": series["arrivals_domestic_total"], "spend_usd_total": series["spend_usd_total"],
    }


# ---- Monte Carlo --------------------------------------------------------------------------------

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
    return lever.clamp(low), lever.clamp(high)


def draw(scenario: Scenario, samples: int, rng: np.random.Generator, ranges: dict | None = None) -> dict:
    """Draw every uncertain lever; the others stay at the scenario's value. Returns lever → (N,) array."""
    values = {name: np.full(samples, scenario.lever(name)) for name in LEVERS}
    for name in UNCERTAIN_LEVERS:
        low, high = lever_range(scenario, name, ranges)
        mode = min(max(scenario.lever(name), low), high)
        if high <= low:
            values[name] = np.full(samples, low)
        elif LEVERS[name].uncertainty.distribution == "loguniform" and low > 0:
            values[name] = np.exp(rng.uniform(math.log(low), math.log(high), samples))
        else:
            values[name] = rng.triangular(low, mode, high, samples)
    return values


@dataclass(frozen=True)
class MonteCarloResult:
    """Quantiles per month and per summary key, and event probabilities."""

    samples: int
    seed: int
    months: tuple
    monthly: dict        # series → {"p10": (T,), "p50": (T,), "p90": (T,)}
    summary: dict        # key → {"p10", "p50", "p90", "mean"}
    probabilities: dict  # event → probability [share]

    def quantiles_frame(self) -> pd.DataFrame:
        data = {"month": pd.to_datetime(np.array(self.months), format="%Y-%m")}
        for series, qs in self.monthly.items():
            for q, values in qs.items():
                data[f"{series}_{q}"] = values
        return pd.DataFrame(data)


def run_monte_carlo(scenario: Scenario, samples: int = 2_000, seed: int = 0, ranges: dict | None = None) -> MonteCarloResult:
    """Draw the uncertain levers ``samples`` times and project them all at once.

    Parameters
    ----------
    samples : number of draws, 1 to 100,000
    seed : seed of ``np.random.default_rng``; the same seed gives the same output
    ranges : optional lever → (low, high) overriding the default uncertainty ranges
    """
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or not (1 <= samples <= MAX_SAMPLES):
        raise ScenarioError(f"samples: {samples!r} is not allowed; allowed: a whole number from 1 to {MAX_SAMPLES:,}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not (0 <= seed < 2**63):
        raise ScenarioError(f"seed: {seed!r} is not allowed; allowed: a whole number from 0 to 2^63-1")
    for name in ranges or {}:
        if name not in UNCERTAIN_LEVERS:
            raise ScenarioError(f"ranges: '{name}' is not an uncertain lever{suggest(name, UNCERTAIN_LEVERS)}; "
                                f"allowed: {', '.join(UNCERTAIN_LEVERS)}")
    rng = np.random.default_rng(seed)
    compiled = compile_scenario(scenario)
    series_inputs = draw(scenario, int(samples), rng, ranges)
    series = simulate_aggregate(scenario, compiled, series_inputs)
    levels = list(QUANTILES.values())
    monthly = {}
    for name in SERIES:
        if name == "largest_run_flop" and all(np.ptp(series_inputs[k]) == 0 for k in RUN_SCALE_LEVERS):
            # The largest run is the training fleet times a factor that is the same in every sample here,
            # and quantiles commute with a positive factor: scale instead of sorting again.
            factor = float(series[name][0, 0] / series["h100e_training"][0, 0]) if series["h100e_training"][0, 0] else 0.0
            monthly[name] = {label: q * factor for label, q in monthly["h100e_training"].items()}
            continue
        qs = np.quantile(series[name], levels, axis=0)
        monthly[name] = {label: qs[i] for i, label in enumerate(QUANTILES)}
    summary = {}
    per_sample = summary_from_aggregate(series)
    for key, values in per_sample.items():
        qs = np.quantile(values, levels)
        summary[key] = {**{label: float(qs[i]) for i, label in enumerate(QUANTILES)}, "mean": float(values.mean())}
    runway = per_sample["runway_months"]
    T = len(compiled.months)
    probabilities = {
        "runway_under_12_months": float((runway < 12).mean()),
        "runway_under_24_months": float((runway < 24).mean()),
        "runway_beyond_horizon": float((runway >= T).mean()),
        "frontier_gap_end_at_least_2_years": float((per_sample["frontier_gap_years_end"] >= 2).mean()),
        "frontier_gap_end_at_least_5_years": float((per_sample["frontier_gap_years_end"] >= 5).mean()),
    }
    return MonteCarloResult(samples=int(samples), seed=int(seed), months=compiled.labels, monthly=monthly,
                            summary=summary, probabilities=probabilities)


# ---- sensitivity --------------------------------------------------------------------------------

TORNADO_OUTPUTS = ("runway_months", "h100e_end", "h100e_inference_end", "largest_run_flop_end",
                   "frontier_gap_years_end", "inference_tokens_per_day_end", "stock_units_end")


def tornado(scenario: Scenario, output: str = "h100e_end") -> pd.DataFrame:
    """Swing each uncertain lever from low to high, the others held at the scenario's values.

    Returns one row per lever, sorted by the size of the swing, with the output at the low and
    high values and the change from the base value. ``frame.attrs["base"]`` holds the base output.
    """
    if output not in TORNADO_OUTPUTS:
        raise ScenarioError(f"output: '{output}' is not allowed{suggest(output, TORNADO_OUTPUTS)}; "
                            f"allowed: {', '.join(TORNADO_OUTPUTS)}")
    names = list(UNCERTAIN_LEVERS)
    n = 1 + 2 * len(names)
    values = {name: np.full(n, scenario.lever(name)) for name in LEVERS}
    bounds = {}
    for i, name in enumerate(names):
        low, high = lever_range(scenario, name)
        bounds[name] = (low, high)
        values[name][1 + 2 * i] = low
        values[name][2 + 2 * i] = high
    compiled = compile_scenario(scenario)
    outputs = summary_from_aggregate(simulate_aggregate(scenario, compiled, values))[output]
    base = float(outputs[0])
    rows = []
    for i, name in enumerate(names):
        low_out, high_out = float(outputs[1 + 2 * i]), float(outputs[2 + 2 * i])
        rows.append({"lever": name, "label": LEVERS[name].label, "unit": LEVERS[name].unit,
                     "low_value": bounds[name][0], "high_value": bounds[name][1],
                     "output_at_low": low_out, "output_at_high": high_out,
                     "change_at_low": low_out - base, "change_at_high": high_out - base,
                     "swing": abs(high_out - low_out)})
    frame = pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    frame.attrs["base"] = base
    frame.attrs["output"] = output
    return frame


# ---- goal-seek ----------------------------------------------------------------------------------

SOLVE_LEVERS = ("tpp_threshold", "leakage", "approval_share", "import_budget")
TARGET_KEYS = {  # target key → capability column (None: a whole-run figure)
    "frontier_gap_years": "frontier_gap_years", "runway_months": None, "h100e": "h100e_training",
    "h100e_training": "h100e_training", "h100e_inference": "h100e_inference", "largest_run_flop": "largest_run_flop",
    "inference_tokens_per_day": "inference_tokens_per_day",
}
_TARGET_RE = re.compile(r"^\s*([a-z0-9_]+)\s*(>=|<=)\s*([-+0-9.eE]+)\s*$")


def parse_target(text: str) -> tuple[str, str, float]:
    """'frontier_gap_years>=3' → ('frontier_gap_years', '>=', 3.0)."""
    match = _TARGET_RE.match(str(text))
    if not match:
        raise ScenarioError(f"--target: {text!r} is not allowed; allowed: KEY>=VALUE or KEY<=VALUE with KEY one of "
                            f"{', '.join(TARGET_KEYS)}")
    key, op, value = match.groups()
    if key not in TARGET_KEYS:
        raise ScenarioError(f"--target: key '{key}' is unknown{suggest(key, TARGET_KEYS)}; allowed: {', '.join(TARGET_KEYS)}")
    try:
        number = float(value)
    except ValueError:
        raise ScenarioError(f"--target: value {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ScenarioError(f"--target: value {value!r} is not allowed; allowed: a finite number")
    return key, op, number


def _metric(scenario: Scenario, key: str, year: int | None) -> float:
    result = run(scenario)
    column = TARGET_KEYS[key]
    if column is None:
        return float(result.summary["runway_months"])
    cap = result.capability
    if year is None:
        return float(cap[column].iloc[-1])
    rows = cap[cap["month"].dt.year == year]
    return float(rows[column].iloc[-1])


def solve(scenario: Scenario, lever_name: str, target: tuple[str, str, float], year: int | None = None,
          iterations: int = 40) -> dict:
    """Find the value of a lever at which the target is just met, by bisection on a monotone output.

    Returns a dict with ``achievable``, ``value`` (the boundary value that meets the target),
    ``direction`` (values ``<=`` or ``>=`` it also meet it), the metric there, and a plain message.
    When no value in the lever's range meets the target, says so and gives the best value reachable.
    """
    lever = get_lever(lever_name, "--lever")
    if lever.name not in SOLVE_LEVERS:
        raise ScenarioError(f"--lever: '{lever_name}' is not allowed; allowed: {', '.join(SOLVE_LEVERS)}")
    key, op, goal = target
    if year is not None:
        first, last = int(scenario.start[:4]), int(scenario.horizon[:4])
        if isinstance(year, bool) or not (first <= int(year) <= last):
            raise ScenarioError(f"--year: {year!r} is outside the scenario; allowed: {first} to {last}")
        if TARGET_KEYS[key] is None:
            year = None  # runway is a whole-run figure
    ok = (lambda m: m >= goal) if op == ">=" else (lambda m: m <= goal)  # noqa: E731
    f = lambda x: _metric(scenario.with_levers(**{lever.name: x}), key, year)  # noqa: E731
    lo, hi = lever.minimum, lever.maximum
    f_lo, f_hi = f(lo), f(hi)
    when = f" in {year}" if year else " at the horizon" if TARGET_KEYS[key] else ""
    goal_text = f"{key} {op} {goal:g}{when}"
    rng_text = f"[{lo:g}, {hi:g}]"
    if not ok(f_lo) and not ok(f_hi):
        best_x, best_m = (lo, f_lo) if (f_lo >= f_hi) == (op == ">=") else (hi, f_hi)
        return {"achievable": False, "lever": lever.name, "target": goal_text, "value": None, "direction": None,
                "best_value": best_x, "best_metric": best_m,
                "message": f"no value of {lever.name} in {rng_text} achieves {goal_text}; the best reachable is "
                           f"{key} = {best_m:.4g} at {lever.name} = {best_x:g}"}
    if ok(f_lo) and ok(f_hi):
        return {"achievable": True, "lever": lever.name, "target": goal_text, "value": hi, "direction": "any",
                "metric_at_value": f_hi, "message": f"every value of {lever.name} in {rng_text} achieves {goal_text}"}
    good, bad = (lo, hi) if ok(f_lo) else (hi, lo)
    f_good = f_lo if ok(f_lo) else f_hi
    for _ in range(iterations):
        mid = (good + bad) / 2
        f_mid = f(mid)
        if ok(f_mid):
            good, f_good = mid, f_mid
        else:
            bad = mid
        if abs(good - bad) <= lever.step / 100:
            break
    direction = "<=" if good < bad else ">="
    if lever.integer:
        good = math.floor(good) if direction == "<=" else math.ceil(good)
    return {"achievable": True, "lever": lever.name, "target": goal_text, "value": good, "direction": direction,
            "metric_at_value": f_good,
            "message": f"{lever.name} {direction} {good:.6g} achieves {goal_text} ({key} = {f_good:.4g} there; "
                       f"lever range {rng_text})"}
