"""Plotly figure builders (graph_objects only: ~7× faster to build than plotly.express).

Pure functions from lib results to figures; no Streamlit here. Imported by the app, not by ``lib``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .catalog import CHIPS_BY_NAME

STATUS_COLORS = {"not-controlled": "#2e7d32", "gray-zone": "#f9a825", "case-by-case": "#ef6c00",
                 "controlled": "#c62828", "unknown": "#9e9e9e"}
FAMILY_COLORS = {"NVIDIA A100/A800": "#76b900", "NVIDIA H100/H800/H200": "#3d7a00", "NVIDIA H20": "#b5e06b",
                 "NVIDIA B200": "#1f4d00", "NVIDIA other": "#9ccc65", "AMD": "#d32f2f", "Huawei Ascend": "#c2185b",
                 "Baidu Kunlun": "#1565c0", "Other domestic": "#6a1b9a"}
GRID = dict(gridcolor="#e6e6e6", zerolinecolor="#cccccc", linecolor="#cccccc", automargin=True)
BASE_LAYOUT = dict(margin=dict(l=60, r=10, t=40, b=10), height=400, hovermode="x unified",
                   legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0, font=dict(size=11)),
                   plot_bgcolor="white", paper_bgcolor="white", xaxis=dict(GRID),
                   font=dict(family="Source Sans Pro, Source Sans 3, sans-serif", size=13, color="#31333f"))
# The app draws with theme=None: Streamlit's theme merge costs ~40 ms per keystroke in the browser (measured).
# No `template=`: assigning a template deep-copies and validates it, ~20 ms per figure; Streamlit's theme styles it.


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
    """Months × chip families of ``column``.

    ``lib.run`` writes the monthly table month by month with the same chips in the same order, so the
    column reshapes to (months, chips) and one matrix product sums the families (a pivot costs ~50 ms).
    """
    chips = pd.unique(monthly["chip"])
    months = monthly["month"].to_numpy()[:: len(chips)]
    values = monthly[column].to_numpy().reshape(len(months), len(chips))
    families = [f for f in FAMILY_COLORS if f in {chip_family(c) for c in chips}]
    indicator = np.array([[chip_family(c) == f for f in families] for c in chips], dtype=float)
    return pd.DataFrame(values @ indicator, index=pd.DatetimeIndex(months, name="month"), columns=families)


def _figure(traces: list, title: str, yaxis: str, shapes=(), annotations=(), **layout) -> go.Figure:
    """One figure from plain trace and layout dicts, built without plotly's per-property validation.

    Validation of ~10 traces costs ~2.5 ms per figure on the rerun path; these dicts are fixed by this
    module and covered by tests, so it buys nothing here.
    """
    spec = dict(BASE_LAYOUT, title=dict(text=title, x=0, font=dict(size=15)), yaxis=dict(GRID, title=dict(text=yaxis)),
                xaxis=dict(GRID),
                shapes=list(shapes), annotations=list(annotations))
    for key, value in layout.items():
        if key.startswith("yaxis_"):
            spec["yaxis"][key[6:]] = value
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


def stockpile_figure(monthly: pd.DataFrame, baseline_units: pd.Series | None, actor: str) -> go.Figure:
    """Chips in service by family, stacked, with the baseline's total dashed [chips]."""
    table = family_table(monthly, "stock")
    x = table.index
    traces = [dict(type="scatter", x=x, y=table[f].to_numpy(), name=f, stackgroup="stock", mode="lines",
                   line=dict(width=0.5, color=FAMILY_COLORS[f]), hovertemplate="%{y:,.0f}") for f in table.columns]
    if baseline_units is not None:
        traces.append(_line(baseline_units.index, baseline_units.to_numpy(), "preset baseline (total)", "black",
                            width=1.5, dash="dash"))
    return _figure(traces, f"{actor}: accelerators in service", "chips")


def capability_figure(cap: pd.DataFrame, base: pd.DataFrame | None, fans: dict | None = None) -> go.Figure:
    """Training and inference H100e, with the baseline dashed and optional p10–p90 fans [H100e]."""
    traces = []
    for column, name, color in (("h100e_training", "training H100e", "#1565c0"),
                                ("h100e_inference", "inference H100e", "#ef6c00")):
        if fans and column in fans:
            traces += _fan(cap["month"], fans[column], color, name)
        traces.append(_line(cap["month"], cap[column].to_numpy(), name, color))
        if base is not None:
            traces.append(_line(base["month"], base[column].to_numpy(), f"{name} (baseline)", color, 1.2, "dash"))
    return _figure(traces, "Effective compute: H100-equivalents by workload", "H100e")


