"""Known answers, conservation, extreme cases and monotonicity of the projection."""

import numpy as np
import pytest

import lib
from lib import projection as pj


# ---- small functions on their own -----------------------------------------------------------------

def test_waterfall_hand_computed():
    access = np.array([[0.1], [1.0], [0.5]])
    assert pj.waterfall_shares(access)[:, 0] == pytest.approx([0.1, 0.9, 0.0])
    access = np.array([[0.5], [0.5]])
    assert pj.waterfall_shares(access)[:, 0] == pytest.approx([0.5, 0.25])


def test_access_by_status_order_and_values():
    a = pj.access_by_status(0.2, 0.5)
    assert a == pytest.approx([1.0, 0.6, 0.6, 0.2])  # not, gray, case-by-case, controlled


def test_survival_kernel_hand_computed():
    arrivals = np.array([10.0, 0, 0, 5, 0])
    stock = pj.survival_kernel_stock(arrivals, lifetime_months=3, monthly_survival=1.0)
    assert stock == pytest.approx([10, 10, 10, 5, 5])
    stock = pj.survival_kernel_stock(arrivals, lifetime_months=10, monthly_survival=0.5)
    assert stock == pytest.approx([10, 5, 2.5, 6.25, 3.125])


def test_survival_kernel_per_sample_lifetimes_match_scalar():
    rng = np.random.default_rng(0)
    arrivals = rng.uniform(0, 10, (3, 24))
    lifetimes = np.array([1, 7, 30])
    got = pj.survival_kernel_stock(arrivals, lifetimes, np.array([0.99, 0.98, 1.0]))
    for i in range(3):
        assert got[i] == pytest.approx(pj.survival_kernel_stock(arrivals[i], int(lifetimes[i]), [0.99, 0.98, 1.0][i]))


def test_initial_stock_retires_evenly():
    s = pj.initial_stock_survival(12 * 6, lifetime_years=5, mean_age_years=1, monthly_survival=1.0)
    assert s[0] == 1 and s[36] == 1 and s[48] == pytest.approx(0.5) and s[60] == 0


def test_gap_and_runway_known_answers():
    assert pj.frontier_gap_years(1e24, 1e26, 10.0) == pytest.approx(2.0)
    assert pj.frontier_gap_years(1e27, 1e26, 10.0) == 0.0
    assert pj.runway_months(np.array([1, 2, 3, 4]), np.array([5, 5, 2, 9])) == 2
    assert pj.runway_months(np.array([9, 1]), np.array([5, 5])) == 0
    assert pj.runway_months(np.array([1, 1]), np.array([5, 5])) == 2


def test_largest_run_reproduces_gpt4():
    # ~25k A100 (0.315 H100e each) for ~95 days at MFU 0.34 ≈ 2.1e25 FLOP [K56]
    h100e = 25_000 * lib.get_chip("A100").training_h100e
    assert pj.largest_run_flop(h100e, 0.34, 95, 1.0) == pytest.approx(2.15e25, rel=0.05)


# ---- the orchestrator ---------------------------------------------------------------------------

def test_contract_columns_and_summary(baseline):
    result = lib.run(baseline)
    assert list(result.monthly.columns[:7]) == ["month", "chip", "stock", "arrivals", "retirements",
                                                 "h100e_training", "h100e_inference"]
    assert set(lib.SUMMARY_KEYS) <= set(result.summary)
    assert result.monthly["month"].nunique() == result.summary["months"] == 86  # Nov 2023 – Dec 2030


def test_conservation(baseline, china):
    for scenario in (baseline, china):
        m = lib.run(scenario).monthly.sort_values(["chip", "month"])
        for chip, g in m.groupby("chip"):
            stock = g["stock"].to_numpy()
            initial = dict(scenario.initial_stock).get(chip, 0.0)
            previous = np.concatenate([[initial], stock[:-1]])
            assert stock == pytest.approx(previous + g["arrivals"].to_numpy() - g["retirements"].to_numpy(), abs=1e-6)
            assert (g["retirements"] >= 0).all() and (stock >= 0).all()


