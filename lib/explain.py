"""Binding constraints, and why a lever did or did not move the answer, in words.

- ``import_constraints``: for each chip on the buy list, the prong that controls it and its access.
- ``domestic_binding``: per year, what limited national output (logic, HBM, the die bank) and the actor.
- ``why_unchanged``: for each lever that differs between two scenarios while the headline did not move,
  the mechanism that absorbed it (e.g. "the H100 stays controlled by the performance-density prong:
  PD 19.45 ≥ 5.92").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import imports as imp
from .catalog import CHIPS_BY_NAME
from .format import compact, month_name
from .gate import plain_number
from .levers import LEVERS
from .rules import PRONG_LABELS, RULE_LINE_LEVERS, STATUS_LABELS

HEADLINE = (("runway_months", "abs", 0.5), ("h100e_end", "rel", 1e-3), ("frontier_gap_years_reading", "abs", 0.005),
            ("h100e_years_total", "rel", 1e-3), ("largest_run_flop_end", "rel", 1e-3))


def _month_index(result, month: str | None) -> int:
    labels = result.compiled.labels
    month = month or result.scenario.what_if_from
    return labels.index(month) if month in labels else 0


def import_constraints(result, month: str | None = None) -> pd.DataFrame:
    """Each buy-list chip in ``month`` (default: the what-if month): status, deciding prong, access and why."""
    c = result.compiled
    t = _month_index(result, month)
    rule_title = c.rules_in_force[t]
    rows = []
    for k, name in enumerate(c.chips[:c.buy_count]):
        chip = CHIPS_BY_NAME[name]
        cl = c.classifications.get((name, rule_title))
        status = c.statuses[k][t]
        access = imp.CLASS_NAMES[int(c.classes[k, t])]
        halted = imp.vendor_halted(chip, c.labels[t], status)
        if chip.available_from > c.labels[t]:
            why = f"not released until {chip.available_from}"
        elif halted:
            why = (f"the vendor stopped China shipments in {chip.china_halt} ({chip.china_halt_source}); "
                   + ("it can still be smuggled or rented" if chip.us_commercial else "a China-only SKU, so none is made"))
        else:
            why = cl.reason if cl else ""
        rows.append({"chip": name, "status": STATUS_LABELS.get(status, status),
                     "prong": PRONG_LABELS.get(cl.prong if cl else "none", ""), "access": access,
                     "sold in the US": chip.us_commercial, "why": why, "rule": rule_title})
    return pd.DataFrame(rows)


CAPPED_MONTHS = "actor capped by national output [months]"


def domestic_binding(result, since_start: bool = False) -> pd.DataFrame:
    """Per year: national output, the months each constraint bound, and months the actor got its full demand.
    National output is computed from 2023; ``since_start`` keeps only the years from the scenario's start."""
    nat = result.national.assign(year=result.national["month"].dt.year)
    table = nat.groupby("year").agg(output=("output", "sum"), huawei_output=("huawei_output", "sum"))
    for label in ("HBM", "logic: SMIC + die bank", "logic: SMIC wafers"):
        table[label] = nat.assign(hit=nat["binding"] == label).groupby("year")["hit"].sum()
    cap = result.capability.assign(year=result.capability["month"].dt.year)
    capped = cap.assign(capped=cap["domestic_available"] < cap["domestic_demand"]).groupby("year")["capped"].sum()
    table[CAPPED_MONTHS] = capped.reindex(table.index)
    table = table.reset_index()
    return table[table["year"] >= int(result.scenario.start[:4])] if since_start else table


def _years(years: list[int]) -> str:
    """Consecutive years as ranges: [2023, 2024, 2026] -> "2023–24, 2026"."""
    runs, start = [], None
    for k, year in enumerate(years):
        start = year if start is None else start
        if k + 1 == len(years) or years[k + 1] != year + 1:
            runs.append(str(year) if start == year else f"{start}–{str(year)[2:]}")
            start = None
    return ", ".join(runs)


PRONG_PHRASES = {PRONG_LABELS["case-by-case"]: "case-by-case review (the Jan 2026 window)",
                 PRONG_LABELS["allowed"]: "allowed by the scenario"}
ACCESS_WORDS = {"free": "exportable", "licensable": "licensed at the approval share",
                "controlled": "blocked (smuggled or rented only)", "not obtainable": "not obtainable"}


