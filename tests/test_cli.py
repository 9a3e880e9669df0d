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
    assert set(data) == {"summary", "monthly", "scenario"}
    assert data["monthly"][0]["month"] == "2023-11" and data["scenario"]["levers"]["leakage"] == 0.2


def test_run_csv():
    out = cli("run", "full-embargo", "--format", "csv")
    assert out.returncode == 0
    assert out.stdout.splitlines()[0].startswith("month,chip,stock,arrivals,retirements,h100e_training,h100e_inference")


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
                                         ("levers", "tpp_threshold")])
def test_list(what, first):
    out = cli("list", what)
    assert out.returncode == 0 and out.stdout.splitlines()[0].startswith(first)


@pytest.mark.parametrize("args, match", [
    (("run", "baidu-2023", "--set", "leakage=2"), "leakage: '2' is out of range; allowed: 0 to 1"),
    (("run", "baidu-2023", "--set", "leakge=0.1"), "did you mean 'leakage'"),
    (("run", "baidu-2023", "--set", "leakage"), "not LEVER=VALUE"),
    (("run", "baidu-2023", "--set", "leakage=nan"), "out of range"),
    (("run", "baidu-2023", "--format", "xml"), "invalid choice: 'xml'"),
    (("run", "nowhere.toml"), "no file at"),
    (("run", "baidu-2023", "--samples", "0"), "samples: 0 is not allowed"),
    (("run", "baidu-2023", "--samples", "many"), "invalid int value"),
    (("classify", "--chip", "Z9"), "unknown chip 'Z9'"),
    (("classify", "--tpp", "5000", "--die-area", "800", "--rule", "oct-2022"), "interconnect_gbps: not known"),
    (("classify", "--tpp", "5000"), "--die-area: required"),
    (("classify", "--tpp", "-5", "--die-area", "800"), "tpp: -5.0 is not allowed"),
    (("classify", "--chip", "A100", "--rule", "oct-2030"), "invalid choice"),
    (("list", "everything"), "invalid choice"),
    (("sensitivity", "baidu-2023", "--output", "nope"), "output: 'nope' is not allowed"),
    (("solve", "baidu-2023", "--lever", "mfu", "--target", "runway_months>=3"), "--lever: 'mfu' is not allowed"),
    (("solve", "baidu-2023", "--lever", "leakage", "--target", "runway=3"), "--target: 'runway=3' is not allowed"),
    (("solve", "baidu-2023", "--lever", "leakage", "--target", "runway_months>=3", "--year", "1999"), "--year: 1999"),
    ((), "the following arguments are required"),
])
def test_bad_input_exit_2_one_line(args, match):
    out = cli(*args)
    assert out.returncode == 2
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert __import__("re").search(match, lines[0]), lines[0]