def test_summary_agrees_with_tables(baseline):
    r = lib.run(baseline)
    last = r.monthly[r.monthly["month"] == r.monthly["month"].max()]
    assert r.summary["h100e_end"] == pytest.approx(last["h100e_training"].sum())
    assert r.summary["stock_units_end"] == pytest.approx(last["stock"].sum())
    assert r.summary["h100e_end"] == pytest.approx(r.capability["h100e_training"].iloc[-1])


def test_zero_supply_zero_leakage_stock_only_falls(baseline):
    s = baseline.with_levers(domestic_supply=0, leakage=0, import_budget=0)
    s = s.with_fields(deliveries=[])
    units = lib.run(s).capability["stock_units"].to_numpy()
    assert (np.diff(units) <= 1e-9).all() and units[-1] < units[0]


def test_threshold_zero_means_only_leakage(baseline):
    # Under a vintage without case-by-case review, nothing arrives licitly whatever the approval share.
    r = lib.run(baseline.with_fields(rule_vintage="oct-2023").with_levers(tpp_threshold=0, approval_share=1.0))
    assert r.monthly["arrivals_licit"].sum() == 0
    # On the real timeline, Jan 2026 makes such chips licensable: only approvals or leakage bring them.
    r = lib.run(baseline.with_levers(tpp_threshold=0, approval_share=0.0))
    assert r.monthly["arrivals_licit"].sum() == 0
    assert r.monthly["arrivals_leaked"].sum() > 0
    r = lib.run(baseline.with_levers(tpp_threshold=0, leakage=0, approval_share=0.0))
    assert r.summary["arrivals_foreign_total"] == 0


def test_baidu_runway_within_ceo_statement(baseline):
    # Robin Li: the reserve keeps ERNIE improving "for the next one or two years" [K68][K69]
    assert 12 <= lib.run(baseline).summary["runway_months"] <= 24


def test_h20_is_the_inference_story(baseline):
    # Arrivals in 2024 are H20s: weak for training, strong for inference.
    m = lib.run(baseline).monthly
    y2024 = m[m["month"].dt.year == 2024]
    by_chip = y2024.groupby("chip")["arrivals"].sum()
    foreign = by_chip[[c for c in baseline.import_chips if c in by_chip.index]]
    assert foreign.idxmax() == "H20"


MONOTONE = [(name, lever.monotone) for name, lever in lib.LEVERS.items() if lever.monotone]


@pytest.mark.parametrize("preset", ["baidu-2023", "china-2026", "oct-2022-kept"])
@pytest.mark.parametrize("name, sign", MONOTONE)
def test_monotone_levers(preset, name, sign):
    scenario = lib.load_scenario(preset)
    lever = lib.LEVERS[name]
    grid = np.linspace(lever.minimum, lever.maximum, 9)
    if name == "tpp_threshold":
        grid = np.array([0, 1_600, 2_368, 2_400, 4_800, 5_000, 15_832, 21_000, 36_000, 50_000])
    values = [lib.run(scenario.with_levers(**{name: x})).summary["h100e_end"] for x in grid]
    diffs = np.diff(values) * sign
    assert (diffs >= -1e-9 * max(values)).all(), (name, values)


def test_looser_rule_vintage_never_lowers_access(baseline):
    kept = lib.run(baseline.with_fields(rule_vintage="oct-2022")).summary["h100e_end"]
    assert kept >= lib.run(baseline).summary["h100e_end"]


def test_allowed_chips_override_the_rule(baseline):
    r = lib.run(baseline.with_fields(allowed_chips=["H100"]))
    assert r.monthly.loc[r.monthly.chip == "H100", "arrivals_leaked"].sum() == 0
    assert r.monthly.loc[r.monthly.chip == "H100", "arrivals_licit"].sum() > 0


def test_status_table_covers_catalog(baseline):
    table = lib.status_table(baseline)
    assert len(table) == len(lib.CHIPS)
    assert table.set_index("chip").loc["H20", "status"] == "not-controlled"
