"""Analyses: four published analyses reproduced as presets. Per analysis its question, its headline, the model's
figures beside the published ones, what the model cannot express, and a button that loads the preset."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from lib import reproduce

from .. import cache, controls
from ..context import Page
from ..device import is_phone
from ..tables import sources_below, table
from ..text import md, note, with_sources


@st.cache_resource(max_entries=1, show_spinner=False)
def reproduction_table() -> pd.DataFrame:
    """The reproduction table, once per server: it reads the presets as published, not the reader's levers.
    Shared and read-only (never mutate it)."""
    return reproduce.table()


def load_preset(name: str) -> None:
    """Load a preset as the sidebar's selector does (a callback: a widget's key may only change before it is drawn)."""
    st.session_state["preset"] = name
    controls.on_preset_change()


def _keys(text: str) -> str:
    return " ".join(f"[{key}]" for key in str(text).split())


def figures_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The table's rows as a reader reads them: figure, published, model, verdict, source."""
    return pd.DataFrame({
        "Figure": [f"{row.figure}, {row.period}" for row in frame.itertuples()],
        "Published": [f"{row.published_text} ({row.tolerance})" for row in frame.itertuples()],
        "Model": list(frame["model_text"]),
        "Reproduced": ["yes" if ok else "no" for ok in frame["reproduced"]],
        "Source": [_keys(s) for s in frame["source"]],
        "Preset": [p or "—" for p in frame["preset"]],
    })


def render(page: Page) -> None:
    frame = reproduction_table()
    total, done = len(frame), int(frame["reproduced"].sum())
    st.markdown(f"**Published analyses, reproduced** — {done} of {total} published figures land within their range "
                f"under the analysis' own assumptions.")
    note("Each analysis is a preset: the project's own matching preset with the analysis' assumptions as overrides, "
         "each with its source. These read the presets as published, not your levers.",
         f"A point with no stated range counts as reproduced within ÷/× {reproduce.tolerance():g}, a stated range as "
         f"given, a bound (\"under 4×\") when the model is on its side. Figures the model does not reproduce stay, "
         f"with the reason; no lever the authors did not set is moved to force a match.", key="why_reproduced")
    current = page.scenario.preset or page.key[0]
    for analysis in reproduce.ANALYSES.values():
        rows = frame[frame["analysis"] == analysis.name]
        with st.container(border=True, key=f"analysis_{analysis.key}"):
            st.markdown(f"##### {md(analysis.name)}")
            st.caption(f"{md(analysis.title)} {with_sources(' '.join(f'[{k}]' for k in analysis.source.split()))}")
            st.markdown(f"**Question:** {md(analysis.question)}")
            st.markdown(f"**Published:** {with_sources(analysis.headline)}")
            st.markdown(f"**{md(reproduce.model_sentence(analysis.presets[0], frame))}**")
            shown = figures_frame(rows)
            table(shown[["Figure", "Published", "Model", "Reproduced"]] if is_phone() else shown,
                  f"table_analysis_{analysis.key}")
            misses = rows[~rows["reproduced"]]
            if not misses.empty:
                with st.expander(f"Why {len(misses)} of {len(rows)} do not reproduce",
                                 key=f"analysis_misses_{analysis.key}"):
                    for row in misses.itertuples():
                        st.markdown(f"- **{md(row.figure)}, {md(row.period)}.** {with_sources(row.reason)}")
            with st.expander(f"What the model cannot express ({len(analysis.unexpressed)})",
                             key=f"unexpressed_{analysis.key}"):
                st.markdown("\n".join(f"- {md(item)}" for item in analysis.unexpressed))
            buttons = st.container(horizontal=True, key=f"analysis_buttons_{analysis.key}")
            names = cache.preset_names()
            for name in analysis.presets:
                loaded = name == current
                title = names.get(name, name)
                buttons.button(f"Loaded: {title}" if loaded else f"Load preset: {title}", key=f"load_{name}",
                               on_click=load_preset, args=(name,), disabled=loaded,
                               help=f"Load the preset; every delta then reads against {analysis.reference}.")
    sources_below(frame.assign(source=[_keys(s) for s in frame["source"]])[["source"]],
                  "Sources of the published figures")
    notes = frame[[isinstance(n, str) and bool(n) for n in frame["note"]]]
    with st.expander("How each published figure is read in the model", key="analyses_notes"):
        for row in notes.itertuples():
            model = "" if row.model is None or (isinstance(row.model, float) and math.isnan(row.model)) \
                else f" Model: {md(row.model_text)}."
            st.markdown(f"- **{md(row.analysis)}, {md(row.figure)}, {md(row.period)}.** {with_sources(row.note)}{model}")
