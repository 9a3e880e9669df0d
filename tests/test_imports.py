"""Imports by channel: the walk's known answers, access once per unit demanded, vendor windows and caps."""

import numpy as np
import pytest

import lib
from lib import imports as imp
from lib.imports import CONTROLLED, FREE, LICENSABLE, NONE


# ---- the walk on its own ----------------------------------------------------------------------

def test_walk_free_top_chip_takes_everything():
    lic, smug, spent = imp.walk([FREE, CONTROLLED], [0, 1], np.array([10.0, 20.0]), 100.0, 0.5, 0.5)
    assert lic[0] == pytest.approx([10, 0]) and smug[0] == pytest.approx([0, 0]) and spent[0] == 100


def test_walk_controlled_then_free_leaks_once():
    # The best chip is denied: 20% of demand is smuggled as it, the rest buys the free chip.
    lic, smug, spent = imp.walk([CONTROLLED, FREE], [0, 1], np.array([10.0, 5.0]), 100.0, 0.2, 0.9)
    assert smug[0] == pytest.approx([2.0, 0]) and lic[0] == pytest.approx([0, 16.0]) and spent[0] == 100


def test_walk_licensable_then_nothing():
    # Approved 30%; the 70% denied leaks 10% once; the rest is not spent.
    lic, smug, spent = imp.walk([LICENSABLE], [0], np.array([10.0]), 100.0, 0.1, 0.3)
    assert lic[0][0] == pytest.approx(3.0) and smug[0][0] == pytest.approx(0.7) and spent[0] == pytest.approx(37.0)


def test_walk_licensed_cap_sends_the_rest_on():
    lic, smug, _ = imp.walk([LICENSABLE, FREE], [0, 1], np.array([10.0, 10.0]), 100.0, 0.0, 1.0, cap_units=2.0)
    assert lic[0] == pytest.approx([2.0, 8.0]) and smug[0].sum() == 0


def test_walk_leaks_once_however_many_chips_are_blocked():
    one = imp.walk([CONTROLLED], [0], np.array([10.0]), 100.0, 0.05, 0.0)[1].sum()
    many = imp.walk([CONTROLLED] * 8, list(range(8)), np.full(8, 10.0), 100.0, 0.05, 0.0)[1].sum()
    assert one == pytest.approx(0.5) and many == pytest.approx(one)


def test_walk_skips_unobtainable_and_repeated_classes():
    lic, smug, _ = imp.walk([NONE, LICENSABLE, LICENSABLE, FREE], [0, 1, 2, 3], np.full(4, 10.0), 100.0, 0.0, 0.5)
    assert lic[0] == pytest.approx([0, 5, 0, 5])  # the second licensable chip gets no second licence draw


def test_walk_vectorised_over_samples():
    lic, smug, spent = imp.walk([CONTROLLED, FREE], [0, 1], np.array([10.0, 10.0]), np.array([100.0, 200.0]),
                                np.array([0.1, 0.5]), 0.0)
    assert smug[:, 0] == pytest.approx([1.0, 10.0]) and lic[:, 1] == pytest.approx([9.0, 10.0])


def test_preference_prefers_the_freer_chip_at_equal_value():
    order = imp.preference_order([CONTROLLED, FREE], [1.0, 1.0], ["H100", "H800"])
    assert order == [1, 0]


# ---- vendor windows ---------------------------------------------------------------------------

def test_vendor_halt_holds_only_while_the_rule_does_not_free_the_chip():
    h20 = lib.get_chip("H20")
    assert imp.access_class(h20, "controlled", "2025-06") == NONE          # halted, China-only: not made
    assert imp.access_class(h20, "not-controlled", "2025-06") == FREE      # a what-if that frees it keeps it
    h200 = lib.get_chip("H200")
    assert imp.access_class(h200, "case-by-case", "2026-02") == LICENSABLE
    assert imp.access_class(h200, "case-by-case", "2026-04") == CONTROLLED  # halted, but sold elsewhere: smugglable
    assert imp.access_class(lib.get_chip("B200"), "controlled", "2024-06") == NONE  # not yet released


