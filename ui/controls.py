"""The controls: the preset, the rules and timing, every lever with its named bands, display choices, upload.

Each control's value lives in ``st.session_state`` under its key (seeded from the link by ``ui.link``), so
these functions only draw widgets. Basic levers sit beside the headline chart (so a lever and a chart are
seen together, on a phone too); advanced and expert levers sit in the sidebar.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import streamlit as st

import lib
from lib import link
from lib.format import compact, number
from lib.levers import LEVERS, RULES_GROUP, Lever
from lib.scenario import NEVER, RULE_VINTAGE_CHOICES, baseline_path, source_comments

from . import cache
from .link import SAMPLE_CHOICES, apply_values, base_values
from .text import md, with_sources

COLOUR_CHOICES = {"neutral": "neutral (grey)", "capability": "more compute in green",
                  "controls": "tighter controls in green"}
MAX_UPLOAD_MB = 1


# ---- named bands ------------------------------------------------------------------------------

def band_text(lever: Lever, value: float) -> str:
    """Where the value sits among the lever's named reference points (En-ROADS style)."""
    name = lever.band(value)
    if name:
        return f"= {name}"
    points = sorted(lever.reference_points)
    below = [p for p in points if p[0] < value]
    above = [p for p in points if p[0] > value]
    fmt = lambda p: f"{p[1]} ({number(p[0], lever.unit)})"  # noqa: E731
    if below and above:
        return f"between {fmt(below[-1])} and {fmt(above[0])}"
    if above:
        return f"below {fmt(above[0])}"
    if below:
        return f"above {fmt(below[-1])}"
    return ""


def _format(lever: Lever):
    return lambda x: number(x, lever.unit) if lever.unit.startswith(("USD", "FLOP")) else compact(x)


@st.cache_resource(max_entries=16, show_spinner=False)
def lever_sources(preset: str) -> dict:
    """Lever → the source comment of its value in the preset file, else in the baseline."""
    presets = lib.list_presets()
    comments = source_comments(baseline_path())
    if preset in presets:
        comments.update(source_comments(presets[preset]))
    return comments


_UNIT_TAG = re.compile(r"^\s*\[[^\]]*\]\s*")  # a source comment's leading "[unit]", shown beside the label already


def lever_widget(lever: Lever, container, sources: dict, disabled: bool = False) -> None:
    refs = " · ".join(f"{number(v, lever.unit)} {name}" for v, name in lever.reference_points)
    help_text = with_sources(f"{lever.help}\n\nAllowed: {lever.allowed()}. Named points: {refs}.\n\n"
                             f"This preset's value: {_UNIT_TAG.sub('', sources.get(lever.name, 'see the baseline file'))}")
    label = f"{lever.label} [{lever.unit}]"
    value = st.session_state[lever.name]
    if lever.unit == "switch 0/1":  # a yes/no decision: two choices, not a slider
        container.radio(lever.label, [0, 1], key=lever.name, help=help_text, horizontal=True,
                        format_func=lambda x: "allowed" if x else "no", disabled=disabled)
        return
    if lever.log_scale:
        options = sorted(set(cache.log_options()[lever.name]) | {float(value)})
        container.select_slider(label, options=options, key=lever.name, help=help_text, format_func=_format(lever),
                                disabled=disabled)
    elif lever.integer:
        container.slider(label, int(lever.minimum), int(lever.maximum), step=int(lever.step), key=lever.name,
                         help=help_text, disabled=disabled)
    else:
        decimals = max(0, -math.floor(math.log10(lever.step))) if lever.step < 1 else 0
        container.slider(label, float(lever.minimum), float(lever.maximum), step=float(lever.step), key=lever.name,
                         help=help_text, disabled=disabled, format=f"%.{decimals}f")
    if disabled:  # greyed out: say why rather than name a line that does not apply
        container.caption("The Oct 2022 rule has no density prong, so this line does not apply.")
        return
    container.caption(md(band_text(lever, float(st.session_state[lever.name]))))


# Per foreign SKU in question, the US licence beside China's acceptance (the live question is one move away).
GATE_ROWS = ((("us_allows_h200",), "china_accepts_hopper"), (("us_allows_b30a", "us_allows_b300"), "china_accepts_blackwell"))
CASE_BY_CASE_LINES = ("case_by_case_tpp_below", "case_by_case_bandwidth_below")


