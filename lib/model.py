"""The one front door: ``run(scenario) -> Result``.

``compile_scenario`` turns the parts of a scenario that no uncertain lever touches (months, chips, each
chip's rule status and access class per month, mixes, fixed deliveries) into arrays once; ``run`` then calls
the one projection, ``lib.kernel.project``, with the scenario's lever values and turns its arrays into
tables. ``lib.uncertainty`` calls the same kernel with many lever sets at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from . import domestic as dom
from . import events
from . import imports as imp
from . import kernel
from .kernel import CHANNELS, foreign_by_pattern, foreign_for_pattern  # re-exported for callers of model 2.0
from .catalog import CHIPS, CHIPS_BY_NAME, DOMESTIC, REFERENCE
from .gate import month_index
from .levers import US_ALLOWS
from .rules import (NOT_CONTROLLED, RULES, Classification, Rule, classify_or_unknown, custom_rule,
                    rule_in_force)
from .scenario import MODEL_VERSION, Scenario

MONTHLY_COLUMNS = ["month", "chip", "stock", "arrivals", "retirements", "h100e_training", "h100e_inference",
                   "arrivals_licensed", "arrivals_smuggled", "arrivals_domestic", "arrivals_ordered"]
SUMMARY_KEYS = (
    "runway_months", "runway_beyond_horizon", "runway_end_month", "h100e_start", "h100e_end", "h100e_inference_start",
    "h100e_inference_end", "largest_run_flop_start", "largest_run_flop_end", "planned_run_flop_end",
    "frontier_flop_end", "frontier_gap_years_start", "frontier_gap_years_end", "inference_tokens_per_day_end",
    "stock_units_start", "stock_units_end", "arrivals_foreign_total", "arrivals_leaked_total",
    "arrivals_domestic_total", "spend_usd_total", "months",
    # model 2.0
    "arrivals_licensed_total", "arrivals_smuggled_total", "arrivals_ordered_total", "h100e_licensed_total",
    "h100e_smuggled_total", "h100e_domestic_total", "remote_access_chips_end", "remote_access_h100e_end",
    "h100e_years_total", "reading_year", "h100e_reading", "frontier_gap_years_reading", "largest_run_flop_reading",
    "inference_runway_months", "inference_coverage_end", "national_output_total", "domestic_binding_end",
    "national_output_since_2023",
    # model 3.0
    "runway_reserve_only_months", "runway_reserve_only_end_month", "capability_gap_years_start",
    "capability_gap_years_reading", "capability_gap_years_end", "frontier_ratio_reading", "cluster_h100e_reading",
    "us_h100e_reading", "us_china_compute_ratio_reading", "us_china_additions_ratio_reading",
    "china_additions_h100e_reading", "us_additions_h100e_reading",
)
SUMMARY_UNITS = {
    "runway_months": "months", "h100e_start": "H100e", "h100e_end": "H100e", "h100e_inference_start": "H100e",
    "h100e_inference_end": "H100e", "largest_run_flop_start": "FLOP", "largest_run_flop_end": "FLOP",
    "planned_run_flop_end": "FLOP", "frontier_flop_end": "FLOP", "frontier_gap_years_start": "years",
    "frontier_gap_years_end": "years", "inference_tokens_per_day_end": "tokens/day", "stock_units_start": "chips",
    "stock_units_end": "chips", "arrivals_foreign_total": "chips", "arrivals_leaked_total": "chips",
    "arrivals_domestic_total": "chips", "spend_usd_total": "USD", "months": "months",
    "arrivals_licensed_total": "chips", "arrivals_smuggled_total": "chips", "arrivals_ordered_total": "chips",
    "h100e_licensed_total": "H100e", "h100e_smuggled_total": "H100e", "h100e_domestic_total": "H100e",
    "remote_access_chips_end": "chips", "remote_access_h100e_end": "H100e", "h100e_years_total": "H100e·years",
    "reading_year": "year", "h100e_reading": "H100e", "frontier_gap_years_reading": "years",
    "largest_run_flop_reading": "FLOP", "inference_runway_months": "months", "inference_coverage_end": "share",
    "national_output_total": "accelerators", "national_output_since_2023": "accelerators",
    "runway_reserve_only_months": "months", "capability_gap_years_start": "years",
    "capability_gap_years_reading": "years", "capability_gap_years_end": "years", "frontier_ratio_reading": "×",
    "cluster_h100e_reading": "H100e", "us_h100e_reading": "H100e", "us_china_compute_ratio_reading": "×",
    "us_china_additions_ratio_reading": "×", "china_additions_h100e_reading": "H100e",
    "us_additions_h100e_reading": "H100e",
}


@dataclass(frozen=True)
class Compiled:
    """Arrays fixed by a scenario's structure and its rule lines (not by its uncertain levers)."""

    months: np.ndarray                 # [month index] shape (T,)
    labels: tuple                      # ["YYYY-MM"] shape (T,)
    chips: tuple                       # chip names (C,): the foreign buy list first (by name), then the rest
    is_domestic: np.ndarray            # (C,) bool
    train_rel: np.ndarray              # (C,) training H100e per chip; domestic: per reference chip [H100e | 910B]
    infer_rel: np.ndarray              # (C,) inference ditto
    price: np.ndarray                  # (C,) [USD], 0 when unknown
    buy_count: int                     # K: the first K chips are the foreign buy list
    statuses: tuple                    # (K, T) status name of each buy-list chip per month
    classes: np.ndarray                # (K, T) access class (lib.imports) per month
    patterns: tuple                    # U distinct (classes, capped, surge, regimes) month patterns; a regime is
                                       # per chip (approval lever, fee lever, gate lever), "" where none applies
    month_pattern: np.ndarray          # (T,) which pattern each month has
    orders: tuple                      # per pattern: chip indices in preference order
    remote: np.ndarray                 # (U,) chip index rented abroad per pattern (-1: none)
    mix: np.ndarray                    # (C, T) actor's domestic mix share per chip per month [share]
    fixed_deliveries: np.ndarray       # (C, T) [chips/month]
    initial: np.ndarray                # (C,) [chips]
    surge_months: np.ndarray           # (T,) bool: notice months before the what-if rule
    frontier_offset: np.ndarray        # (T,) months since the frontier anchor month
    rules_in_force: tuple              # (T,) rule title per month
    national: dom.NationalCompiled
    national_mix_index: np.ndarray     # (D,) index in ``chips`` of each national-mix chip, -1 if absent
    carries_hbm: np.ndarray            # (C,) bool: the chip carries HBM (so HBM bounds its domestic output)
    other_index: int                   # index in ``chips`` of the other domestic vendors' row
    classifications: dict = field(default_factory=dict, compare=False)  # (chip, rule title) → Classification


