"""Published analyses, reproduced: each published figure beside the model's value under its analysis' preset.

Four analyses are presets (``scenarios/``): SemiAnalysis on Huawei's Ascend output [K8], IFP on the B30A [K54],
Grunewald on where China's 2026 compute comes from [K26] and Epoch on China's share of the world's compute
[K50][K102]. Each preset is its reference (China, Nov 2023 or China, 2026) with the analysis' own assumptions as
overrides; what the model cannot express is said in the preset's description, never hidden in another lever.

``data/analyses.csv`` holds one row per published figure: the analysis, the preset it is read under, the figure,
unit, period and source keys, the published value and stated range, the kind of bound, how the model's value is
read and, for when it misses, why. The tolerance is the evidence module's: a point with no stated range is taken as
÷/× ``point_tolerance`` (``data/evidence-meta.toml``), a stated range as given, and a bound ("under 4×") holds
when the model is on its side. A row that misses keeps its reason; no lever the authors did not set is moved.

``table()`` is the reproduction table; ``main_text(format)`` what ``python -m lib reproduce`` prints;
``story_sentence(preset, result_or_table)`` the sentence the story block opens on when a preset is loaded.
"""

from __future__ import annotations

import csv
import io
import json
import math
import textwrap
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from . import kernel
from .catalog import CHIPS_BY_NAME, DOMESTIC, REFERENCE
from .errors import ScenarioError
from .evidence import Estimate, meta, model_value
from .format import compact, usd
from .levers import LEVERS
from .model import compile_scenario, reading_index, run
from .scenario import load_scenario
from .sources import DATA_DIR

ANALYSES_FILE = DATA_DIR / "analyses.csv"
COLUMNS = ("id", "analysis", "preset", "figure", "unit", "period", "source", "published", "low", "high", "bound",
           "read", "note", "miss_reason")
BOUNDS = ("point", "range", "below", "above")
"""``point``: the published value ÷/× the tolerance; ``range``: low to high as stated; ``below``/``above``: the model
must be under ``high`` / over ``low`` (a published bound such as "under 4×")."""

B300_H100E = CHIPS_BY_NAME["B300"].training_h100e
"""[H100e per B300e] the catalog's B300 in dense 8-bit H100e (4.5 PFLOPS ÷ 1,979 TOPS) [K91], the unit the evidence
table converts Grunewald's B300-equivalents with."""

SA_TIMING_DRAW_MONTHS = 6
"""[months] derived: SemiAnalysis says foreign HBM runs out by the end of 2025 and the die bank within 9 months of Sep
2025 [K8]; drawing at most 1/6 a month spends 1 − (5/6)^12 ≈ 89% of the stockpile in 2025 and 96% of the bank by Jun
2026. Used only to say what SemiAnalysis's timing would give, never in the preset."""

BUDGET_PROBE_POINTS = 97  # [budgets] geometric grid from the preset's budget to the lever's maximum, one kernel call


@dataclass(frozen=True)
class Analysis:
    """One published analysis: what it asks, what it found, the presets that reproduce it and its story."""

    key: str
    name: str
    title: str
    source: str            # source keys, space-separated
    question: str
    headline: str          # the published finding, with its [Kx] keys
    presets: tuple         # preset names, the first the main one
    reference: str         # the project's own preset every delta reads against
    story: str             # the published finding in one sentence, for the story block
    model_story: str       # "This model, {under}: {row-id} → {row-id}." with row ids as fields
    under: str             # how the story names the analysis' assumptions
    unexpressed: tuple     # what the model cannot express, in words (also in the presets' descriptions)
    variants: tuple = ()   # (row id, lever overrides) the story reads under the loaded scenario's levers


