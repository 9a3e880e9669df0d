"""What the page knows of the reader's device: only whether it is a phone, from the User-Agent header.

Plotly shows its toolbar all the time on touch screens (there is no hover), where it covers the plot; on
phones the charts go without it (pinch and tap still work) and on desktops it shows on hover only.
"""

from __future__ import annotations

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


# Measured with Debian chromium at 390 px: a legend entry is ~20 px tall at 10 px type, and two entries fit on a
# row when the longest name is at most ~18 characters.
LEGEND_ROW_PX = 20
TWO_COLUMN_NAME_CHARS = 18


def phone_layout(figure) -> dict:
    """Layout changes that keep a phone legend whole: one or two columns, never a scroll box, and the figure made
    taller by the legend's height so the plot keeps its size [px]."""
    names = [trace.name for trace in figure.data if trace.name and trace.showlegend is not False]
    if not names or figure.layout.showlegend is False:
        return {}
    columns = 2 if max(len(name) for name in names) <= TWO_COLUMN_NAME_CHARS else 1
    rows = -(-len(names) // columns)
    legend_px = rows * LEGEND_ROW_PX + 10
    return dict(height=(figure.layout.height or 360) + legend_px,
                legend=dict(entrywidth=1.0 / columns - 0.02, entrywidthmode="fraction", font=dict(size=10),
                            maxheight=legend_px, tracegroupgap=0))


def show_chart(figure, key: str) -> None:
    """Draw a figure; on a phone, the legend goes below the plot in full (see ``phone_layout``)."""
    import plotly.graph_objects as go

    if is_phone():
        figure = go.Figure(figure.to_dict(), _validate=False)
        figure.update_layout(**phone_layout(figure))
    st.plotly_chart(figure, key=key, config=plot_config(), theme=None)
