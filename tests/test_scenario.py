"""Scenario files: presets load, overrides merge, bad input names the key and what is allowed."""

import json
import re

import pytest

import lib
from lib.scenario import SCENARIO_DIR, baseline_path, load_scenario, parse_scenario_text, source_comments


def test_presets_present():
    assert {"baidu-2023", "china-2026", "full-embargo", "oct-2022-kept", "h20-exportable"} <= set(lib.list_presets())
    assert "baseline" in baseline_path().name
    assert all(p.suffix == ".toml" for p in SCENARIO_DIR.iterdir())


@pytest.mark.parametrize("preset", sorted(lib.list_presets()))
def test_preset_is_documented(preset):
    path = lib.list_presets()[preset]
    raw = parse_scenario_text(path.read_bytes())
    assert raw["schema_version"] == 2 and raw["model_version"] == "3.0" and raw["name"] and raw["description"]
    scenario = load_scenario(preset)
    assert scenario.claim and scenario.claim_source and scenario.reference in lib.list_presets()
    comments = source_comments(path)
    for key in raw.get("levers", {}):
        assert key in comments, f"{path.name}: levers.{key} has no source comment"
        assert "[" in comments[key] or "Assumption" in comments[key]


def test_preset_only_overrides(baseline):
    s = load_scenario("full-embargo")
    assert s.lever("tpp_threshold") == 0 and s.lever("lifetime_years") == baseline.lever("lifetime_years")
    assert s.initial_stock == baseline.initial_stock


def test_overrides_and_round_trip(tmp_path, baseline):
    s = load_scenario("baidu-2023", {"leakage": 0.3, "horizon": "2028-12"})
    assert s.lever("leakage") == 0.3 and s.horizon == "2028-12"
    path = tmp_path / "mine.toml"
    path.write_text(s.to_toml(), encoding="utf-8")
    again = load_scenario(str(path))
    assert again.levers == s.levers and again.initial_stock == s.initial_stock and again.domestic_mix == s.domestic_mix
    assert again.deliveries == s.deliveries and again.horizon == "2028-12"
    js = tmp_path / "mine.json"
    js.write_text(json.dumps(s.to_dict()), encoding="utf-8")
    assert load_scenario(str(js)).levers == s.levers