def binding_sentences(result) -> list[str]:
    """What binds, in words: the imports at the what-if month, grouped by what holds them; what limits national
    output year by year; and the years the actor gets less domestic supply than it asks for."""
    table = import_constraints(result)
    groups: dict[str, list[str]] = {}
    for row in table.itertuples():
        chip = CHIPS_BY_NAME[row.chip]
        if row.why.startswith("not released"):
            key, name = "not yet released", f"{row.chip} ({month_name(chip.available_from)})"
        elif row.why.startswith("the vendor stopped"):
            key, name = f"China shipments stopped by the vendor in {month_name(chip.china_halt)}", row.chip
        elif row.prong in ("", PRONG_LABELS["none"]):
            key, name = row.status, row.chip
        elif row.prong in PRONG_PHRASES:
            key, name = PRONG_PHRASES[row.prong], row.chip
        else:
            denial = row.status.endswith("(denial)")
            key = (f"controlled by the {row.prong}, presumption of denial" if denial
                   else f"{row.status} by the {row.prong}")
            name = row.chip
        groups.setdefault(key, []).append(name)
    month = month_name(result.scenario.what_if_from)
    sentences = [f"Imports in {month}: " + "; ".join(f"{', '.join(names)}: {key}" for key, names in groups.items())
                 + "."] if groups else []
    c = result.compiled
    start = _month_index(result, None)
    later = []
    for k, name in enumerate(c.chips[:c.buy_count]):
        steps = [f"{ACCESS_WORDS[imp.CLASS_NAMES[int(c.classes[k, t])]]} from {month_name(c.labels[t])}"
                 for t in range(start + 1, len(c.labels)) if c.classes[k, t] != c.classes[k, t - 1]]
        if steps:
            later.append(f"{name} {', '.join(steps)}")
    if later:
        sentences.append("Later: " + "; ".join(later) + ".")
    binding = domestic_binding(result, since_start=True)
    labels = {"HBM": "HBM", "logic: SMIC + die bank": "logic (SMIC wafers and the die bank)",
              "logic: SMIC wafers": "logic (SMIC wafers)"}
    by_label: dict[str, list[int]] = {}
    for row in binding.to_dict("records"):
        by_label.setdefault(max(labels, key=lambda label: row[label]), []).append(int(row["year"]))
    if by_label:
        sentences.append("China's domestic output is bound by " + "; ".join(
            f"{labels[label]} in {_years(years)}" for label, years in by_label.items()) + ".")
    capped = binding[CAPPED_MONTHS].fillna(0)
    years = [int(y) for y, months in zip(binding["year"], capped) if months > 0]
    if years:
        share = result.scenario.lever("national_share")
        cap = "national output" if share >= 1 else f"its share of national output ({share:.0%})"
        sentences.append(f"{actor_name(result.scenario)} gets less domestic supply than it asks for in "
                         f"{_years(years)}, capped by {cap}.")
    return sentences


def headline_changed(a: dict, b: dict) -> bool:
    for key, kind, tol in HEADLINE:
        x, y = float(a[key]), float(b[key])
        if kind == "abs" and abs(x - y) > tol:
            return True
        if kind == "rel" and abs(x - y) > tol * max(abs(x), abs(y), 1e-30):
            return True
    return False


def why_unchanged(before, after) -> list[str]:
    """Sentences for each lever that differs between two results when no headline figure moved.

    ``before`` and ``after`` are ``lib.run`` results (e.g. the reference and the current scenario).
    Returns [] when a headline figure moved or no lever differs.
    """
    if headline_changed(before.summary, after.summary):
        return []
    a, b = before.scenario, after.scenario
    changed = [name for name in LEVERS if a.lever(name) != b.lever(name)]
    out = []
    for name in changed:
        lever = LEVERS[name]
        text = _reason(name, before, after)
        out.append(f"{lever.label} moved from {plain_number(a.lever(name))} to {plain_number(b.lever(name))} [{lever.unit}] without "
                   f"changing the headline: {text}")
    return out


