"""Domestic output: min(logic, HBM) by hand, the actor's share, the HBM what-ifs and the calibration bands."""

import numpy as np
import pytest

import lib
from lib import domestic as dom
from lib.catalog import DIE_SITES_PER_WAFER

ZERO = {"logic_wafers_per_month": 0, "logic_wafer_growth": 1.0, "logic_yield": 0.3, "die_bank_dies": 0,
        "hbm_imports_per_month": 0, "hbm_front_running_stacks": 0, "hbm_imports_after_control": 0,
        "domestic_hbm_stacks_per_year": 0, "domestic_hbm_growth": 1.0, "stock_draw_months": 12,
        "other_vendors_growth": 1.0}
ONLY_910C = ((("2023-01"), (("Ascend 910C", 1.0),)),)


def national(levers, hbm_control="2024-12", start="2024-01", horizon="2024-12", mix=ONLY_910C):
    nat = dom.compile_national(mix, hbm_control, start, horizon)
    out = dom.national_output({**ZERO, **levers}, nat)
    return nat, {key: value[:, 0] for key, value in out.items()}  # one sample: month-major (M, 1) → (M,)


def test_the_wafer_and_yield_paths_are_the_sourced_history():
    # The levers set Dec 2025; the path scales around it: ~1.1k wafers a month in mid-2024 (FT's ~200k 910B made at
    # SMIC in 2024 [K110]) and 13k in mid-2026 (Morgan Stanley [K84]); yield ~20% in Sep 2024 [K111].
    nat = dom.compile_national(ONLY_910C, "2024-12", "2024-01", "2027-12")
    at = nat.labels.index
    assert nat.wafer_factor[at("2025-12")] == pytest.approx(1.0)
    assert nat.wafer_factor[at("2024-06")] * 7_000 == pytest.approx(1_100)
    assert nat.wafer_factor[at("2026-06")] * 7_000 == pytest.approx(13_000)
    assert nat.yield_factor[at("2024-09")] * 0.3 == pytest.approx(0.2)
    assert nat.wafer_years[at("2027-12")] == pytest.approx(0.5)  # the growth lever acts after the path's end


def test_logic_bound_by_hand():
    # Dec 2025, no HBM control: 1,000 wafers × 78 sites × 0.3 yield = 23,400 dies → 11,700 910C (2 dies each).
    nat, out = national({"logic_wafers_per_month": 1_000}, hbm_control="never", start="2025-12", horizon="2025-12")
    assert out["pool"][-1] == pytest.approx(1_000 * DIE_SITES_PER_WAFER * 0.3 / 2)
    assert dom.BINDING[out["binding"][-1]] == "logic: SMIC wafers"


def test_hbm_bound_by_hand():
    # 80,000 stacks a month before the control and 8 stacks per 910C → 10,000 910C; logic plentiful.
    nat, out = national({"logic_wafers_per_month": 1_000_000, "hbm_imports_per_month": 80_000})
    assert out["pool"][nat.labels.index("2024-06")] == pytest.approx(10_000)
    assert dom.BINDING[out["binding"][nat.labels.index("2024-06")]] == "HBM"


def test_without_a_control_hbm_does_not_bind():
    # Korean HBM is bought as needed without a control [K8]: the same logic makes more than under one.
    levers = {"logic_wafers_per_month": 1_000_000, "hbm_imports_per_month": 80_000}
    _, with_control = national(levers)
    _, without = national(levers, hbm_control="never")
    assert (without["pool"] >= with_control["pool"]).all() and without["pool"].sum() > 5 * with_control["pool"].sum()


def test_a_chip_without_hbm_is_outside_the_hbm_bound():
    # Half 910C (8 stacks), half Kunlun II (GDDR): with no HBM at all the Kunlun half is still made from its dies.
    mix = (("2023-01", (("Ascend 910C", 0.5), ("Kunlun II", 0.5))),)
    nat, out = national({"logic_wafers_per_month": 1_000}, start="2025-12", horizon="2025-12", mix=mix)
    dies = 1_000 * DIE_SITES_PER_WAFER * 0.3
    assert out["hbm_made"][-1] == 0
    assert out["plain_made"][-1] == pytest.approx(dies * (1 / 3) / 1)  # 1 of every 3 dies goes to a Kunlun II
    assert dom.chip_output(nat, out["hbm_made"], out["plain_made"])[1][-1] == pytest.approx(out["plain_made"][-1])


