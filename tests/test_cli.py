"""The command line: outputs, byte-identical reruns, exit 2 with one line on bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "lib", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_run_json_and_identical_bytes():
    first = cli("run", "baidu-2023", "--set", "leakage=0.2")
    second = cli("run", "baidu-2023", "--set", "leakage=0.2")
    assert first.returncode == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert set(data) == {"model_version", "summary", "monthly", "capability", "national", "scenario"}
    assert data["monthly"][0]["month"] == "2023-11" and data["scenario"]["levers"]["leakage"] == 0.2


def test_run_csv():
    out = cli("run", "full-embargo", "--format", "csv")
    assert out.returncode == 0
    assert out.stdout.splitlines()[0] == ("month,chip,stock,arrivals,retirements,h100e_training,h100e_inference,"
                                          "arrivals_licensed,arrivals_smuggled,arrivals_domestic,arrivals_ordered")


def test_run_scenario_file(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("name = 'mine'\n[levers]\nleakage = 0.5\n", encoding="utf-8")
    out = cli("run", str(path))
    assert out.returncode == 0 and json.loads(out.stdout)["scenario"]["name"] == "mine"


@pytest.mark.parametrize("args, expected", [
    (("--chip", "A100", "--rule", "oct-2023"), ("controlled", "3A090.a", 4992)),
    (("--chip", "H20", "--rule", "oct-2023"), ("not-controlled", None, 2368)),
    (("--chip", "H20", "--rule", "apr-2025"), ("controlled", None, 2368)),
    (("--chip", "H200", "--rule", "jan-2026"), ("case-by-case", "3A090.a", 15832)),
    (("--chip", "H800", "--rule", "jan-2026"), ("controlled", "3A090.a", 15832)),    # China-only: no window
    (("--tpp", "15832", "--die-area", "814", "--memory-bandwidth", "3350", "--interconnect", "400", "--rule",
      "jan-2026"), ("case-by-case", "3A090.a", 15832)),                            # by numbers: sold in the US
    (("--tpp", "15832", "--die-area", "814", "--memory-bandwidth", "3350", "--interconnect", "400", "--rule",
      "jan-2026", "--not-us-commercial"), ("controlled", "3A090.a", 15832)),
    (("--tpp", "5000", "--planar", "--rule", "oct-2023"), ("controlled", "3A090.a", 5000)),
    (("--tpp", "4000", "--planar", "--rule", "oct-2023"), ("not-controlled", None, 4000)),
    (("--tpp", "5000", "--die-area", "600", "--non-datacenter", "--rule", "oct-2023"), ("gray-zone", "3A090.a", 5000)),
    (("--tpp", "4800", "--die-area", "1000", "--interconnect", "600", "--rule", "oct-2022"), ("controlled", "3A090", 4800)),
    (("--tpp", "3000", "--die-area", "1000", "--rule", "custom", "--set", "tpp_threshold=2500"), ("controlled", "3A090.a", 3000)),
])
def test_classify_json(args, expected):
    out = cli("classify", *args, "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["status"], data["eccn"], round(data["tpp"])) == expected
    assert {"status", "eccn", "reason", "tpp", "density"} <= set(data)


@pytest.mark.parametrize("what, first", [("presets", "baidu-2023"), ("rules", "oct-2022"), ("chips", "A100"),
                                         ("levers", "tpp_threshold"), ("sources", "K1\t")])
def test_list(what, first):
    out = cli("list", what)
    assert out.returncode == 0 and out.stdout.splitlines()[0].startswith(first)


@pytest.mark.parametrize("args, match", [
    (("run", "baidu-2023", "--set", "leakage=2"), "leakage: '2' is out of range; allowed: a number from 0 to 1"),
    (("run", "baidu-2023", "--set", "leakage=" + "9" * 5000), "has too many digits"),
    (("run", "baidu-2023", "--set", "what_if_notice_months=1.99"), "is not a whole number"),
    (("run", "baidu-2023", "--set", "leakage=\u0661"), "is not a number"),
    (("run", "baidu-2023", "--samples", "1" + "0" * 400), "--samples"),
    (("run", "baidu-2023", "--samples", "100000"), "allowed: a whole number from 1 to 50,000"),
    (("classify", "--rule", "jan-2026", "--chip", "H100", "--set", "tpp_threshold=abc"), "is not a number"),
    (("classify", "--rule", "jan-2026", "--chip", "H100", "--set", "tpp_threshold=3000"), "only with --rule custom"),
    (("classify", "--chip", "H1\x1b[31m00"), "unknown chip|control or bidi"),
    (("evidence", "nope"), "is neither a preset"),
    (("brief", "baidu-2023", "-o", "/nonexistent-dir/x.pdf", "--date", "2026-01-01"), "-o: cannot write"),
    (("brief", "baidu-2023", "-o", "x.pdf", "--date", "tomorrow"), "--date: 'tomorrow' is not a date"),
    (("diff", "baidu-2023", "not a link"), "is neither a share link"),
    (("run", "baidu-2023", "--set", "leakge=0.1"), "did you mean 'leakage'"),
    (("run", "baidu-2023", "--set", "leakage"), "not LEVER=VALUE"),
    (("run", "baidu-2023", "--set", "leakage=nan"), "'nan' is not a number"),
    (("run", "baidu-2023", "--format", "xml"), "invalid choice: 'xml'"),
    (("run", "nowhere.toml"), "no file at"),
    (("run", "baidu-2023", "--samples", "0"), "argument --samples: '0' is out of range"),
    (("run", "baidu-2023", "--samples", "many"), "argument --samples: 'many' is not a number"),
    (("classify", "--chip", "Z9"), "unknown chip 'Z9'"),
    (("classify", "--tpp", "5000", "--die-area", "800", "--rule", "oct-2022"), "interconnect_gbps: not known"),
    (("classify", "--tpp", "5000"), "--die-area: required"),
    (("classify", "--tpp", "-5", "--die-area", "800"), "--tpp: '-5' is out of range"),
    (("classify", "--chip", "A100", "--rule", "oct-2030"), "invalid choice"),
    (("list", "everything"), "invalid choice"),
    (("sensitivity", "baidu-2023", "--output", "nope"), "output: 'nope' is not allowed"),
    (("solve", "baidu-2023", "--lever", "mfu", "--target", "runway_months>=3"), "--lever: 'mfu' is not allowed"),
    (("solve", "baidu-2023", "--lever", "leakage", "--target", "x" * 5000 + ">=3"), "--target: 'xxx"),
    (("solve", "baidu-2023", "--lever", "leakage", "--target", "runway=3"), "--target: 'runway=3' is not allowed"),
    (("solve", "baidu-2023", "--lever", "leakage", "--target", "runway_months>=3", "--year", "1999"), "--year: '1999' is out of range"),
    ((), "the following arguments are required"),
])
def test_bad_input_exit_2_one_line(args, match):
    out = cli(*args)
    assert out.returncode == 2
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert __import__("re").search(match, lines[0]), lines[0]
    assert len(lines[0]) < 1500 and "\x1b" not in lines[0]  # bounded, no terminal escapes


def test_surrogate_in_a_json_file_is_one_line_and_output_never_crashes(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"name": "bad \\ud800 name"}', encoding="utf-8")
    out = cli("run", str(path))
    assert out.returncode == 2 and "not valid Unicode" in out.stderr and "Traceback" not in out.stderr


def test_huge_integer_file_is_one_line(tmp_path):
    for text in ("name = 'x'\n[levers]\nleakage = " + "9" * 5000, '{"name": "x", "levers": {"leakage": ' + "9" * 5000 + "}}"):
        path = tmp_path / ("s.json" if text.startswith("{") else "s.toml")
        path.write_text(text, encoding="utf-8")
        out = cli("run", str(path))
        assert out.returncode == 2 and "Traceback" not in out.stderr and len(out.stderr) < 400


def test_older_file_gives_a_note_on_stderr(tmp_path):
    path = tmp_path / "old.toml"
    path.write_text("schema_version = 1\nname = 'old'\ndomestic_flagship = 'Ascend 910C'\n", encoding="utf-8")
    out = cli("run", str(path))
    assert out.returncode == 0 and out.stderr.startswith("note: This scenario was written for model 1.0")


def test_evidence_cli_text_and_json():
    text = cli("evidence", "china-2023")
    assert text.returncode == 0 and "h20-2024" in text.stdout and "in range" in text.stdout
    data = json.loads(cli("evidence", "china-2023", "--format", "json").stdout)
    assert data["as_of"] == "2026-12-01"
    ids = {row["id"]: row for row in data["estimates"]}
    assert ids["cnas-smuggling-2024"]["status"] == "in range" and ids["big-four-a800"]["status"] == "input"


def test_diff_cli_between_a_link_and_a_preset():
    out = cli("diff", "https://x.example/?preset=baidu-2023&leakage=0.3", "baidu-2023", "--format", "json")
    assert out.returncode == 0
    data = json.loads(out.stdout)
    assert [row["name"] for row in data["inputs"]] == ["leakage"]
    assert {row["key"] for row in data["outputs"]} >= {"runway_months", "h100e_end", "frontier_gap_years_reading"}
    text = cli("diff", "?preset=baidu-2023&leakage=0.3", "?preset=baidu-2023")
    assert "leakage\t0.3\t→\t0.05" in text.stdout


def test_sensitivity_keeps_its_shape_unless_asked_for_policy_levers():
    plain = json.loads(cli("sensitivity", "baidu-2023").stdout)
    assert set(plain) == {"output", "base", "levers"}
    with_policy = json.loads(cli("sensitivity", "baidu-2023", "--policy").stdout)
    assert {row["lever"] for row in with_policy["policy_levers"]} >= {"tpp_threshold", "leakage", "remote_access"}


# ---- hardening round 3 ----------------------------------------------------------------------------------------------

def _one_line_error(out, match):
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode == 2 and len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert __import__("re").search(match, lines[0]), lines[0]
    assert "\x1b" not in lines[0]


@pytest.mark.parametrize("args, match", [
    (("brief", "baidu-2023", "-o", "x.pdf", "--date", "2026-13-45"), r"--date: '2026-13-45' is not a date; allowed: a calendar date"),
    (("brief", "baidu-2023", "-o", "x.pdf", "--date", "2026-02-30"), "--date: '2026-02-30' is not a date"),
    (("brief", "baidu-2023", "-o", "x.pdf", "--base-url", "https://x.example/\x1b[31mred"), r"--base-url: .*\\u001b.* control"),
    (("brief", "baidu-2023", "-o", "x.pdf", "--base-url", "https://x.example/\u202eevil"), "--base-url: .*U\\+202E"),
    (("brief", "baidu-2023", "-o", "x.pdf", "--base-url", "javascript:alert(1)"), "--base-url: .* allowed: an http:// or https://"),
    (("brief", "baidu-2023", "-o", "x.pdf", "--base-url", "https://x.example/a b"), "--base-url: .* no spaces"),
    (("diff", "foo=bar", "baidu-2023"), "diff: 'foo=bar' has no Chokepoint parameters"),
    (("diff", "missing=1.toml", "baidu-2023"), "no file at 'missing=1.toml'"),
    (("run", "baidu-2023", "--samples", "5", "--seed", str(2**63)),
     "--seed: '9223372036854775808' is out of range; allowed: a whole number from 0 to 9,223,372,036,854,775,807"),
    (("run", "baidu-2023", "--samples", "5", "--seed", "1e30"), "--seed: '1e30' is too large to be exact"),
    (("solve", "baidu-2023", "--lever", "leakage", "--target", "runway_months>=3", "--year", "1999"),
     "allowed: a whole number from 2000 to 2100 \\[year\\]"),            # years print as years, not 2,000
])
def test_round_3_bad_input_exit_2_one_line(args, match, tmp_path):
    _one_line_error(subprocess.run([sys.executable, "-m", "lib", *args], cwd=tmp_path, capture_output=True,
                                   text=True, timeout=60, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)}),
                    match)


@pytest.mark.parametrize("seed", [2**53 + 1, 2**63 - 1])
def test_a_seed_stays_an_exact_integer_through_the_gate(seed):
    out = cli("run", "baidu-2023", "--samples", "3", "--seed", str(seed))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["seed"] == seed                  # not rounded to a float's 2^53 grid


def test_a_brief_with_a_real_date_and_an_https_base_url_is_written(tmp_path):
    target = tmp_path / "brief.pdf"
    out = cli("brief", "baidu-2023", "-o", str(target), "--date", "2028-02-29", "--base-url", "https://a.example/x")
    assert out.returncode == 0 and target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("payload", [{"preset": {"a": 1}}, {"levers": [1, 2]}, {"levers": "abc"}, {"fields": 5}])
def test_diff_with_a_crafted_pin_gives_a_note_not_a_traceback(payload):
    from lib.link import pack

    out = cli("diff", f"https://x.example/?preset=baidu-2023&leakage=0.3&pin={pack(payload)}", "baidu-2023",
              "--format", "json")
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    notes = out.stderr.splitlines()
    assert len(notes) == 1 and notes[0].startswith("note: URL parameter 'pin' #1: ") and notes[0].endswith("Ignored.")
    assert [row["name"] for row in json.loads(out.stdout)["inputs"]] == ["leakage"]


def test_diff_reads_a_file_whose_path_holds_an_equals_sign(tmp_path):
    path = tmp_path / "leakage=0.3.toml"
    path.write_text("name = 'mine'\n[levers]\nleakage = 0.3\n", encoding="utf-8")
    out = cli("diff", str(path), "baidu-2023", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert "leakage" in [row["name"] for row in json.loads(out.stdout)["inputs"]]


def test_an_upload_for_2022_to_2026_need_not_restate_its_reading_year(tmp_path):
    path = tmp_path / "early.toml"
    path.write_text("name = 'early'\nstart = '2022-10'\nhorizon = '2026-12'\nwhat_if_from = '2022-10'\n",
                    encoding="utf-8")
    out = cli("run", str(path))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["scenario"]["reading_year"] == 2026   # its own last year, not the baseline's 2027
    path.write_text("name = 'early'\nstart = '2022-10'\nhorizon = '2026-12'\nreading_year = 2027\n", encoding="utf-8")
    _one_line_error(cli("run", str(path)), "reading_year: 2027 is out of range; allowed: a whole number from 2022 to 2026 \\[year\\]")


def test_list_events_prints_month_token_description_and_source():
    from lib.events import load_events

    out = cli("list", "events")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    events = load_events()
    assert len(lines) == len(events) > 20
    for line, event in zip(lines, events):
        month, token, text, source = line.split("\t")
        assert (month, text, source) == (event.month, event.text, event.source)
        assert __import__("re").fullmatch(r"\d{4}-\d{2}", month)
    rows = {line.split("\t")[2]: line.split("\t")[1] for line in lines}
    assert "rule:oct-2023" in rows.values() and "context" in rows.values()
    assert any(t.startswith("halt:A800|H800") for t in rows.values())
    data = json.loads(cli("list", "events", "--format", "json").stdout)
    assert [(row["month"], row["event"], row["source"]) for row in data] == [(e.month, e.text, e.source) for e in events]
    assert {"month", "date", "kind", "changes", "event", "source"} == set(data[0])
    assert [row["changes"] for row in data] == [line.split("\t")[1] for line in lines]


def test_event_tokens_read_back_as_the_same_changes():
    from lib.cli import event_tokens
    from lib.events import _parse_changes, load_events

    for event in load_events():
        assert _parse_changes(event_tokens(event), "test") == event.changes, event


@pytest.mark.parametrize("what", ["presets", "rules", "chips", "levers", "sources"])
def test_every_list_has_json_with_one_record_per_text_line(what):
    text = cli("list", what).stdout.splitlines()
    data = json.loads(cli("list", what, "--format", "json").stdout)
    assert len(data) == len(text) > 0 and all(isinstance(row, dict) for row in data)


def test_a_tpp_of_minus_zero_prints_as_zero():
    out = cli("classify", "--tpp", "-0", "--die-area", "800", "--rule", "oct-2023", "--format", "json")
    data = json.loads(out.stdout)
    assert out.returncode == 0 and data["tpp"] == 0 and "-0" not in data["reason"] and "−0" not in data["reason"]


@pytest.mark.parametrize("args, shown", [
    (("--tpp", "15000", "--die-area", "814", "--memory-bandwidth", "6499.99", "--interconnect", "400", "--rule",
      "jan-2026"), "bandwidth 6,499.99 < 6,500 GB/s"),
    (("--tpp", "4799.999", "--die-area", "814", "--rule", "oct-2023"), "TPP 4,799.999 < 4,800"),
    (("--tpp", "4000", "--die-area", "675.7", "--rule", "oct-2023"), "PD 5.9198 < 5.92"),
])
def test_the_classifier_prints_the_comparison_it_made(args, shown):
    import re

    out = cli("classify", *args)
    assert out.returncode == 0 and shown in out.stdout, out.stdout
    for left, right in re.findall(r"([0-9][0-9,.]*) < ([0-9][0-9,.]*)", out.stdout):
        assert float(left.replace(",", "")) < float(right.replace(",", "")), out.stdout   # never "6,500 < 6,500"


def test_reproduce_prints_one_row_per_published_figure():
    out = subprocess.run([sys.executable, "-m", "lib", "reproduce", "--format", "json"], capture_output=True, text=True,
                         cwd=ROOT)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)["figures"]
    assert len(rows) >= 9 and all(isinstance(row["reproduced"], bool) for row in rows)
    assert all(row["reproduced"] or row["reason"] for row in rows)  # a row that does not reproduce says why
    text = subprocess.run([sys.executable, "-m", "lib", "reproduce"], capture_output=True, text=True, cwd=ROOT)
    assert text.returncode == 0 and "reproduced" in text.stdout
