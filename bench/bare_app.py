"""A bare Streamlit app for the benchmark's baseline: the same number of widgets, metrics and Plotly charts as
app.py's default page (the story with its headline chart and levers, and the Projection view), with a trivial
model. Whatever it costs is Streamlit's own floor on this machine."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

N_SIDEBAR_SLIDERS = 35  # app.py: 31 advanced/expert levers + what-if month, HBM month, reading year, samples
N_MAIN_SLIDERS = 12     # app.py: the basic levers beside the headline chart
N_CHARTS = 4            # app.py's Projection view, below the headline chart
MONTHS = np.arange(86)

st.sidebar.selectbox("Preset", ["a", "b"], key="preset")
st.sidebar.selectbox("Vintage", ["a", "b"], key="vintage")
values = [st.sidebar.slider(f"Side {i}", 0.0, 1.0, 0.05, 0.01, key=f"side_{i}") for i in range(N_SIDEBAR_SLIDERS)]
st.markdown("#### Bare page")
st.markdown("A claim and an answer.")
left, right = st.columns([5, 2])
with right:
    box = st.container(height=430, border=False)
    main = [box.slider(f"Lever {i}", 0.0, 1.0, 0.05, 0.01, key=f"lever_{i}") for i in range(N_MAIN_SLIDERS)]
a = main[0]


def chart(i, traces=5):
    fig = go.Figure()
    for k in range(traces):
        fig.add_trace(go.Scatter(x=MONTHS, y=(a + k) * np.sin(MONTHS / 10 + i), mode="lines", name=f"series {k}"))
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=10, b=10))
    return fig


with left:
    st.plotly_chart(chart(0, 8), key="chart_0")
cols = st.columns(4)
for i, col in enumerate(cols):
    col.metric(f"Metric {i}", f"{a * (i + 1):.3f}", delta=f"{a:+.2f}")
st.segmented_control("View", ["one", "two"], key="view")
for row in range(N_CHARTS // 2):
    left, right = st.columns(2)
    left.plotly_chart(chart(1 + 2 * row), key=f"chart_{1 + 2 * row}")
    right.plotly_chart(chart(2 + 2 * row), key=f"chart_{2 + 2 * row}")
