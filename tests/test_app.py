"""The page in Streamlit's AppTest: the story, presets, links, live updates, bad input, uploads, views, pins,
goal-seek, markup safety and human labels."""

import json
import math
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import lib
from lib import link
from lib.uncertainty import applicable_value, meets, solve
from ui import lever_panel

APP = str(Path(__file__).resolve().parents[1] / "app.py")
INTERNAL = re.compile(r"\b(" + "|".join(sorted((k for k in {*lib.SUMMARY_KEYS, *lib.LEVERS} if "_" in k), key=len, reverse=True)) + r")\b")


def make(params=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def panel_value(at, name: str) -> float:
    """A basic lever's value as the lever panel shows it (the component's data, what the browser draws)."""
    (element,) = [e for e in at.get("bidi_component") if e.proto.component_name == lever_panel.COMPONENT_NAME]
    (spec,) = [s for s in json.loads(element.proto.json)["levers"] if s["name"] == name]
    return spec["value"]


def release(at, name: str, value) -> AppTest:
    """What a release in the lever panel does (AppTest cannot drag a component; the browser tests do): its
    callback puts the value under the lever's name, and the page reruns."""
    at.session_state[name] = value
    return at.run()


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def chart_specs(at) -> list:
    """Each chart's figure as drawn; legend names without the no-break spaces ui.device pads them with."""
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    for spec in specs:
        for trace in spec.get("data", []):
            if isinstance(trace.get("name"), str):
                trace["name"] = trace["name"].rstrip("\u00a0")
    return specs


def texts(at) -> list:
    """Text a reader sees, other than notices (which keep exact names by design)."""
    out = [m.value for m in at.markdown] + [c.value for c in at.caption] + [m.label for m in at.metric]
    out += [i.value for i in at.info] + [s.value for s in at.success]
    return out


@pytest.fixture(scope="module")
def app():
    return make()


def runway(at) -> int:
    return int(metrics(at)["Runway, with new supply"].split()[0])


def test_default_tells_the_story(app):
    assert not app.exception and not app.warning
    text = " ".join(m.value for m in app.markdown)
    assert "continue enhancing ERNIE for the next one or two years" in text and "Robin Li" in text
    result = lib.run(lib.load_scenario("baidu-2023"))
    s = result.summary
    verdict = text.replace("\\", "")
    # Both runways: the reserve alone (what the claim spoke of) in bold first, then with new supply.
    assert (f"feasible for {s['runway_reserve_only_months']} months, until "
            f"{lib.format.month_name(s['runway_reserve_only_end_month'])}") in verdict
    assert f"With new supply" in verdict and (f"{s['runway_months']} months, until "
                                               f"{lib.format.month_name(s['runway_end_month'])}") in verdict
    assert 'Robin Li\'s "one or two years" (12–24 months)' in verdict and "p10–p90" in verdict  # the claim
    bold = re.search(r"\*\*Model: (.*?)\*\*", verdict).group(1)
    assert "This rests on" in bold  # what the verdict rests on is in the bold sentence, not a caption
    assert "largest feasible training run in Dec 2027 is" in verdict and "in capability" in verdict
    assert runway(app) == result.summary["runway_months"]
    assert app.get("plotly_chart")[0].proto.spec and chart_specs(app)[0]["data"][0]["name"]
    # On a first visit the scenario is its own reference: every figure says so, none shows a change.
    assert all(m.delta == "this is the reference" for m in app.metric)


@pytest.mark.parametrize("view", ["Projection", "Channels & domestic", "Compare", "Evidence"])
def test_phone_layout_renders(view):
    """The phone branch (whole legends, levers without an inner scroll box) in every view with charts."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["view"] = view
    at.session_state["_is_phone"] = True
    at.run()
    assert not at.exception
    specs = chart_specs(at)
    legends = [spec["layout"]["legend"] for spec in specs if spec["layout"].get("legend", {}).get("maxheight")]
    assert legends and all(legend["maxheight"] > 1 and legend["tracegroupgap"] == 0 for legend in legends)


@pytest.mark.parametrize("preset", sorted(lib.list_presets()))
def test_every_preset_renders_against_its_reference(preset):
    at = make({"preset": preset})
    assert not at.exception and not at.warning
    scenario = lib.load_scenario(preset)
    s = lib.run(scenario).summary
    shown = metrics(at)
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    month = lib.format.month_name(scenario.reading_month)
    # Both gaps at the reading year on every page, with the ratio or both runways.
    assert shown[f"Capability gap, {month}"] == lib.format.number(s["capability_gap_years_reading"], "years")
    assert shown[f"Compute gap, {month}"] == lib.format.number(s["frontier_gap_years_reading"], "years")
    if scenario.verdict == "runway":
        assert runway(at) == s["runway_months"]
        assert shown["Runway, reserve alone"].split()[0] == str(s["runway_reserve_only_months"])
        assert 'Robin Li\'s "one or two years" (12–24 months)' in text
    else:
        assert shown[f"US:China compute, {month}"] == lib.format.number(s["us_china_compute_ratio_reading"], "×")
    if scenario.verdict == "hindcast":  # leads with how many outside estimates the model reproduces
        assert re.search(r"\*\*Model: \d+ of \d+ outside estimates reproduced", text), text[:400]
    elif scenario.verdict == "gap":  # leads with both gaps, then the ratio and what each channel adds
        assert "**Model: China's largest feasible training run in Dec 2027 is" in text
        assert "behind in compute" in text and "in capability" in text and "The US holds" in text
        assert "domestic" in text
    if scenario.reference != preset:
        reference = lib.load_scenario(scenario.reference)
        captions = " ".join(c.value for c in at.caption).replace("\\", "")
        assert f"against the reference, {reference.name}" in captions
        assert all(m.delta and m.delta != "this is the reference" for m in at.metric)


def test_full_embargo_reads_against_baidus_real_timeline():
    at = make({"preset": "full-embargo"})
    deltas = [m.delta for m in at.metric]
    assert any("vs reference" in d for d in deltas)  # no longer "same as preset" everywhere


def test_no_internal_key_names_in_visible_text(app):
    for view in ("Projection", "Channels & domestic", "Uncertainty", "Export rule", "Compare", "Evidence"):
        at = make({"view": view})
        found = [t for t in texts(at) if INTERNAL.search(t)]
        assert not found, (view, found[:3])


def test_preset_picker_resets_levers():
    at = make({"leakage": "0.5"})
    at.selectbox(key="preset").set_value("full-embargo").run()
    assert not at.exception
    assert panel_value(at, "leakage") == 0.0 and panel_value(at, "tpp_threshold") == 0.0


def test_url_seeds_levers_and_metrics(app):
    at = make({"leakage": "0.3", "tpp_threshold": "2300", "import_budget": "1000000000"})
    assert panel_value(at, "leakage") == 0.3 and panel_value(at, "tpp_threshold") == 2300
    assert panel_value(at, "import_budget") == 1e9
    expected = lib.run(lib.load_scenario("baidu-2023", {"leakage": 0.3, "tpp_threshold": 2300, "import_budget": 1e9}))
    assert runway(at) == expected.summary["runway_months"]


def test_lever_change_updates_metric_chart_and_url(app):
    at = make()
    before_metrics, before_charts = metrics(at), chart_specs(at)
    release(at, "density_threshold", 25.0)
    release(at, "tpp_threshold", 50_000)
    assert not at.exception
    assert metrics(at) != before_metrics and chart_specs(at) != before_charts
    assert at.query_params["tpp_threshold"] in (["50000"], "50000")
    at.button(key="reset").click().run()
    assert panel_value(at, "tpp_threshold") == 4800 and metrics(at) == before_metrics


def test_a_lever_that_moves_nothing_says_why():
    at = make({"tpp_threshold": "50000"})
    notes = " ".join(i.value for i in at.info)
    assert "TPP threshold" in notes and len(notes.split()) <= 60  # the note, short; its detail behind "Why?"
    why = " ".join(m.value for e in at.expander if e.label == "Why?" for m in e.markdown)
    assert "performance\\-density prong" in why and "19\\.45" in why


@pytest.mark.parametrize("params, fragment", [
    ({"leakage": "lots"}, "leakage: 'lots' is not a number"),
    ({"tpp_threshold": "99999999"}, "tpp_threshold: '99999999' is out of range"),
    ({"leakage": "nan"}, "is not a number"),
    ({"leakage": "1e400"}, "is out of range"),
    ({"leakage": "9" * 5000}, "has too many digits"),
    ({"what_if_notice_months": "1.99"}, "not a whole number"),
    ({"what_if_from": "٢٠٢٤-٠١"}, "what_if_from"),
    ({"preset": "nope"}, "'preset': 'nope' is unknown"),
    ({"v": "1.0"}, "model version '1.0'"),
    ({"bogus": "1"}, "'bogus' is unknown"),
    ({"rule_vintage": "oct-2099"}, "'rule_vintage': 'oct-2099' is not allowed"),
    ({"what_if_from": "1999-01"}, "'what_if_from'"),
    ({"custom": "!!!notbase64"}, "damaged"),
    ({"view": "Secret"}, "'view': 'Secret' is not allowed"),
    ({"samples": "7"}, "'samples': '7' is not allowed"),
    ({"leakage": ["0.1", "0.2"]}, "given 2 times"),
    ({"pin": "garbage"}, "'pin' #1"),
])
def test_bad_url_values_give_a_notice_and_keep_the_rest(params, fragment):
    at = make({**params, "demand_growth": "3"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")
    assert fragment in warnings, warnings[:300]
    assert panel_value(at, "demand_growth") == 3.0


def test_a_junk_link_shows_few_notices_and_they_clear_on_the_first_change():
    params = {f"k{i}": "1" for i in range(50)}
    at = make({**params, "leakage": "lots", "samples": "7", "view": "Secret", "v": "0.1"})
    assert not at.exception and len(at.warning) == 3 and len(at.expander) >= 1
    assert any("50 unknown URL parameters were ignored" in w.value for w in at.warning)
    release(at, "leakage", 0.3)
    assert not at.exception and len(at.warning) == 0


def _custom(data: dict) -> str:
    return link.pack(data)


def test_custom_link_with_a_huge_number_or_bad_lever_keeps_the_page():
    data = lib.load_scenario("baidu-2023").to_dict()
    data.pop("sources")
    for change in ({"initial_stock": {"A800": 10 ** 500}}, {"levers": {"leakage": 7}}):
        at = make({"custom": _custom({**data, **change})})
        assert not at.exception
        text = " ".join(w.value for w in at.warning).replace("\\", "")
        assert text.startswith(("the link's uploaded scenario (custom=)", "custom:")), text  # names where it is
        assert "Showing the preset instead" in text


def test_samples_in_link_turn_on_fans():
    at = make({"samples": "200", "view": "Uncertainty"})
    assert not at.exception and not at.warning
    names = [t.get("name", "") for t in chart_specs(at)[0]["data"]]
    assert "largest run p10–p90" in names


@pytest.mark.parametrize("view", ["Projection", "Channels & domestic", "Uncertainty", "Export rule", "Compare",
                                  "Evidence", "Share & brief", "Sources & assumptions", "About"])
def test_every_view_renders(view):
    at = make({"view": view, "preset": "china-2026"})
    assert not at.exception and not at.warning


def test_classifier_form_draws_your_chip():
    at = make({"view": "Export rule"})
    at.number_input(key="form_tpp").set_value(4_992.0)
    at.number_input(key="form_area").set_value(826.0)
    at.number_input(key="form_interconnect").set_value(400.0)
    at.selectbox(key="form_rule").set_value("oct-2022")
    at.button(key="form_submit").click().run()
    assert not at.exception and at.session_state["form_result"] == "not-controlled"  # the A800 loophole
    names = [t.get("name") for spec in chart_specs(at) for t in spec["data"]]
    assert "your chip" in names
    verdict = next(m.value for m in at.markdown if m.value.startswith("Your chip"))
    assert len(verdict.split()) <= 40 and "not controlled" in verdict.replace("\\", "")  # a longer one: "Why?"
    at.checkbox(key="form_us").uncheck()
    at.selectbox(key="form_rule").set_value("jan-2026")
    at.number_input(key="form_tpp").set_value(15_832.0)
    at.number_input(key="form_area").set_value(814.0)
    at.button(key="form_submit").click().run()
    assert at.session_state["form_result"] == "controlled"  # China-only: no case-by-case window


def test_upload_good_bad_and_hostile_keeps_pins():
    at = make({"view": "Compare"})
    at.button(key="pin").click().run()
    before = metrics(at)
    hostile = [b"name = 'x'\n[levers]\nleakage = 7\n",
               b"name = 'x'\n[levers]\nleakage = " + b"9" * 5000,
               b'{"name": "bad \\ud800 name"}',
               b"name = \"two\\nlines\"",
               b"name = 'x'\n[initial_stock]\nA800 = 5\na800 = 5"]
    for i, data in enumerate(hostile):
        at.get("file_uploader")[0].set_value((f"bad{i}.toml", data, "application/toml"))
        at.run()
        assert not at.exception
        assert any("Not loaded" in e.value for e in at.error), data[:40]
        assert metrics(at) == before and len(at.session_state["pins"]) == 1  # nothing the user had is lost
    good = lib.load_scenario("baidu-2023", {"leakage": 0.4}).with_fields(
        initial_stock={"A800": 60_000}, name="More A800s").to_toml().encode()
    at.get("file_uploader")[0].set_value(("good.toml", good, "application/toml"))
    at.run()
    assert not at.exception and not at.error and panel_value(at, "leakage") == 0.4
    custom = at.query_params["custom"]
    again = make({"custom": custom[0] if isinstance(custom, list) else custom, "leakage": "0.4"})
    assert metrics(again) == metrics(at)  # the uploaded scenario travels in the link


def test_markup_in_user_text_is_shown_as_plain_text():
    evil = ("[Log in again](https://evil.example) ![x](https://evil.example/p.png) **bold** $x$ "
            "<a href='https://evil.example'>a</a> <span style='color:red'>s</span>")
    scenario = lib.load_scenario("baidu-2023").with_fields(name=evil[:120], description=evil)
    at = make({"custom": link.encode_custom(scenario), "view": "Compare"})
    assert not at.exception
    heading = at.markdown[0].value
    assert "\\[Log in again\\]\\(https\\:" in heading and "](https://" not in heading and "![" not in heading
    at.button(key="pin").click().run()
    spec_text = json.dumps(chart_specs(at))
    assert "<a href" not in spec_text and "<span" not in spec_text  # Plotly would render them


def test_pins_travel_in_the_link():
    at = make({"view": "Compare"})
    at.button(key="pin").click().run()
    release(at, "leakage", 0.5)
    at.button(key="pin").click().run()
    pins = at.query_params["pin"]
    assert len(pins) == 2
    again = make({"view": "Compare", "pin": pins})
    assert not again.exception and len(again.session_state["pins"]) == 2
    assert panel_value(at, "leakage") == 0.5  # the slider as the user left it
    assert panel_value(again, "leakage") == lib.load_scenario("baidu-2023").lever("leakage")  # pins set no lever
    columns = list(again.dataframe[0].value.columns)
    assert len(columns) == 1 + 2 + 2  # output column, reference, current, two pins
    assert columns[3:] == ["#1", "#2"]  # short headers, never cut; the key names each pin by what it changes
    key = " ".join(c.value for c in again.caption).replace("\\", "")
    assert "#1 Baidu, Nov 2023" in key and "#2 Leakage (smuggling) 50%" in key
    compare = [spec for spec in chart_specs(again) if any(t.get("mode") == "markers+text" for t in spec["data"])]
    assert compare and all(t["type"] != "bar" for t in compare[0]["data"])  # dots: the axis need not start at zero


def test_goal_seek_apply_meets_the_target_after_a_reload():
    at = make({"view": "Uncertainty"})
    at.selectbox(key="solve_lever").set_value("import_budget")
    at.selectbox(key="solve_key").set_value("runway_months")
    at.selectbox(key="solve_op").set_value(">=")
    at.number_input(key="solve_value").set_value(62.0).run()
    assert not at.exception and runway(at) < 62
    at.button(key="solve_apply").click().run()
    assert runway(at) >= 62
    budget = at.query_params["import_budget"]
    budget = budget[0] if isinstance(budget, list) else budget
    assert panel_value(at, "import_budget") == float(budget)  # Apply moves the lever panel's slider too
    reloaded = make({"import_budget": budget})
    assert runway(reloaded) >= 62 and not reloaded.warning
    assert panel_value(reloaded, "import_budget") == float(budget)


def _targets():
    """Targets spread over what each goal-seek lever can reach in the Baidu scenario: 25%, 50%, 75% of the way."""
    from lib.uncertainty import SOLVE_LEVERS, _metric

    scenario = lib.load_scenario("baidu-2023")
    out = []
    for lever in SOLVE_LEVERS:
        low, high = lib.LEVERS[lever].minimum, lib.LEVERS[lever].maximum
        for key in ("runway_months", "h100e_years_total", "frontier_gap_years"):
            year = 2027
            a = _metric(scenario.with_levers(**{lever: low}), key, year)
            b = _metric(scenario.with_levers(**{lever: high}), key, year)
            if abs(b - a) < 1e-9 * max(abs(a), abs(b), 1):
                continue
            op = ">=" if b > a else "<="
            for share in (0.25, 0.5, 0.75):
                goal = a + (b - a) * share
                # Rounded towards the reachable side, so a lever with a small reach still has a reachable target.
                step = 1.0 if key == "runway_months" else 0.01
                goal = (math.floor if op == ">=" else math.ceil)(goal / step) * step
                out.append((lever, (key, op, round(goal, 2))))
    return out


TARGETS = _targets()


def test_there_are_many_targets():
    assert len(TARGETS) >= 26


@pytest.mark.parametrize("lever, target", TARGETS)
def test_applied_value_meets_the_target_and_survives_the_link(lever, target):
    scenario = lib.load_scenario("baidu-2023")
    answer = solve(scenario, lever, target, year=2027)
    assert answer["achievable"], answer["message"]
    if answer["direction"] == "any":
        return
    value = applicable_value(scenario, answer, target, 2027)
    assert value is not None and meets(scenario, lever, value, target, 2027)
    # What the link writes (10 significant digits) and reads back is the same value.
    state, notices = link.parse_params({lever: [f"{value:.10g}"]})
    assert not notices and link.scenario_for(state).lever(lever) == value
    if not lib.LEVERS[lever].log_scale:
        steps = (value - lib.LEVERS[lever].minimum) / lib.LEVERS[lever].step
        assert abs(steps - round(steps)) < 1e-6  # on the slider's grid


def test_diff_refuses_text_that_is_not_a_link_and_names_lines_by_their_difference():
    at = make({"view": "Share & brief"})
    at.text_input(key="diff_a").input("not a link at all ?colour=red").run()
    assert not at.exception and "has no Chokepoint parameters" in at.error[0].value
    at.text_input(key="diff_a").input("http://x/?preset=baidu-2023&leakage=0.3").run()
    at.text_input(key="diff_b").input("http://x/?preset=baidu-2023&leakage=0.1").run()
    assert not at.exception and not at.error
    names = [trace["name"] for trace in chart_specs(at)[-1]["data"]]
    assert names == ["A: Leakage (smuggling) 30%", "B: Leakage (smuggling) 10%"]
    share = [c.value for c in at.code][0]
    assert "view=" not in share and "preset=baidu-2023" in share  # the shared link lands on the story


def test_goal_seek_quotes_the_value_its_button_applies():
    at = make({"view": "Uncertainty", "preset": "china-2026"})
    message = at.success[0].value.replace("\\", "")
    button = at.button(key="solve_apply").label
    applied = re.search(r"= (\d+%)", button).group(1)
    # A China preset's default question: how much smuggling brings the capability gap under 1.7 years in 2027?
    assert f"of {applied} or more reaches capability gap [years] at most 1.7 in 2027" in message, (message, button)
    assert [s for s in at.select_slider if s.key == "solve_year"]  # a gap is read in a year


def test_a_phone_shows_tables_whole_with_user_text_escaped():
    evil = "[Log in again](https://evil.example) **x**"
    scenario = lib.load_scenario("baidu-2023").with_fields(name=evil)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["custom"] = link.encode_custom(scenario)
    at.query_params["view"] = "Compare"
    at.session_state["_is_phone"] = True
    at.run()
    assert not at.exception
    at.button(key="pin").click().run()
    assert not at.dataframe, "a phone draws its tables in HTML (st.table or cards), whose text wraps"
    cells = " ".join(str(v) for t in at.table for v in t.value.to_numpy().ravel())
    cells += " ".join(m.value for m in at.markdown if m.value.startswith("- **"))  # cards
    assert "Log in again" in cells  # the name is in the inputs table
    assert "](https://" not in cells and "**x**" not in cells  # tables and cards render Markdown: all escaped


def test_the_lever_panel_follows_presets_uploads_and_resets():
    """Every way of setting a lever outside the panel reaches the panel's sliders (AppTest cannot drag it; the
    browser tests drag and release)."""
    at = make({"leakage": "0.5"})
    assert panel_value(at, "leakage") == 0.5
    at.selectbox(key="preset").set_value("china-2026").run()
    assert panel_value(at, "leakage") == lib.load_scenario("china-2026").lever("leakage")
    release(at, "leakage", 0.7)
    assert panel_value(at, "leakage") == 0.7 and at.query_params["leakage"] in (["0.7"], "0.7")
    at.button(key="reset").click().run()
    assert panel_value(at, "leakage") == lib.load_scenario("china-2026").lever("leakage")
    good = lib.load_scenario("baidu-2023", {"leakage": 0.4, "us_allows_h200": 1}).to_toml().encode()
    at.get("file_uploader")[0].set_value(("good.toml", good, "application/toml"))
    at.run()
    assert not at.exception and panel_value(at, "leakage") == 0.4 and panel_value(at, "us_allows_h200") == 1



@pytest.mark.parametrize("download", ["json", "toml"])
def test_a_download_uploads_back_to_the_same_numbers_and_pins(download):
    """The summary JSON and the scenario TOML (ui.views.share writes both) restore the scenario, to the same
    figures, and its pins."""
    from ui.views import share

    at = make({"view": "Compare", "leakage": "0.3"})
    at.button(key="pin").click().run()
    release(at, "approval_share", 0.5)
    at.button(key="pin").click().run()
    pins, figures = tuple(at.session_state["pins"]), metrics(at)
    assert len(pins) == 2
    scenario = lib.load_scenario("baidu-2023", {"leakage": 0.3, "approval_share": 0.5})
    body = (share.summary_file(scenario, lib.run(scenario).summary, pins) if download == "json"
            else share.scenario_file(scenario, pins))
    fresh = make({"view": "Compare"})
    assert fresh.session_state["pins"] == [] and metrics(fresh) != figures
    fresh.get("file_uploader")[0].set_value((f"back.{download}", body.encode(), "application/octet-stream"))
    fresh.run()
    assert not fresh.exception and not fresh.error, [e.value for e in fresh.error]
    assert metrics(fresh) == figures
    assert tuple(fresh.session_state["pins"]) == pins
    assert lib.run(lib.load_scenario(json.loads(body) if download == "json" else
                                     lib.scenario.parse_scenario_text(body))).summary == lib.run(scenario).summary


def test_a_file_with_a_bad_pin_keeps_the_rest():
    scenario = lib.load_scenario("baidu-2023", {"leakage": 0.3})
    good = link.encode_pin(link.LinkState(preset="baidu-2023", levers=(("leakage", 0.5),)))
    for bad in ("garbage", link.pack({"levers": [1, 2]})):
        at = make({"view": "Compare"})
        body = lib.scenario.to_toml({**scenario.to_dict(), "pins": [bad, good]}).encode()
        at.get("file_uploader")[0].set_value(("pins.toml", body, "application/toml"))
        at.run()
        assert not at.exception and len(at.session_state["pins"]) == 1
        assert any("pin #1 was left out" in w.value.replace("\\", "") for w in at.warning)


def test_the_units_are_explained_where_they_first_appear():
    """H100e, H100e-years and '910B per H100' (the reference chip) on first use: the verdict's help and the
    H100e-years figure's help carry their glossary entries."""
    from lib import units

    glossary = dict(units.glossary())
    app = make({"preset": "china-2026"})
    helps = [m.proto.help for m in app.markdown if m.proto.help]
    verdict = next(h for h in helps if "Largest feasible run" in h.replace("\\", ""))
    for term in ("H100e", "H100e-years", "Reference chip"):
        assert f"**{term.replace('-', chr(92) + '-')}**" in verdict or f"**{term}**" in verdict, term
    figure = next(m for m in app.metric if m.label.startswith("H100e-years"))
    assert figure.proto.help == glossary["H100e-years"]