def opposite_moves(before, after) -> list[str]:
    """A sentence when the runway and H100e-years move in opposite directions, which reads as a contradiction:
    the runway is read in one month, and the fleet then can move against its total over the horizon."""
    a, b = before.summary, after.summary
    runway = b["runway_months"] - a["runway_months"]
    years = (b["h100e_years_total"] - a["h100e_years_total"]) / max(a["h100e_years_total"], 1e-9)
    if not runway or abs(years) < 0.01 or (runway > 0) == (years > 0):
        return []
    month = min(a["runway_end_month"] or after.scenario.horizon, b["runway_end_month"] or after.scenario.horizon)
    if month not in before.compiled.labels or month not in after.compiled.labels:
        return []
    run_then = [r.capability["largest_run_flop"].to_numpy()[r.compiled.labels.index(month)] for r in (before, after)]
    then = run_then[1] / run_then[0] - 1
    text = (f"The runway moves {'+' if runway > 0 else '−'}{abs(runway)} month{'s' * (abs(runway) != 1)} while H100e-years over the horizon "
            f"{'rise' if years > 0 else 'fall'} {abs(years):.0%}: the runway is read in {month_name(month)}, when "
            f"the largest feasible run is {abs(then):.1%} {'larger' if then > 0 else 'smaller'}.")
    if before.scenario.hbm_control_from != after.scenario.hbm_control_from:
        text += (" The HBM control's date also moves the front-running surge of HBM stacks bought just before it "
                 "(~7M in Dec 2024 [K8]), which fed 2025's output.")
    return [text]


def _status_changes(before, after) -> list[str]:
    cb, ca = before.compiled, after.compiled
    changes = []
    if cb.chips[:cb.buy_count] != ca.chips[:ca.buy_count]:
        return changes
    for k, name in enumerate(ca.chips[:ca.buy_count]):
        moved = np.nonzero(cb.classes[k] != ca.classes[k])[0]
        if len(moved):
            t = moved[0]
            changes.append(f"{name} becomes {imp.CLASS_NAMES[int(ca.classes[k, t])]} from {ca.labels[t]}")
    return changes


def _holding(after, limit: int = 3) -> str:
    """Why the preferred chips stay where they are, prong by prong."""
    table = import_constraints(after)
    order = after.compiled.orders[after.compiled.month_pattern[_month_index(after, None)]]
    parts = []
    for k in order:
        row = table.iloc[k]
        if row["why"].startswith("not released") or len(parts) >= limit:
            continue
        if row["access"] == "free":
            parts.append(f"the {row['chip']} is already free")
        elif row["prong"] and "vendor" not in row["why"]:
            parts.append(f"the {row['chip']} stays {row['status']} by the {row['prong']}: {row['why']}")
        else:
            parts.append(f"the {row['chip']}: {row['why']}")
    return "; ".join(parts) + "."


def _reason(name: str, before, after) -> str:
    v = after.scenario.lever
    capf = after.capability
    if name in RULE_LINE_LEVERS:
        changes = _status_changes(before, after)
        if not changes:
            return "no chip on the list changes status or access in any month; " + _holding(after)
        return "; ".join(changes[:3]) + ", but the budget was already going to chips at least as good, or the vendor " \
                                        "has stopped China shipments of them."
    classes = after.compiled.classes
    if name == "leakage":
        if v("import_budget") == 0:
            return "the import budget is 0, so there is no demand to smuggle."
        if not (classes == imp.CONTROLLED).any() and not (classes == imp.LICENSABLE).any():
            return "no chip the actor wants is blocked in any month, so no demand is smuggled."
        return "the smuggled chips change, but too little to move the rounded headline."
    if name in ("approval_share", "licensed_cap_chips"):
        if not (classes == imp.LICENSABLE).any():
            return ("no chip on the list is licensable (case-by-case or NAC) in any month: the vendor halts and the "
                    "presumption of denial hold them; raise the case-by-case lines or allow a chip.")
        return "the licensed chips change, but too little to move the rounded headline (or the cap does not bind)."
    if name in ("domestic_supply", "domestic_growth"):
        capped = int((capf["domestic_available"] < capf["domestic_demand"]).sum())
        if capped:
            return (f"the actor's domestic chips are capped by its share of national output in {capped} of "
                    f"{len(capf)} months (national output is bound by {after.summary['domestic_binding_end']} at "
                    "the horizon), so more demand adds nothing there.")
    if name == "national_share":
        if (capf["domestic_available"] >= capf["domestic_demand"]).all():
            return "the actor's own demand for domestic chips is below its share in every month, so a larger share adds nothing."
    group = LEVERS[name].group
    if group in ("HBM", "Domestic supply") and name not in ("domestic_supply", "domestic_growth", "national_share"):
        binding = after.national["binding"].value_counts()
        top = binding.index[0] if len(binding) else ""
        demand_binds = bool((capf["domestic_available"] >= capf["domestic_demand"]).all())
        if demand_binds:
            return "the actor takes only what it demands, which stays below its share of national output."
        return f"national output is limited by {top} in {int(binding.iloc[0])} of {len(after.national)} months, so this input does not bind."
    if name == "remote_access":
        return "the rented compute changes the largest run, but not enough to move the runway month or the rounded gap."
    if name == "frontier_ceiling_flop":
        return ("the gap counts back to when the frontier last had the fleet's largest run, a level it passed before "
                "reaching the ceiling; the ceiling moves only the frontier line drawn after that.")
    if name == "import_budget":
        return "the extra budget finds no chip it may buy (everything on the list is blocked or halted), beyond leakage."
    return _what_moved(before, after) or "it moves the projection by less than the rounding of the headline figures."


