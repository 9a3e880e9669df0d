"""Plotly figure builders (graph_objects only: ~7× faster to build than plotly.express).

Pure functions from lib results to figures; no Streamlit here. Chart titles are drawn by the page above
each chart (so a toolbar never covers them); the figures carry axis titles, legends below the plot, and
outside estimates as points with error bars. Every text from a user (scenario names, chip names typed in
the form) goes through ``safe`` first: Plotly renders a subset of HTML in text, so ``<a href>`` would
become a live link.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .catalog import CHIPS_BY_NAME

STATUS_COLORS = {"not-controlled": "#2e7d32", "gray-zone": "#f9a825", "case-by-case": "#ef6c00",
                 "controlled": "#c62828", "unknown": "#9e9e9e"}
STATUS_NAMES = {"not-controlled": "not controlled", "gray-zone": "licence (NAC)", "case-by-case": "case-by-case",
                "controlled": "controlled", "unknown": "status unknown"}
FAMILY_COLORS = {"NVIDIA A100/A800": "#76b900", "NVIDIA H100/H800/H200": "#3d7a00", "NVIDIA H20": "#b5e06b",
                 "NVIDIA B200": "#1f4d00", "NVIDIA other": "#9ccc65", "AMD": "#d32f2f", "Huawei Ascend": "#c2185b",
                 "Baidu Kunlun": "#1565c0", "Other domestic": "#6a1b9a"}
CHANNEL_COLORS = {"licensed": "#2e7d32", "smuggled": "#c62828", "remote": "#00897b", "domestic": "#c2185b",
                  "ordered": "#8d6e63"}
EVIDENCE_COLOR = "#212121"
GRID = dict(gridcolor="#e6e6e6", zerolinecolor="#cccccc", linecolor="#cccccc", automargin=True)
BASE_LAYOUT = dict(margin=dict(l=56, r=12, t=12, b=10), height=360, hovermode="x unified",
                   hoverlabel=dict(align="left"),
                   legend=dict(orientation="h", yanchor="top", y=-0.14, xanchor="left", x=0, font=dict(size=11)),
                   plot_bgcolor="white", paper_bgcolor="white",
                   font=dict(family="Source Sans Pro, Source Sans 3, sans-serif", size=13, color="#31333f"))
PLOT_CONFIG = {"displaylogo": False, "displayModeBar": "hover", "modeBarButtonsToRemove": ["lasso2d", "select2d"],
               "responsive": True}
# The app draws with theme=None: Streamlit's theme merge costs ~40 ms per keystroke in the browser (measured).
# No `template=`: assigning a template deep-copies and validates it, ~20 ms per figure.


def safe(text) -> str:
    """User text for Plotly: HTML-escaped, so tags show as text and never as links or styling."""
    return html.escape(str(text), quote=True)


def chip_family(name: str) -> str:
    chip = CHIPS_BY_NAME.get(name)
    vendor = chip.vendor if chip else ""
    if vendor == "NVIDIA":
        if name in ("A100", "A800"):
            return "NVIDIA A100/A800"
        if name in ("H100", "H800", "H200"):
            return "NVIDIA H100/H800/H200"
        if name == "H20":
            return "NVIDIA H20"
        if name == "B200":
            return "NVIDIA B200"
        return "NVIDIA other"
    return {"AMD": "AMD", "Huawei": "Huawei Ascend", "Baidu": "Baidu Kunlun"}.get(vendor, "Other domestic")


def family_table(monthly: pd.DataFrame, column: str) -> pd.DataFrame:
    """Months × chip families of ``column`` (the monthly table is written month by month, chips in one order)."""
    chips = pd.unique(monthly["chip"])
    months = monthly["month"].to_numpy()[:: len(chips)]
    values = monthly[column].to_numpy().reshape(len(months), len(chips))
    families = [f for f in FAMILY_COLORS if f in {chip_family(c) for c in chips}]
    indicator = np.array([[chip_family(c) == f for f in families] for c in chips], dtype=float)
    return pd.DataFrame(values @ indicator, index=pd.DatetimeIndex(months, name="month"), columns=families)


def _figure(traces: list, yaxis: str, shapes=(), annotations=(), **layout) -> go.Figure:
    """One figure from plain trace and layout dicts, built without plotly's per-property validation (the dicts
    are fixed by this module and covered by tests; validation costs ~2.5 ms per figure on the rerun path)."""
    spec = dict(BASE_LAYOUT, yaxis=dict(GRID, title=dict(text=yaxis)), xaxis=dict(GRID), shapes=list(shapes),
                annotations=list(annotations))
    for key, value in layout.items():
        if key.startswith("yaxis_"):
            spec["yaxis"][key[6:]] = value if key != "yaxis_title" else dict(text=value)
        elif key.startswith("xaxis_"):
            spec["xaxis"][key[6:]] = value if key != "xaxis_title" else dict(text=value)
        else:
            spec[key] = value
    return go.Figure(dict(data=traces, layout=spec), _validate=False)


def _line(x, y, name, color, width=2.5, dash=None, hover="%{y:,.0f}", **extra) -> dict:
    return dict(type="scatter", x=x, y=y, name=name, mode="lines", hovertemplate=hover,
                line=dict(color=color, width=width, **({"dash": dash} if dash else {})), **extra)


def _fan(x, quantiles: dict, color: str, name: str) -> list:
    rgba = f"rgba({int(color[1:3], 16)},{int(color[3:5], 16)},{int(color[5:7], 16)},0.18)"
    return [dict(type="scatter", x=x, y=quantiles["p90"], mode="lines", line=dict(width=0), showlegend=False,
                 hoverinfo="skip", name=f"{name} p90"),
            dict(type="scatter", x=x, y=quantiles["p10"], mode="lines", line=dict(width=0), fill="tonexty",
                 fillcolor=rgba, name=f"{name} p10–p90", hoverinfo="skip")]


def _vline(x, color="#c62828", dash="dash") -> dict:
    return dict(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1, line=dict(color=color, dash=dash))


EVIDENCE_SYMBOLS = ("diamond", "square", "triangle-up", "circle", "star", "hexagon", "triangle-down", "cross",
                    "pentagon", "x")
COINCIDENT_SHIFT = 1.09  # [× TPP] how far right a second status at the same specs is drawn (~9%, one marker width)
HOVER_PAD = "\u00a0" * 8  # no-break spaces: Plotly keeps them when it measures a line
HOVER_LINE_CHARS = 40  # [characters] a hover note wider than this runs off a phone and off a chart's edge
TICK_LINE_CHARS = 22  # [characters] a category label longer than this is broken into lines
LEGEND_LINE_CHARS = 40  # [characters] a legend line that fits a phone's plot (~300 px at 10 px type, measured)


def wrap(text: str, width: int = HOVER_LINE_CHARS) -> str:
    """Already-escaped text broken into lines of at most ~``width`` characters with <br>."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line]) if line else "<br>".join(lines)