def test_a_long_note_keeps_its_first_clause_and_puts_the_rest_behind_why():
    from ui.text import lead_and_detail

    short = "The H100 stays controlled by the density prong."
    assert lead_and_detail(short) == (short, "")
    long = "TPP threshold moved without changing the headline: " + "no chip changes status " * 12 + "in any month."
    lead, detail = lead_and_detail(long)
    assert lead == "TPP threshold moved without changing the headline." and detail.startswith("No chip changes")
    assert len(lead.split()) <= 40 and f"{lead[:-1]}: {detail[0].lower()}{detail[1:]}" == long
    assert lead_and_detail("word " * 60) == ("word " * 60, "")  # nowhere to cut: whole


def test_phone_table_cells_read_as_on_a_desktop():
    """A phone's HTML tables and cards show a cell as the desktop grid does: the column's number format, yes/no,
    blanks for missing values; only tables whose longest words fit 390 px stay tables."""
    import pandas as pd
    import streamlit as st

    from ui.tables import cell_text, fits_a_phone

    assert cell_text(15832.4, st.column_config.NumberColumn(format="%,.0f")) == "15,832"
    assert cell_text(15000, st.column_config.NumberColumn(format="$%,.0f")) == "$15,000"
    assert cell_text(-0.256, st.column_config.NumberColumn(format="%.2f")) == "−0.26"
    assert cell_text(True) == "yes" and cell_text(float("nan")) == "" and cell_text(None) == ""
    assert cell_text(0.123456) == "0.1235"
    assert fits_a_phone(pd.DataFrame({"Event": ["runway under 12 months"], "Probability": ["76%"]}), {})
    assert not fits_a_phone(pd.DataFrame({"Lever": ["a"], "Low": ["Performance-density"], "High": ["Performance-density"],
                                          "Output at low": ["1"], "Output at high": ["2"]}), {})
    assert not fits_a_phone(pd.DataFrame({"Key": ["K1"], "Link": ["https://example.org"]}),
                            {"Link": st.column_config.LinkColumn(display_text="open")})