READ_MONTH = {"runway_months": lambda s, scenario: s["runway_end_month"],
              "frontier_gap_years_reading": lambda s, scenario: scenario.reading_month}


def why_no_effect(scenario, name: str, low: float, high: float, output: str = "runway_months") -> str:
    """Why moving lever ``name`` from ``low`` to ``high`` leaves ``output`` where it is, in words, for a tornado row
    with no bar: it acts only after the month the output is read, or the mechanism that absorbs it."""
    from .model import run

    before, after = run(scenario.with_levers(**{name: low})), run(scenario.with_levers(**{name: high}))
    read = READ_MONTH.get(output)
    month = read(before.summary, scenario) if read else None
    differs = np.nonzero(~np.isclose(before.capability["largest_run_flop"].to_numpy(),
                                     after.capability["largest_run_flop"].to_numpy(), rtol=1e-9))[0]
    if not len(differs):
        return _reason(name, before, after)
    first = before.compiled.labels[int(differs[0])]
    if month and first > month:
        return f"it first changes the fleet in {month_name(first)}, after this figure is read ({month_name(month)})."
    by = f" by {month_name(month)}" if month else ""
    return f"it changes the fleet from {month_name(first)}, but too little{by} to move this figure."


SECONDARY = (("inference_runway_months", "inference runway", "months"),
             ("h100e_inference_end", "inference H100e at the horizon", "H100e"),
             ("frontier_gap_years_end", "the gap at the horizon", "years"))


SECONDARY_FORMATS = {"months": "{:.0f}".format, "years": "{:.1f}".format}  # other units: compact


def _what_moved(before, after) -> str:
    """Outputs off the headline that a lever did move: 'it acts on inference: inference runway 48 → 43 months'."""
    moved = []
    for key, name, unit in SECONDARY:
        a, b = float(before.summary[key]), float(after.summary[key])
        if abs(a - b) > 1e-3 * max(abs(a), abs(b), 1.0):
            shown = SECONDARY_FORMATS.get(unit, compact)
            moved.append(f"{name} {shown(a)} → {shown(b)} {unit}")
    if not moved:
        return ""
    return "it acts off the headline: " + "; ".join(moved) + " (Projection view)."


# ---- the starting stock: the input the sliders do not cover -------------------------------------

