"""Tables that fit their container: on a desktop a grid with the first column pinned; on a phone every table is
HTML whose text wraps, so no column is cut off and nothing scrolls sideways."""

from __future__ import annotations

import math
import re
import zlib

import numpy as np
import pandas as pd
import streamlit as st

from lib.sources import keys_in, load_sources

from .device import is_phone
from .text import md


# An HTML table's columns are at least as wide as their longest word; at 390 px (16 px type, 12 px cell padding)
# about 40 characters of longest words fit across, measured in Debian chromium. Wider tables are drawn as one card
# per row.
PHONE_TABLE_CHARS = 40  # [characters] the longest words of all columns, plus 3 a column for its padding
# A desktop's grid cuts a long cell with "…" (its canvas does not wrap); a table with such cells is HTML too, whose
# text wraps. One whose longest words do not fit the ~820 px column (the 21-column chip table) scrolls sideways in its
# own box (ui/style.py), its text whole.
DESKTOP_TABLE_CHARS = 125  # [characters] as PHONE_TABLE_CHARS, at 820 px (measured: the bibliography's 121 fit)
GRID_CELL_CHARS = 60  # [characters] a grid column auto-sizes to ~60 characters of text; longer cells are cut
_NUMBER_FORMAT = re.compile(r"^(?P<before>[^%]*)%(?P<comma>,?)(?P<precision>\.\d+)?f(?P<after>.*)$")


def _number_format(config: dict | None):
    """A formatter for a NumberColumn's printf format ("%,.0f", "$%,.0f", "%.2f"), or None."""
    type_config = (config or {}).get("type_config") or {}
    match = _NUMBER_FORMAT.match(type_config.get("format") or "") if type_config.get("type") == "number" else None
    if match is None:
        return None
    spec = f"{match['comma']}{match['precision'] or ''}f"
    return lambda value: f"{match['before']}{value:{spec}}{match['after']}".replace("-", "−")


def cell_text(value, config: dict | None = None) -> str:
    """A cell as the reader sees it: a NumberColumn's format applied, NaN and None blank, floats to four
    significant figures."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    formatter = _number_format(config)
    if formatter is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        return formatter(value)
    if isinstance(value, float):
        return f"{value:,.4g}".replace("-", "−")
    return str(value)


def _cell_markdown(value, config: dict | None) -> str:
    type_config = (config or {}).get("type_config") or {}
    text = cell_text(value, config)
    if type_config.get("type") == "link" and text.startswith(("https://", "http://")):
        url = text.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        return f"[{md(type_config.get('display_text') or 'link')}]({url})"
    return md(text)


def fits_a_phone(frame: pd.DataFrame, column_config: dict, chars: int = PHONE_TABLE_CHARS,
                 links: bool = False) -> bool:
    """Whether a table fits 390 px as an HTML table: its columns' longest words within ``chars``, and no link
    column unless ``links`` (on a phone a link reads better in a card)."""
    if not links and any(((column_config.get(c) or {}).get("type_config") or {}).get("type") == "link"
                         for c in frame.columns):
        return False
    widest = 0
    for name in frame.columns:
        type_config = (column_config.get(name) or {}).get("type_config") or {}
        if type_config.get("type") == "link":  # drawn as its display text
            texts = [str(name), type_config.get("display_text") or "link"]
        else:
            texts = [str(name), *(cell_text(v, column_config.get(name)) for v in frame[name])]
        widest += max((len(word) for text in texts for word in text.split()), default=0) + 3
    return widest <= chars


def _html_table(frame: pd.DataFrame, column_config: dict) -> None:
    """An HTML table whose cells wrap; st.table renders Markdown, so every text passes the escaper."""
    shown = pd.DataFrame({md(str(c)): [_cell_markdown(v, column_config.get(c)) for v in frame[c]]
                          for c in frame.columns})
    st.table(shown, hide_index=True, border="horizontal")


def _phone_table(frame: pd.DataFrame, key: str, column_config: dict) -> None:
    """A narrow table as an HTML table; a wide one as one card per row (its first column in bold, then each
    non-empty column as "name: value"). Every text passes the escaper."""
    columns = list(frame.columns)
    with st.container(key=f"{key}_phone"):
        if fits_a_phone(frame, column_config):
            _html_table(frame, column_config)
            return
        cards = []
        for row in frame.itertuples(index=False):
            title, *rest = row
            parts = [f"{md(str(name))}: {_cell_markdown(value, column_config.get(name))}"
                     for name, value in zip(columns[1:], rest) if cell_text(value)]
            cards.append(f"- **{md(cell_text(title, column_config.get(columns[0])))}**  \n" + " · ".join(parts))
        st.markdown("\n".join(cards))


def table(frame: pd.DataFrame, key: str, column_config: dict | None = None, height="auto") -> None:
    """A dataframe with its first column pinned (it stays visible when the table scrolls sideways). On a phone
    every table is HTML (see ``_phone_table``), so every column is read whole without scrolling sideways; on a
    desktop a table with cells a grid would cut is HTML too (a long one in a box of ``height`` px; a wide one
    scrolls sideways in its own box)."""
    if is_phone():
        _phone_table(frame, key, column_config or {})
        return
    long_text = any(frame[c].astype(str).str.len().max() > GRID_CELL_CHARS for c in frame.columns) if len(frame) else False
    if long_text:
        with st.container(key=f"{key}_html", height=height if isinstance(height, int) else "content"):
            _html_table(frame, column_config or {})
        return
    config = {frame.columns[0]: st.column_config.Column(pinned=True)} if len(frame.columns) else {}
    config.update(column_config or {})
    st.dataframe(frame, key=key, hide_index=True, column_config=config, width="stretch", height=height)


def sources_below(frame: pd.DataFrame, title: str = "Sources cited in this table", fold: bool = True) -> None:
    """Every [Kx] key in a table's text, listed as links right below it: behind one click (``fold``; not inside
    another expander, which Streamlit cannot nest)."""
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
    if links and not fold:
        st.caption(f"{title}: " + " · ".join(links))
    elif links:  # a long list of links is no note: one click away
        with st.expander(f"{title} ({len(links)})", key=f"sources_{zlib.crc32((title + ' '.join(keys)).encode())}"):
            st.caption(" · ".join(links))
