"""The lever panel (ui/lever_panel): what it sends the browser, what it accepts back, and its page in AppTest.

AppTest cannot move a custom component, so a drag's round trip is tested in the browser
(test_browser_levers.py); here the data, the checks on what the browser sends, and the commit's effect.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import lib
from lib import link
from lib import sweep as lib_sweep
from lib.levers import LEVERS
from ui import lever_panel as panel

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "bench" / "lever_panel_demo.py"
PACKAGE = ROOT / "ui" / "lever_panel"


def demo(**params) -> AppTest:
    at = AppTest.from_file(str(DEMO), default_timeout=60)
    for name, value in {"preset": "china-2026", **params}.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception
    return at


def data_of(at: AppTest) -> dict:
    (element,) = at.get("bidi_component")
    assert element.proto.component_name == panel.COMPONENT_NAME
    return json.loads(element.proto.json)


# ---- which levers, in which order, drawn how ------------------------------------------------------------

def test_the_panel_holds_the_basic_levers_in_the_storys_order(china):
    names = panel.basic_section(china)
    assert set(names) >= {n for n, lever in LEVERS.items() if lever.tier == "basic"}
    assert names[:5] == ("us_allows_h200", "china_accepts_hopper", "us_allows_b30a", "us_allows_b300",
                         "china_accepts_blackwell")
    assert names[-2:] == ("tpp_threshold", "density_threshold")  # the rule's lines last
    assert names.index("case_by_case_tpp_below") < names.index("tpp_threshold")  # in force in 2027: promoted


@pytest.mark.parametrize("preset", lib.list_presets())
def test_every_lever_is_in_the_panel_once_the_basic_section_first(preset):
    scenario = lib.load_scenario(preset)
    names, first = panel.panel_levers(scenario), panel.basic_section(scenario)
    opened = panel.open_section(scenario)
    assert sorted(names) == sorted(LEVERS) and len(names) == len(set(names))  # one panel: all 63, once each
    # The open levers, then the other basic levers ("More basic levers"), each in the story's order.
    assert names[:len(opened)] == opened and set(names[:len(first)]) == set(first)
    assert names[len(opened):len(first)] == tuple(n for n in first if n not in opened)
    assert opened[:5] == first[:5] and {"leakage", "tpp_threshold", "training_substitution"} <= set(opened)
    tiers = [LEVERS[n].tier for n in names[len(first):]]
    assert tiers == sorted(tiers, key=("advanced", "expert").index)  # advanced, then expert
    for tier in ("advanced", "expert"):  # each group's levers together: a heading once per tier
        groups = [LEVERS[n].group for n in names[len(first):] if LEVERS[n].tier == tier]
        assert len(list(dict.fromkeys(groups))) == len([g for g, h in zip(groups, [None, *groups]) if g != h])


def test_each_lever_says_where_its_value_comes_from_with_linked_sources():
    for name in LEVERS:
        about = panel.about(name, "china-2026")
        assert about["text"] and about["allowed"].startswith("Allowed:") and about["value"].startswith("This preset")
        assert all(lib.sources.load_sources()[k].url.startswith(("https://", "http://")) for k in about["sources"])
    assert panel.about("leakage", "china-2026")["sources"][:2] == ["K102", "K19"]


@pytest.mark.parametrize("name", [n for n, lever in LEVERS.items() if lever.tier == "basic"])
def test_named_points_are_zones_that_tile_the_track(name):
    spec = panel._static_spec(name)
    zones = spec["zones"]
    assert [z["name"] for z in zones] == [text for _, text in sorted(LEVERS[name].reference_points)]
    assert zones[0]["start"] == 0 and zones[-1]["end"] == 1
    assert all(a["end"] == b["start"] for a, b in zip(zones, zones[1:]))
    assert all(z["start"] < z["end"] for z in zones)


def test_log_levers_and_switches_are_sliders_over_their_options():
    remote = panel._static_spec("remote_access")
    assert remote["kind"] == "options" and remote["options"] == list(panel.positions(LEVERS["remote_access"]))
    assert remote["texts"][remote["options"].index(18_000)] == "18k"
    switch = panel._static_spec("us_allows_h200")
    assert switch["options"] == [0.0, 1.0] and switch["texts"] == ["no", "allowed"]
    leakage = panel._static_spec("leakage")
    assert leakage["kind"] == "linear" and leakage["step"] == 0.01 and leakage["decimals"] == 2


def test_a_range_does_not_depend_on_its_own_levers_value():
    key = ("china-2026", "", (("leakage", 0.5),), ())
    moved = ("china-2026", "", (("leakage", 0.6),), ())
    other = ("china-2026", "", (("leakage", 0.5), ("approval_share", 0.3)), ())
    assert panel.token(key, "leakage") == panel.token(moved, "leakage")      # after a release: still ready
    assert panel.token(key, "approval_share") != panel.token(moved, "approval_share")
    assert panel.token(key, "leakage") != panel.token(other, "leakage")


# ---- what the browser sends back ----------------------------------------------------------------------

NAMES = ("leakage", "tpp_threshold", "us_allows_h200", "remote_access", "lifetime_years")


@pytest.mark.parametrize("event, expected", [
    ({"lever": "leakage", "value": 0.5}, ("leakage", 0.5)),
    ({"lever": "leakage", "value": 0.123456}, ("leakage", 0.12)),        # onto the slider's step
    ({"lever": "leakage", "value": 7}, ("leakage", 1.0)),                # clamped to the range
    ({"lever": "tpp_threshold", "value": 4_849}, ("tpp_threshold", 4_800.0)),
    ({"lever": "us_allows_h200", "value": 0.7}, ("us_allows_h200", 1.0)),  # a switch is 0 or 1
    ({"lever": "remote_access", "value": 18_000}, ("remote_access", 18_000.0)),
    ({"lever": "lifetime_years", "value": 5.3}, ("lifetime_years", 5.5)),
])
def test_a_release_commits_a_value_the_control_can_hold(event, expected):
    assert panel.committed_value(event, NAMES) == expected


@pytest.mark.parametrize("event", [
    None, "leakage", {"lever": "mfu", "value": 0.5},                      # a lever the panel does not show
    {"lever": "leakage"}, {"lever": "leakage", "value": "0.5"}, {"lever": "leakage", "value": True},
    {"lever": "leakage", "value": math.nan}, {"lever": "leakage", "value": math.inf},
    {"lever": "<img src=x onerror=alert(1)>", "value": 1},
])
def test_anything_else_from_the_browser_is_ignored(event):
    assert panel.committed_value(event, NAMES) is None


# ---- the data sent: levers, values and ranges ------------------------------------------------------------

def test_the_panel_mounts_with_the_links_values_and_no_range_until_touched():
    at = demo(leakage="0.5", us_allows_h200="1")
    data = data_of(at)
    values = {spec["name"]: spec["value"] for spec in data["levers"]}
    assert values["leakage"] == 0.5 and values["us_allows_h200"] == 1.0
    assert [spec["name"] for spec in data["levers"]] == list(panel.panel_levers(lib.load_scenario("china-2026")))
    assert data["ranges"] == {}
    assert len(json.dumps(data)) < 100_000  # every run sends the 63 levers' specs and notes (86 kB measured)


def test_a_touch_sends_that_levers_range_for_the_current_scenario():
    at = demo()
    spec = next(s for s in data_of(at)["levers"] if s["name"] == "leakage")
    at.session_state[panel._REQUESTED] = {"leakage": spec["token"], "approval_share": "stale-token"}
    at.run()
    ranges = data_of(at)["ranges"]
    assert list(ranges) == ["leakage"] and ranges["leakage"]["token"] == spec["token"]
    sent = ranges["leakage"]
    assert sent["values"] == list(lib_sweep.grid(LEVERS["leakage"]))
    assert len(json.dumps(sent, separators=(",", ":"))) <= 200_000


def test_the_range_figures_are_the_exact_runs_figures_at_every_value():
    """The texts the browser shows at each precomputed value are those the page shows after lib.run there."""
    from ui import cache
    from ui.views.story import headline_keys

    key = ("baidu-2023", "", (), ())
    sent = panel.range_payload(panel.range_key(key, "approval_share"), "approval_share")
    scenario = lib.load_scenario("baidu-2023")
    reference = cache.reference(key)
    keys = headline_keys(scenario)
    assert sent["figures"]["keys"] == list(keys)
    for i, value in enumerate(sent["values"]):
        exact = lib.run(scenario.with_levers(approval_share=value))
        texts = panel.figure_texts(keys, exact.summary, reference.summary, len(exact.capability))
        assert sent["figures"]["values"][i] == [v for v, _ in texts], value
        assert sent["figures"]["changes"][i] == [c for _, c in texts], value
        assert sent["summary"]["runway_months"][i] == exact.summary["runway_months"]


def test_a_commit_sets_the_lever_and_the_page_shows_a_direct_run():
    """The commit callback's effect: the lever's value in the session state, then the page's figures are
    lib.run's at that value (the browser test checks the same after a real release)."""
    script = AppTest.from_function(_commit_script, default_timeout=60)
    script.query_params["preset"] = "china-2026"
    script.run()
    assert not script.exception
    assert script.session_state["leakage"] == 0.61
    assert script.session_state[panel._LAST_COMMIT] == ("leakage", 0.61)
    at = demo()
    at.session_state["leakage"] = 0.61
    at.run()
    exact = lib.run(lib.load_scenario("china-2026").with_levers(leakage=0.61))
    reference = lib.run(lib.load_scenario(lib.compare.reference_name(exact.scenario)))
    from ui.views.story import headline_keys

    texts = panel.figure_texts(headline_keys(exact.scenario), exact.summary, reference.summary, len(exact.capability))
    assert [m.value for m in at.metric] == [v for v, _ in texts]
    assert next(s for s in data_of(at)["levers"] if s["name"] == "leakage")["value"] == 0.61