def stock_alternatives(result, table: pd.DataFrame) -> list[str]:
    """For each outside estimate of the actor's starting stock that the model misses (a ``hindcast`` table row
    with status "miss"), the runway and gap if the stock held that many of those chips. The starting stock is a
    scenario input with no lever, so this is how the page shows what rides on it."""
    from .evidence import load_evidence
    from .model import run

    missed = set(table.loc[table["status"] == "miss", "id"])
    scenario = result.scenario
    out = []
    for estimate in load_evidence():
        if estimate.id not in missed or estimate.kind != "stock" or not estimate.argument:
            continue
        chips = estimate.argument.split("|")
        stock = dict(scenario.initial_stock)
        held = sum(stock.get(chip, 0) for chip in chips)
        target = estimate.value * estimate.factor
        if target <= held or chips[0] not in CHIPS_BY_NAME:
            continue
        stock[chips[0]] = stock.get(chips[0], 0) + int(round(target - held))
        other = run(scenario.with_fields(initial_stock=stock)).summary
        s = result.summary
        runway = (f"past {month_name(scenario.horizon)}" if other["runway_beyond_horizon"]
                  else f"{other['runway_months']} months")
        lead = f"With {estimate.label}'s ~{compact(target)} {'/'.join(chips)} in the starting stock (the model holds {compact(held)})"
        same_gap = f"{other['frontier_gap_years_reading']:.1f}" == f"{s['frontier_gap_years_reading']:.1f}"
        if other["runway_months"] == s["runway_months"] and same_gap:
            out.append(f"{lead}, the runway ({s['runway_months']} months) and the gap "
                       f"({s['frontier_gap_years_reading']:.1f} years) would not change: those chips retire or are "
                       "outgrown before either is read.")
        elif other["runway_months"] == s["runway_months"]:
            out.append(f"{lead}, the runway would stay {s['runway_months']} months and the compute gap would be "
                       f"{other['frontier_gap_years_reading']:.1f} years instead of {s['frontier_gap_years_reading']:.1f}.")
        elif same_gap:
            out.append(f"{lead}, the runway would be {runway} instead of {s['runway_months']}; the compute gap would "
                       f"stay {s['frontier_gap_years_reading']:.1f} years.")
        else:
            out.append(f"{lead}, the runway would be {runway} instead of {s['runway_months']}, and the compute gap "
                       f"{other['frontier_gap_years_reading']:.1f} years instead of {s['frontier_gap_years_reading']:.1f}.")
    return out


# ---- the verdict: the model's answer to the scenario's claim, in words ----------------------------

CHANNEL_COLUMNS = {"domestic": "h100e_arriving_domestic", "smuggled": "h100e_arriving_smuggled",
                   "rented abroad": "h100e_arriving_remote", "legal exports": "h100e_arriving_licensed",
                   "ordered before": "h100e_arriving_ordered"}


def channel_additions(result, year: int) -> dict[str, float]:
    """Compute each channel adds in ``year``, largest first [H100e]; channels that add nothing are left out."""
    cap = result.capability
    rows = cap[cap["month"].dt.year == year]
    totals = {name: float(rows[column].sum()) for name, column in CHANNEL_COLUMNS.items()}
    return dict(sorted(((k, v) for k, v in totals.items() if v > 0.5), key=lambda item: -item[1]))


def actor_name(scenario) -> str:
    return scenario.actor.replace(" (aggregate)", "")


def _spread(value: float, quantiles: dict | None, form: str) -> str:
    """' (p10–p90 11–31)', saying so when the value itself lies outside its range."""
    if not quantiles:
        return ""
    low, high = quantiles["p10"], quantiles["p90"]
    text = f"p10–p90 {form.format(low)}–{form.format(high)}"
    if not low <= round(value, 6) <= high:
        # Draws are clipped at each uncertain lever's limits, so at a limit they fall on one side of the value.
        text += "; the value lies outside it, as draws for a lever at its limit fall on one side"
    return f" ({text})"


def inference_sentence(result, inference_range: dict | None = None) -> str:
    """'Its inference fleet serves the projected demand for 48 months (p10–p90 38–56).'"""
    s, scenario = result.summary, result.scenario
    months, total = s["inference_runway_months"], len(result.compiled.labels)
    if months >= total:
        return f"Its inference fleet serves the projected demand through {month_name(scenario.horizon)}."
    if months == 0:
        return "Its inference fleet cannot serve the projected demand even at the start."
    return (f"Its inference fleet serves the projected demand for {months} months"
            f"{_spread(months, inference_range, '{:.0f}')}.")


def _claim_words(scenario, months: int) -> str:
    """', within Robin Li's "one or two years" (12–24 months)' and the like; '' without a claimed window."""
    if not scenario.claim_runway_months:
        return ""
    low, high = scenario.claim_runway_months
    claim = f"{scenario.claim_runway_by} ({low}–{high} months)" if scenario.claim_runway_by \
        else f"the claimed {low}–{high} months"
    if low <= months <= high:
        return f", within {claim}"
    if months < low:
        return f", {low - months} month{'s' * (low - months != 1)} short of {claim}"
    return f", beyond {claim}"


