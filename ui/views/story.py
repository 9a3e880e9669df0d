"""The top of every page: the claim the scenario tests, the model's answer with its range, the headline
chart with the basic levers beside it, the headline figures against the reference, and why a lever that
moved did not move them."""

from __future__ import annotations

import streamlit as st

from lib import units
from lib.link import base_scenario
from lib.explain import opposite_moves, verdict, why_unchanged
from lib.format import SUMMARY_LABELS, compact, delta, month_name, number
from lib.model import SUMMARY_UNITS

from .. import cache, lever_panel
from ..device import is_phone, show_chart
from ..context import Page
from ..text import lead_and_detail, md, note, whole_sentences, with_sources

# Which way is "more" for each headline, seen as China's capability (+1: more is more capability).
CAPABILITY_SIGN = {"runway_months": +1, "runway_reserve_only_months": +1, "frontier_gap_years_reading": -1,
                   "capability_gap_years_reading": -1, "us_china_compute_ratio_reading": -1, "h100e_years_total": +1,
                   "h100e_end": +1, "largest_run_flop_end": +1, "inference_runway_months": +1}
# The figures under the verdict: a runway claim leads with both runways; every other scenario with both gaps and
# the US:China ratio (model 3.0's question: how far behind, in compute and in capability).
HEADLINES = {
    "runway": ("runway_months", "runway_reserve_only_months", "capability_gap_years_reading",
               "frontier_gap_years_reading"),
    "gap": ("capability_gap_years_reading", "frontier_gap_years_reading", "us_china_compute_ratio_reading",
            "h100e_years_total"),
}


def headline_keys(scenario) -> tuple:
    return HEADLINES["runway" if scenario.verdict == "runway" else "gap"]


def _delta_color(key: str, colours: str) -> str:
    if colours == "neutral":
        return "off"
    more_is_good = (CAPABILITY_SIGN[key] > 0) == (colours == "capability")
    return "normal" if more_is_good else "inverse"


GAP_HELP = {
    "frontier_gap_years_reading": "Compute gap: how many years of China's own run growth (3×/yr, Epoch) its largest "
                                  "feasible run needs to reach the frontier's largest run in that month.",
    "capability_gap_years_reading": "Capability gap: the same on effective compute (compute × algorithms): the "
                                    "frontier's algorithms improve (halving ~8 months, Epoch) and China's labs adopt "
                                    "them after the catch-up lag. Epoch's capabilities index: ~7 months on average.",
    "us_china_compute_ratio_reading": "US AI compute ÷ China's owned AI compute [H100e] at the end of the reading "
                                      "year. The US side is a sourced path (world stock × US share), not a model.",
    "runway_reserve_only_months": "Months the chips held at the start, plus those already on order, keep the planned "
                                  "run feasible, with no new supply: the reserve Robin Li spoke of.",
    # Where the unit first appears on the page: its glossary entry (lib.units), word for word.
    "h100e_years_total": dict(units.glossary())["H100e-years"],
}
EVIDENCE_KEY = ("Outside estimates, one marker shape per source: hollow = used to build this scenario (an input), "
                "filled = compared with the model (a check). Hover a marker for its source and how it maps.")
TERMS = ("Planned run", "Largest feasible run", "Runway", "Frontier gap", "H100e", "H100e-years", "Reference chip")


def _terms_help() -> str:
    glossary = dict(units.glossary())
    lines = [f"**{term}**: {glossary[term]}" for term in TERMS]
    lines.append("**p10–p90**: the middle 80% of Monte Carlo draws over the uncertain assumptions (Uncertainty view).")
    return "\n\n".join(md(line).replace("\\*\\*", "**") for line in lines)


def same_as_reference(page: Page) -> bool:
    return page.reference.scenario.to_dict() == page.scenario.to_dict()


def answer_parts(page: Page) -> tuple[str, str]:
    """The verdict as Markdown: the claim's answer in bold, and the rest, with ranges from the story's Monte Carlo."""
    hindcast = cache.hindcast_table(page.key) if page.scenario.verdict == "hindcast" else None
    lead, rest = verdict(page.result, cache.story_range(page.key).summary, hindcast)
    return f"**Model: {md(lead)}**", md(rest)


def answer_text(page: Page) -> str:
    return " ".join(answer_parts(page))