def test_a_phone_gets_the_chip_table_as_cards():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["view"] = "Export rule"
    at.query_params["preset"] = "china-2026"
    at.session_state["_is_phone"] = True
    at.run()
    assert not at.exception and not at.dataframe
    cards = [line for m in at.markdown for line in m.value.split("\n- ") if line.lstrip("- ").startswith("**H100**")]
    assert any("Deciding prong:" in card and "TPP: 15,832" in card for card in cards)  # the chip table's card and "a wider screen shows every column" in " ".join(c.value for c in at.caption)


from ui.link import VIEWS  # noqa: E402  (every view the page offers)


def _notes_outside_expanders(node, inside=False):
    """Every caption, markdown and notice a reader sees without opening anything: (kind, text)."""
    kind = getattr(node, "type", None)
    inside = inside or kind in ("expander", "popover")
    children = getattr(node, "children", None)
    if children:
        for child in children.values():
            yield from _notes_outside_expanders(child, inside)
    elif not inside and kind in ("caption", "markdown", "info", "warning", "success"):
        yield kind, node.value


def _note_words(markdown: str) -> list[tuple[int, str]]:
    """Each paragraph of a note in words, with links reduced to their text and escapes dropped."""
    text = re.sub(r"\\(.)", r"\1", re.sub(r"\]\([^)]*\)", "]", markdown))
    return [(len(p.split()), p) for p in re.split(r"\n\s*\n|\n(?=- )", text)]


