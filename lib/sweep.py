"""A lever's whole range in one call: what the headline chart and figures show at each of its values.

``sweep(scenario, lever, values)`` runs the one projection, ``lib.kernel.project``, for every value at once,
through the same compile as ``lib.run`` (``lib.model.compile_scenario``), with the other levers as the scenario
holds them. The lever panel sends the answer to the browser, which draws the headline while a slider is dragged
and computes nothing itself; on release the page runs ``lib.run`` for the exact value.

A lever that moves a rule line (the TPP and density thresholds, the case-by-case and is-informed lines)
reclassifies chips, so it changes the compiled structure. Its values are grouped by the classification they
give, and each group is compiled once (one compile per breakpoint, not per value). A lever that changes the
structure in any other way (a US licence switch, the notice months) is compiled once per value.
"""

from __future__ import annotations

import math

import numpy as np

from . import kernel
from .errors import ScenarioError
from .levers import Lever, get_lever
from .model import (INTEGER_KEYS, _rules_by_month, _structure_key, allowed_in_month, classify_for_scenario,
                    compile_scenario, reading_index)
from .catalog import CHIPS_BY_NAME
from .scenario import Scenario

SERIES = ("largest_run_flop", "planned_run_flop", "frontier_flop")
"""The headline chart's series [FLOP per month]."""
SUMMARY = ("runway_months", "runway_reserve_only_months", "frontier_gap_years_reading",
           "capability_gap_years_reading", "us_china_compute_ratio_reading", "h100e_years_total",
           "largest_run_flop_end")
"""The headline figures, keyed as in ``lib.run``'s summary."""
RULE_LINES = ("tpp_threshold", "density_threshold", "case_by_case_tpp_below", "case_by_case_bandwidth_below",
              "informed_memory_bandwidth_gbps", "informed_interconnect_gbps")
"""Levers that act on the structure only through the what-if rule's classification of each chip."""
MAX_POINTS = 101            # [values] a range's grid: every position of a short slider, else this many
CHUNK_NUMBERS = 50_000      # [values × months] per kernel call, as in lib.uncertainty: bounds the kernel's memory
SERIES_DECIMALS = 4         # [digits of log10] the payload's series: 0.01% of a value, far below a pixel
SUMMARY_DIGITS = 7          # [significant digits] the payload's float figures (float32 precision)


# ---- the grid ---------------------------------------------------------------------------------------

def grid(lever: Lever, positions=None, anchors=(), points: int = MAX_POINTS) -> tuple[float, ...]:
    """The values a range is computed at, ascending: every position of the control if it has at most ``points``,
    else ``points`` evenly spread over them, always with the ``anchors`` (named points, the preset's value) that
    lie on a position.

    ``positions``: the control's positions (a log slider's options); None: the step lattice from the lever's
    minimum. Integer levers step in whole numbers, so their grid is whole numbers.
    """
    if positions is None:
        count = int(round((lever.maximum - lever.minimum) / lever.step)) + 1
        positions = [_on_step(lever, lever.minimum + i * lever.step) for i in range(count)]
    positions = sorted({float(p) for p in positions if lever.minimum <= p <= lever.maximum})
    if not positions:
        raise ScenarioError(f"{lever.name}: no position between {lever.minimum:g} and {lever.maximum:g} to sweep")
    if len(positions) <= points:
        return tuple(positions)
    array = np.array(positions)
    wanted = set()
    for anchor in anchors:  # the nearest position to each anchor: a named point is then exact
        if lever.minimum <= anchor <= lever.maximum:
            wanted.add(int(np.argmin(np.abs(array - anchor))))
    spread = max(2, points - len(wanted))
    wanted.update(int(round(i)) for i in np.linspace(0, len(positions) - 1, spread))
    return tuple(positions[i] for i in sorted(wanted))


def _on_step(lever: Lever, value: float) -> float:
    if lever.integer:
        return float(round(value))
    steps = round((value - lever.minimum) / lever.step)
    return float(round(lever.minimum + steps * lever.step, 10))  # as Lever.on_step for linear sliders


# ---- structure --------------------------------------------------------------------------------------

def _classification(scenario: Scenario, compiled) -> tuple:
    """Each month's status of each buy-list chip: all that the rule lines change in the compiled arrays."""
    buy = [CHIPS_BY_NAME[name] for name in compiled.chips[:compiled.buy_count]]
    rules = _rules_by_month(scenario, compiled.labels)
    seen: dict = {}
    out = []
    for label, rule in zip(compiled.labels, rules):
        allowed = allowed_in_month(scenario, label)
        key = (id(rule), allowed)
        if key not in seen:
            seen[key] = tuple(classify_for_scenario(chip, rule, allowed).status for chip in buy)
        out.append(seen[key])
    return tuple(out)