ANALYSES = {
    "semianalysis": Analysis(
        key="semianalysis", name="SemiAnalysis",
        title="Huawei Ascend Production Ramp: Die Banks, TSMC Continued Production, HBM is The Bottleneck (Sep 2025)",
        source="K8",
        question="How many Ascend chips can Huawei make once its stockpiles of TSMC dies and Korean HBM run out?",
        headline="HBM, not logic, is the bottleneck: Ascend output falls from ~805k in 2025 to ~300k in 2026 unless "
                 "smuggled or CXMT HBM fills the gap [K8].",
        presets=("semianalysis-2025",), reference="china-2023",
        story="SemiAnalysis: HBM cuts Huawei's Ascend output from ~805k in 2025 to ~300k in 2026.",
        model_story="This model, {under}: {sa-ascend-2025} → {sa-ascend-2026}.",
        under="SemiAnalysis's assumptions",
        unexpressed=("the TSMC die bank feeding 2024 (the model opens it in Jan 2025)",
                     "the foreign HBM spent by end-2025 while 805k Ascends are made in 2025: by SemiAnalysis's own "
                     "figures ~5M of its 13M stacks remain, and the model conserves stacks")),
    "ifp": Analysis(
        key="ifp", name="IFP", title="The B30A analysis (Institute for Progress, Oct 2025)", source="K54 K107",
        question="How much of the US lead in AI compute would exporting NVIDIA's B30A to China give away?",
        headline="With no powerful exports the US gains ~31× China's AI compute during 2026 (10–30× across its "
                 "no-export scenarios); with B30A exports under 4×; with comparable chips from other US firms too, "
                 "China could lead [K54][K107].",
        presets=("ifp-2026-no-exports", "ifp-2026-b30a-exports"), reference="china-2026",
        story="IFP: with B30A exports the US lead in compute added during 2026 falls from ~31× to under 4×.",
        model_story="This model, {under}: {ifp-ratio-none} → {ifp-ratio-b30a}.",
        under="IFP's assumptions",
        unexpressed=("the report's export volumes, US and China totals, Huawei and smuggling inputs and compute unit, "
                     "in no copy reached (China's purchases stay at China, 2026's budget)",
                     "comparable chips from other US firms (the import list is NVIDIA's)"),
        variants=(("ifp-ratio-none", (("us_allows_b30a", 0),)), ("ifp-ratio-b30a", (("us_allows_b30a", 1),)))),
    "grunewald": Analysis(
        key="grunewald", name="Grunewald", title="Where will China get its compute in 2026? (Erich Grunewald, Feb 2026)",
        source="K26",
        question="Where will China get its AI compute in 2026, and how much?",
        headline="China acquires ~320k B300-equivalents in 2026 (90% CI 150k–600k): ~60% legal imports (mainly H200), "
                 "~25% Huawei Ascends, the rest smuggled or fabricated abroad through proxies; rented compute abroad "
                 "is not counted [K26].",
        presets=("grunewald-2026",), reference="china-2026",
        story="Grunewald: China acquires ~320k B300-equivalents in 2026, ~60% of them legal imports and ~25% Huawei "
              "Ascends.",
        model_story="This model, {under}: {gw-total}, of which {gw-legal} legal and {gw-ascend-share} Ascend.",
        under="Grunewald's assumptions",
        unexpressed=("Ascends fabricated abroad through proxies (the model's die bank is closed from Jan 2025)",
                     "a legal volume set by the cap (the model buys with a budget, and the US licence switch lifts "
                     "the cap)", "AMD's share (the import list is NVIDIA's)",
                     "his smuggling rate, not in the stored text")),
    "epoch": Analysis(
        key="epoch", name="Epoch AI", title="AI Chip Owners (Epoch AI, Apr 2026)", source="K50 K102",
        question="What share of the world's AI compute do Chinese companies own, and how much of China's compute was "
                 "smuggled?",
        headline="Chinese companies own just over 5% of the world's AI compute, smuggled chips excluded; the ~662k "
                 "H100e smuggled through 2025 would be about a third of China's compute [K50][K102].",
        presets=("epoch-2025",), reference="china-2023",
        story="Epoch: Chinese companies own just over 5% of the world's AI compute, and smuggled chips are about a "
              "third of China's.",
        model_story="This model, {under}: {epoch-china-share} and {epoch-smuggled-share}.",
        under="counted as Epoch counts",
        unexpressed=("Epoch's later vintage of the world stock (~20M H100e by end-2025, derived); the model's world "
                     "path is anchored at the Jan 2026 release's ~15M",)),
}