def test_stockpile_is_drawn_a_twelfth_at_a_time():
    # No new stacks after the control; 1.2M stacks in stock in Dec 2024 → Jan 2025: 1/12 of it, 100k stacks = 12.5k 910C.
    nat, out = national({"logic_wafers_per_month": 1_000_000, "hbm_front_running_stacks": 1_200_000},
                        start="2024-11", horizon="2025-02")
    jan = nat.labels.index("2025-01")
    dec = nat.labels.index("2024-11")   # the surge arrives in the month before the control (Nov here)
    assert out["pool"][dec] == pytest.approx(1_200_000 / 12 / 8)
    assert out["pool"][jan] == pytest.approx((1_200_000 - 100_000) * (11 / 12) / 12 / 8, rel=1e-9)


def test_die_bank_opens_in_2025_and_is_drawn_first():
    nat, out = national({"die_bank_dies": 1_200_000, "hbm_imports_per_month": 10_000_000,
                         "hbm_imports_after_control": 120_000_000}, horizon="2025-06")
    assert out["pool"][nat.labels.index("2024-12")] == 0
    jan = nat.labels.index("2025-01")
    assert out["pool"][jan] == pytest.approx(1_200_000 / 12 / 2)
    assert dom.BINDING[out["binding"][jan]] == "logic: SMIC + die bank"
    assert out["die_stock"][jan] == pytest.approx(1_100_000)
    # When HBM allows fewer chips than the bank could supply, the bank's dies are used before SMIC's [K8].
    nat, out = national({"die_bank_dies": 1_200_000, "logic_wafers_per_month": 10_000,
                         "hbm_imports_after_control": 12 * 8 * 5_000}, horizon="2025-01")
    jan = nat.labels.index("2025-01")
    assert out["pool"][jan] == pytest.approx(5_000)
    assert out["die_stock"][jan] == pytest.approx(1_200_000 - 10_000)


def test_other_vendors_follow_idc():
    # IDC's all-domestic shipments less Huawei, Kunlun and Cambricon: ~275k in 2024 and ~606k in 2025 [K98][K76].
    nat, out = national({}, start="2024-01", horizon="2026-12")
    by_year = {y: out["other"][[i for i, m in enumerate(nat.labels) if m.startswith(str(y))]].sum() for y in (2024, 2025)}
    assert by_year[2024] == pytest.approx(275_000) and by_year[2025] == pytest.approx(606_000)


def test_many_samples_match_one_sample_at_a_time():
    # The recursion runs on Python floats for one sample and on numpy arrays for many: the same numbers.
    levers = {**ZERO, "logic_wafers_per_month": 5_000, "logic_wafer_growth": 1.5, "die_bank_dies": 2e6,
              "hbm_imports_per_month": 200_000, "hbm_front_running_stacks": 5e6, "domestic_hbm_stacks_per_year": 1e6}
    mix = (("2023-01", (("Ascend 910B", 0.9), ("Kunlun II", 0.1))), ("2025-01", (("Ascend 910C", 1.0),)))
    nat = dom.compile_national(mix, "2024-12", "2023-01", "2028-12")
    scales = np.array([0.5, 1.0, 2.0])
    many = dom.national_output({**levers, "die_bank_dies": 2e6 * scales, "hbm_imports_per_month": 2e5 * scales}, nat)
    for i, k in enumerate(scales):
        one = dom.national_output({**levers, "die_bank_dies": 2e6 * k, "hbm_imports_per_month": 2e5 * k}, nat)
        for key in ("output", "logic_limit", "hbm_limit", "die_stock", "hbm_stock"):
            assert many[key][:, i] == pytest.approx(one[key][:, 0], rel=1e-12), key
        assert (many["binding"][:, i] == one["binding"][:, 0]).all()


def test_actor_gets_the_smaller_of_demand_and_share(baseline):
    cap = lib.run(baseline).capability
    assert (cap["arrivals_domestic"] <= np.minimum(cap["domestic_demand"], cap["domestic_available"]) + 1e-6).all()
    assert (cap["domestic_available"] < cap["domestic_demand"]).any()   # Baidu hits the national cap from 2025
    more = lib.run(baseline.with_levers(domestic_supply=5_000_000)).capability
    assert more["arrivals_domestic"].to_numpy() == pytest.approx(more["domestic_available"].to_numpy())


def test_baidu_receives_no_more_than_its_share_of_national_output(baseline):
    r = lib.run(baseline.with_levers(domestic_supply=5_000_000, domestic_growth=5))
    here = r.national.iloc[r.compiled.national.offset:]
    assert r.capability["arrivals_domestic"].sum() <= 0.1 * here["output"].sum() * (1 + 1e-9)