@dataclass(frozen=True)
class Result:
    """Output of ``run``.

    Attributes
    ----------
    monthly : DataFrame, one row per month and chip: stock [chips], arrivals and retirements
        [chips/month], h100e_training and h100e_inference [H100e], arrivals by channel
        (licensed, smuggled, domestic, ordered) [chips/month]
    capability : DataFrame, one row per month: fleet totals, remote access, channel flows in H100e,
        the run, frontier and gap series, inference capacity and demand, the rule in force
    national : DataFrame, one row per month from 2023: China's domestic output [accelerators/month],
        Huawei's share of it, the logic and HBM limits, which one binds, the stocks of dies and stacks
    summary : dict of ``SUMMARY_KEYS``
    scenario : the Scenario that was run
    """

    monthly: pd.DataFrame
    capability: pd.DataFrame
    national: pd.DataFrame
    summary: dict
    scenario: Scenario
    compiled: Compiled = field(repr=False, compare=False)
    model_version: str = MODEL_VERSION


# ---- the rule per month ------------------------------------------------------------------------------

def rule_for_month(scenario: Scenario, month: str) -> Rule | None:
    """The rule a scenario applies in ``month``: the real one before ``what_if_from``, the what-if rule after."""
    if month < scenario.what_if_from:
        return rule_in_force(month)
    base = rule_in_force(month) if scenario.rule_vintage == "timeline" else RULES[scenario.rule_vintage]
    if base is None:  # what-if from a month before any rule: the levers apply on the Oct 2022 structure
        base = RULES["oct-2022"]
    v = scenario.lever
    return custom_rule(base.name, v("tpp_threshold"), v("density_threshold"),
                       case_by_case_tpp_below=v("case_by_case_tpp_below"),
                       case_by_case_bandwidth_below=v("case_by_case_bandwidth_below"),
                       informed_memory_bandwidth_gbps=v("informed_memory_bandwidth_gbps"),
                       informed_interconnect_gbps=v("informed_interconnect_gbps"))


