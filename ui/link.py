"""The link on the page: read once when a session starts, written back after every change.

Encoding and decoding live in ``lib.link``; this module only moves values between the address bar and
``st.session_state``. Every control's value sits in the session state under the control's key, so the
scenario can be computed before the controls are drawn.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import lib
from lib import link
from lib.levers import LEVERS

from .text import md

VIEWS = ("Projection", "Channels & domestic", "Uncertainty", "Export rule", "Compare", "Evidence", "Analyses", "Share & brief",
         "Sources & assumptions", "About")
SAMPLE_CHOICES = (0, 200, 1_000, 5_000)
DEFAULT_VIEW = VIEWS[0]
FIELD_KEYS = link.FIELDS


def query_dict() -> dict:
    params = st.query_params
    return {key: params.get_all(key) for key in params.keys()}


def base_values(scenario: lib.Scenario) -> dict:
    values = {name: lever.on_step(scenario.lever(name)) for name, lever in LEVERS.items()}  # as the controls hold them
    values.update({key: getattr(scenario, key) for key in FIELD_KEYS})
    return values


def apply_values(values: dict) -> None:
    for key, value in values.items():
        lever = LEVERS.get(key)
        st.session_state[key] = int(value) if lever is not None and lever.integer else value


def read_once() -> None:
    """On a session's first run, seed every control from the link, with a notice for each bad value."""
    if st.session_state.get("_initialised"):
        return
    st.session_state["_initialised"] = True
    try:
        params = query_dict()
        link.check_length(params)
        state, notices = link.parse_params(params, views=VIEWS, sample_choices=SAMPLE_CHOICES)
    except lib.ScenarioError as exc:  # a link too long to read at all
        state, notices = link.LinkState(), [str(exc)]
    base = link.base_scenario(state.preset, state.custom)
    values = base_values(base)
    values.update(state.levers)  # already on the sliders' steps (lib.link reads them as the controls hold them)
    values.update(dict(state.fields))
    st.session_state.update(preset=state.preset, custom=state.custom, view=state.view or DEFAULT_VIEW,
                            samples=state.samples, pins=list(state.pins), notices=notices,
                            scenario_notices=list(base.notices))
    apply_values(values)


def current_key() -> tuple:
    """The scenario key of the controls' current values: only what differs from the base scenario."""
    ss = st.session_state
    preset, custom = ss["preset"], ss.get("custom", "")
    base = link.base_scenario(preset, custom)
    levers = tuple((name, float(ss[name])) for name in LEVERS if float(ss[name]) != base.lever(name))
    fields = tuple((key, ss[key]) for key in FIELD_KEYS if ss[key] != getattr(base, key))
    return preset, custom, levers, fields


def base_url() -> str:
    """The page's address without its query ('https://host/path'), as a shared link starts."""
    url = st.context.url or ""
    return url.split("?")[0].rstrip("/") or "http://localhost:8501"


def write(key: tuple, view: str, samples: int, pins: list) -> str:
    """Put the scenario, the view, the sample count and the pins in the address bar; return the query to share
    ("" when the scenario cannot travel in a link).

    Both are cut to what a link can carry (``lib.link.fit``): the app never writes a link longer than it reads. What
    was left out is said in ``st.session_state["link_notice"]``, shown by the Share view with the scenario file.
    The shared query leaves the view out: it is copied from the Share view, and its reader should land on the story.
    """
    preset, custom, levers, fields = key
    state = link.LinkState(preset=preset, custom=custom, levers=levers, fields=fields, view=view, samples=samples,
                           pins=tuple(pins))
    fitted = link.fit(state, room=len(base_url()) + 2, default_view=DEFAULT_VIEW, default_samples=0)
    if fitted.notice and fitted.notice != st.session_state.get("link_notice"):
        st.toast(md(fitted.notice), icon="⚠️")  # said once, whatever the view; the Share view keeps saying it
    st.session_state["link_notice"] = fitted.notice
    params = fitted.params
    if query_dict() != {k: v if isinstance(v, list) else [v] for k, v in params.items()}:
        st.query_params.from_dict(params)
    if not fitted.query:
        return ""
    return link.to_query(replace(fitted.state, view=DEFAULT_VIEW), default_view=DEFAULT_VIEW, default_samples=0)
