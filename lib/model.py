"""The one orchestrator: ``run(scenario) -> Result``.

``compile_scenario`` turns the parts of a scenario that no uncertain lever touches (months, chips,
rule status per chip and month, domestic mix, fixed deliveries) into arrays once; ``run`` and
``lib.uncertainty`` then evaluate the small functions of ``lib.projection`` on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from . import projection as pj
from .catalog import CHIPS_BY_NAME, DOMESTIC, Chip
from .rules import NOT_CONTROLLED, RULES, Classification, Rule, classify_or_unknown, custom_rule, rule_in_force
from .scenario import Scenario

MODEL_VERSION = "1.0"

MONTHLY_COLUMNS = ["month", "chip", "stock", "arrivals", "retirements", "h100e_training", "h100e_inference",
                   "arrivals_licit", "arrivals_leaked"]
SUMMARY_KEYS = ("runway_months", "runway_beyond_horizon", "runway_end_month", "h100e_start", "h100e_end",
                "h100e_inference_start", "h100e_inference_end", "largest_run_flop_start", "largest_run_flop_end",
                "planned_run_flop_end", "frontier_flop_end", "frontier_gap_years_start", "frontier_gap_years_end",
                "inference_tokens_per_day_end", "stock_units_start", "stock_units_end", "arrivals_foreign_total",
                "arrivals_leaked_total", "arrivals_domestic_total", "spend_usd_total", "months")


@dataclass(frozen=True)
class Compiled:
    """Arrays fixed by a scenario's structure (not by its uncertain levers)."""

    months: np.ndarray                 # [month index] shape (T,)
    labels: tuple                      # ["YYYY-MM"] shape (T,)
    chips: tuple                       # chip names, shape (C,): foreign buy list first, in preference order
    is_domestic: np.ndarray            # (C,) bool
    train_base: np.ndarray             # (C,) training H100e per chip; domestic chips relative to the flagship [H100e or flagship units]
    infer_base: np.ndarray             # (C,) inference ditto
    price: np.ndarray                  # (C,) [USD], NaN when unknown
    buy_count: int                     # K: the first K chips are the foreign buy list
    status: np.ndarray                 # (K, T) status index of each buy-list chip per month (-1: not yet available)
    status_patterns: np.ndarray        # (K, U) the distinct columns of `status`
    month_pattern: np.ndarray          # (T,) which pattern each month has
    mix: np.ndarray                    # (C, T) domestic mix share per chip per month [share]
    fixed_deliveries: np.ndarray       # (C, T) [chips/month]
    initial: np.ndarray                # (C,) [chips]
    surge_months: np.ndarray           # (T,) bool: notice months before the what-if rule
    frontier_offset: np.ndarray        # (T,) months since the frontier anchor month
    rules_in_force: tuple              # (T,) rule title per month
    classifications: dict = field(default_factory=dict, compare=False)  # (chip, rule title) → Classification


@dataclass(frozen=True)
class Result:
    """Output of ``run``.

    Attributes
    ----------
    monthly : DataFrame, one row per month and chip: stock [chips], arrivals [chips/month],
        retirements [chips/month], h100e_training and h100e_inference [H100e], arrivals_licit and
        arrivals_leaked [chips/month]
    capability : DataFrame, one row per month: fleet totals and the run, frontier and gap series
    summary : dict of ``SUMMARY_KEYS``
    scenario : the Scenario that was run
    """

    monthly: pd.DataFrame
    capability: pd.DataFrame
    summary: dict
    scenario: Scenario
    compiled: Compiled = field(repr=False, compare=False)


def _rule_for_month(scenario: Scenario, month: str) -> Rule | None:
    if month < scenario.what_if_from:
        return rule_in_force(month)
    base = rule_in_force(month) if scenario.rule_vintage == "timeline" else RULES[scenario.rule_vintage]
    if base is None:  # what-if from a month before any rule: the levers apply on the Oct 2022 structure
        base = RULES["oct-2022"]
    return custom_rule(base.name, scenario.lever("tpp_threshold"), scenario.lever("density_threshold"))


def _rules_by_month(scenario: Scenario, labels: tuple) -> list:
    """The rule of each month; months with the same real vintage share one Rule object."""
    by_vintage: dict = {}
    out = []
    for label in labels:
        real = rule_in_force(label)
        key = (real.name if real else None, label < scenario.what_if_from)
        if key not in by_vintage:
            by_vintage[key] = _rule_for_month(scenario, label)
        out.append(by_vintage[key])
    return out


@lru_cache(maxsize=4096)
def _classify_cached(chip: Chip, rule: Rule) -> Classification:
    return classify_or_unknown(chip, rule)