def _evidence_tally(page: Page) -> str:
    counts = cache.hindcast_table(page.key)["status"].value_counts()
    checked = int(counts.get("in range", 0) + counts.get("miss", 0))
    if not checked:
        return "No outside estimate falls in this scenario's period yet."
    return (f"Checked against {checked} outside estimates: {int(counts.get('in range', 0))} in range, "
            f"{int(counts.get('miss', 0))} miss (Evidence view).")


def _metric_label(key: str, scenario, phone: bool = False) -> str:
    month = month_name(scenario.reading_month)
    if key == "frontier_gap_years_reading":  # a phone cell is 170 px
        return f"Compute gap, {month}" if phone else f"Compute gap, {month}"
    if key == "capability_gap_years_reading":
        return f"Capability gap, {month}"
    if key == "us_china_compute_ratio_reading":
        return f"US:China compute, {month}"
    if key == "runway_reserve_only_months":
        return "Runway, reserve alone"
    if key == "runway_months":
        return "Runway, with new supply"
    if key == "h100e_years_total":
        return f"H100e-years, {scenario.start[:4]}–{scenario.horizon[2:4]}"
    if key == "largest_run_flop_end":
        return f"Largest run [FLOP], {month_name(scenario.horizon)}"
    return SUMMARY_LABELS[key]


def figure_texts(keys, summary: dict, reference: dict, months: int) -> list[tuple[str, str]]:
    """(value, change against the reference) per headline figure, as the page words them. The lever panel draws
    its preview with the same words, so the figures do not jump on release."""
    out = []
    for key in keys:
        unit = SUMMARY_UNITS.get(key, "")
        # Long units go into the label, so the value is never cut on a narrow screen.
        value = compact(summary[key]) if unit == "H100e·years" else number(summary[key], unit).removesuffix(" FLOP")
        # A runway as long as the projection is censored: it is at least that long.
        censored = key in ("runway_months", "runway_reserve_only_months") and summary[key] >= months
        value = f"≥ {value}" if censored else value
        change = delta(reference[key], summary[key], unit)
        if unit == "H100e·years":  # the difference of the two figures as shown (3 significant digits), not a share
            shown = [float(f"{v:.3g}") for v in (reference[key], summary[key])]
            step = shown[1] - shown[0]
            change = "same" if step == 0 else f"{'+' if step > 0 else '-'}{compact(abs(step))}"
        change = f"at least {change}" if censored and change != "same" else change
        out.append((value, "same as the reference" if change == "same" else f"{change} vs reference"))
    return out


def _metrics(page: Page, same: bool) -> None:
    s, r = page.result.summary, page.reference.summary
    phone = is_phone()
    # Two a row, in cells wide enough for the longest label (a phone cell is 170 px; on a desktop they sit under
    # the chart, beside the lever panel).
    keys = headline_keys(page.scenario)
    row = st.container(horizontal=True, wrap=True, gap="small", key="metrics_row")
    columns = [row.container(width=170 if phone else 270) for _ in keys]
    months = len(page.result.capability)
    for column, key, (value, change) in zip(columns, keys, figure_texts(keys, s, r, months)):
        help_text = GAP_HELP.get(key)
        if same:  # a delta all the same, so the page keeps its shape when the first lever moves (focus stays)
            column.metric(_metric_label(key, page.scenario, phone), value, delta="this is the reference", delta_color="off",
                          delta_arrow="off", help=help_text)
            continue
        unchanged = change == "same as the reference"
        column.metric(_metric_label(key, page.scenario, phone), value, help=help_text, delta=change,
                      delta_color="off" if unchanged else _delta_color(key, page.colours),
                      delta_arrow="off" if unchanged else "auto")


def _figures_and_notes(page: Page, same: bool) -> None:
    # One container whatever it holds: a varying number of elements here would shift the widgets after it,
    # and Streamlit would remount them (a keyboard user loses the slider's focus).
    with st.container(key="story_figures"):
        _metrics(page, same)
        st.caption("Move a lever: each figure then shows its change against this scenario, the reference." if same
                   else f"Changes read against the reference, {md(page.reference_name)}.")
        for index, note in enumerate(why_unchanged(page.reference, page.result)
                                     + opposite_moves(page.reference, page.result)):
            lead, detail = lead_and_detail(note)  # a short note; its detail one click away
            st.info(with_sources(lead), icon="ℹ️")
            if detail:
                with st.expander("Why?", key=f"why_{index}"):
                    st.markdown(with_sources(detail))