@dataclass(frozen=True)
class Figure:
    """One published figure (a row of ``data/analyses.csv``)."""

    id: str
    analysis: str
    preset: str
    figure: str
    unit: str
    period: str
    source: str
    published: float | None
    low: float | None
    high: float | None
    bound: str
    read: str
    note: str
    miss_reason: str

    @property
    def keys(self) -> list:
        return self.source.split()

    @property
    def year(self) -> int:
        return int(self.period[-7:-3] if ".." in self.period else self.period[:4])


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


@lru_cache(maxsize=1)
def load_figures() -> tuple[Figure, ...]:
    with ANALYSES_FILE.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"data/analyses.csv: columns {reader.fieldnames} are not {list(COLUMNS)}")
        rows = []
        for i, row in enumerate(reader, start=2):
            figure = Figure(**{**row, "published": _number(row["published"]), "low": _number(row["low"]),
                               "high": _number(row["high"])})
            if figure.analysis not in ANALYSES:
                raise ValueError(f"data/analyses.csv line {i}: analysis {figure.analysis!r} is not one of "
                                 f"{', '.join(ANALYSES)}")
            if figure.bound not in BOUNDS:
                raise ValueError(f"data/analyses.csv line {i}: bound {figure.bound!r} is not one of {', '.join(BOUNDS)}")
            if figure.read not in READS:
                raise ValueError(f"data/analyses.csv line {i}: read {figure.read!r} is not one of {', '.join(READS)}")
            rows.append(figure)
    return tuple(rows)


def tolerance() -> float:
    """The evidence module's factor for a point with no stated range [×]."""
    return float(meta()["point_tolerance"])


def accepted(figure: Figure, factor: float | None = None) -> tuple[float, float]:
    """(low, high) the model must lie in, in the figure's unit; an open side is ±inf."""
    factor = tolerance() if factor is None else factor
    if figure.bound == "point":
        return figure.published / factor, figure.published * factor
    if figure.bound == "range":
        return figure.low, figure.high
    if figure.bound == "below":
        return -math.inf, figure.high
    return figure.low, math.inf


def within(value: float | None, figure: Figure, factor: float | None = None) -> bool:
    """Reproduced: inside the accepted range; a bound is strict ("under 4×" is not met at 4×)."""
    if value is None or not math.isfinite(value):
        return False
    low, high = accepted(figure, factor)
    if figure.bound == "below":
        return value < high
    if figure.bound == "above":
        return value > low
    return low <= value <= high


def tolerance_text(figure: Figure) -> str:
    return {"point": f"÷/× {tolerance():g}", "range": "stated range", "below": "bound: under",
            "above": "bound: over"}[figure.bound]


# ---- reading the model ----------------------------------------------------------------------------------

def _year_rows(frame: pd.DataFrame, year: int) -> np.ndarray:
    return (frame["month"].dt.year == year).to_numpy()