# ---- in the orchestrator ----------------------------------------------------------------------

def _arriving_h100e(scenario):
    capability = lib.run(scenario).capability
    return float((capability["h100e_arriving_licensed"] + capability["h100e_arriving_smuggled"]).sum())


def test_a_spec_identical_sku_changes_nothing(baseline):
    # Full embargo with leakage: the H100 and the H800 are both controlled. Listing the H800 too leaves arrivals alone.
    s = baseline.with_levers(tpp_threshold=0, leakage=0.05, approval_share=0.0)
    h100_only = _arriving_h100e(s.with_fields(import_chips=["H100"]))
    both = _arriving_h100e(s.with_fields(import_chips=["H100", "H800"]))
    assert both == pytest.approx(h100_only, rel=0.01) and h100_only > 0


def test_listing_more_blocked_chips_does_not_compound_leakage(baseline):
    s = baseline.with_levers(tpp_threshold=0, leakage=0.05, approval_share=0.0)
    one = lib.run(s.with_fields(import_chips=["H100"])).summary["arrivals_smuggled_total"]
    eight = lib.run(s.with_fields(import_chips=["A100", "A800", "H100", "H800", "H20", "H200", "B200", "L40S"]))
    assert eight.summary["arrivals_smuggled_total"] <= one * 1.01  # the best chip takes the leak, once


@pytest.mark.parametrize("preset", ["baidu-2023", "china-2026"])
def test_the_order_of_import_chips_does_not_matter(preset):
    scenario = lib.load_scenario(preset)
    reordered = scenario.with_fields(import_chips=list(reversed(scenario.import_chips)))
    assert lib.run(reordered).summary == lib.run(scenario).summary


def test_china_only_skus_get_no_case_by_case_licences(china):
    m = lib.run(china.with_levers(approval_share=1.0)).monthly
    licensed = m.groupby("chip")["arrivals_licensed"].sum()
    assert licensed.get("A800", 0) == 0 and licensed.get("H800", 0) == 0 and licensed.get("H20", 0) == 0


def test_h200_is_available_only_where_a_rule_allows_it(china):
    allowed = lib.run(lib.load_scenario("china-2026-h200-allowed")).monthly
    real = lib.run(china).monthly
    after_halt = lambda m: m[(m.chip == "H200") & (m.month >= "2026-04-01")]["arrivals_licensed"].sum()  # noqa: E731
    assert after_halt(real) == 0 and after_halt(allowed) > 0


def test_licensed_cap_binds_and_scales_with_national_share(china):
    gates = dict(h200_approval_share=1.0, china_accepts_hopper=1.0)  # both gates open: the US cap is what binds
    open_ = lib.run(china.with_fields(allowed_chips=[]).with_levers(licensed_cap_chips=5_000_000, **gates))
    capped = lib.run(china.with_levers(licensed_cap_chips=100_000, **gates))
    c = capped.capability
    per_month = c[c.month.dt.strftime("%Y-%m") == "2026-02"]["arrivals_licensed"].sum()
    assert per_month == pytest.approx(100_000 / 12, rel=1e-6)  # before NVIDIA's Mar 2026 Hopper halt [K18]
    assert open_.summary["arrivals_licensed_total"] > capped.summary["arrivals_licensed_total"]


