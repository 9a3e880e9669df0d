"""Domestic output: min(logic, HBM) by hand, the actor's share, the HBM what-ifs and the calibration bands."""

import numpy as np
import pytest

import lib
from lib import domestic as dom
from lib.catalog import DIE_SITES_PER_WAFER

ZERO = {"logic_wafers_per_month": 0, "logic_wafer_growth": 1.0, "logic_yield": 0.3, "die_bank_dies": 0,
        "hbm_imports_per_month": 0, "hbm_front_running_stacks": 0, "hbm_imports_after_control": 0,
        "domestic_hbm_stacks_per_year": 0, "domestic_hbm_growth": 1.0, "stock_draw_months": 12}
ONLY_910C = ((("2023-01"), (("Ascend 910C", 1.0),)),)


def national(levers, hbm_control="2024-12", start="2024-01", horizon="2024-12", mix=ONLY_910C):
    nat = dom.compile_national(mix, hbm_control, start, horizon)
    return nat, dom.national_output({**ZERO, **levers}, nat)


def test_logic_bound_by_hand():
    # 1,000 wafers × 78 sites × 0.3 yield = 23,400 dies a month → 11,700 910C (2 dies each); HBM plentiful.
    nat, out = national({"logic_wafers_per_month": 1_000, "hbm_imports_per_month": 10_000_000})
    assert out["output"][0] == pytest.approx(1_000 * DIE_SITES_PER_WAFER * 0.3 / 2)
    assert dom.BINDING[out["binding"][0]] == "logic: SMIC wafers"


def test_hbm_bound_by_hand():
    # 80,000 stacks a month before the control and 8 stacks per 910C → 10,000 910C; logic plentiful.
    nat, out = national({"logic_wafers_per_month": 100_000, "hbm_imports_per_month": 80_000})
    assert out["output"][0] == pytest.approx(10_000)
    assert dom.BINDING[out["binding"][0]] == "HBM"


def test_stockpile_is_drawn_a_twelfth_at_a_time():
    # No new stacks after the control; 1.2M stacks in stock in Dec 2024 → Jan 2025: 1/12 of it, 100k stacks = 12.5k 910C.
    nat, out = national({"logic_wafers_per_month": 100_000, "hbm_front_running_stacks": 1_200_000},
                        start="2024-11", horizon="2025-02")
    jan = nat.labels.index("2025-01")
    dec = nat.labels.index("2024-11")   # the surge arrives in the month before the control (Nov here)
    assert out["output"][dec] == pytest.approx(1_200_000 / 12 / 8)
    assert out["output"][jan] == pytest.approx((1_200_000 - 100_000) * (11 / 12) / 12 / 8, rel=1e-9)


def test_die_bank_opens_in_2025_and_is_drawn_down():
    nat, out = national({"die_bank_dies": 1_200_000, "hbm_imports_per_month": 10_000_000,
                         "hbm_imports_after_control": 120_000_000}, horizon="2025-06")
    assert out["output"][nat.labels.index("2024-12")] == 0
    jan = nat.labels.index("2025-01")
    assert out["output"][jan] == pytest.approx(1_200_000 / 12 / 2)
    assert dom.BINDING[out["binding"][jan]] == "logic: SMIC + die bank"
    assert out["die_stock"][jan] == pytest.approx(1_100_000)


def test_vector_state_matches_the_scalar_recursion():
    levers = {**ZERO, "logic_wafers_per_month": 5_000, "logic_wafer_growth": 1.5, "die_bank_dies": 2e6,
              "hbm_imports_per_month": 200_000, "hbm_front_running_stacks": 5e6, "domestic_hbm_stacks_per_year": 1e6}
    mix = (("2023-01", (("Ascend 910B", 0.9), ("Kunlun II", 0.1))), ("2025-01", (("Ascend 910C", 1.0),)))
    nat, out = national(levers, start="2023-01", horizon="2028-12", mix=mix)
    smic, bank, hbm, surge = dom.inflows(levers, nat)
    state = dom.NationalState(1, levers["stock_draw_months"])
    made = [state.step(np.atleast_1d(smic[m]), np.atleast_1d(bank[m]), np.atleast_1d(hbm[m]),
                       nat.dies_per_package[m], nat.stacks_per_package[m], bool(nat.bank_open[m]), surge[m])[0]
            for m in range(len(nat.labels))]
    assert made == pytest.approx(out["output"], rel=1e-12)


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
    # 2025: US Commerce "at or below 200,000" [K24] to SemiAnalysis 805k [K8].
    assert 200_000 <= _huawei(scenario, 2025) <= 805_000
    # 2026: SemiAnalysis HBM-bound ~300k [K8] to 1.5M packages (Bloomberg's 1.6M dies ≈ 0.8M 910C [K25b]).
    assert 300_000 <= _huawei(scenario, 2026) <= 1_500_000


def test_national_output_is_computed_from_2023_whatever_the_start(china):
    n = lib.run(china).national
    assert n["month"].iloc[0].strftime("%Y-%m") == "2023-01" and china.start == "2026-01"
