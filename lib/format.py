"""Human labels and number formats: one place for the page, the charts and the brief.

Internal key names stay in error messages, the share link and the CLI; everything a reader sees goes
through ``label`` and ``number``.
"""

from __future__ import annotations

import math

SUMMARY_LABELS = {
    "runway_months": "Runway for the planned run", "h100e_start": "Training H100e at the start",
    "h100e_end": "Training H100e at the horizon", "h100e_inference_start": "Inference H100e at the start",
    "h100e_inference_end": "Inference H100e at the horizon", "largest_run_flop_start": "Largest run at the start",
    "largest_run_flop_end": "Largest run at the horizon", "planned_run_flop_end": "Planned run at the horizon",
    "frontier_flop_end": "Frontier run at the horizon", "frontier_gap_years_start": "Years behind the frontier, start",
    "frontier_gap_years_end": "Years behind the frontier, horizon",
    "inference_tokens_per_day_end": "Serving capacity at the horizon", "stock_units_start": "Chips in service, start",
    "stock_units_end": "Chips in service, horizon", "arrivals_foreign_total": "Foreign chips arriving",
    "arrivals_leaked_total": "Smuggled chips", "arrivals_domestic_total": "Domestic chips arriving",
    "spend_usd_total": "Spend on chips", "months": "Months projected",
    "arrivals_licensed_total": "Legal exports (licensed or licence-free)", "arrivals_smuggled_total": "Smuggled chips",
    "arrivals_ordered_total": "Ordered deliveries", "h100e_licensed_total": "Legal exports, H100e",
    "h100e_smuggled_total": "Smuggled, H100e", "h100e_domestic_total": "Domestic, H100e",
    "remote_access_chips_end": "Rented chips abroad, horizon", "remote_access_h100e_end": "Rented compute abroad, horizon",
    "h100e_years_total": "H100e-years over the horizon", "reading_year": "Reading year",
    "h100e_reading": "Training H100e in the reading year",
    "frontier_gap_years_reading": "Years behind the frontier, reading year",
    "largest_run_flop_reading": "Largest run in the reading year", "inference_runway_months": "Inference runway",
    "inference_coverage_end": "Serving capacity ÷ demand, horizon", "national_output_total": "China's domestic output",
    "national_output_since_2023": "China's domestic output since 2023",
    "domestic_binding_end": "What limits domestic output at the horizon",
    "runway_reserve_only_months": "Runway on the reserve alone",
    "runway_reserve_only_end_month": "Reserve-alone runway ends",
    "capability_gap_years_start": "Capability gap, start", "capability_gap_years_reading": "Capability gap, reading year",
    "capability_gap_years_end": "Capability gap, horizon",
    "frontier_ratio_reading": "Frontier run ÷ largest run, reading year",
    "cluster_h100e_reading": "Largest cluster, reading year", "us_h100e_reading": "US compute, reading year",
    "us_china_compute_ratio_reading": "US:China compute, reading year",
    "us_china_additions_ratio_reading": "US:China compute added, reading year",
    "china_additions_h100e_reading": "China's compute added, reading year",
    "us_additions_h100e_reading": "US compute added, reading year",
}
SERIES_LABELS = {
    "h100e_training": "training H100e", "h100e_inference": "inference H100e", "largest_run_flop": "largest feasible run",
    "frontier_gap_years": "years behind the frontier", "remote_access_h100e": "rented abroad (H100e)",
    "h100e_arriving_licensed": "legal exports", "h100e_arriving_smuggled": "smuggled",
    "h100e_arriving_domestic": "domestic", "inference_tokens_per_day": "serving capacity",
    "national_output": "China's domestic output", "huawei_output": "Huawei Ascend output",
    "capability_gap_years": "capability gap (years)", "us_china_compute_ratio": "US:China compute",
}
UNIT_WORDS = {"months": "months", "H100e": "H100e", "FLOP": "FLOP", "years": "years", "tokens/day": "tokens/day",
              "chips": "chips", "USD": "", "H100e·years": "H100e-years", "share": "", "accelerators": "accelerators",
              "year": ""}


def label(key: str) -> str:
    """The reader's name for a summary key, lever or series (falls back to words, never the raw key)."""
    if key in SUMMARY_LABELS:
        return SUMMARY_LABELS[key]
    if key in SERIES_LABELS:
        return SERIES_LABELS[key]
    from .levers import LEVERS

    if key in LEVERS:
        return LEVERS[key].label
    return key.replace("_", " ").capitalize()


