"""What the page knows of the reader's device: only whether it is a phone, from the User-Agent header.

Plotly shows its toolbar all the time on touch screens (there is no hover), where it covers the plot; on
phones the charts go without it (pinch and tap still work) and on desktops it shows on hover only.
"""

from __future__ import annotations

import weakref

import streamlit as st

from lib.charts import PLOT_CONFIG

PHONE_CONFIG = {**PLOT_CONFIG, "displayModeBar": False}


def is_phone() -> bool:
    cached = st.session_state.get("_is_phone")
    if cached is None:
        try:
            agent = (st.context.headers.get("User-Agent") or "") if st.context.headers else ""
        except Exception:  # no request context (bare runs, AppTest)
            agent = ""
        cached = any(word in agent for word in ("Mobile", "Android", "iPhone"))
        st.session_state["_is_phone"] = cached
    return cached


def plot_config() -> dict:
    return PHONE_CONFIG if is_phone() else PLOT_CONFIG


# Measured with Debian chromium: a legend row is ~20 px tall at 10–11 px type; on a phone (~300 px of plot) two
# entries fit a row when the longest name has at most ~18 characters, on a desktop panel (≥ 400 px) ~34.
LEGEND_ROW_PX = 20
TWO_COLUMN_NAME_CHARS = {"phone": 18, "desktop": 34}
PLOTLY_AUTO_NAME_CHARS = 20  # Plotly's own horizontal legend fits names this short without cutting them


def legend_layout(figure, phone: bool) -> dict:
    """Layout changes that keep a legend whole: one or two columns, never a scroll box, and the figure made
    taller by the legend's height so the plot keeps its size [px]. On a desktop, short names keep Plotly's layout."""
    names = [trace.name for trace in figure.data if trace.name and trace.showlegend is not False]
    if not names or figure.layout.showlegend is False:
        return {}
    lines = [name.split("<br>") for name in names]  # a long name may be drawn on several lines
    longest = max(len(line) for name in lines for line in name)
    if not phone and longest <= PLOTLY_AUTO_NAME_CHARS and all(len(name) == 1 for name in lines):
        return {}
    wrapped = any(len(name) > 1 for name in lines)
    columns = 2 if longest <= TWO_COLUMN_NAME_CHARS["phone" if phone else "desktop"] and not wrapped else 1
    rows = -(-len(names) // columns) if columns == 2 else sum(len(name) for name in lines)
    legend_px = rows * LEGEND_ROW_PX + 10
    return dict(height=(figure.layout.height or 360) + legend_px,
                legend=dict(entrywidth=1.0 / columns - 0.02, entrywidthmode="fraction",
                            font=dict(size=10 if phone else 11), maxheight=legend_px, tracegroupgap=0))


# Cached figures are shared by every session; the adjusted copy is kept beside each (copying costs ~7 ms a
# chart, too much for every keystroke), and goes when the cache drops the figure.
_ADJUSTED: dict[int, dict] = {}  # id(figure) → {is_phone: figure to draw}; figures are unhashable


def _merge(target: dict, changes: dict) -> None:
    """Nested dict ``changes`` written into ``target``, keeping the keys it does not name (as update_layout)."""
    for name, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(name), dict):
            _merge(target[name], value)
        else:
            target[name] = value


def show_chart(figure, key: str) -> None:
    """Draw a figure with its legend below the plot in full (see ``legend_layout``)."""
    import plotly.graph_objects as go

    phone = is_phone()
    copies = _ADJUSTED.get(id(figure))
    if copies is None:
        copies = _ADJUSTED[id(figure)] = {}
        weakref.finalize(figure, _ADJUSTED.pop, id(figure), None)
    if phone not in copies:
        changes = legend_layout(figure, phone)
        adjusted = figure
        if changes:  # merged into a plain copy: update_layout would validate, twice the cost of the copy
            spec = figure.to_dict()
            _merge(spec.setdefault("layout", {}), changes)
            adjusted = go.Figure(spec, _validate=False)
        copies[phone] = adjusted
    st.plotly_chart(copies[phone], key=key, config=plot_config(), theme=None)