# ---- the HBM rule and its what-ifs move the answer ---------------------------------------------

def _huawei(scenario, year):
    n = lib.run(scenario).national
    return float(n[n.month.dt.year == year]["huawei_output"].sum())


def test_hbm_what_ifs_move_national_output_and_the_china_answer(china):
    real = _huawei(china, 2027)
    never = china.with_fields(hbm_control_from="never")
    earlier = china.with_fields(hbm_control_from="2023-11")
    leaking = china.with_levers(hbm_imports_after_control=2_400_000)
    assert _huawei(never, 2027) > real * 1.5
    assert _huawei(earlier, 2025) < _huawei(china, 2025) * 0.8
    assert _huawei(leaking, 2027) > real * 1.2
    h = lambda s: lib.run(s).summary["h100e_end"]  # noqa: E731
    assert h(never) > h(china) > h(earlier) and h(leaking) > h(china)


def test_hbm_what_ifs_reach_baidu_through_its_share(baseline):
    h = lambda s: lib.run(s).summary["h100e_end"]  # noqa: E731
    assert h(baseline.with_fields(hbm_control_from="never")) > h(baseline) * 1.05


# ---- calibration bands, with their sources -----------------------------------------------------

@pytest.mark.parametrize("preset", sorted(lib.list_presets()))
def test_huawei_output_within_the_calibration_bands(preset):
    scenario = lib.load_scenario(preset)
    # 2025: Epoch's ~800k Ascend (200k 910B, 600k 910C) ±25% [K102]; IDC ~812k [K76].
    assert 640_000 <= _huawei(scenario, 2025) <= 1_000_000
    # 2026: SemiAnalysis HBM-bound ~300k [K8] to 1.5M packages (Bloomberg's 1.6M dies ≈ 0.8M 910C [K25b]).
    assert 300_000 <= _huawei(scenario, 2026) <= 1_500_000


def test_cambricon_and_all_vendors_2025():
    n = lib.run(lib.load_scenario("china-2023")).national
    in2025 = n[n.month.dt.year == 2025]
    assert 110_000 / 1.25 <= in2025["output MLU590"].sum() <= 110_000 * 1.25   # Epoch: Cambricon ~110k [K102]
    assert 1.65e6 / 1.25 <= in2025["output"].sum() <= 1.65e6 * 1.25            # IDC: all domestic ~1.65M [K76]


@pytest.mark.parametrize("preset", sorted(lib.list_presets()))
def test_no_year_makes_less_without_the_hbm_control(preset):
    # The surge is what buyers did because a control was coming; without one, HBM is bought as needed.
    scenario = lib.load_scenario(preset)
    def years(s):
        n = lib.run(s).national
        return n.groupby(n.month.dt.year)["output"].sum()
    control, none = years(scenario), years(scenario.with_fields(hbm_control_from="never"))
    assert (none >= control - 1e-6).all(), (control - none)[none < control]


def test_no_year_makes_less_without_the_hbm_control_over_sampled_levers():
    scenario = lib.load_scenario("china-2023")
    values = lib.uncertainty.draw(scenario, 200, np.random.default_rng(5))
    nat = lambda s: dom.compile_national(s.national_mix, s.hbm_control_from, s.start, s.horizon)  # noqa: E731
    with_control = dom.national_output(values, nat(scenario))["output"]
    without = dom.national_output(values, nat(scenario.with_fields(hbm_control_from="never")))["output"]
    labels = np.array([m[:4] for m in nat(scenario).labels])
    for year in np.unique(labels):
        rows = labels == year
        assert (without[rows].sum(axis=0) >= with_control[rows].sum(axis=0) - 1e-6).all(), year


def test_the_die_bank_is_drawn():
    # SemiAnalysis: the >2.9M-die bank gets Huawei through 2025 and runs out around mid-2026 [K8].
    n = lib.run(lib.load_scenario("china-2023")).national.set_index(lib.run(lib.load_scenario("china-2023")).national.month.dt.strftime("%Y-%m"))
    assert n.loc["2025-12", "die_stock"] < 0.6 * 2.9e6
    assert n.loc["2026-12", "die_stock"] < 0.3 * 2.9e6


def test_national_output_is_computed_from_2023_whatever_the_start(china):
    n = lib.run(china).national
    assert n["month"].iloc[0].strftime("%Y-%m") == "2023-01" and china.start == "2026-01"
