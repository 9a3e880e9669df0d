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


def show_chart(figure, key: str) -> None:
    """Draw a figure; on a phone, legend entries take half the width each, so none is cut at the edge."""
    import plotly.graph_objects as go

    if is_phone():
        figure = go.Figure(figure.to_dict(), _validate=False)
        figure.update_layout(legend=dict(entrywidth=0.5, entrywidthmode="fraction", font=dict(size=10)))
    st.plotly_chart(figure, key=key, config=plot_config(), theme=None)
