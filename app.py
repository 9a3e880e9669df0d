"""Chokepoint: a what-if explorer for AI-chip export controls on China.

The pipeline: link → controls → scenario → cached ``lib.run`` → the story and the chosen view. The link, the
controls, the caches and each view live in ``ui/``; all arithmetic lives in ``lib``.
"""

from __future__ import annotations

import streamlit as st

from lib import link as links
from ui import cache, controls, style
from ui import link as page_link
from ui.context import Page
from ui.text import md
from ui.views import (about, analyses, channels, compare, evidence, projection, rules, share, sources, story,
                      uncertainty)

st.set_page_config(page_title="Chokepoint: AI-chip export-control explorer", page_icon="🔒", layout="wide",
                   initial_sidebar_state="auto")
style.apply()

VIEWS = {"Projection": projection, "Channels & domestic": channels, "Uncertainty": uncertainty,
         "Export rule": rules, "Compare": compare, "Evidence": evidence, "Analyses": analyses, "Share & brief": share,
         "Sources & assumptions": sources, "About": about}


NOTICES_SHOWN = 3  # more than this go into an expander, so a junk link never buries the page


def show_notices(key: tuple) -> None:
    """The link's notices until the reader changes the scenario (they then describe a link no longer shown);
    the loaded scenario's own notices stay."""
    ss = st.session_state
    ss.setdefault("_notice_key", key)
    if ss["_notice_key"] != key:
        ss["notices"] = []
    # Notices that change what is shown (a value clamped or replaced) first; those about ignored input after.
    notices = sorted(ss.get("notices", []) + ss.get("scenario_notices", []),
                     key=lambda text: 0 if ("; used " in text or "Showing" in text) else 1)
    # One container, so that notices going away do not shift (and remount) the widgets below them.
    with st.container(key="notices"):
        for notice in notices[:NOTICES_SHOWN]:
            st.warning(md(notice), icon="⚠️")
        if len(notices) > NOTICES_SHOWN:
            more = len(notices) - NOTICES_SHOWN
            with st.expander(f"{more} more notice{'s' * (more != 1)} about this link", key="more_notices"):
                for notice in notices[NOTICES_SHOWN:]:
                    st.markdown(f"- {md(notice)}")


def main() -> None:
    page_link.read_once()
    controls.read_missed_upload()
    key = page_link.current_key()
    show_notices(key)
    display = controls.sidebar(links.base_scenario(key[0], key[1]))
    key = page_link.current_key()  # the sidebar's callbacks may have changed the scenario
    scenario = cache.scenario_for(key)
    result, reference = cache.result(key), cache.reference(key)
    reference_name = reference.scenario.name if cache.reference_name(key[0], key[1]) else "its own values"
    samples = min(int(st.session_state.get("samples", 0)), cache.MAX_APP_SAMPLES)
    view = st.session_state.get("view") or page_link.DEFAULT_VIEW
    query = page_link.write(key, view, samples, st.session_state.get("pins", []))
    page = Page(key=key, scenario=scenario, result=result, reference=reference, reference_name=reference_name,
                samples=samples, show_evidence=display["show_evidence"], colours=display["colours"], query=query)

    story.render(page, st.session_state["rule_vintage"])
    st.segmented_control("View", list(VIEWS), key="view", label_visibility="collapsed")
    chosen = st.session_state.get("view") or page_link.DEFAULT_VIEW
    VIEWS[chosen].render(page)


main()