def _headline_chart(page: Page) -> None:
    st.markdown("**Training runs vs the plan and the frontier**" if is_phone()  # one line on a phone
                else "**Training runs: what the fleet can train vs the planned run and the frontier**")
    figure = cache.headline_figure(page.key, page.samples, page.show_evidence, 380)
    show_chart(figure, "chart_headline")
    if any(str(trace.legendgroup or "").startswith("evidence") for trace in figure.data):
        st.caption(EVIDENCE_KEY)


def _levers(page: Page, vintage: str) -> None:
    """The basic levers as one panel whose headline follows a lever while it is dragged; a release commits the
    value and the page reruns, so every figure after it is an exact run (``ui.lever_panel``)."""
    disabled = ("density_threshold",) if vintage == "oct-2022" else ()
    base = base_scenario(page.key[0], page.key[1])
    lever_panel.render(page.key, lever_panel.panel_levers(base), first=lever_panel.open_section(base),
                       disabled=disabled)


def render(page: Page, vintage: str) -> None:
    scenario = page.scenario
    same = same_as_reference(page)
    phone = is_phone()
    # The reference sits beside the name, not on a row of its own: on a phone that row would push the chart
    # below the fold.
    title = st.container(horizontal=True, vertical_alignment="center", key="title_line")
    uploaded = " (uploaded)" if page.key[1] else ""  # an upload may keep a preset's name: say which this is
    title.markdown(f"#### {md(scenario.name)}{uploaded}", width="content")
    with title.popover("Reference", width="content", key="reference_popover"):
        reference = page.reference.scenario
        st.markdown(f"**{md(reference.name)}** — every delta, chart and Compare column reads against it.")
        st.markdown(md(reference.description))
        if reference.claim:
            st.caption(md(f"Its question: {reference.claim}"))
    if phone:  # the sidebar that says what this is stays closed on a phone
        st.caption("A what-if explorer for US AI-chip export rules.")
    analysis = cache.analysis_sentence(page.key)
    if analysis:  # a reproduction preset opens on the analysis and what the model gives under its assumptions
        st.markdown(f"**{with_sources(analysis)}**")
    elif scenario.claim and scenario.claim_runway_months:  # a claim someone made: quoted, with who said it
        st.markdown(f"> {md(scenario.claim)}  \n> — {with_sources(scenario.claim_source)}")
    elif scenario.claim:  # a question the scenario asks: not a quotation of its sources
        st.markdown(f"**Question:** {md(scenario.claim)}")
        st.caption(f"Starting points: {with_sources(scenario.claim_source)}")
    lead, rest = answer_parts(page)
    # The bold answer before the chart and the rest after it, so the whole chart stays on the first screen.
    st.markdown(lead, help=_terms_help())
    # The starting stock has no lever: what an outside estimate of it would change is one click under the chart.
    alternatives = " ".join(cache.stock_alternatives(page.key))

    def evidence_line():
        note(_evidence_tally(page), alternatives, key="why_stock",
             label="And with an outside estimate of the starting stock?")

    if phone:
        # A phone shows one column: the chart first, so it opens the page; the figures under it; then the levers,
        # so opening them leaves the chart and the figures above (and a moving lever's preview card shows both).
        # A box that scrolls inside the page catches the thumb and can drag a slider, and open sliders push the
        # rest a screen away: an expander, one tap.
        _headline_chart(page)
        _figures_and_notes(page, same)
        box = st.expander("Levers: export rules, enforcement, substitution, HBM", key="levers_box")
        box.caption("Presets, the rule vintage, the timing and uploads: the » menu at the top left.")
        with box:
            _levers(page, vintage)
        note(*whole_sentences(rest), key="why_answer", render=str, caption=False, label="The rest of the answer")
        evidence_line()
        return
    # The chart with the levers beside it, right under the verdict: the first screen holds the claim, the answer,
    # the whole chart and what moves it. The rest of the answer and the figures follow under the chart, in its
    # column, so the lever panel runs down beside them without a box that scrolls inside the page.
    chart_column, lever_column = st.columns([5, 2], gap="medium")
    with chart_column:
        _headline_chart(page)
        note(*whole_sentences(rest), key="why_answer", render=str, caption=False, label="The rest of the answer")
        evidence_line()
        _figures_and_notes(page, same)
    with lever_column:
        with st.container(key="levers_box"):
            st.markdown("**Levers**")
            _levers(page, vintage)