def runs_figure(cap: pd.DataFrame, summary: dict, base: pd.DataFrame | None, fans: dict | None = None) -> go.Figure:
    """Largest feasible run against the planned run and the frontier, log axis [FLOP]."""
    traces = _fan(cap["month"], fans["largest_run_flop"], "#1565c0", "largest run") if fans else []
    traces += [_line(cap["month"], cap["largest_run_flop"].to_numpy(), "largest feasible run", "#1565c0", hover="%{y:.2e}"),
               _line(cap["month"], cap["planned_run_flop"].to_numpy(), "planned run", "#6d4c41", 2, hover="%{y:.2e}"),
               _line(cap["month"], cap["frontier_flop"].to_numpy(), "frontier", "#7b1fa2", 2, "dot", hover="%{y:.2e}")]
    if base is not None:
        traces.append(_line(base["month"], base["largest_run_flop"].to_numpy(), "largest run (baseline)", "#1565c0",
                            1.2, "dash", hover="%{y:.2e}"))
    shapes, notes = [], []
    if not summary["runway_beyond_horizon"] and summary["runway_end_month"]:
        x = pd.Timestamp(summary["runway_end_month"] + "-01")
        shapes.append(_vline(x))
        notes.append(dict(x=x, y=1, yref="paper", text=f"runway ends: {summary['runway_months']} months",
                          showarrow=False, xanchor="left", font=dict(color="#c62828")))
    last = cap.iloc[-1]
    notes.append(dict(x=last["month"], y=float(np.log10(max(last["largest_run_flop"], 1.0))), xanchor="right",
                      yanchor="top", text=f"{last['frontier_gap_years']:.1f} years behind", showarrow=False))
    return _figure(traces, "Training runs: feasible vs planned vs frontier", "FLOP", shapes, notes, yaxis_type="log")


def gap_figure(cap: pd.DataFrame, base: pd.DataFrame | None, fans: dict | None = None) -> go.Figure:
    """Years behind the frontier [years]."""
    traces = _fan(cap["month"], fans["frontier_gap_years"], "#7b1fa2", "gap") if fans else []
    traces.append(_line(cap["month"], cap["frontier_gap_years"].to_numpy(), "years behind", "#7b1fa2",
                        hover="%{y:.2f} years"))
    if base is not None:
        traces.append(_line(base["month"], base["frontier_gap_years"].to_numpy(), "baseline", "#7b1fa2", 1.2, "dash",
                            hover="%{y:.2f} years"))
    return _figure(traces, "Years behind the frontier", "years")


def tokens_figure(cap: pd.DataFrame, base: pd.DataFrame | None) -> go.Figure:
    """Inference tokens per day [tokens/day]."""
    traces = [_line(cap["month"], cap["inference_tokens_per_day"].to_numpy(), "tokens per day", "#ef6c00",
                    hover="%{y:.3s}")]
    if base is not None:
        traces.append(_line(base["month"], base["inference_tokens_per_day"].to_numpy(), "baseline", "#ef6c00", 1.2,
                            "dash", hover="%{y:.3s}"))
    return _figure(traces, "Inference capacity: decode tokens per day", "tokens/day")


def rule_figure(table: pd.DataFrame, tpp_threshold: float, density_threshold: float | None, title: str) -> go.Figure:
    """Catalog chips on TPP vs performance density, coloured by status, with the thresholds."""
    known = table[table["density"].notna()]
    traces = []
    for status, color in STATUS_COLORS.items():
        rows = known[known["status"] == status]
        if not rows.empty:
            traces.append(dict(type="scatter", x=rows["tpp"].to_numpy(), y=rows["density"].to_numpy(),
                               mode="markers+text", name=status, text=rows["chip"].tolist(), textposition="top center",
                               textfont=dict(size=10), marker=dict(color=color, size=11, line=dict(color="white", width=1)),
                               customdata=rows["reason"].tolist(), hovertemplate="%{text}<br>%{customdata}<extra></extra>"))
    x = max(tpp_threshold, 1)
    shapes = [_vline(x)]
    notes = [dict(x=float(np.log10(x)), y=1, yref="paper", text=f"TPP {tpp_threshold:,.0f}", showarrow=False,
                  xanchor="left", font=dict(color="#c62828"))]
    if density_threshold is not None:
        shapes.append(dict(type="line", xref="paper", yref="y", x0=0, x1=1, y0=density_threshold, y1=density_threshold,
                           line=dict(color="#c62828", dash="dot")))
        notes.append(dict(x=0, xref="paper", y=density_threshold, text=f"PD {density_threshold:g}", showarrow=False,
                          yanchor="bottom", xanchor="left", font=dict(color="#c62828")))
    missing = int(table["density"].isna().sum())
    note = f" ({missing} chips with unknown die area are in the table only)" if missing else ""
    return _figure(traces, title + note, "performance density [TPP/mm²]", shapes, notes, xaxis_type="log",
                   xaxis_title="TPP (log scale)", hovermode="closest", height=440)


def tornado_figure(frame: pd.DataFrame, output_label: str) -> go.Figure:
    """Change in the output when each lever swings to its low and high value."""
    rows = frame.iloc[::-1]
    labels = rows["label"].tolist()
    traces = [dict(type="bar", y=labels, x=rows["change_at_low"].to_numpy(), orientation="h", name="lever at low",
                   marker=dict(color="#90caf9"), customdata=rows["low_value"].to_numpy(),
                   hovertemplate="low %{customdata:.3g}: %{x:+.3g}<extra></extra>"),
              dict(type="bar", y=labels, x=rows["change_at_high"].to_numpy(), orientation="h", name="lever at high",
                   marker=dict(color="#1565c0"), customdata=rows["high_value"].to_numpy(),
                   hovertemplate="high %{customdata:.3g}: %{x:+.3g}<extra></extra>")]
    return _figure(traces, f"Sensitivity: change in {output_label} (base {frame.attrs.get('base', 0):.4g})", "",
                   barmode="overlay", xaxis_title=f"change in {output_label}", hovermode="closest", height=420)


def compare_figure(names: list, values: list, title: str) -> go.Figure:
    return _figure([dict(type="bar", x=names, y=values, marker=dict(color="#1565c0"),
                         hovertemplate="%{y:.4g}<extra></extra>")], title, "", height=300)