def classify_for_scenario(chip: Chip, rule: Rule | None, allowed: tuple) -> Classification:
    if chip.name in allowed:
        return Classification(NOT_CONTROLLED, None, "allowed by the scenario (allowed_chips)", chip.tpp, chip.density)
    if rule is None:
        return Classification(NOT_CONTROLLED, None, "no 3A090 rule in force yet", chip.tpp, chip.density)
    return _classify_cached(chip, rule)


def _preference_key(chip: Chip):
    """Buy order: most training H100e per dollar first."""
    return -(chip.training_h100e / chip.price_usd)


@lru_cache(maxsize=64)
def compile_scenario(scenario: Scenario) -> Compiled:
    """Turn a scenario's structure into arrays. Pure; depends on tpp/density levers through the rule.

    Cached: the Monte Carlo, the tornado and goal-seek compile the same scenario again. The arrays are
    shared, so callers never write into them.
    """
    start, end = pj.month_index(scenario.start), pj.month_index(scenario.horizon)
    months = np.arange(start, end + 1)
    labels = tuple(pj.month_label(m) for m in months)
    T = len(months)

    buy = sorted((CHIPS_BY_NAME[n] for n in scenario.import_chips
                  if CHIPS_BY_NAME[n].price_usd and CHIPS_BY_NAME[n].training_h100e), key=_preference_key)
    others = []
    for name in [*(c for c, _ in scenario.initial_stock), *(c for _, c, _ in scenario.deliveries),
                 *(c for _, shares in scenario.domestic_mix for c, _ in shares)]:
        if name not in others and name not in [c.name for c in buy]:
            others.append(name)
    chips = [c.name for c in buy] + others
    C, K = len(chips), len(buy)
    chip_objs = [CHIPS_BY_NAME[n] for n in chips]
    flagship = CHIPS_BY_NAME[scenario.domestic_flagship]
    is_domestic = np.array([c.origin == DOMESTIC for c in chip_objs])
    train_base = np.array([
        (c.training_h100e or 0.0) / flagship.training_h100e if c.origin == DOMESTIC else (c.training_h100e or 0.0)
        for c in chip_objs])
    infer_base = np.array([
        (c.inference_h100e or 0.0) / flagship.inference_h100e if c.origin == DOMESTIC else (c.inference_h100e or 0.0)
        for c in chip_objs])
    price = np.array([c.price_usd if c.price_usd else np.nan for c in chip_objs])

    # Rule per month: only a handful of distinct rules, so classify per distinct rule.
    rules = _rules_by_month(scenario, labels)
    status = np.full((K, T), -1, dtype=int)
    classifications = {}
    cache: dict = {}
    for t, (label, rule) in enumerate(zip(labels, rules)):
        key = rule
        if key not in cache:
            cache[key] = [classify_for_scenario(c, rule, scenario.allowed_chips) for c in buy]
            for c, cl in zip(buy, cache[key]):
                classifications[(c.name, rule.title if rule else "none")] = cl
        for k, (c, cl) in enumerate(zip(buy, cache[key])):
            if c.available_from <= label:
                # An unknown status cannot be bought legally: treat as controlled (only leakage).
                status[k, t] = pj.STATUS_INDEX.get(cl.status, pj.STATUS_INDEX["controlled"])

    mix = np.zeros((C, T))
    mix_starts = [pj.month_index(m) for m, _ in scenario.domestic_mix]
    for i, (m, shares) in enumerate(scenario.domestic_mix):
        upto = mix_starts[i + 1] if i + 1 < len(mix_starts) else end + 1
        cols = (months >= (start if i == 0 else mix_starts[i])) & (months < upto)
        for name, share in shares:
            mix[chips.index(name), cols] = share

    deliveries = np.zeros((C, T))
    for m, name, units in scenario.deliveries:
        t = pj.month_index(m) - start
        if 0 <= t < T:
            deliveries[chips.index(name), t] += units
    initial = np.zeros(C)
    for name, units in scenario.initial_stock:
        initial[chips.index(name)] = units

    what_if = pj.month_index(scenario.what_if_from)
    notice = int(scenario.lever("what_if_notice_months"))
    surge = (months >= what_if - notice) & (months < what_if)
    patterns, month_pattern = np.unique(status, axis=1, return_inverse=True)
    return Compiled(months=months, labels=labels, chips=tuple(chips), is_domestic=is_domestic, train_base=train_base,
                    infer_base=infer_base, price=price, buy_count=K, status=status, status_patterns=patterns,
                    month_pattern=month_pattern.reshape(-1),
                    mix=mix, fixed_deliveries=deliveries, initial=initial, surge_months=surge,
                    frontier_offset=months - pj.month_index(scenario.frontier_anchor_month),
                    rules_in_force=tuple(r.title if r else "no 3A090 rule" for r in rules),
                    classifications=classifications)


