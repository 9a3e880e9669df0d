"""About: what the model is, what it is not, how to cite it."""

from __future__ import annotations

import streamlit as st

import lib

from ..context import Page


def render(page: Page) -> None:
    st.markdown(f"""
**Chokepoint** couples US export thresholds to chip status, chip flows by channel, China's domestic output,
stockpiles and capability in one loop. Model version **{lib.MODEL_VERSION}**.

*How it works.* Monthly. The rule in force decides each foreign chip's status and the prong that decides it;
vendors' China halts hold while the rule does not free a chip. The import budget goes to the best chip on the list;
demand a rule blocks is smuggled at the leakage share once, the rest falls to the best licensable chip (approved at
the approval share, up to the Jan 2026 volume cap) and then to the best free chip. Compute rented abroad counts in the
largest run but is not owned. China's domestic output is the smaller of what SMIC's wafers and the TSMC die bank
(logic) and HBM stacks allow; an actor gets the smaller of its demand and its share. Chips retire at the end of
their useful life and fail meanwhile. Training H100e scale with TPP, interconnect and software efficiency (every
domestic chip counted from the Ascend 910B); inference H100e with memory bandwidth. The frontier follows Epoch's
4–5×/yr until the ~2e29 FLOP feasible by 2030; the gap is how long ago the frontier ran the actor's largest run.

*Simplifications, said plainly.* Prices do not respond to scarcity; there is no second-hand market; an actor's share
of national output is counted in accelerators, so a GDDR chip (Kunlun) is capped like an HBM chip; the national mix
covers Huawei, Kunlun and Cambricon, not T-Head and the rest; stockpiles of dies and HBM are drawn at most 1/12 a
month; SMIC's wafers before Dec 2025 are extrapolated back at the growth lever; the China aggregate is one pool of which
one run uses a fixed share; an actor takes its share month by month and what it does not take goes to other buyers,
so more logic or HBM, drawn sooner, can leave it slightly fewer chips later (the Uncertainty view flags this where
it happens); the gap is the lag of the largest feasible run, not of the best model. An actor's starting stock is
a scenario input with no lever and no Monte Carlo range (Baidu's is derived, not reported): where an outside estimate
of it disagrees, the page says what the runway would be with that estimate instead (an uploaded scenario file can
set it). Results are conditional what-ifs, not forecasts.

*How to cite.* Chokepoint, model version {lib.MODEL_VERSION}, with the share link of the scenario you used. The
command line (`python -m lib`) reproduces every figure byte for byte.
""")
