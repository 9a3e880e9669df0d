"""Sources & assumptions: every parameter with its value, unit, source and uncertainty; the rules; the
bibliography; the glossary."""

from __future__ import annotations

import csv

import pandas as pd
import streamlit as st

import lib
from lib import units
from lib.format import month_name, number
from lib.levers import LEVERS
from lib.scenario import baseline_path, source_comments
from lib.sources import DATA_DIR, sources_table

from ..context import Page
from ..tables import sources_below, table
from ..text import md, with_sources


@st.cache_data(max_entries=16, show_spinner=False)
def parameters(preset: str) -> pd.DataFrame:
    comments = source_comments(baseline_path())
    presets = lib.list_presets()
    if preset in presets:
        comments.update(source_comments(presets[preset]))
    scenario = lib.load_scenario(preset) if preset in presets else lib.load_scenario("baidu-2023")
    rows = []
    for name, lever in LEVERS.items():
        source = comments.get(name, "")
        rows.append({"Parameter": lever.label, "Value": number(scenario.lever(name), lever.unit), "Unit": lever.unit,
                     "Allowed": lever.allowed(), "Tier": lever.tier, "Source": source,
                     "Assumption": "Assumption" in source, "Unverified": "(mem)" in source,
                     "Uncertainty": lever.uncertainty.basis if lever.uncertainty else "",
                     "Name in links and the CLI": name})
    return pd.DataFrame(rows)


@st.cache_data(show_spinner=False)
def watchlist() -> pd.DataFrame:
    with (DATA_DIR / "watchlist.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return pd.DataFrame([{"Assumption": r["assumption"], "What would settle it": r["observable"],
                          "Latest evidence": f"{r['latest']} ({r['latest_date']}) [{r['source']}]",
                          "Which way it would push": r["direction"], "Lever": LEVERS[r["lever"]].label}
                         for r in rows])


def render(page: Page) -> None:
    preset = page.scenario.preset or page.key[0]
    frame = parameters(preset)
    only = st.toggle("Only the values flagged as assumptions", key="only_assumptions")
    shown = frame[frame["Assumption"]] if only else frame
    table(shown, "table_assumptions")
    sources_below(shown)
    st.markdown("**Watchlist: what would settle each key assumption**")
    # Sentences, not grid cells: a grid cuts long text at any width.
    items = watchlist()
    st.markdown("\n".join(
        f"- **{md(row['Assumption'])}** (lever: {md(row['Lever'])}). Would settle it: {md(row['What would settle it'])}. "
        f"Latest: {with_sources(row['Latest evidence'])}. Which way: {md(row['Which way it would push'])}."
        for _, row in items.iterrows()))
    st.markdown(f"**{int(frame['Assumption'].sum())} of {len(frame)} parameters are assumptions; "
                f"{int(frame['Unverified'].sum())} rest on a figure recalled without a source (unverified).** "
                "The Export rule view lists every chip with its sources; the Evidence view, the outside estimates.")
    st.markdown("**Rules**")
    st.markdown("\n".join(f"- **{md(r.title)}** (in force from {month_name(r.effective)}): {with_sources(r.summary.rstrip('.'))}. "
                           f"Source: {with_sources(r.source)}."
                           for r in lib.RULES.values()))
    st.markdown("**Bibliography** — every source key used anywhere in the product. Quality: primary (Federal Register, "
                "filings, company statements), analysis (Epoch, CNAS, SemiAnalysis, IFP, CSIS, RAND), press, aggregator.")
    bib = pd.DataFrame([{"Key": s.key, "Author or publisher": s.author, "Title": s.title, "Date": s.date,
                         "Link": s.url, "Quality": s.quality, "Link checked": s.link_status} for s in sources_table()])
    table(bib, "table_sources", column_config={"Link": st.column_config.LinkColumn(display_text="open")}, height=400)
    st.markdown("**Glossary**")
    st.markdown("\n".join(f"- **{md(term)}** — {with_sources(definition)}" for term, definition in units.glossary()))