def pad(text: str) -> str:
    """Each line of a hover text with room after it: Plotly's unified hover box measures a multi-line entry
    short by about one marker's width and cuts its lines (seen in chromium at 1280 and 390 px)."""
    return "<br>".join(f"{line}{HOVER_PAD}" for line in text.split("<br>"))


def evidence_value(y: float) -> str:
    """A value for a hover without its unit: e-notation from 1e9 (FLOP, tokens), 'k' and 'M' below."""
    if abs(y) >= 1e9:
        return f"{y:.2e}".replace("e+", "e")
    if abs(y) >= 1e3:
        return f"{y / 1e6:.3g}M" if abs(y) >= 1e6 else f"{y / 1e3:.3g}k"
    return f"{y:.3g}"


def evidence_traces(points: list, sources: dict, y_scale: float = 1.0) -> list:
    """Outside estimates as points with error bars, one legend entry and marker shape per source; a hollow
    marker is an estimate the scenario uses as an input, a filled one a check. Hover shows the mapping note."""
    traces, named, symbols = [], set(), {}
    for point in points:
        keys = point["keys"]
        name = f"{point['label']} [{', '.join(keys)}]"
        y = point["y"] * y_scale
        low, high = point["low"] * y_scale, (point["high"] * y_scale if point["high"] is not None else None)
        error = dict(type="data", symmetric=False, array=[max((high if high is not None else y) - y, 0.0)],
                     arrayminus=[max(y - low, 0.0)], color=EVIDENCE_COLOR, thickness=1.2, width=5)
        symbol = symbols.setdefault(point["label"], EVIDENCE_SYMBOLS[len(symbols) % len(EVIDENCE_SYMBOLS)])
        role = "input" if point["input"] else "check"
        traces.append(dict(type="scatter", x=[point["x"]], y=[y], mode="markers",
                           name=safe(point["label"]),
                           showlegend=point["label"] not in named, legendgroup=f"evidence {point['label']}",
                           marker=dict(color="white" if point["input"] else EVIDENCE_COLOR, size=8,
                                       symbol=symbol, line=dict(color=EVIDENCE_COLOR, width=1.5)),
                           error_y=error, customdata=[[pad(wrap(safe(point["mapping"]))), evidence_value(y)]],
                           hovertemplate=f"<b>{pad(wrap(safe(name)))}</b><br>{role}: %{{customdata[1]}}"
                                         "<br>%{customdata[0]}<extra></extra>"))
        named.add(point["label"])
    return traces


# ---- the headline chart ----------------------------------------------------------------------------