def foreign_purchases(compiled: Compiled, import_budget, leakage, approval_share, front_running_surge, foreign_supply_cap,
                      weights: dict | None = None):
    """Foreign chips bought per month, split into licit and leaked [chips/month].

    Lever arguments are scalars, or arrays of shape (N,) for N Monte Carlo samples. The rule status of
    the buy list takes only a few distinct patterns over the months, so the waterfall is computed once
    per pattern and spread over the months afterwards.

    Returns ``(licit, leaked, spend)``: per chip (K, T), (K, T) and (T,) [USD/month] when ``weights``
    is None; otherwise ``weights`` maps names to per-chip vectors (K,) and the first item is a dict of
    weighted sums (…, T) (e.g. H100e arriving per month), the second the leaked units (…, T).
    """
    K = compiled.buy_count
    patterns, month_pattern = compiled.status_patterns, compiled.month_pattern
    status = np.maximum(patterns, 0)
    available = patterns >= 0
    access = np.where(available, np.take(pj.access_by_status(leakage, approval_share), status, axis=-1), 0.0)
    shares = pj.waterfall_shares(access)                                           # (..., K, U)
    approval = np.asarray(approval_share, dtype=float)
    approval = approval.reshape(-1, 1, 1) if approval.ndim else float(approval)
    licensable = (status == pj.STATUS_INDEX["gray-zone"]) | (status == pj.STATUS_INDEX["case-by-case"])
    licit_part = np.where(status == pj.STATUS_INDEX["not-controlled"], 1.0,
                          np.where(licensable, approval / np.where(licensable & (access > 0), access, 1.0), 0.0))
    licit_part = np.where(available, np.minimum(licit_part, 1.0), 0.0)
    per_dollar = shares / compiled.price[:K, None]                                 # chips per USD, (..., K, U)
    budget = _per_month(import_budget) / 12.0 * (1.0 + _per_month(front_running_surge) * compiled.surge_months)
    total = budget * per_dollar.sum(axis=-2)[..., month_pattern]                   # chips/month, (..., T)
    scale = np.minimum(1.0, _per_month(foreign_supply_cap) / 12.0 / np.maximum(total, 1e-12))
    paid = budget * scale                                                          # USD/month actually spent
    spent = paid * shares.sum(axis=-2)[..., month_pattern]
    if weights is None:
        units = per_dollar[..., month_pattern] * paid[..., None, :]
        licit = units * licit_part[..., month_pattern]
        return licit, units - licit, spent
    # Collapse the chips per pattern first (N×U), then spread over months (N×T): never N×K×T.
    leaked = paid * (per_dollar * (1.0 - licit_part)).sum(axis=-2)[..., month_pattern]
    weighted = {name: paid * np.einsum("...ku,k->...u", per_dollar, w)[..., month_pattern]
                for name, w in weights.items()}
    return weighted, leaked, spent


def _per_month(value):
    """A scalar stays a scalar; an (N,) array becomes (N, 1) to broadcast over months."""
    value = np.asarray(value, dtype=float)
    return value[..., None] if value.ndim else value


def run(scenario: Scenario) -> Result:
    """Project stock, arrivals, retirements and capability month by month.

    Returns a ``Result`` whose ``monthly`` table has one row per month and chip and whose
    ``summary`` holds the headline figures (see ``SUMMARY_KEYS``).
    """
    compiled = compile_scenario(scenario)
    v = scenario.lever
    T, C, K = len(compiled.months), len(compiled.chips), compiled.buy_count

    licit, leaked, spend_foreign = foreign_purchases(compiled, v("import_budget"), v("leakage"), v("approval_share"),
                                                     v("front_running_surge"), v("foreign_supply_cap"))
    domestic = pj.domestic_supply_per_month(T, v("domestic_supply"), v("domestic_growth")) * compiled.mix
    arrivals = compiled.fixed_deliveries + domestic
    arrivals[:K] += licit + leaked

    q = pj.monthly_survival(v("failure_rate"))
    lifetime_months = max(1, int(round(v("lifetime_years") * 12)))
    stock = pj.survival_kernel_stock(arrivals, lifetime_months, q)
    stock += compiled.initial[:, None] * pj.initial_stock_survival(T, v("lifetime_years"), v("initial_stock_age_years"), q)
    previous = np.concatenate([compiled.initial[:, None], stock[:, :-1]], axis=1)
    retirements = np.maximum(previous + arrivals - stock, 0.0)
    stock = previous + arrivals - retirements  # conservation holds exactly, row by row

    train_ratio = np.where(compiled.is_domestic, compiled.train_base / v("training_substitution"), compiled.train_base)
    infer_ratio = np.where(compiled.is_domestic, compiled.infer_base / v("inference_substitution"), compiled.infer_base)
    h_train = stock * train_ratio[:, None]
    h_infer = stock * infer_ratio[:, None]

    capability = _capability_frame(scenario, compiled, h_train.sum(axis=0), h_infer.sum(axis=0), stock.sum(axis=0))
    domestic_spend = np.nansum(domestic * np.nan_to_num(compiled.price)[:, None])

    month_col = np.repeat(np.array(compiled.labels), C)
    leaked_full = np.zeros((C, T))
    leaked_full[:K] = leaked
    licit_full = np.zeros((C, T))
    licit_full[:K] = licit
    monthly = pd.DataFrame({
        "month": pd.to_datetime(month_col, format="%Y-%m"),
        "chip": np.tile(np.array(compiled.chips), T),
        "stock": stock.T.ravel(), "arrivals": arrivals.T.ravel(), "retirements": retirements.T.ravel(),
        "h100e_training": h_train.T.ravel(), "h100e_inference": h_infer.T.ravel(),
        "arrivals_licit": licit_full.T.ravel(), "arrivals_leaked": leaked_full.T.ravel(),
    })
    summary = _summary(capability, T, compiled, arrivals, licit, leaked, float(spend_foreign.sum() + domestic_spend))
    return Result(monthly=monthly, capability=capability, summary=summary, scenario=scenario, compiled=compiled)


