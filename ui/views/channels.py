"""Channels & domestic: compute arriving by channel, China's domestic output and what binds it, and the prong
that controls each chip on the buy list."""

from __future__ import annotations

import streamlit as st

from lib import charts, evidence
from lib.explain import CAPPED_MONTHS, binding_sentences, domestic_binding, import_constraints
from lib.format import compact
from lib.sources import load_sources

from .. import cache
from ..context import Page
from ..device import show_chart
from ..tables import sources_below, table
from ..text import NOTE_WORDS, md, note


@st.cache_resource(max_entries=32, show_spinner=False)
def figures(key: tuple, samples: int, show_evidence: bool):
    r = cache.result(key)
    sources = load_sources()
    national_fans = cache.monte_carlo(key, samples).national if samples else None
    flows = evidence.chart_points(r, ("acquired_h100e",)) if show_evidence else None
    chips = evidence.chart_points(r, ("arrivals_smuggled", "arrivals_licensed")) if show_evidence else None
    national = (evidence.chart_points(r, ("huawei_output", "national_output"), earliest="2022-01")
                if show_evidence else None)
    return (charts.channels_figure(r.capability, flows, sources),
            charts.chips_figure(r.capability, r.monthly, chips, sources),
            charts.national_figure(r.national, r.scenario.start, national, sources, national_fans))


def first_clauses(sentence: str, words: int) -> str:
    """A sentence's leading "; "-separated clauses within ``words`` (at least the first), with " …" when cut."""
    clauses = sentence.rstrip(".").split("; ")
    kept = clauses[:1]
    for clause in clauses[1:]:
        if len(" ".join([*kept, clause]).split()) > words:
            return "; ".join(kept) + " …"
        kept.append(clause)
    return sentence


def render(page: Page) -> None:
    channels, chips, national = figures(page.key, page.samples, page.show_evidence)
    s = page.result.summary
    # A sentence can name a dozen chips: each shows its first clauses, and the whole list is one click away.
    sentences = binding_sentences(page.result)
    leads = []
    for sentence in sentences:  # whole leads while the note stays within NOTE_WORDS
        lead = first_clauses(sentence, NOTE_WORDS // 2)
        if leads and len(" ".join([*leads, lead]).split()) > NOTE_WORDS - 8:  # the title and the tail: 7 words
            leads.append(f"And {len(sentences) - len(leads)} more: see Why?")
            break
        leads.append(lead)
    st.markdown("**What binds**  \n" + "  \n".join(md(lead) for lead in leads))
    if leads != sentences:
        with st.expander("Why? Every chip, month by month", key="why_binding"):
            st.markdown("\n".join(f"- {md(sentence)}" for sentence in sentences))
    st.markdown("**Compute arriving per year, by channel [H100e]**")
    show_chart(channels, "chart_channels")
    note(f"Over the horizon: legal exports {compact(s['h100e_licensed_total'])} H100e "
         f"({compact(s['arrivals_licensed_total'])} chips), smuggled {compact(s['h100e_smuggled_total'])} H100e "
         f"({compact(s['arrivals_smuggled_total'])} chips), domestic {compact(s['h100e_domestic_total'])} H100e; "
         f"rented abroad at the horizon {compact(s['remote_access_h100e_end'])} H100e (not owned).",
         "Legal exports are licensed chips, or licence-free ones like the H20 in 2024. Leakage acts once on the "
         "demand a rule blocks, as the best blocked chip.", key="why_channels")
    st.markdown("**Chips arriving per year, by channel**")
    show_chart(chips, "chart_chips")
    st.markdown("**China's domestic output per year: logic or HBM?**")
    show_chart(national, "chart_national")
    note("National output each month is the smaller of what logic dies and HBM stacks allow. Dark: Huawei Ascend; "
         "light: all domestic.",
         "Logic: SMIC wafers × 78 sites × yield, plus the TSMC die bank from 2025. HBM: imports until the control, "
         "the stockpile, domestic HBM and leaks. Computed from 2023 whatever the scenario's start; the actor gets the "
         "smaller of its demand and its share.", key="why_national")
    binding = domestic_binding(page.result).rename(columns={
        "year": "Year", "output": "National output", "huawei_output": "Huawei Ascend", "HBM": "Months HBM binds",
        "logic: SMIC + die bank": "Months logic binds (with die bank)", "logic: SMIC wafers": "Months SMIC binds",
        CAPPED_MONTHS: "Months the actor is capped"})
    for column in ("National output", "Huawei Ascend"):
        binding[column] = binding[column].map(lambda x: f"{x:,.0f}")
    table(binding, "table_binding")
    st.markdown("**Each chip on the buy list at the what-if month: what controls it**")
    constraints = import_constraints(page.result).rename(columns={
        "chip": "Chip", "status": "Status", "prong": "Deciding prong", "access": "Access", "sold in the US": "Sold in the US",
        "why": "Why", "rule": "Rule"})
    table(constraints, "table_constraints")
    sources_below(constraints)