def case_by_case_in_force(scenario) -> bool:
    """The rule the scenario applies at the end of its reading year has the Jan 2026 case-by-case window."""
    rule = lib.model.rule_for_month(scenario, f"{scenario.reading_year}-12")
    return bool(rule and rule.case_by_case_tpp_below)


def promoted(scenario) -> tuple:
    """Advanced levers shown with the basic ones for this scenario: the case-by-case lines where they are in force."""
    return CASE_BY_CASE_LINES if case_by_case_in_force(scenario) else ()


def basic_levers(container, preset: str, vintage: str, scenario=None) -> None:
    """The basic levers beside the headline chart: the US licence and China's gate side by side, then each group,
    with the rule's lines in the order that acts under the rule in force at the reading year."""
    sources = lever_sources(preset)
    container.markdown("**US licence · China's gate**")
    for us_levers, gate_lever in GATE_ROWS:
        left, right = container.columns(2, gap="small")
        for name in us_levers:
            lever_widget(LEVERS[name], left, sources)
        lever_widget(LEVERS[gate_lever], right, sources)
    shown = {name for names, gate in GATE_ROWS for name in (*names, gate)}
    extra = promoted(scenario) if scenario is not None else ()
    rule_levers = [*extra, *(n for n, lever in LEVERS.items() if lever.group == RULES_GROUP and lever.tier == "basic")]
    if extra:
        container.caption("The Jan 2026 case-by-case window is in force: its lines come first.")
    group = None
    for lever in LEVERS.values():
        if lever.tier != "basic" or lever.name in shown or lever.group == RULES_GROUP:
            continue
        if lever.group != group:
            group = lever.group
            container.markdown(f"**{md(group)}**")
        lever_widget(lever, container, sources)
    container.markdown(f"**{md(RULES_GROUP)}**")
    for name in rule_levers:
        lever_widget(LEVERS[name], container, sources,
                     disabled=name == "density_threshold" and vintage == "oct-2022")


# ---- the sidebar ------------------------------------------------------------------------------

def on_preset_change() -> None:
    st.session_state["custom"] = ""
    st.session_state["notices"] = []
    base = link.base_scenario(st.session_state["preset"])
    st.session_state["scenario_notices"] = list(base.notices)
    apply_values(base_values(base, cache.log_options()))


def on_reset() -> None:
    base = link.base_scenario(st.session_state["preset"], st.session_state.get("custom", ""))
    apply_values(base_values(base, cache.log_options()))


def read_pins(texts, custom: str) -> tuple[list, list]:
    """Pins from a file (self-contained, as the session keeps them), each through the link's gate
    (``lib.link.decode_pin``): (the good ones; a notice per bad one)."""
    pins, notices = [], []
    for number, text in enumerate(texts, start=1):
        try:
            pins.append(link.encode_pin(link.decode_pin(text)))
        except lib.ScenarioError as exc:
            notices.append(f"The file's pin #{number} was left out: {exc}")
    return pins, notices


def on_upload() -> None:
    st.session_state["upload_error"] = st.session_state["upload_ok"] = ""
    file = st.session_state.get("upload")
    if file is None:
        return
    try:
        table, pin_texts = lib.scenario.split_export(lib.scenario.parse_scenario_text(file.getvalue(), file.name),
                                                     file.name)
        scenario = lib.load_scenario(table)
        custom = link.encode_custom(scenario)
        base = link.base_scenario(st.session_state["preset"], custom)
    except lib.ScenarioError as exc:
        st.session_state["upload_error"] = f"Not loaded; your current scenario is unchanged. {exc}"
        return
    pins, pin_notices = read_pins(pin_texts, custom)
    st.session_state["custom"] = custom
    st.session_state["scenario_notices"] = list(scenario.notices) + pin_notices
    if pin_texts:  # a file that carries pins brings them back; one without leaves the reader's pins alone
        st.session_state["pins"] = pins
    apply_values(base_values(base, cache.log_options()))
    apply_values({name: scenario.lever(name) for name in LEVERS})
    st.session_state["upload_ok"] = f"Loaded: {scenario.name}"