def runway_sentence(result, runway_range: dict | None = None) -> str:
    """'Baidu's chips keep its planned training run feasible for 22 months, until Sep 2025 (p10–p90 11–31),
    within the claimed 12–24 months.'"""
    s, scenario = result.summary, result.scenario
    actor = actor_name(scenario)
    spread = _spread(s["runway_months"], runway_range, "{:.0f}")
    if s["runway_beyond_horizon"]:
        if runway_range:  # a censored value: only the low tail says anything
            low = runway_range["p10"]
            spread = (" (in at least 90% of draws)" if low >= s["runway_months"]
                      else f" (p10 {low:.0f} months)")
        text = (f"{actor}'s chips keep its planned training run feasible past {month_name(scenario.horizon)}, "
                f"the end of the projection{spread}")
    elif s["runway_months"] == 0:
        text = f"{actor}'s chips cannot train its planned run even at the start, {month_name(scenario.start)}{spread}"
    else:
        months = s["runway_months"]
        text = (f"{actor}'s chips keep its planned training run feasible for {months} month{'s' * (months != 1)} "
                f"from {month_name(scenario.start)}, until {month_name(s['runway_end_month'])}{spread}")
    return text + _claim_words(scenario, s["runway_months"]) + "."


def reserve_sentence(result, ranges: dict | None = None) -> str:
    """Both runways, the reserve alone first (what the claim spoke of): 'The reserve alone keeps Baidu's planned
    run feasible for 29 months (…), beyond the claim; with new supply (Kunlun, the H20, rented compute), 55 months
    (…), beyond it.'"""
    s, scenario = result.summary, result.scenario
    ranges = ranges or {}
    T = s["months"]

    def months_text(key, end_key):
        months = int(s[key])
        if months >= T:
            return f"past {month_name(scenario.horizon)}"
        return (f"{months} month{'s' * (months != 1)}, until {month_name(s[end_key])}"
                f"{_spread(months, ranges.get(key), '{:.0f}')}")

    supply = [name for name, on in (("domestic chips", s["arrivals_domestic_total"] > 0),
                                     ("imports", s["arrivals_licensed_total"] > 0),
                                     ("smuggling", s["arrivals_smuggled_total"] > 0),
                                     ("rentals", s["remote_access_h100e_end"] > 0)) if on]
    supply_text = f" ({', '.join(supply)})" if supply else ""
    return (f"{actor_name(scenario)}'s reserve alone (held or on order in {month_name(scenario.start)}) keeps its "
            f"planned training run feasible for "
            f"{months_text('runway_reserve_only_months', 'runway_reserve_only_end_month')}"
            f"{_claim_words(scenario, int(s['runway_reserve_only_months']))}. With new supply{supply_text}: "
            f"{months_text('runway_months', 'runway_end_month')}.")


def gap_sentence(result, gap_range: dict | None = None, capability_range: dict | None = None) -> str:
    """"China's largest feasible run in Dec 2027 is 14× smaller than the frontier's: 1.6 years behind in compute,
    about 9 months in capability (p10–p90 …)." Both gaps read the same runs (see the glossary)."""
    s, scenario = result.summary, result.scenario
    ratio = s["frontier_ratio_reading"]
    compute = s["frontier_gap_years_reading"]
    months = s["capability_gap_years_reading"] * 12
    size = (f"{ratio:,.0f}× smaller than" if ratio >= 1.5 else
            "about as large as" if ratio >= 1 / 1.5 else f"{1 / ratio:,.1f}× larger than")
    # The capability range is in the unit of the figure beside it: months under two years, else years.
    if months < 24:
        capability = f"about {months:.0f} months in capability{_spread(months, _months(capability_range), '{:.0f}')}"
    else:
        capability = (f"{months / 12:.1f} years in capability"
                      f"{_spread(s['capability_gap_years_reading'], capability_range, '{:.1f}')}")
    return (f"{actor_name(scenario)}'s largest feasible training run in {month_name(scenario.reading_month)} is "
            f"{size} the frontier's: {compute:.1f} years behind in compute"
            f"{_spread(compute, gap_range, '{:.1f}')}, {capability}.")


def _months(quantiles: dict | None) -> dict | None:
    return {k: v * 12 for k, v in quantiles.items()} if quantiles else None