def test_remote_access_trains_but_is_not_owned(baseline):
    # Scattered rentals add compute (H100e-years) but neither owned chips nor one run; a rented cluster is one run.
    base = lib.run(baseline.with_levers(remote_access=0))
    rented = lib.run(baseline.with_levers(remote_access=100_000))
    assert rented.summary["h100e_end"] == base.summary["h100e_end"]               # not in the owned fleet
    assert rented.summary["stock_units_end"] == base.summary["stock_units_end"]   # nor in the stock
    assert rented.summary["largest_run_flop_end"] == base.summary["largest_run_flop_end"]
    assert rented.summary["h100e_years_total"] > base.summary["h100e_years_total"]
    assert rented.summary["remote_access_h100e_end"] > 0 == base.summary["remote_access_h100e_end"]
    cluster = lib.run(baseline.with_levers(rented_cluster_h100e=50_000))
    assert cluster.summary["largest_run_flop_end"] == pytest.approx(
        base.summary["largest_run_flop_end"] + lib.capability.largest_run_flop(50_000, 0.4, 90))
    assert cluster.summary["runway_months"] >= base.summary["runway_months"]


def test_china_gate_refuses_what_the_us_allows(china):
    # Approval is not delivery: with the US licence granted and Beijing's customs block, no H200 or H100 arrives
    # in 2026 [K113][K18]; opening China's gate lets them in.
    both = dict(h200_approval_share=1.0, approval_share=1.0)
    m = lib.run(china.with_levers(china_accepts_hopper=0.0, **both)).monthly
    assert m[m.chip.isin(["H100", "H200"])]["arrivals_licensed"].sum() == 0
    m = lib.run(china.with_levers(china_accepts_hopper=1.0, **both)).monthly
    assert m[m.chip.isin(["H100", "H200"])]["arrivals_licensed"].sum() > 0


def test_walk_china_refusal_turns_to_the_next_family():
    # Beijing refuses the best free chip (family 'a'); buyers turn to the next free chip of another family.
    lic, smug, spent = imp.walk([FREE, FREE], [0, 1], np.array([10.0, 20.0]), 100.0, 0.0, 0.0,
                                acceptance=np.array([[0.0, 1.0]]), families=["a", "b"])
    assert lic[0] == pytest.approx([0, 5]) and spent[0] == pytest.approx(100)
    # A spec-identical SKU of the same family draws no second acceptance.
    lic, _, spent = imp.walk([FREE, FREE], [0, 1], np.array([10.0, 10.0]), 100.0, 0.0, 0.0,
                             acceptance=np.array([[0.5, 0.5]]), families=["a", "a"])
    assert lic[0] == pytest.approx([5, 0]) and spent[0] == pytest.approx(50)


def test_a_fee_raises_the_price_china_pays():
    # 25% fee, passed on in full (Assumption): the same budget buys 1/1.25 as many chips [K14].
    lic, _, spent = imp.walk([FREE], [0], np.array([10.0]), 100.0, 0.0, 0.0, fee=np.array([[0.25]]))
    assert lic[0][0] == pytest.approx(8.0) and spent[0] == pytest.approx(100)
    china = lib.load_scenario("china-2026-h200-allowed")
    cheap = lib.run(china.with_levers(h200_fee=0.0)).summary["arrivals_licensed_total"]
    dear = lib.run(china.with_levers(h200_fee=0.25)).summary["arrivals_licensed_total"]
    assert dear == pytest.approx(cheap / 1.25, rel=0.02)


def test_no_licence_past_end_of_sale():
    # The H20's licences of Aug 2025 reach the model [K12]; past its end of sale no approval share licenses it.
    china = lib.load_scenario("china-2023").with_levers(h20_approval_share=1.0, china_accepts_h20=1.0)
    m = lib.run(china).monthly
    h20 = m[m.chip == "H20"].set_index(m[m.chip == "H20"]["month"].dt.strftime("%Y-%m"))["arrivals_licensed"]
    assert h20["2025-05":"2025-07"].sum() == 0 and h20["2025-08":"2025-12"].sum() > 0
    assert h20["2026-01":].sum() == 0
    end = lib.events.first_month("end_of_sale", "H20")
    assert imp.access_class(lib.get_chip("H20"), "controlled", end) == NONE
    assert imp.access_class(lib.get_chip("H20"), "case-by-case", end) == NONE