@pytest.mark.parametrize("text, match", [
    (b"", "is empty"),
    (b"\x00\x01\x02binary", "binary data|not UTF-8"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"name = ", "not valid TOML"),
    (b"{\"name\": }", "not valid JSON"),
    (b"[1, 2]", "not valid TOML"),
    (b"name = 'x'\nleakage = 0.2", r"levers go under \[levers\]"),
    (b"name = 'x'\nhorizn = '2030-12'", "did you mean 'horizon'"),
    (b"name = 'x'\n[levers]\nleakage = 'lots'", r"levers.leakage: 'lots' is not a number; allowed: a number from 0 to 1"),
    (b"name = 'x'\n[levers]\nleakage = nan", "levers.leakage: nan is not a number"),
    (b"name = 'x'\n[levers]\nleakage = inf", "out of range"),
    (b"name = 'x'\n[levers]\nimport_budget = 1e308", "import_budget: 1e\\+308 is out of range"),
    (b"name = 'x'\n[levers]\nlifetme_years = 3", "did you mean 'lifetime_years'"),
    (b"name = 'x'\n[initial_stock]\nA800 = -5", r"initial_stock.A800: -5 is out of range"),
    (b"name = 'x'\n[initial_stock]\nA9000 = 5", "unknown chip 'A9000'"),
    (b"name = 'x'\nstart = '2023-13'", "start: '2023-13' is not a month"),
    ("name = 'x'\nstart = '２０２３-11'".encode(), "start: .* is not a month"),       # full-width digits
    ("name = 'x'\nstart = '٢٠٢٣-١١'".encode(), "start: .* is not a month"),        # Arabic-Indic digits
    (b"name = 'x'\nhorizon = '2023-01'", "horizon: '2023-01' is not after start"),
    (b"name = 'x'\nhorizon = '2040-01'", "horizon: '2040-01' is out of range; allowed: 'YYYY-MM' from 2022-01 to 2035-12"),
    (b"name = 'x'\nschema_version = 99", "schema_version: 99 is not supported"),
    # huge numbers, in TOML and JSON: refused with one line, never an OverflowError or the 4,300-digit error
    (b"name = 'x'\n[levers]\nleakage = " + b"9" * 400, "levers.leakage: an integer of 400 digits is out of range"),
    (b"name = 'x'\n[levers]\nleakage = " + b"9" * 5000, "a number too long to read"),
    (b'{"name": "x", "levers": {"leakage": ' + b"9" * 400 + b"}}", "too long; allowed: at most 40 digits"),
    (b'{"name": "x", "levers": {"leakage": ' + b"9" * 5000 + b"}}", "too long; allowed: at most 40 digits"),
    (b"name = 'x'\n[initial_stock]\nA800 = " + b"9" * 400, "initial_stock.A800: an integer of 400 digits"),
    (b'{"name": "x", "levers": {"leakage": 1e999}}', "levers.leakage: inf is out of range"),
    # text that is not valid Unicode, anywhere
    (b'{"name": "\\ud800"}', "not valid Unicode"),
    (b'{"name": "x", "initial_stock": {"\\udfff": 5}}', "not valid Unicode"),
    (b'{"name": "x", "description": "ok \\ud83d"}', "not valid Unicode"),
    # control and bidi characters in one-line text
    (b"name = \"two\\nlines\"", "name: .* control or bidi character U\\+000A"),
    ("name = 'right\u202eleft'".encode(), "U\\+202E"),
    # the same chip written two ways
    (b"name = 'x'\n[initial_stock]\nA800 = 5\na800 = 5", "are the same chip \\(A800\\)"),
    (b"name = 'x'\n[initial_stock]\n'Kunlun II' = 5\nR200 = 5", "are the same chip \\(Kunlun II\\)"),
    (b"name = 'x'\n[[domestic_mix]]\nfrom = '2023-11'\nshares = { 'Kunlun II' = 0.5, 'kunlun 2' = 0.5 }",
     "are the same chip"),
    (b"name = 'x'\nimport_chips = ['H100', 'h100 sxm']", "are the same chip"),
    # deliveries outside the projection no longer vanish
    (b"name = 'x'\n[[deliveries]]\nmonth = '2023-01'\nchip = 'H20'\nunits = 5", r"deliveries\[0\].month: '2023-01' is outside"),
    (b"name = 'x'\n[[deliveries]]\nmonth = '2035-01'\nchip = 'H20'\nunits = 5", "is outside the projection"),
    # an integer lever refuses fractions in a file
    (b"name = 'x'\n[levers]\nwhat_if_notice_months = 1.99", "what_if_notice_months: 1.99 is not a whole number"),
    (b"name = 'x'\nreading_year = 2027.5", "reading_year: 2027.5 is not a whole number"),
    (b"name = 'x'\nreference = 'nope'", "reference: 'nope' is not a preset"),
    (b"name = 'x'\nclaim_runway_months = [12]", "claim_runway_months: .* two whole numbers"),
    (b"name = 'x'\nclaim_runway_months = [24, 12]", "claim_runway_months: .* low ≤ high"),
    (b"name = 'x'\nclaim_runway_months = [12, 1e9]", r"claim_runway_months\[1\]: .* out of range"),
    (b"name = 'x'\nclaim_runway_months = [1, 2, 3]", "claim_runway_months: 3 items is too many"),
    (b"name = 'x'\nsources = ['K1', 'not a key']", r"sources\[1\]: 'not a key' is not a source key"),
    (b"name = 'x'\ndomestic_flagship = 'Ascend 910C'", "removed in schema 2"),
    (b"name = 'x'\nrule_vintage = 'oct-2024'", "rule_vintage: 'oct-2024' is unknown"),
    (b"name = 'x'\nimport_chips = ['Ascend 910B']", "import_chips: 'Ascend 910B' is domestic"),
    (b"name = 'x'\n[[domestic_mix]]\nfrom = '2023-11'\nshares = { 'Kunlun II' = 0.5 }", "sum 0.500"),
    (b"name = 5", "name: 5 is not text"),
    (b"name = 'x'\nimport_chips = [" + b"'H100', " * 50 + b"]", "50 items is too many"),
    (b"name = 'x'\nlevers = 3", "levers: int is not allowed"),
    (b"\xef\xbb\xbfname = 'x'\nhorizon = '2020-01'", "horizon"),  # a byte-order mark is accepted
    (b"a = " + b"[" * 5000 + b"]" * 5000, "nested too deeply|not valid TOML"),
    (b"x" * 300_000, "too large"),
    (b"name = 'x'\n" + b"#" * 10_000_000, "too large"),            # 10 MB: refused before parsing
    (b"name = 'x'\nname = 'y'", "not valid TOML"),                  # a duplicated key
    (b"name = 'x'\n[levers]\nleakage = 0.1\n[levers]\nmfu = 0.3", "not valid TOML"),  # a table defined twice
    (b"name = 'x'\n[levers]\nleakage = 0x10", "levers.leakage: 16 is out of range"),
    (b"name = 'x'\n[levers]\nleakage = true", "levers.leakage: True is not a number"),
    (b"name = 'x'\n[levers]\nleakage = [0.1]", r"levers.leakage: a list of 1 items is not a number"),
    (b"name = 'x'\n[levers.leakage]\nvalue = 0.1", "is not a number"),
    (b"name = 'x'\nimport_chips = 'H20'", "import_chips: 'H20' is not allowed"),
    (b"name = 'x'\n[[deliveries]]\nmonth = '2024-01'\nchip = 'H20'", r"deliveries\[0\]"),
])
def test_bad_files(text, match):
    with pytest.raises(lib.ScenarioError, match=match) as info:
        load_scenario(parse_scenario_text(text))
    message = str(info.value)
    assert "\n" not in message and len(message) < 1200  # one line; user input only excerpted (lists of names are ours)


