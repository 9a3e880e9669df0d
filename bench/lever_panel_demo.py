"""A small page that mounts the lever panel for one preset, beside the page's own headline chart and figures,
as the story lays them out. For the browser tests and the benchmark, without the rest of the app.

Run: `streamlit run bench/lever_panel_demo.py` and open `?preset=china-2026` (any preset; the link's other
parameters work as in the app).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit as st  # noqa: E402

from ui import cache, lever_panel  # noqa: E402
from ui import link as page_link  # noqa: E402
from ui.device import is_phone, show_chart  # noqa: E402
from ui.views.story import _metric_label, headline_keys  # noqa: E402

st.set_page_config(page_title="Lever panel", layout="wide")
page_link.read_once()
key = page_link.current_key()
scenario = cache.scenario_for(key)
result, reference = cache.result(key), cache.reference(key)
page_link.write(key, page_link.DEFAULT_VIEW, 0, st.session_state.get("pins", []))  # the address bar, as app.py
names = lever_panel.panel_levers(scenario)
first = lever_panel.basic_section(scenario)
disabled = ("density_threshold",) if st.session_state.get("rule_vintage") == "oct-2022" else ()


def chart() -> None:
    st.markdown("**Training runs: what the fleet can train vs the planned run and the frontier**")
    show_chart(cache.headline_figure(key, 0, False, 380), "chart_headline")


def figures() -> None:
    keys = headline_keys(scenario)
    texts = lever_panel.figure_texts(keys, result.summary, reference.summary, len(result.capability))
    with st.container(key="story_figures"):
        for column, k, (value, change) in zip(st.columns(len(keys)), keys, texts):
            column.metric(_metric_label(k, scenario), value, delta=change, delta_color="off", delta_arrow="off")


st.markdown(f"#### Lever panel: {scenario.preset}")
if is_phone():
    chart()
    with st.container(key="levers_box"):
        lever_panel.render(key, names, first=first, disabled=disabled)
else:
    left, right = st.columns([5, 2], gap="medium")
    with left:
        chart()
    with right:
        with st.container(height=430, border=False, key="levers_box"):
            lever_panel.render(key, names, first=first, disabled=disabled)
figures()
st.caption(f"Exact run: {', '.join(f'{n}={float(st.session_state[n]):g}' for n in first)}", )