def runs_figure(cap: pd.DataFrame, summary: dict, reference: pd.DataFrame | None, fans: dict | None = None,
                evidence: list | None = None, sources: dict | None = None, height: int = 360,
                claim_window: tuple | None = None, events: list | None = None) -> go.Figure:
    """Largest feasible run against the planned run and the frontier, log axis [FLOP]; the runway as a line.

    ``claim_window``: (start month "YYYY-MM", low, high [months]) shades the runway a claim asserts."""
    x = cap["month"]
    traces = _fan(x, fans["largest_run_flop"], "#1565c0", "largest run") if fans else []
    traces += [_line(x, cap["largest_run_flop"].to_numpy(), "largest feasible run", "#1565c0", hover="%{y:.2e}"),
               _line(x, cap["planned_run_flop"].to_numpy(), "planned run", "#6d4c41", 2, hover="%{y:.2e}"),
               _line(x, cap["frontier_flop"].to_numpy(), "frontier", "#7b1fa2", 2, "dot", hover="%{y:.2e}")]
    if reference is not None:
        traces.append(_line(reference["month"], reference["largest_run_flop"].to_numpy(), "reference",
                            "#1565c0", 1.3, "dash", hover="%{y:.2e}"))
    if evidence:
        traces += evidence_traces(evidence, sources or {})
    shapes, notes = [], []
    if claim_window:
        start, low, high = claim_window
        begin = pd.Timestamp(start + "-01")
        shapes.append(dict(type="rect", xref="x", yref="paper", x0=begin + pd.DateOffset(months=low),
                           x1=begin + pd.DateOffset(months=high), y0=0, y1=1, fillcolor="rgba(255,193,7,0.16)",
                           line=dict(width=0), layer="below"))
        notes.append(dict(x=begin + pd.DateOffset(months=(low + high) // 2), y=0.98, yref="paper",
                          text=f"claimed: {low}–{high} months", showarrow=False, yanchor="top",
                          font=dict(color="#8d6e00", size=11), bgcolor="rgba(255,255,255,0.92)"))
    if not summary["runway_beyond_horizon"] and summary["runway_end_month"]:
        when = pd.Timestamp(summary["runway_end_month"] + "-01")
        shapes.append(_vline(when))
        right_half = when > x.iloc[0] + (x.iloc[-1] - x.iloc[0]) / 2
        notes.append(dict(x=when, y=0.02, yref="paper", text=f"runway ends: {summary['runway_months']} months",
                          showarrow=False, xanchor="right" if right_half else "left", yanchor="bottom",
                          xshift=-4 if right_half else 4, font=dict(color="#c62828", size=12),
                          bgcolor="rgba(255,255,255,0.85)"))
    traces += event_traces(events or [])
    return _figure(traces, "FLOP (log)", shapes, notes, yaxis_type="log", height=height,
                   **(EVENT_AXIS if events else {}))


# ---- compute, channels, stock ----------------------------------------------------------------------

def compute_figure(cap: pd.DataFrame, reference: pd.DataFrame | None, fans: dict | None = None) -> go.Figure:
    """Training and inference H100e owned, rented compute abroad, with the reference dashed [H100e]."""
    traces = []
    for column, name, color in (("h100e_training", "training (owned)", "#1565c0"),
                                ("h100e_inference", "inference (owned)", "#ef6c00")):
        if fans and column in fans:
            traces += _fan(cap["month"], fans[column], color, name)
        traces.append(_line(cap["month"], cap[column].to_numpy(), name, color))
        if reference is not None:
            traces.append(_line(reference["month"], reference[column].to_numpy(), f"{name.split(' ')[0]}, reference",
                                color, 1.3, "dash"))
    traces.append(_line(cap["month"], cap["remote_access_h100e"].to_numpy(), "rented abroad", CHANNEL_COLORS["remote"], 2))
    return _figure(traces, "H100e")


def channels_figure(cap: pd.DataFrame, evidence: list | None = None, sources: dict | None = None) -> go.Figure:
    """H100e arriving per year by channel, stacked bars; outside estimates of flows as points [H100e/yr]."""
    frame = cap.assign(year=cap["month"].dt.year)
    columns = (("h100e_arriving_licensed", "legal exports", "licensed"), ("h100e_arriving_smuggled", "smuggled", "smuggled"),
               ("h100e_arriving_domestic", "domestic", "domestic"), ("h100e_arriving_remote", "rented abroad (added)",
                                                                    "remote"))
    yearly = frame.groupby("year")[[c for c, _, _ in columns]].sum()
    x = [pd.Timestamp(f"{y}-07-01") for y in yearly.index]
    traces = [dict(type="bar", x=x, y=yearly[c].to_numpy(), name=name, marker=dict(color=CHANNEL_COLORS[key]),
                   hovertemplate="%{y:,.0f} H100e") for c, name, key in columns]
    if evidence:
        traces += evidence_traces(evidence, sources or {})
    return _figure(traces, "H100e arriving per year", barmode="stack", xaxis_dtick="M12", xaxis_tickformat="%Y", xaxis_ticklabelmode="period")


def chips_figure(cap: pd.DataFrame, monthly: pd.DataFrame, evidence: list | None = None,
                 sources: dict | None = None) -> go.Figure:
    """Chips arriving per year by channel, stacked bars, with legally exported H20s marked; estimates as points [chips/yr]."""
    frame = cap.assign(year=cap["month"].dt.year)
    columns = (("arrivals_licensed", "legal exports", "licensed"), ("arrivals_smuggled", "smuggled", "smuggled"),
               ("arrivals_domestic", "domestic", "domestic"), ("arrivals_ordered", "ordered", "ordered"))
    yearly = frame.groupby("year")[[c for c, _, _ in columns]].sum()
    x = [pd.Timestamp(f"{y}-07-01") for y in yearly.index]
    traces = [dict(type="bar", x=x, y=yearly[c].to_numpy(), name=name, marker=dict(color=CHANNEL_COLORS[key]),
                   hovertemplate="%{y:,.0f} chips") for c, name, key in columns if yearly[c].sum() > 0]
    h20 = monthly[monthly["chip"] == "H20"]
    if not h20.empty and h20["arrivals_licensed"].sum() > 0:
        per_year = h20.groupby(h20["month"].dt.year)["arrivals_licensed"].sum().reindex(yearly.index, fill_value=0)
        traces.append(dict(type="scatter", x=x, y=per_year.where(per_year > 0).to_numpy(),  # no mark for none
                           mode="markers", name="of which H20 (no licence needed)",
                           marker=dict(symbol="line-ew-open", size=18, color="#1b5e20", line=dict(width=3)),
                           hovertemplate="%{y:,.0f} H20"))
    if evidence:
        traces += evidence_traces(evidence, sources or {})
    first, last = int(yearly.index.min()), int(yearly.index.max())
    earliest = min([first] + [p["x"].year for p in evidence or []])
    return _figure(traces, "chips arriving per year", barmode="stack", xaxis_dtick="M12", xaxis_tickformat="%Y", xaxis_ticklabelmode="period",
                   xaxis_range=[f"{earliest}-01-01", f"{last}-12-31"])


def stockpile_figure(monthly: pd.DataFrame, reference_units: pd.Series | None, evidence: list | None = None,
                     sources: dict | None = None) -> go.Figure:
    """Chips in service by family, stacked, with the reference's total dashed [chips]."""
    table = family_table(monthly, "stock")
    x = table.index
    traces = [dict(type="scatter", x=x, y=table[f].to_numpy(), name=f, stackgroup="stock", mode="lines",
                   line=dict(width=0.5, color=FAMILY_COLORS[f]), hovertemplate="%{y:,.0f}") for f in table.columns]
    if reference_units is not None:
        traces.append(_line(reference_units.index, reference_units.to_numpy(), "reference (total)", "black", 1.5, "dash"))
    if evidence:
        traces += evidence_traces(evidence, sources or {})
    return _figure(traces, "chips in service")


def national_figure(national: pd.DataFrame, start: str, evidence: list | None = None, sources: dict | None = None,
                    fans: dict | None = None) -> go.Figure:
    """China's domestic output per year, Huawei's share, what binds each year; estimates as points [accelerators/yr]."""
    frame = national.assign(year=national["month"].dt.year)
    yearly = frame.groupby("year").agg(output=("output", "sum"), huawei=("huawei_output", "sum"),
                                       hbm=("binding", lambda b: int((b == "HBM").sum())))
    x = [pd.Timestamp(f"{y}-07-01") for y in yearly.index]
    labels = [("HBM-bound" if h >= 6 else "logic-bound") for h in yearly["hbm"]]
    traces = [dict(type="bar", x=x, y=yearly["output"].to_numpy(), name="all domestic", marker=dict(color="#f8bbd0"),
                   customdata=labels, hovertemplate="%{y:,.0f} (%{customdata})"),
              dict(type="bar", x=x, y=yearly["huawei"].to_numpy(), name="Huawei Ascend", marker=dict(color="#c2185b"),
                   hovertemplate="%{y:,.0f}")]
    if fans:
        months = national["month"]
        for key, name in (("national_output", "all domestic"),):
            q = fans[key]
            yearly_q = {k: pd.Series(v, index=months).groupby(months.dt.year).sum() for k, v in q.items()}
            traces.append(dict(type="scatter", x=x, y=yearly_q["p50"].to_numpy(), mode="markers", name=f"{name} p10–p90",
                               marker=dict(color="#880e4f", size=5, symbol="line-ew-open"),
                               error_y=dict(type="data", symmetric=False,
                                            array=(yearly_q["p90"] - yearly_q["p50"]).to_numpy(),
                                            arrayminus=(yearly_q["p50"] - yearly_q["p10"]).to_numpy(), color="#880e4f"),
                               hovertemplate="p50 %{y:,.0f}"))
    if evidence:
        traces += evidence_traces(evidence, sources or {})
    shapes = [_vline(pd.Timestamp(start + "-01"), color="#616161", dash="dot")]
    notes = [dict(x=pd.Timestamp(start + "-01"), y=1, yref="paper", text="scenario start", showarrow=False,
                  xanchor="left", yanchor="top", font=dict(size=11, color="#616161"))]
    return _figure(traces, "accelerators per year", shapes, notes, barmode="overlay", xaxis_dtick="M12",
                   xaxis_tickformat="%Y", xaxis_ticklabelmode="period", hovermode="closest", height=440)


def gap_figure(cap: pd.DataFrame, reference: pd.DataFrame | None, fans: dict | None = None,
               evidence: list | None = None, sources: dict | None = None, events: list | None = None) -> go.Figure:
    """Both gaps to the frontier [years]: in compute, and in capability (effective compute)."""
    x = cap["month"]
    traces = _fan(x, fans["frontier_gap_years"], "#7b1fa2", "compute gap") if fans else []
    if fans and "capability_gap_years" in fans:
        traces += _fan(x, fans["capability_gap_years"], "#00897b", "capability gap")
    traces.append(_line(x, cap["frontier_gap_years"].to_numpy(), "compute gap", "#7b1fa2", hover="%{y:.2f} years"))
    traces.append(_line(x, cap["capability_gap_years"].to_numpy(), "capability gap", "#00897b",
                        hover="%{y:.2f} years"))
    if reference is not None:
        traces.append(_line(reference["month"], reference["frontier_gap_years"].to_numpy(), "reference (compute)",
                            "#7b1fa2", 1.3, "dash", hover="%{y:.2f} years"))
        traces.append(_line(reference["month"], reference["capability_gap_years"].to_numpy(),
                            "reference (capability)", "#00897b", 1.3, "dash", hover="%{y:.2f} years"))
    if evidence:
        traces += evidence_traces(evidence, sources or {})
    traces += event_traces(events or [])
    return _figure(traces, "years behind the frontier", yaxis_rangemode="tozero", **EVENT_AXIS)


def ratio_figure(cap: pd.DataFrame, reference: pd.DataFrame | None, events: list | None = None) -> go.Figure:
    """US AI compute ÷ China's owned AI compute [×], log axis: the US side is a sourced path, not a model."""
    traces = [_line(cap["month"], cap["us_china_compute_ratio"].to_numpy(), "US ÷ China", "#1565c0",
                    hover="%{y:.1f}×")]
    if reference is not None:
        traces.append(_line(reference["month"], reference["us_china_compute_ratio"].to_numpy(), "reference", "#1565c0",
                            1.3, "dash", hover="%{y:.1f}×"))
    traces += event_traces(events or [])
    return _figure(traces, "US ÷ China, H100e (log)", yaxis_type="log", **(EVENT_AXIS if events else {}))


# ---- events on the time axis ---------------------------------------------------------------------------

EVENT_AXIS = {"yaxis2": dict(overlaying="y", range=[0, 1], visible=False, fixedrange=True)}


def event_traces(events: list) -> list:
    """One marker per dated event that changes the model, at the top of the plot: hover for what happened, what it
    changes and its source. ``events``: dicts with month "YYYY-MM", text, changes and source (``lib.events``)."""
    if not events:
        return []
    x = [pd.Timestamp(e["month"] + "-01") for e in events]
    text = [pad(wrap(f"{e['month']}: {safe(e['text'])}") + "<br>" + wrap(f"Model: {safe(e['changes'])}")
                + f"<br>[{safe(e['source'])}]") for e in events]
    return [dict(type="scatter", x=x, y=[0.985] * len(x), yaxis="y2", mode="markers", name="events (hover)",
                 marker=dict(symbol="triangle-down", size=9, color="#455a64"), hovertext=text,
                 hovertemplate="%{hovertext}<extra></extra>", legendgroup="events")]


def events_figure(frame: pd.DataFrame, height: int = 300) -> go.Figure:
    """The ledger of events as a timeline: one row per kind, one marker per event (filled: it changes the model;
    hollow: context only). ``frame``: ``lib.events.table()``."""
    traces = []
    for modelled, symbol, name in ((True, "circle", "changes the model"), (False, "circle-open", "context only")):
        rows = frame[frame["modelled"] == modelled]
        if rows.empty:
            continue
        text = [pad(wrap(f"{d}: {safe(t)}") + "<br>" + wrap(f"Model: {safe(c)}") + f"<br>[{safe(src)}]")
                for d, t, c, src in zip(rows["date"], rows["event"], rows["changes"], rows["source"])]
        traces.append(dict(type="scatter", x=pd.to_datetime(rows["date"]), y=rows["kind"].tolist(), mode="markers",
                           name=name, marker=dict(symbol=symbol, size=10, color="#37474f"), hovertext=text,
                           hovertemplate="%{hovertext}<extra></extra>"))
    return _figure(traces, "", yaxis_type="category", height=height, hovermode="closest")


def tokens_figure(cap: pd.DataFrame, reference: pd.DataFrame | None, evidence: list | None = None,
                  sources: dict | None = None) -> go.Figure:
    """Serving capacity against the demand path [tokens/day], log axis."""
    traces = [_line(cap["month"], cap["inference_tokens_per_day"].to_numpy(), "serving capacity", "#ef6c00",
                    hover="%{y:.3s}"),
              _line(cap["month"], cap["inference_demand_tokens_per_day"].to_numpy(), "demand", "#5d4037", 2, "dot",
                    hover="%{y:.3s}")]
    if reference is not None:
        traces.append(_line(reference["month"], reference["inference_tokens_per_day"].to_numpy(), "reference",
                            "#ef6c00", 1.3, "dash", hover="%{y:.3s}"))
    if evidence:
        traces += evidence_traces(evidence, sources or {})
    return _figure(traces, "tokens per day (log)", yaxis_type="log")


def china_share_figure(months: pd.Series, share: np.ndarray, evidence: list | None = None,
                       sources: dict | None = None) -> go.Figure:
    """China's owned training H100e as a share of the world stock [share]."""
    traces = [_line(months, share, "model: owned H100e ÷ world stock", "#c62828", hover="%{y:.1%}")]
    if evidence:
        traces += evidence_traces(evidence, sources or {})
    return _figure(traces, "share of world compute", yaxis_tickformat=".0%", yaxis_rangemode="tozero")


# ---- the export rule -------------------------------------------------------------------------------

STRIP_Y = 0.6  # [TPP/mm² on a log axis] where chips with unknown density sit, in a marked strip
STRIP_FLOOR = 0.25  # [TPP/mm²] the strip's and the axis' bottom: room for labels under the strip's chips
# Beside a point: offsets [px] and anchors. A marker's radius with its outline is ~7 px; a label drawn after the
# page's font arrives can be ~5% wider than Plotly measured it, spilling ~3 px each side: 13 px leaves a gap.
_CANDIDATES = ((0, 10, "center", "bottom"), (0, -10, "center", "top"), (13, 0, "left", "middle"),
               (-13, 0, "right", "middle"), (9, 9, "left", "bottom"), (-9, 9, "right", "bottom"),
               (9, -9, "left", "top"), (-9, -9, "right", "top"), (0, 22, "center", "bottom"),
               (0, -22, "center", "top"))
# Further out, a label sits on a ring around its point with a leader line to it: radii [px] and 48 directions.
_LEADER_RADII = (30, 42, 56, 72, 90, 110, 132, 156, 182, 210, 240, 270)
_LEADER_DIRECTIONS = tuple((np.cos(a), np.sin(a)) for a in np.radians(np.arange(0, 360, 7.5) + 90))
LABEL_CHAR_PX = 5.6  # [px] a 10-px label's average character width (measured in chromium, Source Sans)
LABEL_LINE_PX = 12  # [px] a 10-px label's line height
LABEL_ATTEMPTS = 6  # greedy passes at most from each starting order, each starting with the labels the last one could not place
LABEL_PAD_PX = 3  # [px] room kept around a label: the plot's height is known only to ~15 px, a label's width to ~5%
LABEL_LINE_CHARS = 18  # [characters] a label of several chips longer than this breaks at its " / " into lines


def _label_lines(text: str) -> list:
    """A label's lines: several chips' names ("A / B / C") break at the slashes when the whole is long."""
    if len(text) <= LABEL_LINE_CHARS or " / " not in text:
        return [text]
    lines, line = [], ""
    for part in text.split(" / "):
        if line and len(line) + 3 + len(part) > LABEL_LINE_CHARS:
            lines.append(line + " /")
            line = part
        else:
            line = f"{line} / {part}" if line else part
    return lines + [line]


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _segment_hits(start: tuple, end: tuple, boxes: list) -> bool:
    """Whether the segment from ``start`` to ``end`` [px] passes through any box (sampled every ~3 px)."""
    steps = max(int(np.hypot(end[0] - start[0], end[1] - start[1]) / 3), 1)
    for t in np.linspace(0, 1, steps + 1):
        x, y = start[0] + (end[0] - start[0]) * t, start[1] + (end[1] - start[1]) * t
        if any(b[0] < x < b[2] and b[1] < y < b[3] for b in boxes):
            return True
    return False


def _segments_cross(a: tuple, b: tuple, c: tuple, d: tuple) -> bool:
    """Whether segment a–b crosses segment c–d [px] (touching ends do not count)."""
    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def _place_labels(points: list, x_range: tuple, y_range: tuple, width_px: float, height_px: float,
                  vlines: tuple = (), hline: float | None = None) -> tuple:
    """Label placement in pixels, so every point is named and no label overlaps another label, a marker, a
    threshold line's own label or the plot's edges. Each label takes the first spot clear of all of those: beside
    its point, or else further out on a ring with a leader line that crosses no other label or marker.

    ``vlines``: (x, label width [px], label side "left"/"right") per vertical line; ``hline``: a y with its label at
    the left. Returns (annotations, names left unlabelled, label boxes [px]); the list of unlabelled names is empty
    unless the plot is too crowded to hold them all."""
    sx = width_px / (x_range[1] - x_range[0])
    sy = height_px / (y_range[1] - y_range[0])
    pixel = [((np.log10(x) - x_range[0]) * sx, (np.log10(y) - y_range[0]) * sy) for x, y, _ in points]
    # A marker is ~13 px across with its outline; 8 px a side keeps a label clear of a point drawn a few px off.
    markers = [(px - 8, py - 8, px + 8, py + 8) for px, py in pixel]
    lines = []  # thin: a label may not sit on one, but a leader may cross it
    fixed = []  # the threshold lines' own labels
    for vx_value, label_px, side in vlines:
        vx = (np.log10(vx_value) - x_range[0]) * sx
        lines.append((vx - 3, -1e6, vx + 3, 1e6))
        # The TPP line's label hangs from the plot's top at its right; the window's from 93% up, at its left.
        fixed.append((vx, height_px - 16, vx + label_px, height_px + 4) if side == "left"
                     else (vx - label_px, 0.93 * height_px - 16, vx, 0.93 * height_px))
    if hline is not None:
        hy = (np.log10(hline) - y_range[0]) * sy
        lines.append((-1e6, hy - 3, 1e6, hy + 3))
        fixed.append((-40, hy, 60, hy + 16))
    # Crowded points first (their near spots go first), then long labels (fewest spots fit them). When some are
    # left over, they go first in the next attempt (the plot is small on a phone).
    crowd = [sum(abs(px - qx) < 40 and abs(py - qy) < 24 for qx, qy in pixel) for px, py in pixel]
    # Failing that, left to right and right to left (rows of labels pack along a crowded strip).
    starts = [sorted(range(len(points)), key=lambda i: (-crowd[i], -len(points[i][2]))),
              sorted(range(len(points)), key=lambda i: pixel[i]),
              sorted(range(len(points)), key=lambda i: (-pixel[i][0], pixel[i][1]))]
    best = None
    for order in starts:
        for _ in range(LABEL_ATTEMPTS):
            attempt = _place_in_order(order, points, pixel, markers, lines, fixed, width_px, height_px)
            if best is None or len(attempt[1]) < len(best[1]):
                best = attempt
            if not attempt[1]:
                break
            left_over = attempt[1]
            order = left_over + [i for i in order if i not in left_over]
        if not best[1]:
            break
    notes, unlabelled, labels, _ = best
    return notes, [points[i][2] for i in unlabelled], labels


def _spot(px: float, py: float, w: float, h: float, blocked: list, leader_blocked: list, leaders: list,
          inside) -> dict | None:
    """The first free spot for a w × h label of the point at (px, py) [px]: beside it, or on a ring with a leader
    line that crosses no box in ``leader_blocked`` and no other leader. Appends the new leader to ``leaders``."""
    def crosses_a_leader(box):
        return any(_segment_hits(a, b, [box]) for a, b in leaders)

    for dx, dy, xa, ya in _CANDIDATES:
        left = px + dx - (w / 2 if xa == "center" else (w if xa == "right" else 0))
        bottom = py + dy - (h / 2 if ya == "middle" else (h if ya == "top" else 0))
        box = (left, bottom, left + w, bottom + h)
        if inside(box) and not any(_overlaps(box, b) for b in blocked) and not crosses_a_leader(box):
            # Centred on the box: Plotly's own measure of a label's width can differ from the drawn text's
            # (by ~15% in chromium), and a centred label spills evenly instead of onto its marker.
            return dict(xanchor="center", yanchor="middle", xshift=(box[0] + box[2]) / 2 - px,
                        yshift=(box[1] + box[3]) / 2 - py, showarrow=False)
    for radius in _LEADER_RADII:
        for cx, cy in _LEADER_DIRECTIONS:
            # The box's nearest edge sits `radius` from the point, along the direction.
            mx, my = px + cx * (radius + w / 2), py + cy * (radius + h / 2)
            box = (mx - w / 2, my - h / 2, mx + w / 2, my + h / 2)
            if not inside(box) or any(_overlaps(box, b) for b in blocked):
                continue
            start = (px + cx * 8, py + cy * 8)
            if _segment_hits(start, (mx, my), leader_blocked) or crosses_a_leader(box) \
                    or any(_segments_cross(start, (mx, my), a, b) for a, b in leaders):
                continue
            leaders.append((start, (mx, my)))
            return dict(showarrow=True, ax=mx - px, ay=-(my - py), arrowhead=0, arrowwidth=1, arrowcolor="#9e9e9e",
                        standoff=6, xanchor="center", yanchor="middle")
    return None


def _place_in_order(order: list, points: list, pixel: list, markers: list, lines: list, fixed: list,
                    width_px: float, height_px: float) -> tuple:
    """One greedy pass of ``_place_labels`` in ``order``: (annotations, indices unlabelled, label boxes, leaders)."""
    labels, leaders, notes, unlabelled = [], [], [], []

    def inside(box):
        return box[0] >= 0 and box[2] <= width_px and box[1] >= 0 and box[3] <= height_px

    for i in order:
        text_lines = _label_lines(points[i][2])
        w = LABEL_CHAR_PX * max(map(len, text_lines)) + 4 + 2 * LABEL_PAD_PX
        h = LABEL_LINE_PX * len(text_lines) + 2 * LABEL_PAD_PX
        px, py = pixel[i]
        others = [m for j, m in enumerate(markers) if j != i]
        note = None
        # Off the threshold lines if there is room; else on one, over a white ground that keeps the line's dash
        # from crossing the text.
        for avoided in (lines, []):
            note = _spot(px, py, w, h, [*markers, *avoided, *fixed, *labels], [*others, *labels, *fixed], leaders,
                         inside)
            if note is not None:
                if not avoided:
                    note["bgcolor"] = "rgba(255,255,255,0.85)"
                break
        if note is None:
            unlabelled.append(i)
            continue
        cx, cy = (px + note["ax"], py - note["ay"]) if note["showarrow"] else (px + note["xshift"], py + note["yshift"])
        labels.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
        notes.append(dict(x=np.log10(points[i][0]), y=np.log10(points[i][1]), text="<br>".join(text_lines),
                          font=dict(size=10, color="#31333f"), **note))
    return notes, unlabelled, labels, leaders


def rule_plot_px(width_px: float, height_px: float) -> tuple[float, float]:
    """The rule chart's plot box [px] in a figure of that size, measured in chromium: the margins (56 + 12) across;
    down, the top margin and the x ticks and title, ~100 px on a desktop and ~125 on a phone (its ticks slant),
    within ~15 px whatever the legend."""
    return width_px - 68, height_px - (100 if width_px >= 500 else 125)


def rule_figure(table: pd.DataFrame, tpp_threshold: float, density_threshold: float | None,
                own: dict | None = None, width_px: int = 700, rule=None, height_px: int = 460) -> go.Figure:
    """Every catalog chip on TPP × performance density, coloured by status, spec-identical chips labelled once.

    Chips with unknown die area (or a planar node) sit in a marked strip at the bottom; chips with unknown TPP
    sit at its left end. ``own`` is the user's classified chip: {"tpp", "density", "status", "name"}. Labels are
    placed so that none overlaps another or a marker at ``width_px``; any that cannot be placed are listed in
    ``figure.layout.meta["unlabelled"]`` (hover shows every chip).
    """
    rows = table.copy()
    known_tpp = rows["tpp"].dropna()
    rows["density_plot"] = rows["density"].fillna(STRIP_Y)
    rows["tpp_plot"] = rows["tpp"].fillna(known_tpp.min() * 0.62)
    domestic = rows["origin"] == "domestic" if "origin" in rows else pd.Series(False, index=rows.index)
    rows["group"] = list(zip(rows["tpp_plot"].round(0), rows["density_plot"].round(2), rows["status"], domestic))
    # Spec-identical chips of different status (H100 case-by-case, H800 controlled) would hide one under the
    # other: each further status at the same spot moves right by COINCIDENT_SHIFT.
    spots: dict = {}
    shift = {}
    for group in dict.fromkeys(rows["group"]):
        spot = group[:2]
        shift[group] = COINCIDENT_SHIFT ** len(spots.setdefault(spot, []))
        spots[spot].append(group)
    traces, points = [], []
    for status, color in STATUS_COLORS.items():
        chosen = rows[rows["status"] == status]
        if chosen.empty:
            continue
        xs, ys, hovers, symbols = [], [], [], []
        for group, g in chosen.groupby("group", sort=False):
            tpp, density, _, home = group
            xs.append(tpp * shift[group])
            ys.append(density)
            # A domestic chip is not subject to US rules: hollow, coloured by its status as if exported from the US.
            symbols.append("circle-open" if home else "circle")
            points.append((tpp * shift[group], density, safe(" / ".join(g["chip"]))))
            suffix = " (domestic: the rule does not apply; as if exported from the US)" if home else ""
            hovers.append("<br>".join(f"<b>{safe(c)}</b>, {STATUS_NAMES[status]}: {wrap(safe(r))}{suffix}"
                                      for c, r in zip(g["chip"], g["reason"])))
        traces.append(dict(type="scatter", x=xs, y=ys, mode="markers", name=STATUS_NAMES[status], cliponaxis=False,
                           marker=dict(color=color, size=11, symbol=symbols, line=dict(color=color, width=2)),
                           customdata=hovers, hovertemplate="%{customdata}<extra></extra>"))
    if domestic.any():
        traces.append(dict(type="scatter", x=[None], y=[None], mode="markers",
                           name="hollow: domestic, coloured as if exported",
                           marker=dict(color="#757575", size=11, symbol="circle-open", line=dict(width=2)),
                           hoverinfo="skip"))
    if own:
        y = own["density"] if own["density"] else STRIP_Y
        traces.append(dict(type="scatter", x=[own["tpp"]], y=[y], mode="markers", name="your chip", cliponaxis=False,
                           marker=dict(symbol="star", size=18, color=STATUS_COLORS.get(own["status"], "#000"),
                                       line=dict(color="black", width=1.5)),
                           hovertemplate=f"your chip: {safe(own['status'])}<extra></extra>"))
        points.append((own["tpp"], y, safe(own.get("name", "your chip"))))
    # A TPP line far left of every chip (a full embargo's 0) is drawn at the chart's left edge, not at its value:
    # five empty decades would squeeze the chips into a corner.
    chip_xs = [p[0] for p in points]
    off_left = tpp_threshold < min(chip_xs) * 0.5
    all_x = chip_xs + ([] if off_left else [max(tpp_threshold, 1)])
    all_y = [p[1] for p in points] + ([density_threshold] if density_threshold else [])
    x_range = (np.log10(max(min(all_x), 1) * 0.7), np.log10(max(all_x) * 1.35))
    y_range = (np.log10(STRIP_FLOOR), np.log10(max(max(all_y), 1) * 1.5))
    x = 10 ** x_range[0] * 1.01 if off_left else max(tpp_threshold, 1)
    line_text = f"TPP {tpp_threshold:,.0f}" + (" (left of every chip)" if off_left else "")
    window = getattr(rule, "case_by_case_tpp_below", None) if rule is not None else None
    window_text = f"case-by-case below {window:,.0f}" if window else ""
    vlines = [(x, 6.2 * len(line_text) + 4, "left")] + ([(window, 6.2 * len(window_text) + 4, "right")] if window else [])
    notes, unlabelled, _ = _place_labels(points, x_range, y_range, *rule_plot_px(width_px, height_px),
                                         vlines=vlines, hline=density_threshold)
    shapes = [_vline(x), dict(type="rect", xref="paper", yref="y", x0=0, x1=1, y0=STRIP_FLOOR, y1=0.9,
                              fillcolor="rgba(158,158,158,0.12)", line=dict(width=0), layer="below")]
    # The lines' own labels sit on a white ground, so a dashed line never strikes through them.
    notes += [dict(x=np.log10(x), y=1, yref="paper", text=line_text, showarrow=False, xshift=3,
                   xanchor="left", yanchor="top", font=dict(color="#c62828"), bgcolor="rgba(255,255,255,0.9)")]
    if density_threshold is not None:
        shapes.append(dict(type="line", xref="paper", yref="y", x0=0, x1=1, y0=density_threshold, y1=density_threshold,
                           line=dict(color="#c62828", dash="dot")))
        notes.append(dict(x=0, xref="paper", y=np.log10(max(density_threshold, 0.5)), text=f"PD {density_threshold:g}",
                          showarrow=False, yanchor="bottom", xanchor="left", font=dict(color="#c62828"),
                          bgcolor="rgba(255,255,255,0.9)", xshift=6))
    # Every line of the rule in force: the case-by-case window as a second vertical line, and the lines that are
    # not on these axes (bandwidths) as legend entries, so no prong of the rule is left off the chart.
    if rule is not None and getattr(rule, "case_by_case_tpp_below", None):
        window = rule.case_by_case_tpp_below
        shapes.append(_vline(window, color="#ef6c00", dash="dashdot"))
        notes.append(dict(x=np.log10(window), y=0.93, yref="paper", text=window_text, xshift=-3,
                          showarrow=False, xanchor="right", yanchor="top", font=dict(color="#ef6c00", size=11),
                          bgcolor="rgba(255,255,255,0.9)"))
        traces.append(dict(type="scatter", x=[None], y=[None], mode="lines", hoverinfo="skip",
                           line=dict(color="#ef6c00", dash="dashdot"),
                           name=wrap(f"case-by-case: TPP < {window:,.0f} and memory < "
                                     f"{rule.case_by_case_bandwidth_below:,.0f} GB/s, sold in the US",
                                     LEGEND_LINE_CHARS)))
    if rule is not None and getattr(rule, "informed_memory_bandwidth_gbps", None):
        traces.append(dict(type="scatter", x=[None], y=[None], mode="lines", hoverinfo="skip",
                           line=dict(color="#6a1b9a", dash="dot"),
                           name=wrap(f"is-informed (off these axes): memory ≥ "
                                     f"{rule.informed_memory_bandwidth_gbps:,.0f} GB/s or interconnect ≥ "
                                     f"{rule.informed_interconnect_gbps:,.0f} GB/s", LEGEND_LINE_CHARS)))
    ticks = [t for t in (500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000) if x_range[0] <= np.log10(t) <= x_range[1]]
    figure = _figure(traces, "density, PD [TPP/mm²] (log)", shapes, notes, xaxis_type="log",
                     xaxis_title="TPP (log)", xaxis_tickvals=ticks, xaxis_ticktext=[f"{t:,}" for t in ticks],
                     xaxis_range=list(x_range), yaxis_type="log", yaxis_range=list(y_range),
                     yaxis_tickvals=[1, 2, 5, 10, 20], yaxis_ticktext=["1", "2", "5", "10", "20"],
                     hovermode="closest", height=height_px, margin=dict(l=56, r=12, t=24, b=10),
                     legend=dict(BASE_LAYOUT["legend"], y=-0.2))
    figure.layout.meta = {"unlabelled": unlabelled}
    return figure


# ---- sensitivity and comparison -------------------------------------------------------------------

def tornado_figure(frame: pd.DataFrame, output_label: str, unit_format: str = ".3s") -> go.Figure:
    """Change in the output when each lever swings to its low and high value."""
    rows = frame.iloc[::-1]
    # Two short lines leave the bars room on a phone; a little shorter than other ticks, because automargin measured
    # a 22-character label 2 px narrower than chromium drew it (its first letter was cut).
    labels = [wrap(safe(x), TICK_LINE_CHARS - 3) for x in rows["label"]]
    traces = [dict(type="bar", y=labels, x=rows["change_at_low"].to_numpy(), orientation="h", name="lever at low",
                   marker=dict(color="#90caf9"), customdata=rows["low_value"].to_numpy(),
                   hovertemplate="low %{customdata:.3g}: %{x:+" + unit_format + "}<extra></extra>"),
              dict(type="bar", y=labels, x=rows["change_at_high"].to_numpy(), orientation="h", name="lever at high",
                   marker=dict(color="#1565c0"), customdata=rows["high_value"].to_numpy(),
                   hovertemplate="high %{customdata:.3g}: %{x:+" + unit_format + "}<extra></extra>")]
    # Rows are as tall as the tallest label: a three-line label in a 34-px row ran into its neighbours.
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    height = 110 + max(34, 15 * lines + 6) * len(rows)
    # The key is a line of text at the top right, reaching left over the labels, not a legend: a legend sized by Plotly's measure cut its
    # last letters ("lever at hig"), and one set under the labels' margin pushed the plot to nothing on a phone.
    key = dict(text='<span style="color:#90caf9">■</span> lever at low   <span style="color:#1565c0">■</span> lever at high',
               xref="paper", yref="paper", x=1, y=1, xanchor="right", yanchor="bottom", yshift=4, xshift=-16,
               showarrow=False,
               font=dict(size=11))
    return _figure(traces, "", (), [key], barmode="overlay", xaxis_title=output_label, hovermode="closest",
                   height=height, margin=dict(l=10, r=12, t=30, b=10), showlegend=False)


def compare_figure(names: list, values: list, texts: list, unit_label: str) -> go.Figure:
    """One output across scenarios as dots, one row per scenario, each labelled with its value.

    Dots without bars or stems: the axis spans the values so small differences show, and a bar or stem from an
    axis that does not start at zero would overstate them. Rows are horizontal so names stay readable on a phone."""
    low, high = min(values), max(values)
    pad = (high - low) * 0.3 or abs(high) * 0.05 or 1.0
    start = max(low - pad, 0) if low >= 0 else low - pad
    rows = [safe(n) for n in names]
    traces = [dict(type="scatter", y=rows, x=values, mode="markers+text", marker=dict(color="#1565c0", size=12),
                   text=[safe(t) for t in texts], textposition="middle right", cliponaxis=False,
                   hovertemplate="%{text}<extra></extra>", showlegend=False)]
    return _figure(traces, "", xaxis_title=unit_label, xaxis_range=[start, high + pad * 3.5],
                   yaxis_autorange="reversed", yaxis_automargin=True, yaxis_type="category",  # "#1" reads as 1
                   height=90 + 40 * len(rows),
                   hovermode="closest", margin=dict(l=10, r=60, t=12, b=10))


def overlay_figure(frames: dict, column: str, unit_label: str, log: bool = False) -> go.Figure:
    """The same series from several scenarios (a link diff): name → capability frame."""
    colors = ["#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00"]
    traces = [_line(f["month"], f[column].to_numpy(), safe(name), colors[i % len(colors)], 2.2 if i == 0 else 1.8,
                    None if i == 0 else "dash", hover="%{y:.2e}" if log else "%{y:.3s}")
              for i, (name, f) in enumerate(frames.items())]
    return _figure(traces, unit_label, **({"yaxis_type": "log"} if log else {}))