def channels(result, year: int) -> dict:
    """What China acquires in ``year`` by channel [H100e] and in units, for the readings and their reasons."""
    cap = result.capability
    rows = _year_rows(cap, year)
    licensed, smuggled, domestic = (float(cap[f"h100e_arriving_{name}"].to_numpy()[rows].sum())
                                    for name in ("licensed", "smuggled", "domestic"))
    monthly = result.monthly
    in_year = _year_rows(monthly, year)
    substitution = result.scenario.lever("training_substitution")
    chips = monthly["chip"].to_numpy()[in_year]
    huawei = np.array([CHIPS_BY_NAME[c].vendor == "Huawei" for c in chips])
    # A domestic chip's training H100e is its specs relative to the 910B over the substitution lever, as the kernel
    # counts it (lib.kernel: train_rel / training_substitution).
    per_unit = np.array([CHIPS_BY_NAME[c].relative_training(REFERENCE) / substitution
                         if CHIPS_BY_NAME[c].origin == DOMESTIC else 0.0 for c in chips])
    domestic_units = monthly["arrivals_domestic"].to_numpy()[in_year]
    ascend = float((domestic_units * per_unit)[huawei].sum())
    licensed_units = monthly["arrivals_licensed"].to_numpy()[in_year]
    acquired = licensed + smuggled + domestic
    out = {"licensed": licensed, "smuggled": smuggled, "domestic": domestic, "ascend": ascend,
           "other_domestic": domestic - ascend, "acquired": acquired,
           "ascend_units": float(domestic_units[huawei].sum()),
           "b30a": float(licensed_units[chips == "B30A"].sum()), "h200": float(licensed_units[chips == "H200"].sum())}
    for name in ("licensed", "smuggled", "ascend", "other_domestic", "acquired"):
        out[f"{name}_b300e"] = out[name] / B300_H100E
    return out


def _evidence_read(series: str):
    """A reading the evidence module already makes, on the same terms (one reading per published figure)."""
    def read(result, figure: Figure) -> tuple[float | None, dict]:
        estimate = Estimate(id=figure.id, series=series, scope="China total", period=figure.period,
                            value=figure.published or 0.0, low=None, high=None, unit=figure.unit, factor=1.0,
                            source=figure.source, label=figure.figure, mapping="", input_for=())
        return model_value(result, estimate), {}
    return read


def _huawei_output(result, figure: Figure) -> tuple[float | None, dict]:
    value, _ = _evidence_read("huawei_output")(result, figure)
    national = result.national
    before = national["month"].dt.year.to_numpy() < figure.year
    stock = float(national["hbm_stock"].to_numpy()[before][-1]) if before.any() else 0.0
    return value, {"hbm_stock_before": f"{compact(stock)} stacks"}


def _additions_ratio(result, figure: Figure) -> tuple[float | None, dict]:
    """The US stock's gain over the year against China's owned arrivals in it (the kernel's additions ratio, read
    at the figure's year)."""
    scenario = result.scenario
    if scenario.reading_year != figure.year:
        result = run(scenario.with_fields(reading_year=figure.year))
    s = result.summary
    context = {"china_added": compact(s["china_additions_h100e_reading"]),
               "us_added": compact(s["us_additions_h100e_reading"])}
    context.update({k: compact(v) for k, v in channels(result, figure.year).items()})
    return float(s["us_china_additions_ratio_reading"]), context


def _channel_read(name: str, share: bool = False):
    def read(result, figure: Figure) -> tuple[float | None, dict]:
        c = channels(result, figure.year)
        value = c[name] / c["acquired"] if share else c[name] / B300_H100E
        return (value if c["acquired"] > 0 or not share else None), {k: compact(v) for k, v in c.items()}
    return read


def _not_expressible(result, figure: Figure) -> tuple[None, dict]:
    return None, {}


READS = {
    "huawei_output": _huawei_output,                        # Ascend packages made in the period [accelerators]
    "additions_ratio": _additions_ratio,                    # US gain ÷ China's owned arrivals in the year [×]
    "acquired_b300e": _channel_read("acquired"),            # licensed + smuggled + domestic [B300e]
    "licensed_b300e": _channel_read("licensed"),            # legal arrivals [B300e]
    "ascend_share": _channel_read("ascend", share=True),    # Huawei's domestic H100e ÷ acquired [share]
    "smuggled_share_acquired": _channel_read("smuggled", share=True),  # smuggled H100e ÷ acquired [share]
    "china_share": _evidence_read("china_share"),           # Epoch basis at the period's month [share]
    "smuggled_share": _evidence_read("smuggled_share"),     # smuggled H100e in service ÷ owned [share]
    "h100e_arriving_smuggled": _evidence_read("h100e_arriving_smuggled"),  # over the period [H100e]
    "none": _not_expressible,                               # the model cannot express the scenario
}