def _rules_by_month(scenario: Scenario, labels: tuple) -> list:
    """The rule of each month; months with the same real vintage share one Rule object."""
    by_vintage: dict = {}
    out = []
    for label in labels:
        real = rule_in_force(label)
        key = (real.name if real else None, label < scenario.what_if_from)
        if key not in by_vintage:
            by_vintage[key] = rule_for_month(scenario, label)
        out.append(by_vintage[key])
    return out


@lru_cache(maxsize=4096)
def _classify_cached(chip, rule: Rule) -> Classification:
    return classify_or_unknown(chip, rule)


def allowed_from_what_if(scenario: Scenario) -> tuple:
    """The chips the US licence switches (``lib.levers.US_ALLOWS``) allow from ``what_if_from``."""
    return tuple(chip for name, chips in US_ALLOWS.items() if scenario.lever(name) >= 1 for chip in chips)


def allowed_in_month(scenario: Scenario, month: str) -> tuple:
    """The chips licensed regardless of the rule in ``month``: the scenario's ``allowed_chips`` throughout, and
    the switched-on chips from the what-if month."""
    switched = allowed_from_what_if(scenario) if month >= scenario.what_if_from else ()
    return tuple(scenario.allowed_chips) + switched


def classify_for_scenario(chip, rule: Rule | None, allowed: tuple) -> Classification:
    if chip.name in allowed:
        return Classification(NOT_CONTROLLED, None, "allowed by the scenario (US licence)", chip.tpp, chip.density,
                              "allowed")
    if rule is None:
        return Classification(NOT_CONTROLLED, None, "no 3A090 rule in force yet", chip.tpp, chip.density, "no-rule")
    return _classify_cached(chip, rule)


# ---- compile ---------------------------------------------------------------------------------------

def _structure_key(scenario: Scenario) -> tuple:
    """What the compiled arrays depend on: the scenario without its non-structural lever values."""
    lines = ("tpp_threshold", "density_threshold", "case_by_case_tpp_below", "case_by_case_bandwidth_below",
             "informed_memory_bandwidth_gbps", "informed_interconnect_gbps", "what_if_notice_months")
    return (scenario.start, scenario.horizon, scenario.what_if_from, scenario.rule_vintage, scenario.import_chips,
            scenario.allowed_chips, allowed_from_what_if(scenario), scenario.initial_stock, scenario.deliveries, scenario.domestic_mix,
            scenario.national_mix, scenario.hbm_control_from, scenario.frontier_anchor_month,
            tuple(scenario.lever(n) for n in lines))


_COMPILED: dict = {}
_COMPILED_MAX = 64  # [entries] bounded: a server holds at most this many compiled structures


def compile_scenario(scenario: Scenario) -> Compiled:
    """Turn a scenario's structure into arrays. Pure; cached on the structure (not on lever values that only
    scale flows), so the Monte Carlo, the tornado and goal-seek reuse it. The arrays are shared: callers
    never write into them."""
    key = _structure_key(scenario)
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = _compile_uncached(scenario)
        while len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.pop(next(iter(_COMPILED)), None)
        _COMPILED[key] = compiled
    return compiled