def test_bom_file_loads():
    s = load_scenario(parse_scenario_text(b"\xef\xbb\xbfname = 'with BOM'\n"))
    assert s.name == "with BOM"


def test_missing_file_and_unknown_preset():
    with pytest.raises(lib.ScenarioError, match="no file at"):
        load_scenario("nowhere/missing.toml")
    with pytest.raises(lib.ScenarioError, match="did you mean 'china-2026'"):
        load_scenario("china-2025")


def test_bad_override():
    with pytest.raises(lib.ScenarioError, match="did you mean 'leakage'"):
        load_scenario("baidu-2023", {"leakag": 0.1})
    with pytest.raises(lib.ScenarioError, match="tpp_threshold: -1 is out of range; allowed: a number from 0 to 50,000 \\[TPP\\]"):
        load_scenario("baidu-2023", {"tpp_threshold": -1})


def test_model_1_file_loads_with_a_notice_and_converted_ratios():
    old = b"""schema_version = 1
name = "A model 1.0 China file"
domestic_flagship = "Ascend 910C"
[levers]
training_substitution = 1.8
inference_substitution = 1.7
"""
    scenario = load_scenario(parse_scenario_text(old))
    assert scenario.notices and "model 1.0" in scenario.notices[0]
    # 1.8 910C per H100 = 1.8 × 2.55 910B per H100: the same chips, counted in the reference chip.
    assert scenario.lever("training_substitution") == pytest.approx(4.592, abs=0.01)
    assert scenario.lever("inference_substitution") == pytest.approx(3.4, abs=0.01)
    assert "per Ascend 910C and are now per Ascend 910B" in scenario.notices[0]


def test_an_older_model_version_says_so():
    scenario = load_scenario(parse_scenario_text(b"schema_version = 2\nmodel_version = '1.9'\nname = 'x'"))
    assert "written for model '1.9'" in scenario.notices[0]


def test_every_lever_range_meets_contract():
    required = {"tpp_threshold": (0, 50_000), "density_threshold": (0, 50), "leakage": (0, 1),
                "training_substitution": (0.5, 10), "inference_substitution": (0.5, 10),
                "domestic_supply": (0, 5_000_000), "domestic_growth": (0.5, 5), "import_budget": (0, 1e11),
                "lifetime_years": (1, 10), "demand_growth": (1, 10)}
    for name, (low, high) in required.items():
        lever = lib.LEVERS[name]
        assert lever.minimum <= low and lever.maximum >= high, name


def test_the_apps_summary_download_reads_back_as_its_scenario():
    import json

    from lib.scenario import split_export

    scenario = lib.load_scenario("baidu-2023", {"leakage": 0.3})
    export = json.loads(json.dumps({"model_version": lib.MODEL_VERSION, "summary": {"runway_months": 1},
                                    "scenario": scenario.to_dict(), "pins": ["a", "b"]}))
    table, pins = split_export(export)
    assert pins == ("a", "b") and "summary" not in table
    assert lib.load_scenario(export).levers == scenario.levers  # the summary is recomputed, never read
    for bad, fragment in [({**export, "extra": 1}, "'extra' is unknown in a summary download"),
                          ({**export, "scenario": [1]}, "'scenario' is list"),
                          ({**export, "pins": "abc"}, "'pins' must be a list"),
                          ({**export, "pins": [1]}, "'pins' must be a list"),
                          ({**export, "pins": ["p"] * 5}, "at most 4")]:
        with pytest.raises(lib.ScenarioError, match=re.escape(fragment)):
            split_export(bad)
    table, pins = split_export({**scenario.to_dict(), "pins": ["x"]})  # a scenario file's own pins
    assert pins == ("x",) and "pins" not in table