@pytest.mark.parametrize("preset", ["baidu-2023", "china-2026"])
@pytest.mark.parametrize("view", VIEWS)
def test_notes_on_the_page_are_at_most_forty_words(preset, view):
    """A note a reader sees without a click is at most ui.text.NOTE_WORDS words; its detail sits behind "Why?".
    Not notes, so not held to it: the claim (a quotation), the bold verdict (issue 16 fixes what it says), lists,
    headings, and the links under a table (a list of sources)."""
    from ui.text import NOTE_WORDS

    at = make({"preset": preset, "view": view})
    assert not at.exception
    long = []
    for kind, value in _notes_outside_expanders(at._tree):
        for words, paragraph in _note_words(value):
            if paragraph.lstrip().startswith(("- ", "* ", "#", ">", "**Model:", "Sources cited")):
                continue
            if words > NOTE_WORDS:
                long.append((kind, words, paragraph[:80]))
    assert long == []


def test_a_desktop_table_whose_cells_a_grid_would_cut_is_html():
    """On a desktop, a table with cells a grid would cut with "…" is HTML whose text wraps: the Evidence table, and
    the 21-column chip table too (it scrolls sideways in its own box); a link column counts as its display text."""
    import pandas as pd
    import streamlit as st

    from ui.tables import DESKTOP_TABLE_CHARS, fits_a_phone

    link = {"Link": st.column_config.LinkColumn(display_text="open")}
    bibliography = pd.DataFrame({"Key": ["K1"], "Title": ["a long title " * 10], "Link": ["https://" + "x" * 150]})
    assert fits_a_phone(bibliography, link, DESKTOP_TABLE_CHARS, links=True)
    assert not fits_a_phone(bibliography, link)  # a phone draws a link column as cards
    at = make({"preset": "china-2026", "view": "Evidence"})
    assert at.table and not at.dataframe
    at = make({"preset": "china-2026", "view": "Export rule"})
    assert any(len(html.value.columns) > 20 for html in at.table)
    assert all(grid.value.map(lambda v: len(str(v))).to_numpy().max() <= 60 for grid in at.dataframe)  # no cut cells


