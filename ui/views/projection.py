"""Projection: effective compute by workload, the stockpile by chip family, the gap and inference capacity."""

from __future__ import annotations

import streamlit as st

import lib
from lib import charts, evidence
from lib.format import flop
from lib.sources import load_sources

from .. import cache
from ..context import Page
from ..device import show_chart
from ..text import note, with_sources


@st.cache_resource(max_entries=32, show_spinner=False)
def figures(key: tuple, samples: int, show_evidence: bool):
    r, ref = cache.result(key), cache.reference(key)
    fans = cache.monte_carlo(key, samples).monthly if samples else None
    sources = load_sources()
    points = (lambda kinds: evidence.chart_points(r, kinds)) if show_evidence else (lambda kinds: None)
    reference_units = ref.capability.set_index("month")["stock_units"]
    marks = lib.events.chart_marks(r.scenario.start, r.scenario.horizon)
    return (charts.compute_figure(r.capability, ref.capability, fans),
            charts.stockpile_figure(r.monthly, reference_units, points(("stock",)), sources),
            charts.gap_figure(r.capability, ref.capability, fans,
                              points(("frontier_gap_years", "capability_gap_years")), sources, marks),
            charts.ratio_figure(r.capability, ref.capability, marks),
            charts.tokens_figure(r.capability, ref.capability, points(("inference_demand_tokens_per_day",)), sources))


def render(page: Page) -> None:
    compute, stock, gap, ratio, tokens = figures(page.key, page.samples, page.show_evidence)
    panels = (("Years behind the frontier: compute and capability", gap, "chart_gap"),
              ("US:China AI compute [×]", ratio, "chart_ratio"),
              ("Effective compute, owned and rented [H100e]", compute, "chart_compute"),
              ("Accelerators in service by family", stock, "chart_stockpile"),
              ("Inference: serving capacity against demand", tokens, "chart_tokens"))
    for row in (panels[:2], panels[2:4], panels[4:]):
        for column, (title, figure, key) in zip(st.columns(2), row):
            with column:
                st.markdown(f"**{title}**")
                show_chart(figure, key, half=True)
    note("Training H100e scale with TPP, interconnect and software efficiency; inference H100e with memory bandwidth, "
         "because decode is memory-bound (an H20 is ~0.15 H100 for training, ~1.2 for decode).",
         "Rented compute abroad trains models but is not owned. The inference runway is the months until the tokens "
         "to serve exceed what the owned fleet not in the largest run can serve.", key="why_h100e")
    scenario = page.scenario
    note("The gap is the lag of the largest run the fleet could train, not of the best model: distillation and better "
         "algorithms let models trail by less (Epoch: the largest Chinese model ~8 months behind in Jan 2025 [K72]).",
         f"The compute gap widens whenever the frontier, ×{scenario.lever('frontier_growth'):g} a year until "
         f"{flop(scenario.lever('frontier_ceiling_flop'))}, grows faster than the fleet. Inference demand is a lever, "
         f"not a forecast: against Baidu's reported ERNIE token volumes it runs low (Evidence view), so read the "
         f"inference runway as an upper bound.", key="why_gap_meaning", render=with_sources)