def sidebar(base: lib.Scenario) -> dict:
    """Preset, rules and timing, advanced and expert levers, display choices, upload. Returns display choices."""
    sb = st.sidebar
    sb.title("Chokepoint")
    sb.caption("What if the US changed its AI-chip export rules? Move a lever; every chart redraws.")
    names = cache.preset_names()
    sb.selectbox("Preset scenario", list(names), key="preset", on_change=on_preset_change, format_func=names.get,
                 help="Each preset is a file in scenarios/: the baseline plus a few changes, each with a source.")
    sb.button("Reset to the preset", key="reset", on_click=on_reset, width="stretch")
    # Always one element here, so an upload does not shift (and remount, closing) the upload box below.
    notice = sb.empty()
    if st.session_state.get("custom"):
        notice.info("Using an uploaded scenario's chips and stock. Pick a preset to leave it.")

    sb.subheader("Rules and timing")
    sb.selectbox("Rule vintage", RULE_VINTAGE_CHOICES, key="rule_vintage",
                 format_func=lambda n: "Real timeline" if n == "timeline" else f"{lib.RULES[n].title.split(':')[0]} rule",
                 help="Which rule clauses the what-if rule keeps: the real timeline (the rule in force each month), "
                      "or one vintage for good: " + "; ".join(r.title for r in lib.RULES.values()) + ".")
    months = [str(m) for m in pd.period_range(base.start, base.horizon, freq="M")]
    if st.session_state.get("what_if_from") not in months:
        st.session_state["what_if_from"] = base.what_if_from
    sb.select_slider("What-if rule applies from", options=months, key="what_if_from",
                     help="Before this month the real rules apply; from it, the lever lines.")
    hbm_months = [NEVER, *[str(m) for m in pd.period_range(lib.scenario.EARLIEST, lib.scenario.LATEST, freq="M")]]
    if st.session_state.get("hbm_control_from") not in hbm_months:
        st.session_state["hbm_control_from"] = base.hbm_control_from
    sb.select_slider("HBM export control from", options=hbm_months, key="hbm_control_from",
                     format_func=lambda m: "never" if m == NEVER else ("Dec 2024 (real)" if m == "2024-12" else m),
                     help=with_sources("Standalone HBM to China is controlled from this month (89 FR 96790, Dec 2024 "
                                       "[K9]); stacks bought before it form the stockpile, with the front-running "
                                       "surge in the month before [K8]. 'never' keeps imports flowing."))
    years = list(range(int(base.start[:4]), int(base.horizon[:4]) + 1))
    if st.session_state.get("reading_year") not in years:
        st.session_state["reading_year"] = base.reading_year
    sb.select_slider("Reading year (gap, fleet)", options=years, key="reading_year",
                     help="The year the headline reads the frontier gap and the fleet at.")

    sources = lever_sources(st.session_state["preset"])
    beside_chart = promoted(base)
    with sb.expander("Advanced levers"):
        for lever in LEVERS.values():
            if lever.tier == "advanced" and lever.name not in beside_chart:
                lever_widget(lever, st, sources,
                             disabled=lever.name == "density_threshold" and st.session_state["rule_vintage"] == "oct-2022")
    with sb.expander("Expert assumptions"):
        for lever in LEVERS.values():
            if lever.tier == "expert":
                lever_widget(lever, st, sources)

    sb.subheader("Display")
    if st.session_state.get("samples") not in SAMPLE_CHOICES:
        st.session_state["samples"] = 0
    sb.select_slider("Monte Carlo samples (fans)", SAMPLE_CHOICES, key="samples",
                     format_func=lambda n: "off" if n == 0 else f"{n:,}",
                     help=f"Draw the uncertain levers this many times and show p10–p90 fans (at most "
                          f"{cache.MAX_APP_SAMPLES:,} on this page; the CLI allows more).")
    show_evidence = sb.toggle("Show outside estimates on the charts", value=True, key="show_evidence")
    colours = sb.radio("Colour changes", list(COLOUR_CHOICES), key="colours", format_func=COLOUR_CHOICES.get,
                       help="Deltas are neutral grey by default; the tool serves both sides of the debate.")
    with sb.expander("Upload a scenario file"):
        st.file_uploader(f"Scenario (.toml or .json, at most {MAX_UPLOAD_MB} MB)", type=["toml", "json"],
                         key="upload", on_change=on_upload, max_upload_size=MAX_UPLOAD_MB)
        if st.session_state.get("upload_error"):
            st.error(md(st.session_state["upload_error"]))
        elif st.session_state.get("upload_ok"):
            st.success(md(st.session_state["upload_ok"]))
    sb.caption(f"Model version {lib.MODEL_VERSION}. The address bar always holds the whole scenario.")
    return {"show_evidence": show_evidence, "colours": colours}
