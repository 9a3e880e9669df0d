"""The sidebar's controls: the preset, the rules and timing, display choices, upload; and what the lever panel
shares with them (the gate rows, the promoted lines, each lever's source comments).

Each control's value lives in ``st.session_state`` under its key (seeded from the link by ``ui.link``), so
these functions only draw widgets. Every lever sits in the lever panel beside the headline chart
(``ui.lever_panel``: basic levers open, advanced and expert ones one click away, a filter box); the sidebar holds
the preset, the rules and timing, the display and uploads.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

import lib
from lib import link
from lib.levers import LEVERS
from lib.scenario import NEVER, RULE_VINTAGE_CHOICES, baseline_path, source_comments

from . import cache
from .link import SAMPLE_CHOICES, apply_values, base_values
from .text import md, with_sources

COLOUR_CHOICES = {"neutral": "neutral (grey)", "capability": "more compute in green",
                  "controls": "tighter controls in green"}
MAX_UPLOAD_MB = 1


@st.cache_resource(max_entries=16, show_spinner=False)
def lever_sources(preset: str) -> dict:
    """Lever → the source comment of its value in the preset file, else in the baseline."""
    presets = lib.list_presets()
    comments = source_comments(baseline_path())
    if preset in presets:
        comments.update(source_comments(presets[preset]))
    return comments


_UNIT_TAG = re.compile(r"^\s*\[[^\]]*\]\s*")  # a source comment's leading "[unit]", shown beside the label already


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


# ---- the sidebar ------------------------------------------------------------------------------

def read_missed_upload() -> None:
    """Read a file whose callback a new session missed (see ``sidebar``): before the controls are drawn."""
    if st.session_state.pop(_UPLOAD_MISSED, False):
        on_upload()


def on_preset_change() -> None:
    st.session_state["custom"] = ""
    st.session_state["notices"] = []
    base = link.base_scenario(st.session_state["preset"])
    st.session_state["scenario_notices"] = list(base.notices)
    apply_values(base_values(base))


def on_reset() -> None:
    base = link.base_scenario(st.session_state["preset"], st.session_state.get("custom", ""))
    apply_values(base_values(base))


def read_pins(texts) -> tuple[list, list]:
    """Pins from a file (self-contained, as the session keeps them), each through the link's gate
    (``lib.link.decode_pin``): (the good ones; a notice per bad one)."""
    pins, notices = [], []
    for index, text in enumerate(texts, start=1):
        try:
            pins.append(link.encode_pin(link.decode_pin(text)))
        except lib.ScenarioError as exc:
            notices.append(f"The file's pin #{index} was left out: {exc}")
    return pins, notices


_UPLOAD_SEEN = "_upload_seen"      # session key: the file id on_upload last read
_UPLOAD_MISSED = "_upload_missed"  # session key: a file arrived without its callback; read it on the next run


def on_upload() -> None:
    st.session_state["upload_error"] = st.session_state["upload_ok"] = ""
    file = st.session_state.get("upload")
    st.session_state[_UPLOAD_SEEN] = getattr(file, "file_id", None)
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
    pins, pin_notices = read_pins(pin_texts)
    st.session_state["custom"] = custom
    st.session_state["scenario_notices"] = list(scenario.notices) + pin_notices
    if pin_texts:  # a file that carries pins brings them back; one without leaves the reader's pins alone
        st.session_state["pins"] = pins
    apply_values(base_values(base))
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

    sb.caption("Every lever, with advanced and expert ones one click away and a filter box, is in the lever "
               "panel beside the headline chart.")

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
        file = st.file_uploader(f"Scenario (.toml or .json, at most {MAX_UPLOAD_MB} MB)", type=["toml", "json"],
                                key="upload", on_change=on_upload, max_upload_size=MAX_UPLOAD_MB)
        if file is not None and getattr(file, "file_id", None) != st.session_state.get(_UPLOAD_SEEN):
            # A page that reconnected to a new server process (a restart) has a new session, which had not drawn
            # the uploader yet, so the file came without its callback. Read it on a run of its own, before any
            # control is drawn (reading it sets their values).
            st.session_state[_UPLOAD_MISSED] = True
            st.rerun()
        if st.session_state.get("upload_error"):
            st.error(md(st.session_state["upload_error"]))
        elif st.session_state.get("upload_ok"):
            st.success(md(st.session_state["upload_ok"]))
    sb.caption(f"Model version {lib.MODEL_VERSION}. The address bar always holds the whole scenario.")
    return {"show_evidence": show_evidence, "colours": colours}
