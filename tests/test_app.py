"""The app in Streamlit's AppTest: presets, URL seeding, live updates, bad links, uploads, the classifier form."""

import base64
import json
import zlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import lib

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def make(params=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def chart_specs(at) -> list:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


@pytest.fixture(scope="module")
def app():
    return make()


def test_default_renders(app):
    assert not app.exception
    assert len(app.get("plotly_chart")) == 3
    assert metrics(app)["Runway for the planned run"] == "19 months"
    assert not app.warning


@pytest.mark.parametrize("preset", sorted(lib.list_presets()))
def test_every_preset_renders(preset):
    at = make({"preset": preset})
    assert not at.exception and not at.warning
    runway = lib.run(lib.load_scenario(preset)).summary["runway_months"]
    assert metrics(at)["Runway for the planned run"].startswith(str(runway))


def test_preset_picker_resets_levers():
    at = make({"leakage": "0.5"})
    at.selectbox(key="preset").set_value("full-embargo").run()
    assert not at.exception
    assert at.slider(key="leakage").value == 0.0 and at.slider(key="tpp_threshold").value == 0.0


def test_url_seeds_levers_and_metrics(app):
    at = make({"leakage": "0.3", "tpp_threshold": "2300", "import_budget": "1000000000"})
    assert at.slider(key="leakage").value == 0.3
    assert at.slider(key="tpp_threshold").value == 2300
    assert at.select_slider(key="import_budget").value == 1e9
    assert metrics(at) != metrics(app)
    expected = lib.run(lib.load_scenario("baidu-2023", {"leakage": 0.3, "tpp_threshold": 2300, "import_budget": 1e9}))
    assert metrics(at)["Runway for the planned run"].startswith(str(expected.summary["runway_months"]))


def test_lever_change_updates_metric_chart_and_url(app):
    at = make()
    before_metrics, before_charts = metrics(at), chart_specs(at)
    at.slider(key="tpp_threshold").set_value(1_000).run()  # tighter than the H20's 2,368
    assert not at.exception
    assert metrics(at) != before_metrics
    assert chart_specs(at) != before_charts
    assert at.query_params["tpp_threshold"] in (["1000"], "1000")
    at.button(key="reset").click().run()
    assert at.slider(key="tpp_threshold").value == 4800 and metrics(at) == before_metrics


@pytest.mark.parametrize("params, fragment", [
    ({"leakage": "lots"}, "'leakage': 'lots' is not a number"),
    ({"tpp_threshold": "99999999"}, "'tpp_threshold': 99999999 is outside"),
    ({"leakage": "nan"}, "is not a number"),
    ({"leakage": "1e400"}, "is not a number"),
    ({"lifetime_years": "-3"}, "outside"),
    ({"preset": "nope"}, "'preset': 'nope' is unknown"),
    ({"v": "0.1"}, "model version 0.1"),
    ({"bogus": "1"}, "'bogus' is unknown"),
    ({"rule_vintage": "oct-2099"}, "'rule_vintage': 'oct-2099' is not allowed"),
    ({"what_if_from": "1999-01"}, "'what_if_from': '1999-01' is not allowed; allowed: 2023-11 to 2030-12"),
    ({"custom": "!!!notbase64"}, "damaged"),
    # a zip bomb: ~10 kB in the link, 5 MB of JSON once inflated; decompression stops at 300 kB
    ({"custom": base64.urlsafe_b64encode(zlib.compress(json.dumps({"name": "x" * 5_000_000}).encode())).decode()},
     "damaged"),
    ({"view": "Secret"}, "'view': 'Secret' is not allowed"),
    ({"samples": "7"}, "'samples': '7' is not allowed"),
    ({"leakage": ["0.1", "0.2"]}, "given 2 times"),
])
def test_bad_url_values_give_a_notice_and_keep_the_rest(params, fragment):
    at = make({**params, "demand_growth": "3"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert fragment in warnings
    assert at.slider(key="demand_growth").value == 3.0  # the rest of the link still applies


def test_samples_in_link_turn_on_fans_and_probabilities():
    at = make({"samples": "1000"})
    assert not at.exception and not at.warning
    assert any("P(runway < 12 months)" in c.value for c in at.caption)
    names = [t.get("name", "") for t in chart_specs(at)[0]["data"]]
    assert "largest run p10–p90" in names


def test_clamped_url_value_applies_the_limit():
    at = make({"tpp_threshold": "99999999"})
    assert at.slider(key="tpp_threshold").value == 50_000


@pytest.mark.parametrize("view", ["Uncertainty", "Export rule", "Compare", "Share & export", "Assumptions & sources",
                                  "About"])
def test_every_view_renders(view):
    at = make({"view": view})
    assert not at.exception and not at.warning


def test_classifier_form():
    at = make({"view": "Export rule"})
    at.number_input(key="form_tpp").set_value(4_992.0)
    at.number_input(key="form_area").set_value(826.0)
    at.number_input(key="form_interconnect").set_value(400.0)
    at.selectbox(key="form_rule").set_value("oct-2022")
    at.button(key="form_submit").click().run()
    assert not at.exception
    assert at.session_state["form_result"] == "not-controlled"  # the A800 loophole of Oct 2022
    at.selectbox(key="form_rule").set_value("oct-2023")
    at.button(key="form_submit").click().run()
    assert at.session_state["form_result"] == "controlled"
    assert any("3A090.a" in m.value and "TPP 4,992 ≥ 4,800" in m.value for m in at.markdown)


def test_upload_good_and_bad():
    at = make()
    before = metrics(at)
    bad = b"name = 'x'\n[levers]\nleakage = 7\n"
    at.get("file_uploader")[0].set_value(("bad.toml", bad, "application/toml"))
    at.run()
    assert not at.exception
    assert any("levers.leakage: 7 is out of range" in e.value for e in at.error)
    assert metrics(at) == before  # nothing the user had is lost
    good = lib.load_scenario("baidu-2023", {"leakage": 0.4}).with_fields(
        initial_stock={"A800": 60_000}, name="More A800s").to_toml().encode()
    at.get("file_uploader")[0].set_value(("good.toml", good, "application/toml"))
    at.run()
    assert not at.exception and not at.error
    assert at.slider(key="leakage").value == 0.4
    assert metrics(at) != before
    custom = at.query_params["custom"]
    link = make({"custom": custom[0] if isinstance(custom, list) else custom, "leakage": "0.4"})
    assert metrics(link) == metrics(at)  # the uploaded scenario travels in the link


def goal_seek(lever, target, op, value) -> AppTest:
    at = make({"view": "Uncertainty"})
    at.selectbox(key="solve_lever").set_value(lever)
    at.selectbox(key="solve_key").set_value(target)
    at.selectbox(key="solve_op").set_value(op)
    return at.number_input(key="solve_value").set_value(value).run()


def test_goal_seek_apply():
    at = goal_seek("import_budget", "runway_months", ">=", 30.0)
    assert not at.exception
    assert any("import_budget >=" in s.value for s in at.success)
    at.button(key="solve_apply").click().run()
    assert int(metrics(at)["Runway for the planned run"].split()[0]) >= 30


def test_goal_seek_no_solution_is_a_warning():
    at = goal_seek("leakage", "runway_months", "<=", 1.0)
    assert any("no value of leakage in [0, 1]" in w.value for w in at.warning)


def test_compare_pins():
    at = make({"view": "Compare"})
    at.button(key="pin").click().run()
    at.slider(key="leakage").set_value(0.5).run()
    at.button(key="pin").click().run()
    assert not at.exception
    assert len(at.session_state["pins"]) == 2
    frame = at.dataframe[0].value
    assert frame.shape[1] == 3