@pytest.mark.parametrize("preset, changes", [("china-2026", {"leakage": "0.6"}),
                                             ("china-2026", {"us_allows_h200": "1", "china_accepts_hopper": "1"}),
                                             ("baidu-2023", {"approval_share": "1", "leakage": "0.6"})])
def test_a_delta_is_the_difference_of_the_figures_shown(preset, changes):
    """Each headline delta in years, months or × equals the changed figure as shown minus the reference's figure as
    shown (the reference is the preset's own page), at the precision shown."""
    reference = {m.label: m.value for m in make({"preset": preset}).metric}
    changed = make({"preset": preset, **changes})
    checked = 0
    scale = {"k": 1e3, "M": 1e6, "B": 1e9}

    def read(text: str) -> float:  # "2.9", "17", "19.9M", "+2.7M", "-3"
        text = text.replace(",", "")
        return float(text[:-1]) * scale[text[-1]] if text[-1] in scale else float(text)

    for m in changed.metric:
        unit = next((u for u in (" years", " months", "×") if m.value.endswith(u)), None)
        if unit is None and m.label.startswith("H100e-years"):
            unit = ""
        if unit is None or m.label not in reference:
            continue
        shown, before = (read(v.removesuffix(unit) if unit else v) for v in (m.value, reference[m.label]))
        if m.delta == "same as the reference":
            assert shown == before, m.label
        else:
            assert read(m.delta.split()[0].rstrip("×")) == pytest.approx(shown - before), m.label
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize("view", VIEWS)
def test_no_desktop_grid_holds_a_cell_it_would_cut(view):
    """A desktop's canvas grid auto-sizes a column to ~60 characters and cuts longer text with "…": every table
    with a longer cell is HTML, whose text wraps (ui.tables.GRID_CELL_CHARS)."""
    from ui.tables import GRID_CELL_CHARS

    at = make({"preset": "china-2026", "view": view})
    for grid in at.dataframe:
        assert grid.value.map(lambda v: len(str(v))).to_numpy().max(initial=0) <= GRID_CELL_CHARS, view
