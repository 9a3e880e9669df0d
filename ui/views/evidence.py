"""Evidence: the model against outside estimates (the hindcast), the China share, and the watchlist of what
would settle each key assumption."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from lib import charts, evidence
from lib.evidence import china_share_epoch_basis, meta
from lib.format import compact, flop
from lib.sources import load_sources

from .. import cache
from ..context import Page
from ..device import is_phone, show_chart
from ..tables import sources_below, table
from ..text import md, note, with_sources

STATUS_ORDER = {"miss": 0, "in range": 1, "not covered": 2, "input": 3, "context": 4}


def _value(x, unit_label: str) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, float) and math.isinf(x):
        return "no upper bound"
    if "share" in unit_label:
        return f"{x:.1%}"
    if "FLOP" in unit_label:
        return flop(x)
    if "chips" in unit_label or "accelerators" in unit_label:
        return compact(round(x))  # whole chips: "42", not "41.7"
    return compact(x)


def unit_of(output: str) -> str:
    """'Huawei Ascend output [accelerators/yr]' → 'accelerators/yr'; 'chips in service' → 'chips'."""
    if "[" in output:
        return output.rsplit("[", 1)[1].rstrip("]")
    return "chips" if "chips" in output else ""


def estimate_name(row) -> str:
    """'SemiAnalysis: Huawei Ascend output, 2024' — who estimated what, when (the id goes last in the table)."""
    output = row.output.split(" [")[0]
    return f"{row.label}: {output}, {row.period}"


def render(page: Page) -> None:
    frame = cache.hindcast_table(page.key)
    st.markdown(f"**Model vs evidence** — every outside estimate in this scenario's scope whose period ended "
                f"before {md(meta()['as_of'])} (a date stored with the evidence, not today's date).")
    counts = frame["status"].value_counts()
    st.caption(" · ".join(f"{counts.get(s, 0)} {s}" for s in ("in range", "miss", "not covered", "input", "context")))
    shown = frame.assign(order=frame["status"].map(STATUS_ORDER)).sort_values(["order", "period"], kind="stable")
    rows = []
    for row in shown.itertuples():
        miss = row.miss is not None and not (isinstance(row.miss, float) and math.isnan(row.miss))
        rows.append({"Estimate": estimate_name(row), "Status": row.status,
                     "Model": _value(row.model, row.output),
                     "Range": f"{_value(row.low, row.output)} – {_value(row.high, row.output)}",
                     "Unit": unit_of(row.output),
                     "Miss": f"{row.miss:+.0%}".replace("-", "−") if miss else "",
                     "Estimate value": _value(row.estimate, row.output),
                     "Source": f"[{'] ['.join(row.source.split())}]"})
    result_frame = pd.DataFrame(rows)
    # A phone shows the five columns that carry the verdict, whole; the sources are listed under the table.
    table(result_frame[["Estimate", "Status", "Model", "Range", "Miss"]] if is_phone() else result_frame,
          "table_hindcast")
    sources_below(result_frame)
    # Long reasons read badly in a grid cell (cut at 1280 px, sideways scrolling on a phone): a list instead.
    with st.expander("Why each miss misses, and how each estimate maps onto the model", key="evidence_notes"):
        for row in shown.itertuples():
            reason = f" **Why it misses:** {with_sources(row.reason)}" if row.reason else ""
            st.markdown(f"- **{md(estimate_name(row))}** ({md(row.status)}). {with_sources(row.mapping)}{reason}")
    st.caption("Inputs are estimates the scenario is built from, so they are no check. Point estimates with no "
               f"stated range are taken as ±{(meta()['point_tolerance'] - 1):.0%}. Adding an estimate is one row "
               "in the project's evidence table (see its README).")

    if page.scenario.actor == "China (aggregate)":
        cap = page.result.capability
        share = china_share_epoch_basis(cap)
        points = evidence.chart_points(page.result, ("china_share",)) if page.show_evidence else None
        growth = page.scenario.lever("world_compute_growth")
        st.markdown("**China's share of the world's AI compute, on Epoch's basis** (owned training H100e less "
                    f"smuggled and other-vendor chips, over a world stock of 15M H100e in Jan 2026 growing {growth:g}×/yr)")
        note("The denominator is the model's one world path, the same the US:China ratio reads. Any fall after 2026 "
             "comes from the assumed world growth: read it as China's fleet against such a world, not a forecast.",
             "Epoch's ~15M H100e shipped worldwide by Jan 2026 [K51], grown at the World compute growth lever "
             "(AI 2027: 2.25×/yr [K70]). Epoch's ~5% excludes smuggled chips and vendors it has no rows for [K102], "
             "and so does this line.", key="why_share", render=with_sources)
        show_chart(charts.china_share_figure(cap["month"], share, points, load_sources()), "chart_share")

    st.caption("The watchlist of what would settle each key assumption sits beside the assumptions, in the "
               "Sources & assumptions view.")
