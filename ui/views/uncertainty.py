"""Uncertainty: which levers move the answer most (uncertain assumptions and policy levers, ranked apart),
goal-seek with an Apply that keeps its promise, and the Monte Carlo quantiles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import lib
from lib import charts
from lib.format import label, number
from lib.gate import plain_number
from lib.levers import LEVERS
from lib.model import SUMMARY_UNITS
from lib.uncertainty import SOLVE_LEVERS, TARGET_KEYS, TORNADO_OUTPUTS

from .. import cache
from ..context import Page
from ..device import show_chart
from ..link import apply_values
from ..tables import table
from ..text import md, note

PROBABILITY_LABELS = {
    "runway_under_12_months": "runway under 12 months", "runway_under_24_months": "runway under 24 months",
    "runway_beyond_horizon": "runway beyond the horizon",
    "frontier_gap_end_at_least_2_years": "2+ years behind at the horizon",
    "frontier_gap_end_at_least_5_years": "5+ years behind at the horizon",
    "frontier_gap_reading_at_least_1_year": "1+ year behind in the reading year",
    "frontier_gap_reading_at_least_2_years": "2+ years behind in the reading year",
}
TARGET_LABELS = {"frontier_gap_years": "compute gap [years] (in a year)",
                 "capability_gap_years": "capability gap [years] (in a year)",
                 "us_china_compute_ratio": "US:China compute [×] (in a year)", "runway_months": "runway [months]",
                 "h100e": "training H100e (in a year)", "h100e_training": "training H100e (in a year)",
                 "h100e_inference": "inference H100e (in a year)", "largest_run_flop": "largest run [FLOP] (in a year)",
                 "inference_tokens_per_day": "serving capacity [tokens/day] (in a year)"}


def goal_message(answer: dict, target: tuple, year: int, applied: float | None = None) -> str:
    """Goal-seek's answer in words (the CLI keeps the exact names). ``applied`` is the value the Apply button
    sets, on the slider's grid and checked to meet the target: the sentence quotes it, never a rounded boundary
    that may fall on the wrong side."""
    key, op, goal = target
    lever = LEVERS[answer["lever"]]
    unit = SUMMARY_UNITS.get(key, "")
    bound = "at least" if op == ">=" else "at most"
    if key == "runway_months":
        what = f"a runway of {bound} {goal:g} months"
    else:
        what = f"{TARGET_LABELS.get(key, label(key)).split(' (in')[0]} {bound} {goal:g}"
    when = f" in {year}" if TARGET_KEYS[key] else ""
    if not answer["achievable"]:
        return (f"No value of {lever.label} from {number(lever.minimum, lever.unit)} to {number(lever.maximum, lever.unit)} "
                f"reaches {what}{when}; the best is {number(answer['best_metric'], unit)} at "
                f"{number(answer['best_value'], lever.unit)}.")
    if answer["direction"] == "any":
        return f"Every value of {lever.label} reaches {what}{when}."
    side = "or more" if answer["direction"] == ">=" else "or less"
    if applied is not None:
        return f"{lever.label} of {number(applied, lever.unit)} {side} reaches {what}{when}."
    return (f"{lever.label} of {plain_number(answer['value'])} [{lever.unit}] {side} reaches {what}{when} "
            f"({number(answer['metric_at_value'], unit)} there).")


# Levers that make more domestic chips. More of them can lower a later figure: chips made sooner draw the HBM
# stockpile down sooner, and some retire before the horizon (the model's timing effect, tested per year).
SUPPLY_LEVERS = ("logic_wafers_per_month", "logic_wafer_growth", "logic_yield", "die_bank_dies",
                 "domestic_hbm_stacks_per_year", "domestic_hbm_growth", "hbm_imports_after_control",
                 "hbm_imports_per_month", "hbm_front_running_stacks")
LOWER_IS_MORE = ("frontier_gap_years_reading", "frontier_gap_years_end")  # for these outputs, lower is more capability


def counter_intuitive(frame: pd.DataFrame, output: str) -> list[str]:
    """Supply levers whose high value gives China less capability on ``output`` [lever labels]."""
    sign = -1 if output in LOWER_IS_MORE else 1
    return [row.label for row in frame.itertuples()
            if row.lever in SUPPLY_LEVERS and sign * (row.change_at_high - row.change_at_low) < 0]


def _tornado(page: Page, output: str, kind: str, title: str) -> None:
    frame = cache.sensitivity(page.key, output, kind)
    unit = SUMMARY_UNITS.get(output, "")
    st.markdown(f"**{title}**: {md(label(output).lower())}, base {md(number(frame.attrs['base'], unit))}")
    axis = f"change [{unit}]" if unit else "change"
    show_chart(charts.tornado_figure(frame, axis, ".2e" if unit == "FLOP" else ".3g"), f"chart_tornado_{kind}")
    odd = counter_intuitive(frame, output)
    if odd:
        note(f"{', '.join(odd)}: more gives less here, because national output is the smaller of what logic and HBM "
             "allow.",
             "More logic turns the HBM stockpile into chips sooner, for other buyers or before this scenario's start "
             "(whose starting stock is fixed), and leaves fewer stacks for the years counted here. A simplification: "
             "the model does not re-plan the stockpile when logic is ample.", key=f"why_odd_{kind}")
    quiet = cache.no_effect_reasons(page.key, output, kind)
    if quiet:  # a row with no bar says why, or the tornado reads as broken
        count = sum(len(labels) for labels in quiet.values())
        st.caption(f"No bar for {count} lever{'s' if count != 1 else ''}: from low to high, the rounded figure does not move.")
        with st.expander("Why? Each lever without a bar", key=f"why_no_bar_{kind}"):
            st.markdown("\n".join(f"- **{md(', '.join(labels))}**: {md(reason)}" for reason, labels in quiet.items()))
    shown = pd.DataFrame({"Lever": frame["label"], "Low": [number(v, LEVERS[n].unit) for n, v in
                                                           zip(frame["lever"], frame["low_value"])],
                          "High": [number(v, LEVERS[n].unit) for n, v in zip(frame["lever"], frame["high_value"])],
                          "Output at low": [number(v, unit) for v in frame["output_at_low"]],
                          "Output at high": [number(v, unit) for v in frame["output_at_high"]]})
    table(shown, f"table_tornado_{kind}")


def render(page: Page) -> None:
    output = st.selectbox("Output to rank the levers by", TORNADO_OUTPUTS, key="tornado_output", format_func=label)
    _tornado(page, output, "policy", "Policy levers, each over its plausible policy range")
    _tornado(page, output, "uncertain", "Uncertain assumptions, each over its uncertainty range")

    st.divider()
    st.markdown("**Goal-seek.** Which lever value reaches a target? Solved by bisection, then moved onto the "
                "slider's steps on the side that still meets the target and checked.")
    cols = st.columns(4)
    # The default question is one the presets do not already answer: what import budget buys Baidu five years,
    # and how much smuggling would bring China's capability gap under 1.7 years?
    default_lever, default_key, default_op, default_goal = (
        ("import_budget", "runway_months", ">=", 60.0) if page.scenario.verdict == "runway"
        else ("leakage", "capability_gap_years", "<=", 1.7))
    lever = cols[0].selectbox("Lever", SOLVE_LEVERS, key="solve_lever", format_func=label,
                              index=SOLVE_LEVERS.index(default_lever))
    target_key = cols[1].selectbox("Target", list(TARGET_KEYS), key="solve_key",
                                   format_func=lambda k: TARGET_LABELS.get(k, label(k)),
                                   index=list(TARGET_KEYS).index(default_key))
    op = cols[2].selectbox("Comparison", (">=", "<="), key="solve_op", format_func={">=": "at least", "<=": "at most"}.get,
                           index=(">=", "<=").index(default_op))
    goal = cols[3].number_input("Value", value=default_goal, key="solve_value", format="%.4g")
    scenario = page.scenario
    years = list(range(int(scenario.start[:4]), int(scenario.horizon[:4]) + 1))
    year = min(max(2027, years[0]), years[-1])
    if TARGET_KEYS[target_key]:  # only targets read in a year ask for one
        year = st.select_slider("In year", options=years, value=year, key="solve_year")
    target = (target_key, op, float(goal))
    try:
        answer, value = cache.goal_seek(page.key, lever, target, year)
    except lib.ScenarioError as exc:
        st.error(md(str(exc)))
        answer, value = None, None
    if answer:
        (st.success if answer["achievable"] else st.warning)(md(goal_message(answer, target, year, value)))
        if value is not None:
            st.button(f"Apply {label(lever)} = {number(value, LEVERS[lever].unit)} to the levers", key="solve_apply",
                      on_click=apply_values, args=({lever: value},))

    st.divider()
    if page.samples:
        mc = cache.monte_carlo(page.key, page.samples)
        st.markdown(f"**Monte Carlo: {mc.samples:,} draws of the uncertain levers (seed {mc.seed})**")
        summary = page.result.summary
        rows = [{"Output": label(k), "Run (headline)": number(summary.get(k), SUMMARY_UNITS.get(k, "")),
                 "p10": number(q["p10"], SUMMARY_UNITS.get(k, "")),
                 "p50": number(q["p50"], SUMMARY_UNITS.get(k, "")), "p90": number(q["p90"], SUMMARY_UNITS.get(k, ""))}
                for k, q in mc.summary.items()]
        table(pd.DataFrame(rows), "table_mc")
        st.caption("'Run (headline)' is the one deterministic run at the levers' set values, the figure the headline "
                   "shows; p50 is the median of the draws. They differ where a range is lopsided around the value set.")
        probabilities = pd.DataFrame([{"Event": PROBABILITY_LABELS.get(k, label(k)), "Probability": f"{v:.0%}"}
                                      for k, v in mc.probabilities.items()])
        table(probabilities, "table_probabilities")
    else:
        st.info("Monte Carlo fans are off: pick a sample count in the sidebar to see fans and probabilities. "
                "The headline's range always uses a small Monte Carlo.")
