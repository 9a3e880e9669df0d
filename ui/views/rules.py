"""Export rule: every catalog chip against the what-if rule's lines, the table with reasons and sources, and
a form to classify your own chip (drawn on the chart)."""

from __future__ import annotations

import streamlit as st

import lib
from lib import charts
from lib.format import compact, month_name
from lib.model import rule_for_month
from lib.rules import PRONG_LABELS, RULE_NAMES, STATUS_LABELS

from .. import cache
from ..context import Page
from ..device import is_phone, show_chart
from ..tables import cell_text, sources_below, table
from ..text import lead_and_detail, md, note


SHARE_FORMAT = st.column_config.NumberColumn(format="%.2f")
DRAWN_PRONGS = ("tpp", "density", "gray-zone", "non-datacenter", "none", "no-rule")


def _form(page: Page):
    st.markdown("**Classify your own chip** (dense throughput; halve sparse figures)")
    with st.form("classify_form"):
        cols = st.columns(3)
        tpp = cols[0].number_input("TPP (dense TOPS × bit length)", min_value=0.0, max_value=1e7, value=4_800.0,
                                   key="form_tpp")
        area = cols[1].number_input("Die area [mm²]", min_value=1.0, max_value=1e5, value=800.0, key="form_area")
        rule_name = cols[2].selectbox("Rule", RULE_NAMES, index=RULE_NAMES.index("jan-2026"), key="form_rule",
                                      format_func=lambda n: "this scenario's what-if rule" if n == "custom"
                                      else f"{lib.RULES[n].title.split(':')[0]} rule")
        cols = st.columns(3)
        interconnect = cols[0].number_input("Interconnect [GB/s] (0 = none)", min_value=0.0, max_value=1e6,
                                            value=600.0, key="form_interconnect")
        bandwidth = cols[1].number_input("Memory bandwidth [GB/s]", min_value=0.0, max_value=1e6, value=3_000.0,
                                         key="form_bandwidth")
        datacenter = cols[2].checkbox("Designed or marketed for datacenters", value=True, key="form_datacenter")
        cols = st.columns(3)
        sold_in_us = cols[0].checkbox("Commercially available in the US", value=True, key="form_us",
                                      help="The Jan 2026 case-by-case window covers only chips sold in the US [K71]; "
                                           "untick for a China-only SKU (A800, H800 or H20-like).")
        planar = cols[1].checkbox("Planar node", value=False, key="form_planar",
                                  help="Made on a planar process node: the rule then measures no performance density.")
        submitted = st.form_submit_button("Classify", key="form_submit")
    if not submitted:
        return st.session_state.get("form_own")
    try:
        chip = lib.custom_chip(tpp, None if planar else area, interconnect_gbps=interconnect,
                               memory_bandwidth_gbps=bandwidth, datacenter=datacenter, us_commercial=sold_in_us,
                               planar=planar)
        rule = rule_for_month(page.scenario, page.scenario.what_if_from) if rule_name == "custom" else lib.get_rule(rule_name)
        if rule is None:
            rule = lib.get_rule("oct-2022")
        got = lib.classify(chip, rule)
    except lib.ScenarioError as exc:
        st.error(md(str(exc)))
        return None
    st.session_state["form_result"] = got.status
    own = {"tpp": got.tpp, "density": got.density, "status": got.status, "name": "your chip", "rule_name": rule_name,
           "text": f"{STATUS_LABELS[got.status]}{' (' + got.eccn + ')' if got.eccn else ''} under {rule.title}: "
                   f"{got.reason}. PD = {'none (planar)' if got.density is None else f'{got.density:.2f} TPP/mm²'}."}
    st.session_state["form_own"] = own
    return own


