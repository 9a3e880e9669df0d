"""Tables that fit their container or scroll within it, with the first column pinned and human headings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.sources import keys_in, load_sources

from .text import md


def table(frame: pd.DataFrame, key: str, column_config: dict | None = None, height="auto") -> None:
    """A dataframe with its first column pinned (it stays visible when the table scrolls sideways)."""
    config = {frame.columns[0]: st.column_config.Column(pinned=True)} if len(frame.columns) else {}
    config.update(column_config or {})
    st.dataframe(frame, key=key, hide_index=True, column_config=config, width="stretch", height=height)


def sources_below(frame: pd.DataFrame, title: str = "Sources cited in this table") -> None:
    """Every [Kx] key in a table's text, listed as links right below it."""
    text = " ".join(str(v) for v in frame.astype(str).to_numpy().ravel())
    keys = keys_in(text)
    table_ = load_sources()
    links = []
    for key in keys:
        source = table_.get(key)
        if source:
            flag = "" if source.verified else " (unverified link)"
            url = source.url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
            links.append(f"[\\[{key}\\]]({url}) {md(source.author)}{flag}")
    if links:
        st.caption(f"{title}: " + " · ".join(links))
