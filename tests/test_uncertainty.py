"""Monte Carlo, tornado and goal-seek."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lib
from lib.uncertainty import parse_target, run_monte_carlo, solve, tornado

ROOT = Path(__file__).resolve().parents[1]


def test_quantiles_ordered(baseline):
    mc = run_monte_carlo(baseline, samples=500, seed=3)
    for series in mc.monthly.values():
        assert (series["p10"] <= series["p50"]).all() and (series["p50"] <= series["p90"]).all()
    assert set(mc.summary) >= {"runway_months", "h100e_end", "frontier_gap_years_end"}
    assert 0 <= mc.probabilities["runway_under_12_months"] <= mc.probabilities["runway_under_24_months"] <= 1


def test_seed_reproduces_and_differs(baseline):
    a = run_monte_carlo(baseline, samples=300, seed=7)
    b = run_monte_carlo(baseline, samples=300, seed=7)
    c = run_monte_carlo(baseline, samples=300, seed=8)
    assert a.summary == b.summary and a.probabilities == b.probabilities
    assert a.summary != c.summary


def test_cli_seed_is_byte_identical():
    args = [sys.executable, "-m", "lib", "run", "baidu-2023", "--samples", "200", "--seed", "5"]
    one = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    two = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert one.returncode == 0 and one.stdout == two.stdout
    data = json.loads(one.stdout)
    assert {"p10", "p50", "p90"} <= set(data["summary"]["h100e_end"])
    assert "h100e_training_p50" in data["monthly"][0]


@pytest.mark.parametrize("preset", sorted(lib.list_presets()))
def test_narrow_ranges_collapse_to_the_deterministic_run(preset):
    scenario = lib.load_scenario(preset)
    exact = {name: (scenario.lever(name), scenario.lever(name)) for name in lib.UNCERTAIN_LEVERS}
    mc = run_monte_carlo(scenario, samples=50, seed=1, ranges=exact)
    result = lib.run(scenario)
    summary = result.summary
    for key, q in mc.summary.items():
        assert q["p50"] == pytest.approx(float(summary[key]), rel=1e-9, abs=1e-9), key
    for series, qs in mc.monthly.items():  # every channel and series, month by month
        assert qs["p50"] == pytest.approx(result.capability[series].to_numpy(), rel=1e-9, abs=1e-6), series
    national = result.national["output"].to_numpy()
    assert mc.national["national_output"]["p50"] == pytest.approx(national, rel=1e-9)
    # ±0.1% ranges: the median stays within a hair of the deterministic value
    narrow = {name: (scenario.lever(name) * 0.999, scenario.lever(name) * 1.001) for name in lib.UNCERTAIN_LEVERS}
    mc = run_monte_carlo(scenario, samples=200, seed=2, ranges=narrow)
    assert mc.summary["h100e_end"]["p50"] == pytest.approx(summary["h100e_end"], rel=0.01)
    capability = lib.run(scenario).capability
    assert mc.monthly["h100e_training"]["p50"] == pytest.approx(capability["h100e_training"].to_numpy(), rel=0.01)


def test_bad_samples_and_ranges(baseline):
    with pytest.raises(lib.ScenarioError, match="samples: 0 is out of range"):
        run_monte_carlo(baseline, samples=0)
    with pytest.raises(lib.ScenarioError, match="samples: 200001 is out of range; allowed: a whole number from 1 to 50,000"):
        run_monte_carlo(baseline, samples=200_001)
    with pytest.raises(lib.ScenarioError, match="'tpp_threshold' is not an uncertain lever"):
        run_monte_carlo(baseline, samples=10, ranges={"tpp_threshold": (0, 1)})


@pytest.mark.parametrize("preset", ["baidu-2023", "china-2026"])
def test_tornado_signs_follow_monotonicity(preset):
    frame = tornado(lib.load_scenario(preset), "h100e_end")
    assert (np.diff(frame["swing"].to_numpy()) <= 0).all()  # sorted by size
    for row in frame.itertuples():
        sign = lib.LEVERS[row.lever].monotone
        if sign and row.high_value > row.low_value:
            assert (row.output_at_high - row.output_at_low) * sign >= -1e-9, row.lever


def test_block_size_changes_no_value(baseline):
    a = run_monte_carlo(baseline, samples=400, seed=9, block_months=1)
    b = run_monte_carlo(baseline, samples=400, seed=9, block_months=12)
    c = run_monte_carlo(baseline, samples=400, seed=9, block_months=1000)
    assert a.summary == b.summary == c.summary
    for name in a.monthly:
        for q in ("p10", "p50", "p90"):
            assert (a.monthly[name][q] == b.monthly[name][q]).all() and (b.monthly[name][q] == c.monthly[name][q]).all()


def test_channels_have_their_own_uncertainty():
    mc = run_monte_carlo(lib.load_scenario("china-2023"), samples=400, seed=2)  # legal H20s arrive in 2024
    for key in ("arrivals_licensed_total", "arrivals_smuggled_total", "remote_access_h100e_end", "h100e_domestic_total"):
        assert mc.summary[key]["p10"] < mc.summary[key]["p90"], key
    for series in ("h100e_arriving_smuggled", "remote_access_h100e", "h100e_arriving_domestic"):
        assert (mc.monthly[series]["p10"] <= mc.monthly[series]["p90"]).all()
        assert (mc.monthly[series]["p90"] > mc.monthly[series]["p10"]).any(), series


def test_largest_run_bands_are_right_when_the_training_fleet_starts_empty(baseline):
    # Model 1.0 scaled the run fan from the fleet's first month and showed 0 when that was empty.
    empty = baseline.with_fields(initial_stock={}, deliveries=[])
    mc = run_monte_carlo(empty, samples=300, seed=4)
    deterministic = lib.run(empty).capability["largest_run_flop"].to_numpy()
    assert (mc.monthly["largest_run_flop"]["p90"][1:] > 0).all()
    assert mc.monthly["largest_run_flop"]["p10"][-1] <= deterministic[-1] <= mc.monthly["largest_run_flop"]["p90"][-1]


def test_cli_memory_stays_bounded_at_the_maximum():
    # The CLI at its maximum samples over the widest span and longest life: peak RSS under 300 MB. VmHWM is the
    # peak of this program's own memory; getrusage's ru_maxrss would also count the forking test process.
    script = ("import lib; from lib.uncertainty import run_monte_carlo, MAX_SAMPLES; "
              "s = lib.load_scenario('baidu-2023', {'start': '2022-01', 'what_if_from': '2022-01', 'horizon': '2035-12', "
              "'deliveries': [], 'lifetime_years': 10}); run_monte_carlo(s, samples=MAX_SAMPLES, seed=0); "
              "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-500:]
    assert int(out.stdout.strip()) / 1024 < 300


def test_tornado_ranks_policy_levers_separately(baseline):
    policy = tornado(baseline, "h100e_years_total", "policy")
    assert set(policy["lever"]) == set(lib.POLICY_LEVERS) and (policy["kind"] == "policy").all()
    row = policy.set_index("lever").loc["density_threshold"]
    assert row.output_at_high == pytest.approx(lib.run(baseline.with_levers(density_threshold=20)).summary["h100e_years_total"])


def test_tornado_is_deterministic_and_matches_runs(baseline):
    frame = tornado(baseline, "runway_months")
    row = frame.set_index("lever").loc["domestic_supply"]
    assert row.output_at_high == lib.run(baseline.with_levers(domestic_supply=row.high_value)).summary["runway_months"]
    assert frame.attrs["base"] == lib.run(baseline).summary["runway_months"]


def test_goal_seek_known_answer_on_constructed_scenario(baseline):
    # Constructed: no domestic supply, no stock, no leakage, oct-2023 rule fixed, budget only for H100s.
    # H100e_end depends on the TPP threshold only through whether the H100 (TPP 15,832) is controlled;
    # with density_threshold at its maximum, the answer must be the H100's TPP.
    s = baseline.with_fields(rule_vintage="oct-2023", import_chips=["H100"], initial_stock={}, deliveries=[])
    s = s.with_levers(domestic_supply=0, leakage=0, density_threshold=50, import_budget=1e9)
    answer = solve(s, "tpp_threshold", ("h100e", ">=", 1.0), year=2026)
    assert answer["achievable"] and answer["direction"] == ">="
    assert answer["value"] == pytest.approx(15_832, abs=1)


def test_goal_seek_continuous_known_answer(baseline):
    # Import budget needed for a runway of 60 months: check that it is the boundary.
    answer = solve(baseline, "import_budget", ("runway_months", ">=", 60))
    value = answer["value"]
    assert lib.run(baseline.with_levers(import_budget=value)).summary["runway_months"] >= 60
    assert lib.run(baseline.with_levers(import_budget=value * 0.99)).summary["runway_months"] < 60


def test_goal_seek_no_solution_is_an_answer(baseline):
    answer = solve(baseline, "leakage", ("runway_months", "<=", 3))
    assert not answer["achievable"]
    assert answer["message"].startswith("no value of leakage in [0, 1] achieves runway_months <= 3")
    assert answer["best_value"] == 0.0
    out = subprocess.run([sys.executable, "-m", "lib", "solve", "baidu-2023", "--lever", "leakage", "--target",
                          "runway_months<=3"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "no value of leakage" in out.stdout


def test_parse_target():
    assert parse_target("frontier_gap_years>=3") == ("frontier_gap_years", ">=", 3.0)
    assert parse_target("frontier_gap_years_end>=3") == ("frontier_gap_years_end", ">=", 3.0)  # summary keys too
    with pytest.raises(lib.ScenarioError, match="did you mean 'runway_months'"):
        parse_target("runway_month<=12")
    with pytest.raises(lib.ScenarioError, match="out of range"):
        parse_target("runway_months<=1e999")


def test_solve_with_a_summary_key(baseline):
    answer = solve(baseline, "leakage", parse_target("h100e_years_total>=600000"))
    assert answer["achievable"]
    assert lib.run(baseline.with_levers(leakage=answer["value"])).summary["h100e_years_total"] >= 600_000


def test_sensitivity_cli():
    out = subprocess.run([sys.executable, "-m", "lib", "sensitivity", "baidu-2023", "--output", "runway_months"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    data = json.loads(out.stdout)
    assert data["output"] == "runway_months" and len(data["levers"]) == len(lib.UNCERTAIN_LEVERS)
