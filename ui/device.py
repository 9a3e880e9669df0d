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


# Measured with Debian chromium: a legend row is ~20 px tall at 10–11 px type. Plotly sizes a legend entry by its
# own measure of the text, which chromium drew up to ~15% wider, so an entry cut its last letters ("lever at hig",
# "NVIDIA H100/H800/H2"): each name carries trailing no-break spaces (Plotly measures them) for the difference.
# In two columns, an entry is a fixed share of the plot and cuts what is longer: two entries fit a row of a ~300-px
# plot (a phone, or a chart in a desktop's two-column grid) when the longest name has at most ~16 characters.
LEGEND_ROW_PX = 20
TWO_COLUMN_NAME_CHARS = {"narrow": 16, "wide": 30}  # a ~300-px plot; a desktop's full-width ~500-px plot
PLOTLY_AUTO_NAME_CHARS = 20  # on a desktop, Plotly's own horizontal legend lays out single-line names this short
LEGEND_PAD = 0.5  # [× characters] trailing no-break spaces a legend name carries (0.2 still cut "US ÷ China")


def legend_layout(figure, phone: bool, half: bool = False) -> dict:
    """Layout changes that keep a legend whole: one or two columns, never a scroll box, and the figure made
    taller by the legend's height so the plot keeps its size [px]. ``half``: the chart has half the page's width
    (a desktop's two-column grid)."""
    names = [trace.name for trace in figure.data if trace.name and trace.showlegend is not False]
    if not names or figure.layout.showlegend is False:
        return {}
    if figure.layout.legend.entrywidth is not None:  # the figure sized its own legend entries
        return {}
    lines = [name.split("<br>") for name in names]  # a long name may be drawn on several lines
    longest = max(len(line) for name in lines for line in name)
    if not phone and longest <= PLOTLY_AUTO_NAME_CHARS and all(len(name) == 1 for name in lines):
        return {}  # Plotly's own rows, each entry as wide as its padded name measures
    wrapped = any(len(name) > 1 for name in lines)
    fits = TWO_COLUMN_NAME_CHARS["narrow" if phone or half else "wide"]
    columns = 2 if longest <= fits and not wrapped else 1
    rows = -(-len(names) // columns) if columns == 2 else sum(len(name) for name in lines)
    legend_px = rows * LEGEND_ROW_PX + 10
    return dict(height=(figure.layout.height or 360) + legend_px,
                legend=dict(entrywidth=1.0 / columns - 0.02, entrywidthmode="fraction",
                            font=dict(size=10 if phone else 11), maxheight=legend_px, tracegroupgap=0))


# Cached figures are shared by every session; the adjusted copy is kept beside each (copying costs ~7 ms a
# chart, too much for every keystroke), and goes when the cache drops the figure.
_ADJUSTED: dict[int, dict] = {}  # id(figure) → {(is_phone, half): figure to draw}; figures are unhashable


def _merge(target: dict, changes: dict) -> None:
    """Nested dict ``changes`` written into ``target``, keeping the keys it does not name (as update_layout)."""
    for name, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(name), dict):
            _merge(target[name], value)
        else:
            target[name] = value


def show_chart(figure, key: str, half: bool = False) -> None:
    """Draw a figure with its legend below the plot in full (see ``legend_layout``; ``half``: in a desktop's
    two-column grid)."""
    import plotly.graph_objects as go

    phone = is_phone()
    copies = _ADJUSTED.get(id(figure))
    if copies is None:
        copies = _ADJUSTED[id(figure)] = {}
        weakref.finalize(figure, _ADJUSTED.pop, id(figure), None)
    if (phone, half) not in copies:
        changes = legend_layout(figure, phone, half)
        # A plain copy: update_layout would validate, twice the cost of the copy.
        spec = figure.to_dict()
        _merge(spec.setdefault("layout", {}), changes)
        if not changes.get("legend"):  # Plotly sizes the entries itself: pad each name for its short measure
            for trace in spec.get("data", []):
                name = trace.get("name")
                if name and trace.get("showlegend") is not False:
                    widest = max(len(line) for line in name.split("<br>"))
                    trace["name"] = name + "\u00a0" * max(1, round(widest * LEGEND_PAD))
        copies[phone, half] = go.Figure(spec, _validate=False)
    st.plotly_chart(copies[phone, half], key=key, config=plot_config(), theme=None)