# ---- what it would take: a sentence added to a miss ---------------------------------------------------------

def _sa_timing(result, figure: Figure) -> str:
    """What SemiAnalysis's own timing (the stockpile spent in 2025) would give instead of the preset's draw-down."""
    national = run(result.scenario.with_levers(stock_draw_months=SA_TIMING_DRAW_MONTHS)).national
    years = national["month"].dt.year
    by_year = {y: float(national["huawei_output"][years == y].sum()) for y in (figure.year - 1, figure.year)}
    return (f"With SemiAnalysis's timing instead (draw-down {SA_TIMING_DRAW_MONTHS} months, ~90% of the stockpile "
            f"spent in 2025): {compact(by_year[figure.year])} in {figure.year}, but {compact(by_year[figure.year - 1])} "
            f"in {figure.year - 1}.")


def budget_for_ratio(scenario, year: int, below: float) -> float | None:
    """The smallest import budget [USD/yr] on a geometric grid from the scenario's own to the lever's maximum at which
    the US:China additions ratio in ``year`` falls below ``below``; None if none does. One kernel call for the grid."""
    scenario = scenario if scenario.reading_year == year else scenario.with_fields(reading_year=year)
    compiled = compile_scenario(scenario)
    lever = LEVERS["import_budget"]
    budgets = np.geomspace(max(scenario.lever("import_budget"), lever.step), lever.maximum, BUDGET_PROBE_POINTS)
    values = {**scenario.values, "import_budget": budgets}
    ratios = kernel.project(compiled, values, reading_index(scenario, compiled)).summary[
        "us_china_additions_ratio_reading"]
    meets = np.flatnonzero(ratios < below)
    return float(budgets[meets[0]]) if meets.size else None


def _b30a_budget(result, figure: Figure) -> str:
    budget = budget_for_ratio(result.scenario, figure.year, figure.high)
    if budget is None:
        return (f"Even at the lever's maximum budget ({usd(LEVERS['import_budget'].maximum)}/yr) the ratio stays at or "
                f"above {figure.high:g}×.")
    probe = run(result.scenario.with_fields(reading_year=figure.year).with_levers(import_budget=budget))
    units = channels(probe, figure.year)["b30a"]
    return (f"Under {figure.high:g}× would take an import budget of about {usd(budget)}/yr ({compact(units)} B30A in "
            f"{figure.year}), a figure no source gives.")


PROBES = {"sa-ascend-2026": _sa_timing, "ifp-ratio-b30a": _b30a_budget}
"""Row id → a sentence on what the published figure would take in this model, added to the row's reason when it
misses (computed, so it follows the model)."""


# ---- the table ------------------------------------------------------------------------------------------

class _Fields(dict):
    def __missing__(self, key):  # a reason naming a figure this reading has no value for keeps its placeholder
        return "{" + key + "}"


def _fill(text: str, context: dict) -> str:
    return text.format_map(_Fields(context))


def row_for(figure: Figure, result) -> dict:
    """One row of the table for ``figure`` read from ``result`` (None when the figure is not expressible)."""
    value, context = READS[figure.read](result, figure) if result is not None else (None, {})
    low, high = accepted(figure)
    ok = within(value, figure)
    reason = ""
    if not ok:
        context.setdefault("value", format_value(value, figure.unit))
        if figure.read == "none":
            side = ""
        elif value is None:
            side = "No model value. "
        elif figure.bound == "below":
            side = f"{format_value(value, figure.unit)} is not under {format_value(high, figure.unit)}. "
        elif figure.bound == "above":
            side = f"{format_value(value, figure.unit)} is not over {format_value(low, figure.unit)}. "
        else:
            side = (f"{format_value(value, figure.unit)} is {'above' if value > high else 'below'} "
                    f"{format_value(high if value > high else low, figure.unit)}, the "
                    f"{'top' if value > high else 'bottom'} of the accepted range. ")
        reason = side + _fill(figure.miss_reason, context)
        if figure.id in PROBES and result is not None:
            reason += " " + PROBES[figure.id](result, figure)
    analysis = ANALYSES[figure.analysis]
    return {"id": figure.id, "analysis": analysis.name, "preset": figure.preset, "reference": analysis.reference,
            "figure": figure.figure, "unit": figure.unit, "period": figure.period, "source": figure.source,
            "published": figure.published, "low": figure.low, "high": figure.high, "bound": figure.bound,
            "published_text": published_text(figure), "tolerance": tolerance_text(figure),
            "accepted_low": low if math.isfinite(low) else None, "accepted_high": high if math.isfinite(high) else None,
            "model": value, "model_text": format_value(value, figure.unit), "reproduced": bool(ok),
            "reason": reason, "read": figure.read, "note": figure.note}