def _commit_script():
    import streamlit as st

    from ui import lever_panel

    st.session_state["probe"] = {"commit": {"lever": "leakage", "value": 0.61}}
    lever_panel._on_commit("probe", ("leakage",))


def test_a_touch_callback_keeps_a_few_requests_and_ignores_junk():
    script = AppTest.from_function(_touch_script, default_timeout=60)
    script.run()
    assert not script.exception
    requested = script.session_state[panel._REQUESTED]
    assert list(requested) == [f"lever_{i}" for i in range(10 - 2 * panel.RANGES_SENT, 10)]


def _touch_script():
    import streamlit as st

    from ui import lever_panel

    names = tuple(f"lever_{i}" for i in range(10))
    for event in [*({"lever": n, "token": "t"} for n in names), {"lever": "mfu", "token": "t"},
                  {"lever": "lever_1", "token": 5}, "junk"]:
        st.session_state["probe"] = {"touch": event}
        lever_panel._on_touch("probe", names)


# ---- safe by construction ----------------------------------------------------------------------------

def test_the_component_renders_text_only_as_text():
    js = (PACKAGE / "panel.js").read_text(encoding="utf-8")
    html = (PACKAGE / "panel.html").read_text(encoding="utf-8")
    for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                   "createContextualFragment", "javascript:", "fetch(", "XMLHttpRequest", "localStorage"):
        assert banned not in js, banned
    assert "<script" not in html.lower() and not re.search(r"\son\w+=", html)
    assert not re.search(r"setAttribute\(\s*[\"']on", js)       # no inline handlers from data
    assert js.count("textContent") >= 10


def test_user_text_never_reaches_the_component():
    """An uploaded scenario's name and description (user text) are not in the data the component gets."""
    hostile = "<img src=x onerror=alert(1)> Evil & co"
    scenario = lib.load_scenario("china-2026")
    custom = link.encode_custom(scenario.with_fields(name=hostile, description=hostile))
    at = AppTest.from_file(str(DEMO), default_timeout=60)
    at.query_params["preset"] = "china-2026"
    at.query_params["custom"] = custom
    at.run()
    assert not at.exception and at.session_state["custom"] == custom  # the upload is the scenario shown
    text = at.get("bidi_component")[0].proto.json
    assert "onerror" not in text and "Evil" not in text


def test_lib_sweep_is_the_only_model_the_panel_calls():
    source = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    assert "lib_sweep.sweep(" in source and "kernel" not in source
