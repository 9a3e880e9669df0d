"""The one orchestrator: ``run(scenario) -> Result``.

``compile_scenario`` turns the parts of a scenario that no uncertain lever touches (months, chips, each
chip's rule status and access class per month, mixes, fixed deliveries) into arrays once; ``run`` then
calls the mechanisms in order:

1. ``lib.imports``: the import budget's walk down the buy list → licensed and smuggled chips; remote access;
2. ``lib.domestic``: national output = min(logic, HBM) from 2023; the actor's share of it;
3. ``lib.fleet``: stock and retirements per chip, conserved by channel;
4. ``lib.capability``: H100e by workload, the largest run, runway, frontier and gap, inference.

``lib.uncertainty`` evaluates the same mechanisms for many samples at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from . import capability as cap
from . import domestic as dom
from . import fleet
from . import imports as imp
from .catalog import CHIPS, CHIPS_BY_NAME, DOMESTIC, REFERENCE
from .gate import month_index
from .rules import (NOT_CONTROLLED, RULES, Classification, Rule, classify_or_unknown, custom_rule,
                    rule_in_force)
from .scenario import MODEL_VERSION, Scenario

MONTHLY_COLUMNS = ["month", "chip", "stock", "arrivals", "retirements", "h100e_training", "h100e_inference",
                   "arrivals_licensed", "arrivals_smuggled", "arrivals_domestic", "arrivals_ordered"]
CHANNELS = ("licensed", "smuggled", "domestic", "ordered")
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
    patterns: tuple                    # U distinct (classes, capped, surge) month patterns
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


def classify_for_scenario(chip, rule: Rule | None, allowed: tuple) -> Classification:
    if chip.name in allowed:
        return Classification(NOT_CONTROLLED, None, "allowed by the scenario (allowed_chips)", chip.tpp, chip.density,
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
            scenario.allowed_chips, scenario.initial_stock, scenario.deliveries, scenario.domestic_mix,
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
        if rule not in per_rule:
            per_rule[rule] = [classify_for_scenario(c, rule, scenario.allowed_chips) for c in buy]
            for c, cl in zip(buy, per_rule[rule]):
                classifications[(c.name, rule.title if rule else "none")] = cl
        for k, (c, cl) in enumerate(zip(buy, per_rule[rule])):
            statuses[k][t] = cl.status
            classes[k, t] = imp.access_class(c, cl.status, label)

    what_if = month_index(scenario.what_if_from)
    notice = int(scenario.lever("what_if_notice_months"))
    surge = (months >= what_if - notice) & (months < what_if)
    capped = np.array([bool(rule and rule.licensed_volume_cap) for rule in rules])
    keys = [(tuple(classes[:, t]), bool(capped[t]), bool(surge[t])) for t in range(T)]
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
                    classifications=classifications)


# ---- foreign purchases per pattern -----------------------------------------------------------------

FOREIGN_LEVERS = ("import_budget", "front_running_surge", "leakage", "approval_share", "licensed_cap_chips",
                  "national_share", "foreign_supply_cap")


def foreign_for_pattern(compiled: Compiled, u: int, values: dict):
    """Licensed and smuggled chips [chips/month], shape (N, K), and spend [USD/month], shape (N,), in the
    months of pattern ``u``. ``values`` maps lever names to scalars or (N,) arrays."""
    v = {k: np.atleast_1d(np.asarray(values[k], dtype=float)) for k in FOREIGN_LEVERS}
    classes, capped, surge = compiled.patterns[u]
    budget = v["import_budget"] / 12.0 * (1.0 + v["front_running_surge"] * surge)
    cap_units = v["licensed_cap_chips"] * v["national_share"] / 12.0 if capped else None
    licensed, smuggled, spent = imp.walk(classes, compiled.orders[u], compiled.price[:compiled.buy_count], budget,
                                         v["leakage"], v["approval_share"], cap_units)
    total = (licensed + smuggled).sum(axis=1)
    scale = np.minimum(1.0, v["foreign_supply_cap"] / 12.0 / np.maximum(total, 1e-12))
    return licensed * scale[:, None], smuggled * scale[:, None], spent * scale


def foreign_by_pattern(compiled: Compiled, values: dict):
    """``foreign_for_pattern`` for every pattern: arrays (U, N, K), (U, N, K) and (U, N)."""
    parts = [foreign_for_pattern(compiled, u, values) for u in range(len(compiled.patterns))]
    return tuple(np.stack(x) for x in zip(*parts))


# ---- run -------------------------------------------------------------------------------------------

def run(scenario: Scenario) -> Result:
    """Project stock, arrivals by channel, retirements and capability month by month.

    Returns a ``Result`` whose ``monthly`` table has one row per month and chip, whose ``capability``
    and ``national`` tables have one row per month, and whose ``summary`` holds the headline figures
    (see ``SUMMARY_KEYS``).
    """
    c = compile_scenario(scenario)
    values = scenario.values
    v = scenario.lever
    T, C, K = len(c.months), len(c.chips), c.buy_count

    lic_u, smug_u, spent_u = foreign_by_pattern(c, values)
    licensed = lic_u[c.month_pattern, 0, :].T          # (K, T)
    smuggled = smug_u[c.month_pattern, 0, :].T
    spend_foreign = spent_u[c.month_pattern, 0]

    nat = dom.national_output(values, c.national)
    national_here = nat["output"][c.national.offset:c.national.offset + T]
    demand = dom.actor_demand(T, v("domestic_supply"), v("domestic_growth"))
    available = v("national_share") * national_here
    domestic_total = np.minimum(demand, available)
    domestic = domestic_total * c.mix                   # (C, T)

    arrivals_by = {"licensed": np.zeros((C, T)), "smuggled": np.zeros((C, T)), "domestic": domestic,
                   "ordered": c.fixed_deliveries}
    arrivals_by["licensed"][:K] = licensed
    arrivals_by["smuggled"][:K] = smuggled
    arrivals = sum(arrivals_by.values())
    stock, retirements = fleet.stock_and_retirements(arrivals, c.initial, v("lifetime_years"),
                                                     v("initial_stock_age_years"), v("failure_rate"))

    train_ratio = np.where(c.is_domestic, c.train_rel / v("training_substitution"), c.train_rel)
    infer_ratio = np.where(c.is_domestic, c.infer_rel / v("inference_substitution"), c.infer_rel)
    h_train, h_infer = stock * train_ratio[:, None], stock * infer_ratio[:, None]

    # Remote access: rented abroad, the best obtainable chip each month; it retires like owned chips.
    remote_index = c.remote[c.month_pattern]
    rented = np.where(remote_index >= 0, v("remote_access") / 12.0, 0.0)
    remote_h100e_added = rented * np.where(remote_index >= 0, c.train_rel[np.maximum(remote_index, 0)], 0.0)
    q = fleet.monthly_survival(v("failure_rate"))
    life = int(fleet.lifetime_months(v("lifetime_years")))
    remote_chips = fleet.survival_kernel_stock(rented, life, q)
    remote_h100e = fleet.survival_kernel_stock(remote_h100e_added, life, q)

    flows = {f"h100e_arriving_{name}": (arrivals_by[name] * train_ratio[:, None]).sum(axis=0) for name in CHANNELS}
    capability = _capability_frame(scenario, c, h_train.sum(axis=0), h_infer.sum(axis=0), stock.sum(axis=0),
                                   remote_chips, remote_h100e, remote_h100e_added, flows,
                                   {name: arrivals_by[name].sum(axis=0) for name in CHANNELS}, demand, available)
    national = _national_frame(c, nat)
    spend = float(spend_foreign.sum() + (domestic * c.price[:, None]).sum())

    month_col = np.repeat(np.array(c.labels), C)
    frame = {"month": pd.to_datetime(month_col, format="%Y-%m"), "chip": np.tile(np.array(c.chips), T),
             "stock": stock.T.ravel(), "arrivals": arrivals.T.ravel(), "retirements": retirements.T.ravel(),
             "h100e_training": h_train.T.ravel(), "h100e_inference": h_infer.T.ravel()}
    for name in CHANNELS:
        frame[f"arrivals_{name}"] = arrivals_by[name].T.ravel()
    monthly = pd.DataFrame(frame)
    summary = _summary(scenario, capability, national, c, arrivals_by, flows, spend)
    return Result(monthly=monthly, capability=capability, national=national, summary=summary, scenario=scenario,
                  compiled=c)


def _capability_frame(scenario, c, h_train, h_infer, units, remote_chips, remote_h100e, remote_added, flows,
                      channel_units, demand, available) -> pd.DataFrame:
    v = scenario.lever
    t = np.arange(len(c.months))
    largest = cap.largest_run_flop(h_train + remote_h100e, v("mfu"), v("run_window_days"), v("training_share"))
    planned = cap.growth_path(v("planned_run_flop"), v("demand_growth"), t)
    frontier = cap.frontier_flop(v("frontier_anchor_flop"), v("frontier_growth"), v("frontier_ceiling_flop"),
                                 c.frontier_offset)
    tokens = cap.inference_tokens_per_day(h_infer, v("training_share"), v("tokens_per_second_per_h100e"))
    return pd.DataFrame({
        "month": pd.to_datetime(np.array(c.labels), format="%Y-%m"),
        "h100e_training": h_train, "h100e_inference": h_infer, "stock_units": units,
        "remote_access_chips": remote_chips, "remote_access_h100e": remote_h100e,
        "largest_run_flop": largest, "planned_run_flop": planned, "frontier_flop": frontier,
        "frontier_gap_years": cap.frontier_gap_years(largest, frontier, v("frontier_anchor_flop"), v("frontier_growth"),
                                                     c.frontier_offset),
        "inference_tokens_per_day": tokens,
        "inference_demand_tokens_per_day": cap.growth_path(v("inference_demand_tokens_per_day"),
                                                           v("inference_demand_growth"), t),
        **{f"arrivals_{name}": units_ for name, units_ in channel_units.items()},
        **flows, "h100e_arriving_remote": remote_added,
        "domestic_demand": demand, "domestic_available": available,
        "rule": list(c.rules_in_force),
    })


def _national_frame(c: Compiled, nat: dict) -> pd.DataFrame:
    n = c.national
    frame = {"month": pd.to_datetime(np.array(n.labels), format="%Y-%m"), "output": nat["output"],
             "huawei_output": nat["output"] * n.huawei_share, "logic_limit": nat["logic_limit"],
             "hbm_limit": nat["hbm_limit"], "binding": [dom.BINDING[b] for b in nat["binding"]],
             "die_stock": nat["die_stock"], "hbm_stock": nat["hbm_stock"], "smic_dies": nat["smic_dies"],
             "bank_dies": nat["bank_dies"], "hbm_inflow": nat["hbm_inflow"]}
    for i, chip in enumerate(n.chips):
        frame[f"output {chip}"] = nat["output"] * n.mix[i]
    return pd.DataFrame(frame)


def _summary(scenario, capf: pd.DataFrame, national: pd.DataFrame, c: Compiled, arrivals_by: dict, flows: dict,
             spend: float) -> dict:
    T = len(c.months)
    runway = int(cap.runway_months(capf["planned_run_flop"].to_numpy(), capf["largest_run_flop"].to_numpy()))
    demand = capf["inference_demand_tokens_per_day"].to_numpy()
    served = capf["inference_tokens_per_day"].to_numpy()
    inference_runway = int(cap.runway_months(demand, served))
    first, last = capf.iloc[0], capf.iloc[-1]
    year_rows = capf[capf["month"].dt.year == scenario.reading_year]
    reading = year_rows.iloc[-1]
    here = national.iloc[c.national.offset:]
    totals = {name: float(arrivals_by[name].sum()) for name in CHANNELS}
    return {
        "runway_months": runway,
        "runway_beyond_horizon": runway >= T,
        "runway_end_month": None if runway >= T else c.labels[runway],
        "h100e_start": float(first.h100e_training), "h100e_end": float(last.h100e_training),
        "h100e_inference_start": float(first.h100e_inference), "h100e_inference_end": float(last.h100e_inference),
        "largest_run_flop_start": float(first.largest_run_flop), "largest_run_flop_end": float(last.largest_run_flop),
        "planned_run_flop_end": float(last.planned_run_flop), "frontier_flop_end": float(last.frontier_flop),
        "frontier_gap_years_start": float(first.frontier_gap_years), "frontier_gap_years_end": float(last.frontier_gap_years),
        "inference_tokens_per_day_end": float(last.inference_tokens_per_day),
        "stock_units_start": float(first.stock_units), "stock_units_end": float(last.stock_units),
        "arrivals_foreign_total": totals["licensed"] + totals["smuggled"], "arrivals_leaked_total": totals["smuggled"],
        "arrivals_domestic_total": totals["domestic"] + float(arrivals_by["ordered"][c.is_domestic].sum()),
        "spend_usd_total": spend, "months": T,
        "arrivals_licensed_total": totals["licensed"], "arrivals_smuggled_total": totals["smuggled"],
        "arrivals_ordered_total": totals["ordered"],
        "h100e_licensed_total": float(flows["h100e_arriving_licensed"].sum()),
        "h100e_smuggled_total": float(flows["h100e_arriving_smuggled"].sum()),
        "h100e_domestic_total": float(flows["h100e_arriving_domestic"].sum()),
        "remote_access_chips_end": float(last.remote_access_chips), "remote_access_h100e_end": float(last.remote_access_h100e),
        "h100e_years_total": float(cap.h100e_years(capf["h100e_training"].to_numpy() + capf["remote_access_h100e"].to_numpy())),
        "reading_year": scenario.reading_year, "h100e_reading": float(reading.h100e_training),
        "frontier_gap_years_reading": float(reading.frontier_gap_years),
        "largest_run_flop_reading": float(reading.largest_run_flop),
        "inference_runway_months": inference_runway,
        "inference_coverage_end": float(served[-1] / demand[-1]) if demand[-1] > 0 else 0.0,
        "national_output_total": float(here["output"].sum()),
        "domestic_binding_end": str(national.iloc[-1]["binding"]),
        # Summed from 2023, where the computation starts: more logic or HBM, drawn sooner, can shift output out
        # of a later window, but never lowers this total (the promise the HBM import levers make).
        "national_output_since_2023": float(national["output"].sum()),
    }


def status_table(scenario: Scenario, month: str | None = None) -> pd.DataFrame:
    """Every catalog chip under the rule the scenario applies in ``month`` (default: the what-if month)."""
    month = month or scenario.what_if_from
    rule = rule_for_month(scenario, month)
    rows = []
    for chip in CHIPS:
        cl = classify_for_scenario(chip, rule, scenario.allowed_chips)
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