def _results(presets) -> dict:
    return {name: run(load_scenario(name)) for name in presets if name}


def rows(figures=None) -> list[dict]:
    """Every published figure with the model's value under its preset (each preset run once)."""
    figures = load_figures() if figures is None else figures
    results = _results(dict.fromkeys(f.preset for f in figures))
    return [row_for(f, results.get(f.preset)) for f in figures]


TABLE_COLUMNS = ["id", "analysis", "preset", "reference", "figure", "unit", "period", "source", "published", "low",
                 "high", "bound", "published_text", "tolerance", "accepted_low", "accepted_high", "model", "model_text",
                 "reproduced", "reason", "read", "note"]


def table() -> pd.DataFrame:
    """The reproduction table: one row per published figure (see ``row_for``)."""
    return pd.DataFrame(rows(), columns=TABLE_COLUMNS)


# ---- words ----------------------------------------------------------------------------------------------

def format_value(value, unit: str) -> str:
    """A value in a figure's unit, as a reader reads it: '866k', '15×', '5.8%'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if unit == "×":
        return f"{value:,.0f}×" if abs(value) >= 10 or float(value).is_integer() else f"{value:.1f}×"
    if unit == "share":
        return f"{value:.1%}" if abs(value) < 0.1 else f"{value:.0%}"
    return f"{compact(value)} {unit}" if unit in ("B300e", "H100e") else compact(value)


def published_text(figure: Figure) -> str:
    """'805k', '320k B300e (150k–600k)', '10–30×', 'under 4×': what the source published, with its stated range."""
    if figure.bound == "below":
        return f"under {format_value(figure.high, figure.unit)}"
    if figure.bound == "above":
        return f"over {format_value(figure.low, figure.unit)}"
    if figure.bound == "range":
        # The unit once, after the range: '150k–600k B300e', '10–30×'.
        high = format_value(figure.high, figure.unit)
        number, _, word = high.partition(" ")
        low = format_value(figure.low, figure.unit).partition(" ")[0].removesuffix("×").removesuffix("%")
        stated = f"{low}–{high}"
        if figure.published is None:
            return stated
        return f"{format_value(figure.published, figure.unit)} ({stated.removesuffix(' ' + word) if word else stated})"
    return format_value(figure.published, figure.unit)


def analysis_for(preset: str) -> Analysis | None:
    """The analysis a preset reproduces, or None."""
    return next((a for a in ANALYSES.values() if preset in a.presets), None)


def citation(preset_name: str) -> str:
    """For the one-page brief: 'Reproduces IFP, The B30A analysis (Institute for Progress, Oct 2025) [K54] [K107].'
    ('' for a preset that reproduces no analysis)."""
    analysis = analysis_for(preset_name)
    if analysis is None:
        return ""
    keys = " ".join(f"[{key}]" for key in analysis.source.split())
    return f"Reproduces {analysis.name}, {analysis.title} {keys}."


def story_sentence(preset_name: str, result_or_table=None) -> str:
    """The sentence the story block opens on for a reproduction preset; '' for any other preset.

    ``result_or_table`` is the loaded scenario's ``Result`` (its figures are read under the scenario as the reader
    has it, levers moved or not; an analysis whose story compares two cases, IFP's, reads both under those levers
    with only its switch changed), the reproduction ``table()`` (the presets as published), or None (the table is
    computed). 'IFP: with B30A exports the US lead in compute added during 2026 falls from ~31× to under 4×. This
    model, under IFP's assumptions: 15× → 9.5×.'
    """
    analysis = analysis_for(preset_name)
    if analysis is None:
        return ""
    return f"{analysis.story} {model_sentence(preset_name, result_or_table)}"


def model_sentence(preset_name: str, result_or_table=None) -> str:
    """The story's second sentence alone: 'This model, under IFP's assumptions: 15× → 9.5×.' ('' for a preset that
    reproduces no analysis). Arguments as ``story_sentence``."""
    analysis = analysis_for(preset_name)
    if analysis is None:
        return ""
    figures = {f.id: f for f in load_figures() if f.analysis == analysis.key}
    names = [name for name in _fields_of(analysis.model_story) if name in figures]
    under = analysis.under if analysis.under.startswith("counted") else f"under {analysis.under}"
    if isinstance(result_or_table, pd.DataFrame) or result_or_table is None:
        frame = table() if result_or_table is None else result_or_table
        shown = dict(zip(frame["id"], frame["model_text"]))
    else:
        result = result_or_table
        if result.scenario.to_dict() != load_scenario(preset_name).to_dict():
            under = f"{under}, as changed here"
        variants = dict(analysis.variants)
        shown = {}
        for name in names:
            changes = dict(variants.get(name, ()))
            here = result
            if any(result.scenario.lever(k) != v for k, v in changes.items()):
                here = run(result.scenario.with_levers(**changes))
            value, _ = READS[figures[name].read](here, figures[name])
            shown[name] = format_value(value, figures[name].unit)
    return _fill(analysis.model_story, {"under": under, **{name: shown.get(name, "—") for name in names}})


def _fields_of(template: str) -> list:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def main_text(format: str = "text") -> str:
    """What ``python -m lib reproduce [--format json]`` prints: the reproduction table as text or JSON."""
    if format not in ("text", "json"):
        raise ScenarioError(f"--format: {format!r} is not allowed; allowed: text, json")
    data = rows()
    if format == "json":
        payload = {"point_tolerance": tolerance(),
                   "rule": "a point with no stated range is taken as ÷/× point_tolerance; a stated range as given; "
                           "a bound holds when the model is on its side",
                   "analyses": [{"key": a.key, "name": a.name, "title": a.title, "source": a.source,
                                 "question": a.question, "headline": a.headline, "presets": list(a.presets),
                                 "reference": a.reference, "not_expressible": list(a.unexpressed)}
                                for a in ANALYSES.values()],
                   "figures": [{k: _json_value(v) for k, v in row.items()} for row in data]}
        return json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    out = io.StringIO()
    reproduced = sum(row["reproduced"] for row in data)
    out.write(f"Published analyses, reproduced: {reproduced} of {len(data)} figures (points ÷/× {tolerance():g}, "
              "stated ranges as given, bounds on their side)\n")
    for analysis in ANALYSES.values():
        out.write(f"\n{analysis.name}: {analysis.title} [{'] ['.join(analysis.source.split())}]\n")
        out.write(f"  presets {', '.join(analysis.presets)}; reference {analysis.reference}\n")
        for row in (r for r in data if r["analysis"] == analysis.name):
            verdict = "reproduced" if row["reproduced"] else "NOT reproduced"
            out.write(f"  {row['id']:<22} {row['figure']} [{row['unit']}], {row['period']}\n"
                      f"  {'':<22} published {row['published_text']}, {row['tolerance']} [{row['source']}]; "
                      f"model {row['model_text']}{' under ' + row['preset'] if row['preset'] else ''}: {verdict}\n")
            if row["reason"]:
                out.write(textwrap.fill(f"why: {row['reason']}", width=120, initial_indent=" " * 25,
                                        subsequent_indent=" " * 30) + "\n")
    return out.getvalue()


def _json_value(value):
    if isinstance(value, (np.floating, np.integer)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