def _capability_frame(scenario, compiled, h_train, h_infer, units) -> pd.DataFrame:
    v = scenario.lever
    t = np.arange(len(compiled.months))
    largest = pj.largest_run_flop(h_train, v("mfu"), v("run_window_days"), v("training_share"))
    planned = pj.growth_path(v("planned_run_flop"), v("demand_growth"), t)
    frontier = pj.growth_path(v("frontier_anchor_flop"), v("frontier_growth"), compiled.frontier_offset)
    return pd.DataFrame({
        "month": pd.to_datetime(np.array(compiled.labels), format="%Y-%m"),
        "h100e_training": h_train, "h100e_inference": h_infer, "stock_units": units,
        "largest_run_flop": largest, "planned_run_flop": planned, "frontier_flop": frontier,
        "frontier_gap_years": pj.frontier_gap_years(largest, frontier, v("frontier_growth")),
        "inference_tokens_per_day": pj.inference_tokens_per_day(h_infer, v("training_share"),
                                                                v("tokens_per_second_per_h100e")),
        "rule": list(compiled.rules_in_force),
    })


def _summary(cap: pd.DataFrame, T: int, compiled: Compiled, arrivals, licit, leaked, spend: float) -> dict:
    runway = int(pj.runway_months(cap["planned_run_flop"].to_numpy(), cap["largest_run_flop"].to_numpy()))
    first, last = cap.iloc[0], cap.iloc[-1]
    return {
        "runway_months": runway,
        "runway_beyond_horizon": runway >= T,
        "runway_end_month": None if runway >= T else compiled.labels[runway],
        "h100e_start": float(first.h100e_training), "h100e_end": float(last.h100e_training),
        "h100e_inference_start": float(first.h100e_inference), "h100e_inference_end": float(last.h100e_inference),
        "largest_run_flop_start": float(first.largest_run_flop), "largest_run_flop_end": float(last.largest_run_flop),
        "planned_run_flop_end": float(last.planned_run_flop), "frontier_flop_end": float(last.frontier_flop),
        "frontier_gap_years_start": float(first.frontier_gap_years), "frontier_gap_years_end": float(last.frontier_gap_years),
        "inference_tokens_per_day_end": float(last.inference_tokens_per_day),
        "stock_units_start": float(first.stock_units), "stock_units_end": float(last.stock_units),
        "arrivals_foreign_total": float((licit + leaked).sum()), "arrivals_leaked_total": float(leaked.sum()),
        "arrivals_domestic_total": float(arrivals[compiled.is_domestic].sum()),
        "spend_usd_total": spend, "months": T,
    }


def status_table(scenario: Scenario, month: str | None = None) -> pd.DataFrame:
    """Every catalog chip under the rule the scenario applies in ``month`` (default: the what-if month)."""
    from .catalog import CHIPS

    rule = _rule_for_month(scenario, month or scenario.what_if_from)
    rows = []
    for chip in CHIPS:
        cl = classify_for_scenario(chip, rule, scenario.allowed_chips)
        rows.append({"chip": chip.name, "vendor": chip.vendor, "origin": chip.origin, "datacenter": chip.datacenter,
                     "tpp": chip.tpp, "density": chip.density, "memory_bandwidth_gbps": chip.memory_bandwidth_gbps,
                     "interconnect_gbps": chip.interconnect_gbps, "status": cl.status, "eccn": cl.eccn, "reason": cl.reason,
                     "training_h100e": chip.training_h100e, "inference_h100e": chip.inference_h100e,
                     "price_usd": chip.price_usd, "confidence": chip.confidence, "source": chip.source})
    return pd.DataFrame(rows)


__all__ = ["run", "Result", "compile_scenario", "foreign_purchases", "status_table", "MODEL_VERSION"]
