"""The top of every page: the claim the scenario tests, the model's answer with its range, the headline
chart with the basic levers beside it, the headline figures against the reference, and why a lever that
moved did not move them."""

from __future__ import annotations

import streamlit as st

from lib.explain import why_unchanged
from lib.format import SUMMARY_LABELS, compact, delta, number
from lib.model import SUMMARY_UNITS

from .. import cache, controls
from ..device import show_chart
from ..context import Page
from ..text import md, with_sources

# Which way is "more" for each headline, seen as China's capability (+1: more is more capability).
CAPABILITY_SIGN = {"runway_months": +1, "frontier_gap_years_reading": -1, "h100e_years_total": +1, "h100e_end": +1,
                   "largest_run_flop_end": +1, "inference_runway_months": +1}
HEADLINE = ("runway_months", "frontier_gap_years_reading", "h100e_years_total", "largest_run_flop_end")


def _delta_color(key: str, colours: str) -> str:
    if colours == "neutral":
        return "off"
    more_is_good = (CAPABILITY_SIGN[key] > 0) == (colours == "capability")
    return "normal" if more_is_good else "inverse"


def answer_text(page: Page) -> str:
    s = page.result.summary
    q = cache.story_range(page.key).summary
    runway = f"{s['runway_months']} months" + ("+" if s["runway_beyond_horizon"] else "")
    gap = s["frontier_gap_years_reading"]
    return (f"**Model: the planned run fits for {runway}** (p10–p90 {q['runway_months']['p10']:.0f}–"
            f"{q['runway_months']['p90']:.0f}) · **{gap:.1f} years behind the frontier in {page.scenario.reading_year}** "
            f"(p10–p90 {q['frontier_gap_years_reading']['p10']:.1f}–{q['frontier_gap_years_reading']['p90']:.1f}) · "
            f"reference: {md(page.reference_name)}")


def render(page: Page, vintage: str) -> None:
    scenario = page.scenario
    st.markdown(f"#### {md(scenario.name)}")
    if scenario.claim:
        st.markdown(f"> {md(scenario.claim)}  \n> — {with_sources(scenario.claim_source)}")
    st.markdown(answer_text(page))
    with st.popover("What is the reference?", width="content", key="reference_popover"):
        reference = page.reference.scenario
        st.markdown(f"**{md(reference.name)}** — every delta, chart and Compare column reads against it.")
        st.markdown(md(reference.description))
        if reference.claim:
            st.caption(md(f"Its question: {reference.claim}"))

    chart_column, lever_column = st.columns([5, 2], gap="medium")
    with chart_column:
        st.markdown("**Training runs: what the fleet can train vs the planned run and the frontier**")
        figure = cache.headline_figure(page.key, page.samples, page.show_evidence, 380)
        show_chart(figure, "chart_headline")
    with lever_column:
        st.markdown("**Levers**")
        box = st.container(height=430, border=False, key="levers_box")
        controls.basic_levers(box, scenario.preset or page.key[0], vintage)

    s, r = page.result.summary, page.reference.summary
    columns = st.columns(len(HEADLINE))
    for column, key in zip(columns, HEADLINE):
        unit = SUMMARY_UNITS.get(key, "")
        label = SUMMARY_LABELS[key] + (f", {scenario.reading_year}" if key.endswith("_reading") else "")
        change = delta(r[key], s[key], unit)
        value = number(s[key], unit)
        if unit == "H100e·years":  # long unit: into the label, so the value never truncates
            label, value = f"{label} [H100e-years]", compact(s[key])
        column.metric(label, value,
                      delta=("same as the reference" if change == "same" else f"{change} vs reference"),
                      delta_color="off" if change == "same" else _delta_color(key, page.colours),
                      delta_arrow="off" if change == "same" else "auto")
    for note in why_unchanged(page.reference, page.result):
        st.info(md(note), icon="ℹ️")
