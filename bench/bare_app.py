"""A bare Streamlit app for the benchmark's baseline: the same number of widgets, metrics and Plotly charts as
app.py's default view, with a trivial model. Whatever it costs is Streamlit's own floor on this machine."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

N_SLIDERS = 27   # app.py: 23 lever sliders + rule vintage, what-if month, samples, preset (select)
N_CHARTS = 3   # app.py's default view: runs, capability, stockpile
MONTHS = np.arange(86)

values = [st.sidebar.slider(f"Lever {i}", 0.0, 1.0, 0.05, 0.01, key=f"lever_{i}") for i in range(N_SLIDERS)]
a = values[0]
cols = st.columns(4)
for i, col in enumerate(cols):
    col.metric(f"Metric {i}", f"{a * (i + 1):.3f}", delta=f"{a:+.2f}")
for i in range(N_CHARTS):
    fig = go.Figure()
    for k in range(4):
        fig.add_trace(go.Scatter(x=MONTHS, y=(a + k) * np.sin(MONTHS / 10 + i), mode="lines", name=f"series {k}"))
    fig.update_layout(height=400, margin=dict(l=10, r=10, t=40, b=10), title=f"Chart {i}")
    st.plotly_chart(fig, key=f"chart_{i}")
