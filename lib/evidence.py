"""Outside estimates beside the model's outputs, and the hindcast.

``data/evidence.csv`` holds one row per estimate: the model output it speaks to (``series``), its scope,
period, value and range in the source's unit, the factor converting that unit to the model's, the
source keys, a short label for chart legends, a note on the mapping, and the presets that use it as an
input. Adding an estimate is one
row. ``data/evidence-meta.toml`` holds the as-of date of the hindcast (never the clock), the tolerance
taken for point estimates and the world-stock basis of the China share.

Series names: ``huawei_output``, ``national_output`` (optionally ``:Chip|Chip``) per year [accelerators];
``arrivals_smuggled``, ``arrivals_licensed:Chip|Chip`` per year [chips]; ``acquired_h100e`` per year
(licensed + smuggled + domestic) [H100e]; ``china_share`` at a month [share]; ``frontier_flop`` and
``frontier_gap_years`` at a month; ``stock:Chip|Chip`` at a month [chips];
``inference_demand_tokens_per_day`` at a month; ``world_stock`` (context) and ``input:LEVER`` (inputs).
"""

from __future__ import annotations

import csv
import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .levers import LEVERS
from .sources import DATA_DIR, keys_in

EVIDENCE_FILE = DATA_DIR / "evidence.csv"
META_FILE = DATA_DIR / "evidence-meta.toml"
MISSES_FILE = DATA_DIR / "hindcast-misses.csv"
COLUMNS = ("id", "series", "scope", "period", "value", "low", "high", "unit", "factor", "source", "label", "mapping",
           "input_for")
SCOPE_ACTORS = {"China total": "China (aggregate)", "Baidu": "Baidu"}  # scopes tied to one actor
NATIONAL_SCOPES = ("Huawei output", "China domestic output", "global")  # computed in every scenario
SERIES_LABELS = {
    "huawei_output": "Huawei Ascend output [accelerators/yr]", "national_output": "domestic output [accelerators/yr]",
    "arrivals_smuggled": "smuggled chips [chips/yr]", "arrivals_licensed": "legal exports [chips/yr]",
    "acquired_h100e": "H100e acquired (licensed + smuggled + domestic) [H100e/yr]",
    "china_share": "China's share of world compute", "frontier_flop": "frontier run [FLOP]",
    "frontier_gap_years": "years behind the frontier", "stock": "chips in service",
    "inference_demand_tokens_per_day": "inference demand [tokens/day]", "world_stock": "world stock [H100e]",
    "input": "input lever", "h100e_arriving_smuggled": "smuggled H100e [H100e]",
    "smuggled_share": "smuggled share of China's H100e", "licensed_usd": "legal sales [USD]",
    "capability_gap_years": "capability gap [years]", "largest_run_flop": "largest feasible run [FLOP]",
    "context": "context",
}


def output_label(estimate) -> str:
    """What an estimate measures, with its chips or lever: 'chips in service (H100/H800)', 'input: Logic wafers'."""
    base = SERIES_LABELS.get(estimate.kind, estimate.kind)
    argument = estimate.argument
    if not argument:
        return base
    if estimate.kind == "input":
        return f"input: {LEVERS[argument].label}" if argument in LEVERS else base
    name, _, unit = base.partition(" [")
    return f"{name} ({argument.replace('|', '/')})" + (f" [{unit}" if unit else "")


@dataclass(frozen=True)
class Estimate:
    id: str
    series: str
    scope: str
    period: str
    value: float
    low: float | None
    high: float | None
    unit: str
    factor: float
    source: str
    label: str
    mapping: str
    input_for: tuple

    @property
    def kind(self) -> str:
        return self.series.split(":", 1)[0]

    @property
    def argument(self) -> str:
        return self.series.split(":", 1)[1] if ":" in self.series else ""

    @property
    def keys(self) -> list:
        return self.source.split()

    def model_range(self, tolerance: float) -> tuple[float, float, float]:
        """(value, low, high) in the model's unit; a missing bound is open, a point estimate ± tolerance."""
        value = self.value * self.factor
        if self.low is None and self.high is None:
            return value, value / tolerance, value * tolerance
        low = 0.0 if self.low is None else self.low * self.factor
        high = math.inf if self.high is None else self.high * self.factor
        return value, low, high

    @property
    def period_end(self) -> str:
        if ".." in self.period:
            return self.period.split("..")[1]
        return f"{self.period}-12" if len(self.period) == 4 else self.period


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


