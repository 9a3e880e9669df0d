"""Share links: encoding and decoding in lib, bad values clamped or ignored with a notice, pins, diffs."""

import base64
import json
import zlib

import pytest

import lib
from lib import link
from lib.compare import diff_scenarios, reference_for, reference_name

VIEWS = ("Story", "Projection", "Compare")
SAMPLES = (0, 200, 1000)


def parse(query: str):
    return link.parse_params(link.split_link(query), views=VIEWS, sample_choices=SAMPLES)


def test_round_trip_of_a_changed_scenario():
    scenario = lib.load_scenario("baidu-2023").with_levers(leakage=0.3, tpp_threshold=2_000)
    scenario = scenario.with_fields(hbm_control_from="never", reading_year=2028)
    state = link.state_for(scenario, "baidu-2023", view="Compare", samples=200)
    query = link.to_query(state)
    again, notices = parse(query)
    assert notices == [] and link.scenario_for(again) == scenario and again.view == "Compare" and again.samples == 200
    assert "v=2.0" in query and "leakage=0.3" in query and "horizon" not in query  # only what differs


def test_uploaded_structure_travels_in_custom():
    uploaded = lib.load_scenario(lib.scenario.parse_scenario_text(
        lib.load_scenario("baidu-2023").with_fields(initial_stock={"A800": 60_000}, name="More A800s").to_toml()))
    query = link.share_query(uploaded)
    state, notices = parse(query)
    assert not notices and link.scenario_for(state).initial_stock == (("A800", 60_000.0),)


@pytest.mark.parametrize("query, fragment", [
    ("preset=baidu-2023&leakage=lots", "leakage: 'lots' is not a number"),
    ("leakage=1e400", "leakage: '1e400' is out of range"),
    ("leakage=" + "9" * 5000, "has too many digits"),
    ("what_if_notice_months=1.99", "is not a whole number; used 2"),
    ("what_if_from=٢٠٢٤-٠١", "'what_if_from'"),
    ("preset=nope", "'preset': 'nope' is unknown"),
    ("v=1.0", "made with model version '1.0'"),
    ("bogus=1", "'bogus' is unknown"),
    ("view=Secret", "'view': 'Secret' is not allowed"),
    ("samples=7", "'samples': '7' is not allowed"),
    ("custom=!!!", "custom: the link's data is damaged"),
    ("hbm_control_from=2099-01", "'hbm_control_from'"),
    ("reading_year=2027.5", "'reading_year'"),
    ("pin=garbage", "'pin' #1: the link's data is damaged"),
])
def test_bad_values_give_one_notice_and_keep_the_rest(query, fragment):
    state, notices = parse(query + "&demand_growth=3")
    assert any(fragment in n for n in notices), notices
    assert state.lever_values().get("demand_growth") == 3.0  # the rest of the link still applies
    assert all("\n" not in n and len(n) < 400 for n in notices)


def test_many_unknown_keys_give_one_short_notice():
    state, notices = parse("&".join(f"k{i}=1" for i in range(400)) + "&leakage=0.3")
    unknown = [n for n in notices if "unknown" in n]
    assert len(unknown) == 1 and unknown[0].startswith("400 unknown URL parameters were ignored: 'k0', 'k1'")
    assert unknown[0].endswith("and 395 more.") and len(unknown[0]) < 200
    assert state.lever_values()["leakage"] == 0.3


@pytest.mark.parametrize("text", ["&".join(f"k{i}=1" for i in range(600)), "http://[::1/?preset=x"])
def test_a_pasted_link_too_odd_to_read_is_refused_with_a_message(text):
    with pytest.raises(lib.ScenarioError, match="^link: .* (too many parameters|not a valid address)"):
        link.split_link(text)


def test_messages_name_the_preset_and_read_as_sentences():
    _, notices = parse("preset=nope")
    assert notices[0].endswith("Showing Baidu, Nov 2023.")
    _, notices = parse("custom=!!!")
    assert ". Showing the preset instead." in notices[0] and ".." not in notices[0]
    _, notices = parse("remote_access=99999999999")
    assert "1e+" not in notices[0] and "1,000,000" in notices[0], notices[0]


def test_a_bad_lever_inside_custom_names_the_uploaded_scenario():
    data = lib.load_scenario("baidu-2023").to_dict()
    data.pop("sources")
    data["levers"] = {"leakage": 7}
    payload = link.pack(data)
    state, notices = parse(f"custom={payload}")
    assert state.custom == "" and any(n.startswith("the link's uploaded scenario (custom=): levers.leakage: 7 is out of range")
                                      for n in notices), notices


def test_huge_numbers_and_surrogates_inside_custom_are_refused():
    for data in ({"name": "x", "initial_stock": {"A800": 10 ** 500}}, {"name": "bad \ud800"}):
        raw = json.dumps(data, ensure_ascii=True).encode()
        payload = base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")
        state, notices = parse(f"custom={payload}")
        assert state.custom == "" and notices and "Showing the preset instead" in notices[0]


def test_zip_bomb_is_refused():
    bomb = base64.urlsafe_b64encode(zlib.compress(json.dumps({"name": "x" * 5_000_000}).encode())).decode()
    state, notices = parse(f"custom={bomb}")
    assert state.custom == "" and "damaged" in notices[0]


def test_pins_travel_in_the_link():
    pin = link.encode_pin(link.LinkState(preset="full-embargo", levers=(("leakage", 0.2),), label="embargo but leaky"))
    state, notices = parse(f"preset=baidu-2023&pin={pin}&pin={pin}")
    assert not notices and len(state.pins) == 2
    pinned = link.decode_pin(state.pins[0])
    assert pinned.label == "embargo but leaky" and link.scenario_for(pinned).lever("leakage") == 0.2
    assert "pin=" in link.to_query(state)


def test_at_most_four_pins():
    pin = link.encode_pin(link.LinkState(preset="baidu-2023"))
    state, notices = parse("&".join(f"pin={pin}" for _ in range(6)))
    assert len(state.pins) == 4 and any("at most 4" in n for n in notices)


def test_reference_scenarios():
    assert reference_name(lib.load_scenario("full-embargo")) == "baidu-2023"
    assert reference_name(lib.load_scenario("china-2026-h200-allowed")) == "china-2026"
    uploaded = lib.load_scenario(lib.scenario.parse_scenario_text(b"name = 'mine'\nactor = 'Baidu'\nreference = ''"))
    assert reference_for(uploaded).preset == "baidu-2023"   # by actor
    stranger = lib.load_scenario(lib.scenario.parse_scenario_text(b"name = 'x'\nactor = 'Someone'\nreference = ''"))
    assert reference_for(stranger) is stranger               # its own values


def test_diff_lists_changed_inputs_and_every_output():
    a = lib.load_scenario("baidu-2023")
    b = a.with_levers(leakage=0.3)
    report = diff_scenarios(a, b)
    assert [row["name"] for row in report["inputs"]] == ["leakage"]
    assert all(row["key"] != "months" for row in report["outputs"]) and len(report["outputs"]) > 20


def test_every_link_notice_is_one_sentence_then_ignored():
    from lib.link import parse_params
    _, notices = parse_params({"leakage": ["lots"], "what_if_from": ["1999-01"], "tpp_threshold": ["9" * 500],
                               "pin": ["%%%"]})
    assert notices and all(".. " not in n and " Ignored." in n and ". Ignored." in n for n in notices
                           if "Ignored" in n), notices
    assert any("'1999-01' is out of range" in n for n in notices) and any("too many digits" in n for n in notices)
