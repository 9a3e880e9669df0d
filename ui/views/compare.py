"""Compare: pin scenarios (they travel in the link) and read every output against the reference."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import charts, link
from lib.compare import OUTPUT_KEYS
from lib.format import month_or_never, vintage_name, label, number
from lib.levers import LEVERS
from lib.model import SUMMARY_UNITS

from .. import cache
from ..context import Page
from ..device import show_chart
from ..tables import table
from ..text import md

SHOWN = ("runway_months", "frontier_gap_years_reading", "h100e_years_total", "h100e_end", "h100e_inference_end",
         "largest_run_flop_end", "inference_runway_months", "arrivals_licensed_total", "arrivals_smuggled_total",
         "h100e_domestic_total", "remote_access_h100e_end", "spend_usd_total")


def _pin_current(page: Page) -> None:
    pins = st.session_state.setdefault("pins", [])
    preset, custom, levers, fields = page.key
    state = link.LinkState(preset=preset, custom=custom, levers=levers, fields=fields,
                           label=pin_label(page.scenario, levers, len(pins) + 1))
    encoded = link.encode_pin(state)
    if encoded not in pins and len(pins) < link.MAX_PINS:
        pins.append(encoded)


def pin_label(scenario, levers: tuple, index: int) -> str:
    """A pin's name from what it changes ("Leakage 25%, TPP threshold 2,400"), so pins can be told apart."""
    changes = [f"{LEVERS[name].label} {number(value, LEVERS[name].unit)}" for name, value in levers[:2]]
    more = f" +{len(levers) - 2} more" if len(levers) > 2 else ""
    text = ", ".join(changes) + more if changes else scenario.name
    return f"#{index} {text}"[:120]


def _clear() -> None:
    st.session_state["pins"] = []


def render(page: Page) -> None:
    pins = st.session_state.setdefault("pins", [])
    cols = st.columns([1, 1, 3])
    cols[0].button("Pin this scenario", key="pin", on_click=_pin_current, args=(page,),
                   disabled=len(pins) >= link.MAX_PINS)
    cols[1].button("Clear pins", key="clear_pins", on_click=_clear)
    cols[2].caption(f"Pin up to {link.MAX_PINS} scenarios; pins travel in the share link. Every column reads "
                    f"against the reference, {md(page.reference_name)}.")
    entries = [("reference", None, page.reference), ("current", page.key, page.result)]
    for text in pins:
        try:
            state = link.decode_pin(text)
        except Exception:  # a damaged pin was refused when the link was read; this is a belt and braces guard
            continue
        key = (state.preset, state.custom, state.levers, state.fields)
        entries.append((state.label or f"#{len(entries) - 1} pinned", key, cache.result(key)))
    # Columns and chart rows go by short names ("#1"), the pins' full names in a key below: long names were cut
    # in the table's headers and took the chart's width.
    short = [name.split(" ", 1)[0] if name.startswith("#") else name for name, _, _ in entries]
    if len(entries) > 2:
        st.caption("Pins: " + "; ".join(md(name) for name, _, _ in entries[2:]))
    entries = [(name, key, result) for name, (_, key, result) in zip(short, entries)]
    outputs = {}
    for name, _, result in entries:
        outputs[name] = {label(k): number(result.summary[k], SUMMARY_UNITS.get(k, "")) for k in SHOWN}
    frame = pd.DataFrame(outputs).reset_index().rename(columns={"index": "Output"})
    st.markdown("**Key outputs**")
    table(frame, "table_compare_out")
    choice = st.selectbox("Chart this output", [k for k in OUTPUT_KEYS if k in SHOWN], key="compare_output",
                          format_func=label)
    values = [float(result.summary[choice]) for _, _, result in entries]
    texts = [number(v, SUMMARY_UNITS.get(choice, "")) for v in values]
    show_chart(charts.compare_figure([n for n, _, _ in entries], values, texts, ""), "chart_compare")
    st.markdown("**Inputs that differ** (levers and scenario fields)")
    rows = {}
    for name, _, result in entries:
        s = result.scenario
        rows[name] = {"Scenario": s.name, "Rule vintage": vintage_name(s.rule_vintage),
                      "What-if from": month_or_never(s.what_if_from),
                      "HBM control from": month_or_never(s.hbm_control_from), **{lever.label: number(s.lever(n), lever.unit)
                                                                 for n, lever in LEVERS.items()}}
    inputs = pd.DataFrame(rows)
    changed = inputs[inputs.nunique(axis=1) > 1]
    if changed.empty:
        st.caption("No inputs differ: every column is the reference scenario.")
    else:
        table(changed.reset_index().rename(columns={"index": "Input"}), "table_compare_in")
