"""Tables that fit their container or scroll within it, with the first column pinned and human headings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.sources import keys_in, load_sources

from .device import is_phone
from .text import md


PHONE_TABLE_COLUMNS = 5  # [columns] at most this many, a phone shows a table whose cells wrap instead of a grid


def table(frame: pd.DataFrame, key: str, column_config: dict | None = None, height="auto") -> None:
    """A dataframe with its first column pinned (it stays visible when the table scrolls sideways). On a phone a
    narrow table is drawn with wrapping cells instead, so every column is seen without scrolling sideways."""
    if is_phone() and len(frame.columns) <= PHONE_TABLE_COLUMNS and not column_config and len(frame) <= 40:
        # st.table renders Markdown in cells and headers: everything passes the escaper.
        shown = frame.astype(str).map(md).rename(columns=lambda c: md(str(c)))
        st.table(shown, hide_index=True, border="horizontal")
        return
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