def render(page: Page) -> None:
    scenario = page.scenario
    chart_slot = st.container(key="rule_chart_slot")
    own = _form(page)
    # Your chip is drawn against the lines of the rule it was judged under, with the catalog judged the same way.
    rule_name = (own or {}).get("rule_name", "custom")
    table_ = cache.status_table(page.key, None, rule_name)
    rule = rule_for_month(scenario, scenario.what_if_from) if rule_name == "custom" else lib.get_rule(rule_name)
    with chart_slot:
        title = rule.title if rule is not None else "no rule"
        when = f"from {month_name(scenario.what_if_from)}" if rule_name == "custom" else "(your chip's rule)"
        st.markdown(f"**Catalog chips {when} — {md(title)}**")
        figure = cache.rule_chart(page.key, rule_name, tuple(sorted((own or {}).items())), is_phone())
        show_chart(figure, "chart_rule")
        missing_tpp = table_[table_["tpp"].isna()]["chip"].tolist()
        notes = ["Grey strip: chips whose die area is unknown, so they have no density."]
        if missing_tpp:
            notes.append(f"At its left end: {', '.join(missing_tpp)} (TPP not published).")
        # Some prongs are not lines on this chart (is-informed letters, the case-by-case window, interconnect).
        undrawn = table_[~table_["prong"].isin(DRAWN_PRONGS) & (table_["status"] != "not-controlled")]
        if len(undrawn):
            notes.append("Decided by a line the chart does not draw: " + "; ".join(
                f"{chip} ({PRONG_LABELS.get(prong, prong)})" for chip, prong in zip(undrawn["chip"], undrawn["prong"])) + ".")
        unlabelled = (figure.layout.meta or {}).get("unlabelled", [])
        if unlabelled:
            notes.append(f"Not labelled for space (hover a point): {', '.join(unlabelled)}.")
        lead, detail = lead_and_detail(" ".join(notes))
        st.caption(md(lead))
        if detail:
            with st.expander("Why?", key="why_rule_chart"):
                st.caption(md(detail))
    if own:  # the verdict in a line; the reason and the numbers one click away
        lead, detail = lead_and_detail(f"Your chip: {own['text']}")
        st.markdown(md(lead))
        if detail:
            with st.expander("Why?", key="why_own_chip"):
                st.markdown(md(detail))
    shown = table_.rename(columns={"chip": "Chip", "vendor": "Vendor", "origin": "Origin", "status": "Status",
                                   "eccn": "ECCN", "prong": "Deciding prong", "reason": "Reason", "access": "Access",
                                   "us_commercial": "Sold in the US", "china_halt": "China halt", "tpp": "TPP",
                                   "density": "PD [TPP/mm²]", "memory_bandwidth_gbps": "Memory bandwidth [GB/s]",
                                   "interconnect_gbps": "Interconnect [GB/s]", "training_h100e": "Training H100e",
                                   "inference_h100e": "Inference H100e", "price_usd": "Price [USD]",
                                   "confidence": "Confidence", "unverified": "Unverified figure", "source": "Source",
                                   "datacenter": "Datacenter"})
    shown["Status"] = [STATUS_LABELS.get(s, s) + (" (domestic: rule n/a)" if origin == "domestic" else "")
                       for s, origin in zip(shown["Status"], shown["Origin"])]
    shown["ECCN"] = shown["ECCN"].fillna("—").replace("", "—")
    first = ["Chip", "Status", "Deciding prong", "Reason", "Access"]
    shown = shown[first + [c for c in shown.columns if c not in first]]
    shown["Deciding prong"] = shown["Deciding prong"].map(lambda p: PRONG_LABELS.get(p, p))
    # A phone gets a card per chip with the verdict and the figures the rule reads (the caption says so).
    table(shown[first + ["TPP", "PD [TPP/mm²]", "Memory bandwidth [GB/s]", "Training H100e", "Source"]]
          if is_phone() else shown, "table_rule", column_config={
        "TPP": st.column_config.NumberColumn(format="%,.0f"),
        "Memory bandwidth [GB/s]": st.column_config.NumberColumn(format="%,.0f"),
        "Interconnect [GB/s]": st.column_config.NumberColumn(format="%,.0f"), "PD [TPP/mm²]": st.column_config.NumberColumn(format="%.2f"),
        "Training H100e": st.column_config.NumberColumn(format="%.2f"),
        "Inference H100e": st.column_config.NumberColumn(format="%.2f"),
        "Price [USD]": st.column_config.NumberColumn(format="$%,.0f")})
    sources_below(shown)
    note(f"{compact(len(shown))} chips{' (a wider screen shows every column)' if is_phone() else ''}. 'Unverified "
         "figure' marks a figure recalled without a source at hand.",
         "Status names: 'licence (NAC)' is 3A090.b, or 3A090.a for a non-datacenter chip, eligible for License "
         "Exception NAC; the model grants it at the approval share, like case-by-case review.", key="why_chip_table")

    _gates(page)
    _ledger(page)


def _gates(page: Page) -> None:
    scenario = page.scenario
    month = f"{scenario.reading_year}-12"
    st.markdown(f"**Both gates, {month_name(month)}: what the US allows and what China lets in**")
    gates = lib.model.gate_table(scenario, month).rename(columns={
        "chip": "Chip", "us_access": "US: access", "us_approval_share": "US: approval share",
        "fee_share": "US: fee on the price", "china_accepts_share": "China: share let in",
        "china_gate_lever": "China: measure (lever)"})
    gates["China: measure (lever)"] = gates["China: measure (lever)"].map(lambda n: lib.LEVERS[n].label if n in lib.LEVERS else n)
    for column in ("US: approval share", "US: fee on the price", "China: share let in"):  # none: "—", not "None"
        gates[column] = [cell_text(v, SHARE_FORMAT) or "—" for v in gates[column]]
    table(gates, "table_gates")
    st.caption("A chip arrives only through both gates: licensed (or free) on the US side, then let in by China's. "
               "What China refuses may turn to a chip of another family; what the US denies leaks once, at the leakage share.")


def _ledger(page: Page) -> None:
    st.markdown("**The ledger: every dated event, 2022–2028**")
    frame = lib.events.table()
    show_chart(charts.events_figure(frame, height=260 if is_phone() else 300), "chart_events")
    with st.expander("The events as a table, with what each changes in the model", key="events_table"):
        shown = frame.rename(columns={"date": "Date", "kind": "Kind", "event": "Event", "changes": "Changes in the model",
                                      "modelled": "Modelled", "source": "Source"})
        table(shown, "table_events")
        sources_below(shown, fold=False)