@lru_cache(maxsize=1)
def load_evidence() -> tuple[Estimate, ...]:
    with EVIDENCE_FILE.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"data/evidence.csv: columns {reader.fieldnames} are not {list(COLUMNS)}")
        rows = []
        for row in reader:
            rows.append(Estimate(id=row["id"], series=row["series"], scope=row["scope"], period=row["period"],
                                 value=float(row["value"]), low=_number(row["low"]), high=_number(row["high"]),
                                 unit=row["unit"], factor=float(row["factor"] or 1), source=row["source"],
                                 label=row["label"], mapping=row["mapping"], input_for=tuple(row["input_for"].split())))
    return tuple(rows)


@lru_cache(maxsize=1)
def meta() -> dict:
    return tomllib.loads(META_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def known_misses() -> dict:
    """(preset, estimate id) → the one-line reason the model misses it."""
    with MISSES_FILE.open(encoding="utf-8", newline="") as f:
        return {(row["preset"], row["id"]): row["reason"] for row in csv.DictReader(f)}


def in_scope(estimate: Estimate, scenario) -> bool:
    """China-wide estimates show on the China presets, Baidu's on Baidu's; national and global ones everywhere."""
    if estimate.scope in NATIONAL_SCOPES:
        return True
    return SCOPE_ACTORS.get(estimate.scope) == scenario.actor


def china_share_epoch_basis(capability: pd.DataFrame) -> np.ndarray:
    """China's share of the world's AI compute on Epoch's chip-owner basis [share]: owned training H100e less
    smuggled chips and the vendors Epoch has no rows for (T-Head, Hygon…) [K102], over the model's one world
    path (``world_h100e``). The capability table of a ``lib.run`` result."""
    owned = capability["h100e_training"].to_numpy()
    excluded = sum(capability[c].to_numpy() for c in ("h100e_smuggled_stock", "h100e_other_vendors_stock")
                   if c in capability)
    return np.maximum(owned - excluded, 0.0) / capability["world_h100e"].to_numpy()


def _positions(frame: pd.DataFrame, period: str) -> np.ndarray | None:
    """Row positions of a monthly frame in ``period`` (a year: all 12 months; one month; or a range of months
    "YYYY-MM..YYYY-MM", all of them); None if not covered.

    Positions and numpy columns, not filtered frames: this runs for every estimate on every rerun."""
    month = frame["month"].dt
    years = month.year.to_numpy()
    if ".." in period:
        first, last = period.split("..")
        labels = years * 100 + month.month.to_numpy()
        lo, hi = (int(x[:4]) * 100 + int(x[5:7]) for x in (first, last))
        index = np.flatnonzero((labels >= lo) & (labels <= hi))
        expected = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1
        return index if len(index) == expected else None
    if len(period) == 4:
        index = np.flatnonzero(years == int(period))
        return index if len(index) == 12 else None
    year, number = (int(part) for part in period.split("-"))
    index = np.flatnonzero((years == year) & (month.month.to_numpy() == number))
    return index if len(index) == 1 else None


def model_value(result, estimate: Estimate) -> float | None:
    """The model's value of the estimate's output over its period, in the model's unit; None if not covered."""
    kind, arg = estimate.kind, estimate.argument
    chips = arg.split("|") if arg else []
    if kind in ("huawei_output", "national_output"):
        national = result.national
        rows = _positions(national, estimate.period)
        if rows is None:
            return None
        if kind == "huawei_output":
            return float(national["huawei_output"].to_numpy()[rows].sum())
        if chips:
            columns = [f"output {c}" for c in chips if f"output {c}" in national]
            return float(sum(national[c].to_numpy()[rows].sum() for c in columns))
        return float(national["output"].to_numpy()[rows].sum())
    capability = result.capability

    def column(name: str) -> np.ndarray:
        return capability[name].to_numpy()[rows]

    rows = _positions(capability, estimate.period)
    if rows is None:
        return None
    if kind in ("arrivals_smuggled", "h100e_arriving_smuggled"):
        return float(column(kind).sum())
    if kind == "capability_gap_years":  # a range reads its mean, as Epoch's average over 2023–26 does
        return float(column(kind).mean())
    if kind == "smuggled_share":
        return float(column("h100e_smuggled_stock")[-1] / max(column("h100e_training")[-1], 1e-9))
    if kind == "largest_run_flop":
        return float(column(kind)[-1])
    if kind == "acquired_h100e":
        return float(sum(column(c).sum() for c in ("h100e_arriving_licensed", "h100e_arriving_smuggled",
                                                    "h100e_arriving_domestic")))
    if kind == "china_share":
        return float(china_share_epoch_basis(capability)[rows[-1]])
    if kind in ("frontier_flop", "frontier_gap_years", "inference_demand_tokens_per_day"):
        return float(column(kind)[-1])
    if kind in ("arrivals_licensed", "stock", "licensed_usd"):
        monthly = result.monthly  # one row per month and chip: the period's months first, then the chips
        months = capability["month"].to_numpy()[rows]
        in_period = monthly["month"].isin(months).to_numpy()
        if chips:
            in_period = in_period & monthly["chip"].isin(chips).to_numpy()
        if kind == "arrivals_licensed":
            return float(monthly["arrivals_licensed"].to_numpy()[in_period].sum())
        if kind == "licensed_usd":  # at list price: what the vendor books before any fee it passes on
            from .catalog import CHIPS_BY_NAME
            prices = monthly["chip"].map(lambda c: CHIPS_BY_NAME[c].price_usd or 0.0).to_numpy()
            return float((monthly["arrivals_licensed"].to_numpy() * prices)[in_period].sum())
        last = in_period & (monthly["month"] == months[-1]).to_numpy()
        return float(monthly["stock"].to_numpy()[last].sum())
    return None


def evidence_for(scenario) -> list[Estimate]:
    """Estimates in the scenario's scope (for charts: every period, forecasts included)."""
    return [e for e in load_evidence() if in_scope(e, scenario)]


HINDCAST_COLUMNS = ["id", "label", "output", "scope", "period", "estimate", "low", "high", "model", "status", "miss",
                    "reason", "source", "mapping"]


def hindcast(result) -> pd.DataFrame:
    """Every in-scope estimate whose period ended before the as-of date: the model's value beside it.

    ``status`` is ``in range``, ``miss`` (``miss`` = how far outside the range, relative to the nearest
    bound; ``reason`` from ``data/hindcast-misses.csv`` when it is a known miss), ``input`` (the preset
    uses the estimate as an input, so it is no check), ``context`` (not a model output) or
    ``not covered`` (its period lies outside the months the model computes for this scenario).
    """
    scenario = result.scenario
    settings = meta()
    preset = scenario.preset or scenario.reference
    misses = known_misses()
    rows = []
    for estimate in load_evidence():
        if not in_scope(estimate, scenario) or estimate.period_end >= settings["as_of"][:7]:
            continue
        value, low, high = estimate.model_range(settings["point_tolerance"])
        row = {"id": estimate.id, "label": estimate.label, "output": output_label(estimate), "scope": estimate.scope,
               "period": estimate.period, "estimate": value, "low": low, "high": high, "model": None, "status": "",
               "miss": None, "reason": "", "source": estimate.source, "mapping": estimate.mapping}
        if estimate.kind == "input" or preset in estimate.input_for:
            row["status"] = "input"
        elif estimate.kind in ("world_stock", "context"):
            row["status"] = "context"
        else:
            model = model_value(result, estimate)
            if model is None:
                row["status"] = "not covered"
            else:
                row["model"] = model
                if low <= model <= high:
                    row["status"] = "in range"
                else:
                    row["status"] = "miss"
                    bound = low if model < low else high
                    row["miss"] = model / bound - 1.0 if bound else math.inf
                    row["reason"] = misses.get((preset, estimate.id), "")
        rows.append(row)
    return pd.DataFrame(rows, columns=HINDCAST_COLUMNS)


EVIDENCE_LOOKBACK_MONTHS = 12  # [months] Assumption: older estimates would stretch a chart's axis for little gain


def chart_points(result, kinds: tuple, earliest: str | None = None) -> list[dict]:
    """Estimates to draw on a chart of these series kinds: x (mid-period), y, error bars, label, hover note.

    Values are in the model's unit; a year's estimate sits at mid-year (July 1). Estimates before ``earliest``
    ["YYYY-MM"; default: a year before the scenario's start] are left off, so the chart keeps its period."""
    out = []
    tolerance = meta()["point_tolerance"]
    if earliest is None:
        earliest = (pd.Timestamp(result.scenario.start + "-01")
                    - pd.DateOffset(months=EVIDENCE_LOOKBACK_MONTHS)).strftime("%Y-%m")
    for estimate in evidence_for(result.scenario):
        if estimate.kind not in kinds:
            continue
        value, low, high = estimate.model_range(tolerance)
        if ".." in estimate.period:  # a range of months sits at its middle
            first, last = (pd.Timestamp(m + "-01") for m in estimate.period.split(".."))
            x = first + (last - first) / 2
        else:
            x = pd.Timestamp(f"{estimate.period}-07-01") if len(estimate.period) == 4 else pd.Timestamp(estimate.period + "-01")
        if x < pd.Timestamp(earliest + "-01"):
            continue
        out.append({"id": estimate.id, "kind": estimate.kind, "label": estimate.label, "argument": estimate.argument, "x": x, "y": value,
                    "low": low, "high": high if np.isfinite(high) else None, "keys": keys_in(
                        " ".join(f"[{k}]" for k in estimate.keys)), "mapping": estimate.mapping,
                    "input": (result.scenario.preset or "") in estimate.input_for})
    return out