def compact(x: float, digits: int = 3) -> str:
    """12,345 → '12.3k'; 1.2e6 → '1.2M'; 3.4e9 → '3.4B'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, float) and math.isinf(x):
        return "∞"
    rounded = float(f"{x:.{digits}g}")  # 999.6k rounds to 1M, not to "1e+03k"
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(rounded) >= div:
            return f"{rounded / div:.{digits}g}{suffix}"
    if abs(x) >= 100 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def flop(x: float) -> str:
    """1.23e+26 → '1.2e26 FLOP'."""
    if not x or x <= 0:
        return "0 FLOP"
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa}e{int(exponent)} FLOP"


def usd(x: float) -> str:
    for div, suffix in ((1e12, " trillion"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"${x / div:,.3g}{suffix}"
    return f"${x:,.0f}"


def number(x, unit: str = "") -> str:
    """A value with its unit, readable: FLOP in scientific form, dollars with $, months and years rounded."""
    if x is None or isinstance(x, str):
        return "—" if x is None else x
    if isinstance(x, bool):
        return "yes" if x else "no"
    if unit == "FLOP":
        return flop(x)
    if unit.startswith("USD"):
        return usd(x) + (unit[3:] if len(unit) > 3 else "")
    if unit == "months":
        return f"{x:,.0f} {'month' if round(x) == 1 else 'months'}"
    if unit == "years":
        return f"{x:.1f} years"
    if unit in ("share", "share 0–1"):
        return f"{x:.0%}" if x >= 0.01 or x == 0 else f"{x:.2%}"
    if unit == "year":
        return f"{x:.0f}"
    if unit == "×":
        return f"{x:,.0f}×" if abs(x) >= 10 else f"{x:.1f}×"
    word = UNIT_WORDS.get(unit, unit)
    return f"{compact(x)} {word}".strip()


def number_range(low, high, unit: str = "") -> str:
    """'507k – 600k H100e-years': two values with the unit written once."""
    a, b = number(low, unit), number(high, unit)
    word = b.rpartition(" ")[2] if " " in b else ""
    if word and a.endswith(" " + word):
        a = a[: -len(word) - 1]
    return f"{a} – {b}"


MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_name(month: str) -> str:
    """'2025-09' → 'Sep 2025'."""
    return f"{MONTH_NAMES[int(month[5:7]) - 1]} {month[:4]}"


def delta(a, b, unit: str = "") -> str:
    """The change from a to b in words: '+3 months', '+12% (1.2k H100e)', '×2.0'."""
    if a is None or b is None or isinstance(a, str):
        return ""
    d = float(b) - float(a)
    if abs(d) < 1e-12 * max(abs(a), abs(b), 1):
        return "same"
    if unit == "months":
        # An ASCII sign: Streamlit's metric reads the delta's direction from a leading "-".
        return f"{d:+,.0f} {'month' if abs(round(d)) == 1 else 'months'}"
    if unit == "years":  # at the precision ``number`` shows, so the delta is the difference of the figures shown
        return f"{round(float(b), 1) - round(float(a), 1):+.1f} years"
    if unit == "×":
        a, b = float(a), float(b)
        if abs(a) >= 10 and abs(b) >= 10:  # both shown as whole numbers
            return f"{round(b) - round(a):+,d}×"
        shown = (lambda x: round(x) if abs(x) >= 10 else round(x, 1))
        return f"{shown(b) - shown(a):+,.1f}×"
    if unit == "FLOP" and a > 0:
        return f"×{b / a:.2f}"
    if a:
        return f"{d / abs(a):+.1%}"
    return f"{d:+,.3g}"


def vintage_name(vintage: str) -> str:
    """A rule vintage as a reader knows it: 'timeline' → 'real timeline', 'oct-2022' → 'Oct 2022 rule'."""
    if vintage == "timeline":
        return "real timeline"
    month, _, year = str(vintage).partition("-")
    return f"{month.title()} {year} rule" if month.title() in MONTH_NAMES and year.isdigit() else str(vintage)


def month_or_never(month: str) -> str:
    """'2024-12' → 'Dec 2024'; 'never' stays 'never'."""
    try:
        return month_name(month)
    except (ValueError, IndexError):
        return str(month)