def _groups(scenario: Scenario, name: str, values: np.ndarray) -> list:
    """(compiled, indices of ``values``) per distinct structure, in order of first appearance. A rule line's
    values are told apart by the classification they give (its own value is neutralised in the key); any other
    lever's by the structure key itself, which is the same for every value of a lever that only scales flows."""
    compiled = compile_scenario(scenario)
    neutral = {line: get_lever(line).minimum for line in RULE_LINES} if name in RULE_LINES else None
    groups: dict = {}
    for i, value in enumerate(values):
        varied = scenario.with_levers(**{name: float(value)})
        if neutral is not None:
            signature = (_structure_key(varied.with_levers(**neutral)), _classification(varied, compiled))
        else:
            signature = _structure_key(varied)
        groups.setdefault(signature, (varied, []))[1].append(i)
    return [(compile_scenario(varied), np.array(indices)) for varied, indices in groups.values()]


# ---- the sweep --------------------------------------------------------------------------------------

def sweep(scenario: Scenario, lever_name: str, values) -> dict:
    """The headline chart's series and the headline figures at each of ``values`` of one lever.

    Returns a dict:
      lever : the lever's name
      values : (N,) the lever's values [the lever's unit]
      months : the scenario's month labels ("YYYY-MM", T of them)
      series : name → (N, T) per month, for ``SERIES`` [FLOP]
      summary : key → (N,) for ``SUMMARY`` (integers for the month counts), as ``lib.run``'s summary
      groups : how many compiled structures the range needed (1 unless the lever changes the structure)
    """
    lever = get_lever(lever_name)
    array = np.asarray(values, dtype=float).reshape(-1)
    if array.size == 0:
        raise ScenarioError(f"values: give at least one value of {lever.name}; allowed: {lever.allowed()}")
    for value in array:
        lever.check(float(value), "sweep value ")  # a value out of range or non-finite is refused, by name
    groups = _groups(scenario, lever.name, array)
    first = groups[0][0]
    T, N = len(first.months), len(array)
    series = {name: np.empty((N, T)) for name in SERIES}
    summary = {key: np.empty(N, dtype=int if key in INTEGER_KEYS else float) for key in SUMMARY}
    chunk = max(1, CHUNK_NUMBERS // T)
    for compiled, indices in groups:
        r = reading_index(scenario, compiled)
        for lo in range(0, len(indices), chunk):
            part = indices[lo:lo + chunk]
            levers = scenario.values
            levers[lever.name] = array[part]
            projection = kernel.project(compiled, levers, r)
            for name in SERIES:
                series[name][part] = np.broadcast_to(projection.series[name], (T, len(part))).T
            for key in SUMMARY:
                summary[key][part] = projection.summary[key]
    return {"lever": lever.name, "values": array, "months": first.labels, "series": series, "summary": summary,
            "groups": len(groups)}


# ---- the payload ------------------------------------------------------------------------------------

def _round(x: float, digits: int) -> float | None:
    if not math.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


def payload(result: dict) -> dict:
    """``sweep``'s answer as plain JSON data for the browser: series as log10 rounded to ``SERIES_DECIMALS``
    (None where a run is 0), a series that no value changes sent once (``row``) rather than per value
    (``rows``), months once, integer figures exact and float figures to ``SUMMARY_DIGITS`` significant digits."""
    series = {}
    for name, rows in result["series"].items():
        with np.errstate(divide="ignore"):
            logs = np.where(rows > 0, np.log10(np.maximum(rows, 1e-300)), np.nan).round(SERIES_DECIMALS)
        as_lists = [[None if math.isnan(x) else float(x) for x in row] for row in logs]
        series[name] = {"row": as_lists[0]} if bool((rows == rows[:1]).all()) else {"rows": as_lists}
    summary = {key: ([int(x) for x in values] if values.dtype.kind == "i"
                     else [_round(float(x), SUMMARY_DIGITS) for x in values])
               for key, values in result["summary"].items()}
    return {"lever": result["lever"], "values": [float(x) for x in result["values"]],
            "months": list(result["months"]), "series": series, "summary": summary}


__all__ = ["sweep", "payload", "grid", "SERIES", "SUMMARY", "MAX_POINTS"]