def _compile_uncached(scenario: Scenario) -> Compiled:
    start, end = month_index(scenario.start), month_index(scenario.horizon)
    months = np.arange(start, end + 1)
    labels = tuple(f"{m // 12:04d}-{m % 12 + 1:02d}" for m in months)
    T = len(months)

    buy = sorted((CHIPS_BY_NAME[n] for n in scenario.import_chips
                  if CHIPS_BY_NAME[n].price_usd and CHIPS_BY_NAME[n].training_h100e), key=lambda c: c.name)
    others = []
    for name in [*(c for c, _ in scenario.initial_stock), *(c for _, c, _ in scenario.deliveries),
                 *(c for _, shares in scenario.domestic_mix for c, _ in shares)]:
        if name not in others and name not in [c.name for c in buy]:
            others.append(name)
    if dom.OTHER_VENDORS_CHIP not in others:  # the other vendors' row can reach any actor (other_vendors_share)
        others.append(dom.OTHER_VENDORS_CHIP)
    chips = [c.name for c in buy] + others
    C, K = len(chips), len(buy)
    objs = [CHIPS_BY_NAME[n] for n in chips]
    is_domestic = np.array([c.origin == DOMESTIC for c in objs])
    train_rel = np.array([c.relative_training(REFERENCE) if c.origin == DOMESTIC else (c.training_h100e or 0.0)
                          for c in objs])
    infer_rel = np.array([c.relative_inference(REFERENCE) if c.origin == DOMESTIC else (c.inference_h100e or 0.0)
                          for c in objs])
    price = np.array([c.price_usd or 0.0 for c in objs])

    rules = _rules_by_month(scenario, labels)
    statuses = [[""] * T for _ in range(K)]
    classes = np.zeros((K, T), dtype=int)
    classifications: dict = {}
    per_rule: dict = {}
    for t, (label, rule) in enumerate(zip(labels, rules)):
        allowed = allowed_in_month(scenario, label)
        if (rule, allowed) not in per_rule:
            per_rule[(rule, allowed)] = [classify_for_scenario(c, rule, allowed) for c in buy]
            for c, cl in zip(buy, per_rule[(rule, allowed)]):
                classifications[(c.name, rule.title if rule else "none")] = cl
        for k, (c, cl) in enumerate(zip(buy, per_rule[(rule, allowed)])):
            statuses[k][t] = cl.status
            classes[k, t] = imp.access_class(c, cl.status, label)

    what_if = month_index(scenario.what_if_from)
    notice = int(scenario.lever("what_if_notice_months"))
    surge = (months >= what_if - notice) & (months < what_if)
    capped = np.array([bool(rule and rule.licensed_volume_cap) for rule in rules])
    # The levers that act on each chip in each month, from the events table: its US approval, its fee and
    # China's gate. They are part of a month's pattern, so months with the same regime share one walk.
    regimes = [tuple(tuple(events.lever_in_force(action, c.name, label) for action in ("approval", "fee", "gate"))
                     for c in buy) for label in labels]
    keys = [(tuple(classes[:, t]), bool(capped[t]), bool(surge[t]), regimes[t]) for t in range(T)]
    patterns = tuple(dict.fromkeys(keys))
    index = {p: u for u, p in enumerate(patterns)}
    month_pattern = np.array([index[k] for k in keys], dtype=int)
    value = [train_rel[k] / price[k] for k in range(K)]
    names = [c.name for c in buy]
    orders = tuple(imp.preference_order(p[0], value, names) for p in patterns)
    remote = np.array([imp.remote_chip(p[0], o) for p, o in zip(patterns, orders)], dtype=int)

    mix = np.zeros((C, T))
    mix_starts = [month_index(m) for m, _ in scenario.domestic_mix]
    for i, (_, shares) in enumerate(scenario.domestic_mix):
        upto = mix_starts[i + 1] if i + 1 < len(mix_starts) else end + 1
        cols = (months >= (start if i == 0 else mix_starts[i])) & (months < upto)
        for name, share in shares:
            mix[chips.index(name), cols] = share

    deliveries = np.zeros((C, T))
    for m, name, units in scenario.deliveries:
        deliveries[chips.index(name), month_index(m) - start] += units
    initial = np.zeros(C)
    for name, units in scenario.initial_stock:
        initial[chips.index(name)] = units

    national = dom.compile_national(scenario.national_mix, scenario.hbm_control_from, scenario.start, scenario.horizon)
    return Compiled(months=months, labels=labels, chips=tuple(chips), is_domestic=is_domestic, train_rel=train_rel,
                    infer_rel=infer_rel, price=price, buy_count=K, statuses=tuple(tuple(s) for s in statuses),
                    classes=classes, patterns=patterns, month_pattern=month_pattern, orders=orders, remote=remote,
                    mix=mix, fixed_deliveries=deliveries, initial=initial, surge_months=surge,
                    frontier_offset=months - month_index(scenario.frontier_anchor_month),
                    rules_in_force=tuple(r.title if r else "no 3A090 rule" for r in rules), national=national,
                    national_mix_index=np.array([chips.index(c) if c in chips else -1 for c in national.chips]),
                    carries_hbm=np.array([CHIPS_BY_NAME[n].hbm_stacks_per_package > 0 for n in chips]),
                    other_index=chips.index(dom.OTHER_VENDORS_CHIP),
                    classifications=classifications)