def ratio_sentence(result, ratio_range: dict | None = None) -> str:
    """'The US holds 32× China's AI compute in Dec 2027 and adds 86× as much during 2027.'"""
    s, scenario = result.summary, result.scenario
    year = int(scenario.reading_month[:4])
    return (f"The US holds {s['us_china_compute_ratio_reading']:,.0f}× {actor_name(scenario)}'s AI compute in "
            f"{month_name(scenario.reading_month)}{_spread(s['us_china_compute_ratio_reading'], ratio_range, '{:,.0f}')} "
            f"and adds {s['us_china_additions_ratio_reading']:,.0f}× as much during {year}.")


def channels_sentence(result) -> str:
    """'In 2027 it adds 213k H100e at home, 85.3k smuggled, …'"""
    year = result.scenario.reading_year
    parts = [f"{compact(v)} {name}" for name, v in channel_additions(result, year).items()]
    if not parts:
        return f"In {year} no new compute arrives."
    return f"In {year} {actor_name(result.scenario)}'s compute grows by (H100e): " + ", ".join(parts) + "."


def hindcast_sentence(table: pd.DataFrame) -> str:
    """'10 of 15 outside estimates reproduced (within their range); misses: US Commerce, Huawei … 2025 (+251%); …'"""
    checked = table[table["status"].isin(["in range", "miss"])]
    misses = checked[checked["status"] == "miss"]
    if checked.empty:
        return "No outside estimate falls in this scenario's period yet."
    text = f"{len(checked) - len(misses)} of {len(checked)} outside estimates reproduced (within their range)"
    if misses.empty:
        return text + "."
    named = [f"{row.label}, {row.output.split(' [')[0]} {row.period} ({row.miss:+.0%})".replace("-", "−")
             for row in misses.head(3).itertuples()]
    more = f" and {len(misses) - 3} more" if len(misses) > 3 else ""
    return f"{text}; misses: {'; '.join(named)}{more}."


def rests_on(result, hindcast: pd.DataFrame | None = None) -> str:
    """What the verdict rests on, for the bold sentence: the assumptions that decide it, and the outside
    estimates of this scenario's own inputs that the model misses. '' when nothing needs saying."""
    scenario = result.scenario
    parts = []
    if scenario.verdict == "runway":
        parts.append("Epoch's speculative ERNIE 4.5 estimate (2.8e24 FLOP) growing 3×/yr" if scenario.actor == "Baidu"
                     else "an assumed planned run")
    if hindcast is not None:
        own = hindcast[(hindcast["scope"] == scenario.actor) & hindcast["status"].isin(["in range", "miss"])]
        misses = int((own["status"] == "miss").sum())
        if misses:
            parts.append(f"inputs whose outside estimates it misses ({misses} of {len(own)} for {actor_name(scenario)})")
    return f"This rests on {' and on '.join(parts)}." if parts else ""


def verdict(result, ranges: dict | None = None, hindcast: pd.DataFrame | None = None) -> tuple[str, str]:
    """The model's answer to the scenario's claim: (lead sentence, what follows), plain text.

    What leads is the scenario's ``verdict``: "runway" (both runways, the reserve alone and with new supply,
    against ``claim_runway_months``, and what the verdict rests on), "gap" (both gaps, the US:China ratio, what
    each channel adds) or "hindcast" (how many outside estimates it reproduces; needs ``hindcast``, the
    ``lib.evidence.hindcast`` table). ``ranges`` holds the Monte Carlo quantiles by summary key
    (``lib.run_monte_carlo(...).summary``), or None.
    """
    ranges = ranges or {}
    gap = gap_sentence(result, ranges.get("frontier_gap_years_reading"), ranges.get("capability_gap_years_reading"))
    ratio = ratio_sentence(result, ranges.get("us_china_compute_ratio_reading"))
    kind = result.scenario.verdict
    if kind == "runway":  # the claim's second half is about inference
        lead = f"{reserve_sentence(result, ranges)} {rests_on(result, hindcast)}".strip()
        return lead, f"{gap} {inference_sentence(result, ranges.get('inference_runway_months'))}"
    if kind == "hindcast" and hindcast is not None:
        return hindcast_sentence(hindcast), f"{gap} {ratio}"
    return gap, f"{ratio} {channels_sentence(result)}"