# ---- run -------------------------------------------------------------------------------------------

def reading_index(scenario: Scenario, compiled: Compiled) -> int:
    """The scenario month the reading-year figures are read at: the last month of ``reading_year`` projected."""
    return max(i for i, label in enumerate(compiled.labels) if int(label[:4]) == scenario.reading_year)


def run(scenario: Scenario) -> Result:
    """Project stock, arrivals by channel, retirements and capability month by month.

    The one projection, ``lib.kernel.project``, for this scenario's lever values (one sample, with the
    per-chip detail). Returns a ``Result`` whose ``monthly`` table has one row per month and chip, whose
    ``capability`` and ``national`` tables have one row per month, and whose ``summary`` holds the headline
    figures (see ``SUMMARY_KEYS``).
    """
    c = compile_scenario(scenario)
    p = kernel.project(c, scenario.values, reading_index(scenario, c), detail=True)
    T, C = len(c.months), len(c.chips)
    series = {name: x[:, 0] for name, x in p.series.items()}
    capability = pd.DataFrame({"month": _datetimes(c.labels),
                               **{name: series[name] for name in CAPABILITY_COLUMNS},
                               "rule": list(c.rules_in_force)})
    national = _national_frame(c, {name: x[:, 0] for name, x in p.national.items()})
    d = p.chips
    frame = {"month": _datetimes(c.labels, C), "chip": np.tile(np.array(c.chips), T),
             "stock": d["stock"].T.ravel(), "arrivals": d["arrivals"].T.ravel(),
             "retirements": d["retirements"].T.ravel(), "h100e_training": d["h100e_training"].T.ravel(),
             "h100e_inference": d["h100e_inference"].T.ravel()}
    for name in CHANNELS:
        frame[f"arrivals_{name}"] = d["arrivals_by"][name].T.ravel()
    monthly = pd.DataFrame(frame)
    summary = _summary(scenario, c, {key: x[0] for key, x in p.summary.items()}, national)
    return Result(monthly=monthly, capability=capability, national=national, summary=summary, scenario=scenario,
                  compiled=c)


@lru_cache(maxsize=64)
def _datetimes(labels: tuple, repeat: int = 1) -> pd.DatetimeIndex:
    """The month labels as timestamps, each ``repeat`` times (an index is immutable, so one copy serves all runs)."""
    return pd.DatetimeIndex(pd.to_datetime(np.repeat(np.array(labels), repeat), format="%Y-%m"))


CAPABILITY_COLUMNS = (
    "h100e_training", "h100e_inference", "stock_units", "remote_access_chips", "remote_access_h100e",
    "cluster_h100e", "largest_run_flop", "largest_run_flop_reserve", "largest_run_flop_to_date", "planned_run_flop",
    "frontier_flop",
    "frontier_gap_years", "capability_gap_years", "inference_tokens_per_day", "inference_demand_tokens_per_day",
    *(f"arrivals_{name}" for name in CHANNELS), *(f"h100e_arriving_{name}" for name in CHANNELS),
    "h100e_arriving_remote", "domestic_demand", "domestic_available", "h100e_licensed_stock",
    "h100e_smuggled_stock", "h100e_other_vendors_stock", "world_h100e", "us_h100e", "us_china_compute_ratio",
)
"""The capability table's columns besides ``month`` and ``rule``: one row per month."""


def _national_frame(c: Compiled, nat: dict) -> pd.DataFrame:
    n = c.national
    frame = {"month": _datetimes(tuple(n.labels)), "output": nat["output"],
             "huawei_output": nat["huawei"], "pool_output": nat["pool"], "other_vendors_output": nat["other"],
             "logic_limit": nat["logic_limit"],
             "hbm_limit": np.where(np.isfinite(nat["hbm_limit"]), nat["hbm_limit"], np.nan),  # NaN: no HBM control
             "binding": [dom.BINDING[int(b)] for b in nat["binding"]],
             "die_stock": nat["die_stock"], "hbm_stock": nat["hbm_stock"], "smic_dies": nat["smic_dies"],
             "bank_dies": nat["bank_dies"], "hbm_inflow": nat["hbm_inflow"]}
    per_chip = dom.chip_output(n, nat["hbm_made"], nat["plain_made"])
    for i, chip in enumerate(n.chips):
        frame[f"output {chip}"] = per_chip[i]
    return pd.DataFrame(frame)


INTEGER_KEYS = ("runway_months", "runway_reserve_only_months", "inference_runway_months", "months")


def _summary(scenario, c: Compiled, numbers: dict, national: pd.DataFrame) -> dict:
    """The kernel's per-sample figures for one sample, with the derived labels (months, binding)."""
    T = len(c.months)
    out = {key: (int(value) if key in INTEGER_KEYS else float(value)) for key, value in numbers.items()}
    runway = out["runway_months"]
    reserve = out["runway_reserve_only_months"]
    out.update({
        "runway_beyond_horizon": runway >= T, "runway_end_month": None if runway >= T else c.labels[runway],
        "runway_reserve_only_end_month": None if reserve >= T else c.labels[reserve],
        "reading_year": scenario.reading_year,
        "domestic_binding_end": str(national.iloc[-1]["binding"]),
    })
    return {key: out[key] for key in SUMMARY_KEYS}


def status_table(scenario: Scenario, month: str | None = None, rule: Rule | None = None) -> pd.DataFrame:
    """Every catalog chip under the rule the scenario applies in ``month`` (default: the what-if month), or under
    ``rule`` when given (the classify form's chip is drawn against the rule it was judged under)."""
    month = month or scenario.what_if_from
    rule = rule or rule_for_month(scenario, month)
    rows = []
    for chip in CHIPS:
        cl = classify_for_scenario(chip, rule, allowed_in_month(scenario, month))
        access = imp.CLASS_NAMES[imp.access_class(chip, cl.status, month)] if chip.origin != DOMESTIC else "domestic"
        rows.append({"chip": chip.name, "vendor": chip.vendor, "origin": chip.origin, "datacenter": chip.datacenter,
                     "us_commercial": chip.us_commercial, "tpp": chip.tpp, "density": chip.density,
                     "memory_bandwidth_gbps": chip.memory_bandwidth_gbps, "interconnect_gbps": chip.interconnect_gbps,
                     "status": cl.status, "eccn": cl.eccn, "prong": cl.prong, "reason": cl.reason, "access": access,
                     "china_halt": chip.china_halt, "training_h100e": chip.training_h100e,
                     "inference_h100e": chip.inference_h100e, "price_usd": chip.price_usd,
                     "confidence": chip.confidence, "unverified": chip.unverified, "source": chip.source})
    return pd.DataFrame(rows)


__all__ = ["run", "Result", "compile_scenario", "foreign_by_pattern", "foreign_for_pattern", "status_table", "rule_for_month",
           "MODEL_VERSION", "SUMMARY_KEYS", "MONTHLY_COLUMNS", "CHANNELS"]


def gate_table(scenario: Scenario, month: str | None = None) -> pd.DataFrame:
    """Both gates per foreign chip the scenario can buy, in ``month`` (default: the end of the reading year): the
    US side (access class under the rule, the approval share and fee that act on it) and China's side (the share
    its gate lets in). Levers come from the events table, read with the scenario's values."""
    month = month or f"{scenario.reading_year}-12"
    rule = rule_for_month(scenario, month)
    allowed = allowed_in_month(scenario, month)
    rows = []
    for name in scenario.import_chips:
        chip = CHIPS_BY_NAME[name]
        cl = classify_for_scenario(chip, rule, allowed)
        access = imp.access_class(chip, cl.status, month)
        approval, fee, gate = (events.lever_in_force(action, name, month) for action in ("approval", "fee", "gate"))
        licensable = access == imp.LICENSABLE
        rows.append({"chip": name, "us_access": imp.CLASS_NAMES[access],
                     "us_approval_share": (scenario.lever(approval or "approval_share") if licensable else None),
                     "fee_share": scenario.lever(fee) if fee else 0.0,
                     "china_accepts_share": scenario.lever(gate) if gate else 1.0,
                     "china_gate_lever": gate or "none (open)"})
    return pd.DataFrame(rows)
