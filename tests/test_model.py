"""Known answers, conservation, extreme cases and monotonicity of the projection."""

import numpy as np
import pytest

import lib
from lib import capability as cap
from lib import fleet as pj


# ---- small functions on their own -----------------------------------------------------------------

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
    # Frontier 1e26 at the anchor, 10×/yr: a 1e24 run was the frontier 2 years before the anchor.
    assert cap.frontier_gap_years(1e24, 1e26, 1e26, 10.0, 0) == pytest.approx(2.0)
    assert cap.frontier_gap_years(1e27, 1e26, 1e26, 10.0, 0) == 0.0
    # 12 months after the anchor: the frontier is 1e27; a 1e26 run is 1 year behind.
    assert cap.frontier_gap_years(1e26, 1e27, 1e26, 10.0, 12) == pytest.approx(1.0)
    assert cap.runway_months(np.array([1, 2, 3, 4]), np.array([5, 5, 2, 9])) == 2
    assert cap.runway_months(np.array([9, 1]), np.array([5, 5])) == 0
    assert cap.runway_months(np.array([1, 1]), np.array([5, 5])) == 2


def test_frontier_follows_the_trend_and_bends_towards_the_ceiling():
    # GPT-4's 2.1e25 in Mar 2023 at 4.5×/yr [K56][K72] reaches Epoch's 2e29 feasibility ceiling [K73] after ~6.1 years
    # on the trend; the frontier bends below both and never passes the ceiling.
    years = np.log(2e29 / 2.1e25) / np.log(4.5)
    assert 6.0 < years < 6.2
    months = np.arange(0, 121)
    trend = cap.frontier_trend_flop(2.1e25, 4.5, months)
    f = cap.frontier_flop(2.1e25, 4.5, 2e29, months)
    assert (f <= np.minimum(trend, 2e29)).all() and (np.diff(f) > 0).all()
    assert f[12] == pytest.approx(2.1e25 * 4.5, rel=1e-4)            # a year in: still the trend
    at_ceiling = int(years * 12)
    assert f[at_ceiling] == pytest.approx(2e29 / np.sqrt(2), rel=0.05)   # half the growth where the trend meets it
    assert 1.8e29 < f[120] < 2e29                                   # 2033: close to the ceiling, below it


def test_compute_gap_is_years_of_trend_growth():
    # 100× behind at 10×/yr is 2 years; at or above the frontier, 0; a run too small counts as the floor.
    assert cap.compute_gap_years(1e24, 1e26, 10.0) == pytest.approx(2.0)
    assert cap.compute_gap_years(1e27, 1e26, 10.0) == 0.0
    assert cap.compute_gap_years(0.0, 1e26, 10.0) == pytest.approx(np.log(1e26 / cap.RUN_FLOOR_FLOP) / np.log(10))
    # Epoch's Jan 2025 ratio, half the frontier's compute [K72], is log 2 / log 4.5 ≈ 0.46 years at 4.5×/yr.
    assert cap.compute_gap_years(1e25, 2e25, 4.5) == pytest.approx(np.log(2) / np.log(4.5))


def test_gap_under_a_flat_frontier_reads_the_ratio():
    # Once the frontier is flat, a fixed run stays the same number of trend-years behind, and a growing run closes
    # in: the gap is the frontier's lead in years of its trend growth, not the time since it passed the run.
    frontier = np.array([2e29, 2e29, 2e29])
    assert np.ptp(cap.compute_gap_years(np.array([1e26] * 3), frontier, 4.5)) == 0
    closing = cap.compute_gap_years(np.array([1e26, 4.5e26, 4.5**2 * 1e26]), frontier, 4.5)
    assert np.diff(closing) == pytest.approx([-1.0, -1.0])


def test_capability_gap_known_answers():
    # Algorithmic efficiency doubling every 12 months adds log 2 a year to the frontier's effective growth. With
    # growth 2×/yr in compute, 4× behind in compute (2 years) and no lag: (log 4 + 0) ÷ (log 2 + log 2) = 1 year.
    assert cap.capability_gap_years(1e24, 4e24, 2.0, 12.0, 0.0) == pytest.approx(1.0)
    # A lag of 12 months adds log 2 to the numerator: (log 4 + log 2) ÷ log 4 = 1.5 years.
    assert cap.capability_gap_years(1e24, 4e24, 2.0, 12.0, 12.0) == pytest.approx(1.5)
    # It equals the compute gap when the lag equals the compute gap (2 years = 24 months).
    assert cap.capability_gap_years(1e24, 4e24, 2.0, 12.0, 24.0) == pytest.approx(cap.compute_gap_years(1e24, 4e24, 2.0))
    assert cap.algorithmic_growth_per_year(8.0) == pytest.approx(2 ** 1.5)   # [K103]: 8-month halving ≈ 2.83×/yr


def test_clusters_known_answers():
    from lib import clusters
    # 1M H100e, half for training, a quarter of that at the leading lab, 30% of it in one cluster: 37.5k H100e;
    # a 100k rented cluster adds whole.
    assert clusters.owned_cluster_h100e(1e6, 0.5, 0.25, 0.3) == pytest.approx(37_500)
    assert clusters.largest_cluster_h100e(1e6, 0.5, 0.25, 0.3, 100_000) == pytest.approx(137_500)


def test_world_known_answers():
    from lib import world
    # 15M H100e in Jan 2026 [K51] at 2.25×/yr [K70]: 33.75M a year later; 75% of what is not exported to China.
    assert world.world_stock_h100e(12, 2.25) == pytest.approx(33.75e6)
    assert world.us_stock_h100e(10e6, 0.75, 1e6, 1.0) == pytest.approx(6.75e6)
    assert world.us_stock_h100e(10e6, 0.75, 1e6, 0.0) == pytest.approx(7.5e6)
    assert world.ratio(30.0, 0.0) == 30.0 and world.ratio(30.0, 10.0) == 3.0


def test_largest_run_reproduces_gpt4():
    # ~25k A100 (0.315 H100e each) for ~95 days at MFU 0.34 ≈ 2.1e25 FLOP [K56]
    h100e = 25_000 * lib.get_chip("A100").training_h100e
    assert cap.largest_run_flop(h100e, 0.34, 95, 1.0) == pytest.approx(2.15e25, rel=0.05)


# ---- the orchestrator ---------------------------------------------------------------------------

def test_contract_columns_and_summary(baseline):
    result = lib.run(baseline)
    assert list(result.monthly.columns) == lib.model.MONTHLY_COLUMNS
    assert set(lib.SUMMARY_KEYS) <= set(result.summary)
    assert result.monthly["month"].nunique() == result.summary["months"] == 86  # Nov 2023 – Dec 2030


def test_conservation_by_channel(baseline, china):
    # stock = previous + arrivals by channel − retirements, chip by chip.
    for scenario in (baseline, china):
        m = lib.run(scenario).monthly.sort_values(["chip", "month"])
        channels = m[[f"arrivals_{c}" for c in lib.CHANNELS]].sum(axis=1).to_numpy()
        assert channels == pytest.approx(m["arrivals"].to_numpy(), abs=1e-9)
        for chip, g in m.groupby("chip"):
            stock = g["stock"].to_numpy()
            initial = dict(scenario.initial_stock).get(chip, 0.0)
            previous = np.concatenate([[initial], stock[:-1]])
            arrivals = sum(g[f"arrivals_{c}"].to_numpy() for c in lib.CHANNELS)
            assert stock == pytest.approx(previous + arrivals - g["retirements"].to_numpy(), abs=1e-6)
            assert (g["retirements"] >= 0).all() and (stock >= 0).all()


def test_channel_totals_match_the_tables(china):
    r = lib.run(china)
    for channel in ("licensed", "smuggled"):
        assert r.summary[f"arrivals_{channel}_total"] == pytest.approx(r.monthly[f"arrivals_{channel}"].sum())
        assert r.summary[f"h100e_{channel}_total"] == pytest.approx(r.capability[f"h100e_arriving_{channel}"].sum())
    assert r.summary["arrivals_foreign_total"] == pytest.approx(r.summary["arrivals_licensed_total"]
                                                                + r.summary["arrivals_smuggled_total"])


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
    # Under a vintage without case-by-case review, nothing arrives licitly whatever the approval share, but for the
    # H20 licences of Aug 2025, a dated event of their own (their approval lever closes them) [K12].
    r = lib.run(baseline.with_fields(rule_vintage="oct-2023").with_levers(tpp_threshold=0, approval_share=1.0,
                                                                         h20_approval_share=0.0))
    assert r.monthly["arrivals_licensed"].sum() == 0
    # On the real timeline, Jan 2026 makes chips sold in the US licensable: only approvals or leakage bring them.
    none = dict(approval_share=0.0, h200_approval_share=0.0, h20_approval_share=0.0)
    r = lib.run(baseline.with_levers(tpp_threshold=0, **none))
    assert r.monthly["arrivals_licensed"].sum() == 0
    assert r.monthly["arrivals_smuggled"].sum() > 0
    r = lib.run(baseline.with_levers(tpp_threshold=0, leakage=0, **none))
    assert r.summary["arrivals_foreign_total"] == 0


def test_baidu_planned_run_is_ernie_as_measured(baseline):
    # The planned run follows ERNIE's estimated compute: ERNIE-4.5-300B ~2.82e24 FLOP in Jun 2025 (Epoch, speculative)
    # [K105], growing at Epoch's ~3×/yr for Chinese models [K72]. The runway is whatever this sourced model gives.
    cap_ = lib.run(baseline).capability.set_index(lib.run(baseline).capability["month"].dt.strftime("%Y-%m"))
    assert cap_.loc["2025-06", "planned_run_flop"] == pytest.approx(2.82e24, rel=0.1)
    assert baseline.lever("demand_growth") == 3.0


@pytest.mark.parametrize("preset", sorted(lib.list_presets()))
def test_the_reserve_alone_never_lasts_longer_than_with_new_supply(preset):
    s = lib.run(lib.load_scenario(preset)).summary
    assert s["runway_reserve_only_months"] <= s["runway_months"]
    # The reserve alone: the chips held at the start and on order, nothing new through any channel, no rented compute.
    none = dict(import_budget=0, leakage=0, domestic_supply=0, remote_access=0, rented_cluster_h100e=0,
                other_vendors_share=0)
    bare = lib.run(lib.load_scenario(preset).with_levers(**none)).summary
    assert bare["runway_months"] == s["runway_reserve_only_months"]


def test_policy_presets_move_baidu_through_the_mechanisms(baseline):
    # Model 1.0 let domestic supply make 92% of Baidu's 2030 compute, so the presets moved it by −8% to +6%.
    base = lib.run(baseline).summary["h100e_years_total"]
    kept = lib.run(lib.load_scenario("oct-2022-kept")).summary["h100e_years_total"]
    embargo = lib.run(lib.load_scenario("full-embargo")).summary["h100e_years_total"]
    assert kept > base * 1.2 and embargo < base * 0.9


def test_tpp_slider_bites_once_the_density_prong_is_lifted(baseline):
    # Above ~4,737 the density prong holds the Hopper chips: the TPP line alone frees nothing ...
    high_tpp = lib.run(baseline.with_levers(tpp_threshold=50_000)).summary
    assert high_tpp["h100e_years_total"] == lib.run(baseline).summary["h100e_years_total"]
    # ... but with the PD line lifted too, the H100 class flows and the answer moves a lot.
    both = lib.run(baseline.with_levers(tpp_threshold=50_000, density_threshold=50)).summary
    assert both["h100e_years_total"] > 1.3 * high_tpp["h100e_years_total"]


def test_reading_year_and_integrals(baseline):
    r = lib.run(baseline)
    cap_ = r.capability
    row = cap_[cap_.month.dt.strftime("%Y-%m") == "2027-12"].iloc[0]
    assert r.summary["frontier_gap_years_reading"] == pytest.approx(row["frontier_gap_years"])
    assert r.summary["h100e_years_total"] == pytest.approx(
        (cap_["h100e_training"] + cap_["remote_access_h100e"]).sum() / 12)


def test_inference_capacity_drives_an_output(baseline):
    r = lib.run(baseline)
    assert 0 < r.summary["inference_runway_months"] < r.summary["months"]
    more = lib.run(baseline.with_levers(inference_substitution=1.0)).summary["inference_runway_months"]
    assert more > r.summary["inference_runway_months"]


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
    if lever.integer:
        grid = np.unique(np.round(grid))
    values = [float(lib.run(scenario.with_levers(**{name: x})).summary[lever.monotone_output]) for x in grid]
    diffs = np.diff(values) * sign
    assert (diffs >= -1e-9 * max(values)).all(), (name, values)


@pytest.mark.parametrize("preset", ["baidu-2023", "china-2026"])
def test_hbm_control_later_never_lowers_compute(preset):
    scenario = lib.load_scenario(preset)
    months = ["2023-06", "2024-06", "2024-12", "2025-06", "never"]
    values = [lib.run(scenario.with_fields(hbm_control_from=m)).summary["h100e_end"] for m in months]
    assert all(b >= a - 1e-9 * a for a, b in zip(values, values[1:])), values


def test_looser_rule_vintage_never_lowers_access(baseline):
    kept = lib.run(baseline.with_fields(rule_vintage="oct-2022")).summary["h100e_end"]
    assert kept >= lib.run(baseline).summary["h100e_end"]


def test_allowed_chips_override_the_rule(baseline):
    r = lib.run(baseline.with_fields(allowed_chips=["H100"]))
    assert r.monthly.loc[r.monthly.chip == "H100", "arrivals_smuggled"].sum() == 0
    assert r.monthly.loc[r.monthly.chip == "H100", "arrivals_licensed"].sum() > 0


def test_status_table_covers_catalog(baseline):
    table = lib.status_table(baseline)
    assert len(table) == len(lib.CHIPS)
    assert table.set_index("chip").loc["H20", "status"] == "not-controlled"
    assert {"prong", "access", "us_commercial", "china_halt", "unverified"} <= set(table.columns)


def _national_year(scenario, years):
    n = lib.run(scenario).national
    return float(n[n.month.dt.year.isin(years)]["output"].sum())


@pytest.mark.parametrize("name, year", [("logic_yield", (2024,)), ("logic_wafers_per_month", (2024,)), ("die_bank_dies", (2025,)),
                                        ("domestic_hbm_stacks_per_year", (2025, 2026))])
def test_timing_levers_raise_output_in_the_year_they_act(name, year):
    # No promise at the horizon (more chips now burn the HBM stockpile sooner), but never less in their own year.
    scenario = lib.load_scenario("china-2026")
    lever = lib.LEVERS[name]
    values = [_national_year(scenario.with_levers(**{name: x}), year)
              for x in np.linspace(lever.minimum, lever.maximum, 7)]
    assert all(b >= a - 1e-9 * max(values) for a, b in zip(values, values[1:])), values
    assert values[-1] > values[0]


def test_glossary_entries_are_whole_sentences():
    from lib.units import glossary

    entries = dict(glossary())
    assert {"TPP", "H100e", "Runway", "Planned run", "Frontier gap", "Reference scenario"} <= set(entries)
    assert entries["H100e"].startswith("H100-equivalents") and "  " not in entries["H100e"]
    assert "LLM decode is memory-bound" in entries["H100e"]  # a continuation line joined, not cut
    assert all(definition for definition in entries.values())


def test_verdict_sets_the_runway_against_the_claim():
    from lib.explain import runway_sentence, verdict

    base = lib.load_scenario("baidu-2023")
    months = lib.run(base).summary["runway_months"]
    for claim, word in (([months - 2, months + 2], "within"), ([months + 3, months + 9], "3 months short of"),
                        ([1, months - 1], "beyond")):
        sentence = runway_sentence(lib.run(base.with_fields(claim_runway_months=claim, claim_runway_by="")))
        assert f"{word} the claimed {claim[0]}–{claim[1]}" in sentence, sentence
    result = lib.run(base)
    s = result.summary
    reserve = s["runway_reserve_only_months"]
    lead, rest = verdict(result, {"runway_months": {"p10": months - 5, "p90": months + 5},
                                  "frontier_gap_years_reading": {"p10": 3.3, "p90": 4.9}})
    # The reserve alone (what Robin Li spoke of) first, then with new supply; both judged against the claim.
    assert lead.startswith(f"Baidu's reserve alone (held or on order in Nov 2023) keeps its planned training run "
                           f"feasible for {reserve} months")
    end = lib.format.month_name(s["runway_end_month"])
    assert f"With new supply (" in lead and f"{months} months, until {end} (p10–p90 {months - 5}–{months + 5})" in lead
    assert "This rests on Epoch's speculative ERNIE 4.5 estimate" in lead
    ratio = round(s["frontier_ratio_reading"])
    assert f"Dec 2027 is {ratio:,}× smaller than the frontier's: {s['frontier_gap_years_reading']:.1f} years behind in " \
           "compute (p10–p90 3.3–4.9)" in rest
    # The claim's second half: inference, with its own range.
    inference = s["inference_runway_months"]
    _, rest = verdict(result, {"inference_runway_months": {"p10": 38, "p90": 56}})
    assert rest.endswith(f"Its inference fleet serves the projected demand for {inference} months (p10–p90 38–56).")
    # A value outside its own range says so; a runway past the horizon is not given a spread as if exact.
    assert "the value lies outside it" in runway_sentence(result, {"p10": months + 1, "p90": months + 5})
    forever = lib.run(base.with_levers(demand_growth=1.0))
    assert forever.summary["runway_beyond_horizon"]
    sentence = runway_sentence(forever, {"p10": 86, "p90": 86})
    assert "past Dec 2030, the end of the projection (in at least 90% of draws)" in sentence and "p10–p90" not in sentence


def test_the_gap_sentence_states_both_gaps():
    from lib.explain import gap_sentence
    result = lib.run(lib.load_scenario("china-2026"))
    s = result.summary
    text = gap_sentence(result)
    assert text.startswith(f"China's largest feasible training run in Dec 2027 is {round(s['frontier_ratio_reading']):,}× "
                           f"smaller than the frontier's: {s['frontier_gap_years_reading']:.1f} years behind in compute")
    months = s["capability_gap_years_reading"] * 12
    assert (f"about {months:.0f} months in capability" if months < 24 else f"{months / 12:.1f} years in capability") in text


def test_a_lever_that_moves_only_inference_says_what_it_moved():
    from lib.explain import why_unchanged
    base = lib.load_scenario("baidu-2023")
    before = lib.run(base)
    after = lib.run(base.with_levers(inference_substitution=6.0))
    (note,) = why_unchanged(before, after)
    a, b = before.summary["inference_runway_months"], after.summary["inference_runway_months"]
    assert a != b and f"inference runway {a} → {b} months" in note and "rounding" not in note


def test_channel_additions_add_up_to_the_arrivals_of_the_year():
    from lib.explain import CHANNEL_COLUMNS, channel_additions

    result = lib.run(lib.load_scenario("china-2026"))
    added = channel_additions(result, 2027)
    cap = result.capability[result.capability["month"].dt.year == 2027]
    assert sum(added.values()) == pytest.approx(sum(cap[c].sum() for c in CHANNEL_COLUMNS.values()))
    assert list(added.values()) == sorted(added.values(), reverse=True)
    assert set(added) == {"domestic", "smuggled", "rented abroad"}  # nothing ordered, nothing legal past China's gate


def test_hindcast_verdict_counts_and_names_the_misses():
    from lib.evidence import hindcast
    from lib.explain import verdict

    result = lib.run(lib.load_scenario("china-2023"))
    table = hindcast(result)
    lead, _ = verdict(result, None, table)
    checked = table[table["status"].isin(["in range", "miss"])]
    hits = int((checked["status"] == "in range").sum())
    assert lead.startswith(f"{hits} of {len(checked)} outside estimates reproduced")
    assert "misses: " in lead


def test_binding_sentences_name_what_holds_each_chip_and_what_limits_output():
    from lib.explain import _years, binding_sentences
    assert _years([2023, 2024, 2026, 2027, 2028, 2030]) == "2023–24, 2026–28, 2030" and _years([2025]) == "2025"
    imports, later, domestic, capped = binding_sentences(lib.run(lib.load_scenario("baidu-2023")))
    assert imports.startswith("Imports in Nov 2023: A100, H100: controlled by the TPP line (3A090.a)")
    assert "A800, H800, L40S: China shipments stopped by the vendor in Nov 2023" in imports
    assert "H20 exportable from Feb 2024, not obtainable from Apr 2025" in later  # the H20's window and its halt
    assert "H100 licensed at the approval share from Jan 2026" in later          # the Jan 2026 case-by-case window
    assert domestic == "China's domestic output is bound by logic (SMIC wafers) in 2023–24; HBM in 2025–30."
    assert capped.startswith("Baidu gets less domestic supply than it asks for in ")
    assert "capped by its share of national output (10%)" in capped
    # A scenario that allows the H200 says so; the years before its start are not described.
    sentences = binding_sentences(lib.run(lib.load_scenario("china-2026-h200-allowed")))
    assert "H200: allowed by the scenario" in sentences[0] and "2023" not in " ".join(sentences[1:])


def test_a_missed_starting_stock_estimate_is_rerun_and_said():
    from lib.evidence import hindcast
    from lib.explain import stock_alternatives
    base = lib.load_scenario("baidu-2023")
    result = lib.run(base)
    sentences = stock_alternatives(result, hindcast(result))  # Omdia's ~30k H100/H800, the 30k-P800 cluster
    omdia = next(text for text in sentences if "Omdia" in text)
    stock = dict(base.initial_stock)
    stock["H100"] = stock.get("H100", 0) + 30_000
    other = lib.run(base.with_fields(initial_stock=stock)).summary
    s = result.summary
    if other["runway_months"] == s["runway_months"] and round(other["frontier_gap_years_reading"], 1) == \
            round(s["frontier_gap_years_reading"], 1):
        assert "would not change" in omdia
    elif other["runway_months"] == s["runway_months"]:  # never "55 months instead of 55"
        assert f"the runway would stay {s['runway_months']} months" in omdia and "instead of" in omdia
    else:
        assert f"the runway would be {other['runway_months']} months instead of {s['runway_months']}" in omdia
    # A scenario whose stock matches its estimates, or has none, says nothing.
    china = lib.run(lib.load_scenario("china-2026"))
    assert stock_alternatives(china, hindcast(china)) == []


def test_a_tornado_row_with_no_bar_says_why():
    from lib.explain import why_no_effect
    base = lib.load_scenario("baidu-2023")
    # SMIC's wafer growth acts after the sourced path ends (mid-2027), after China 2026's runway is read.
    china = lib.load_scenario("china-2026")
    end = lib.format.month_name(lib.run(china).summary["runway_end_month"])
    assert why_no_effect(china, "logic_wafer_growth", 1.0, 2.0) == \
        f"it first changes the fleet in Jul 2027, after this figure is read ({end})."
    # A line no chip on the list crosses: the mechanism, by name.
    assert why_no_effect(base, "informed_interconnect_gbps", 100, 2_000).startswith(
        "no chip on the list changes status or access in any month")


def test_a_runway_that_moves_against_the_total_is_explained():
    from dataclasses import replace
    from lib.explain import opposite_moves
    base = lib.load_scenario("baidu-2023")
    before = lib.run(base)
    # A runway 3 months shorter while H100e-years rise 10% reads as a contradiction; the note says where it is read.
    after = replace(before, summary={**before.summary, "runway_months": before.summary["runway_months"] - 3,
                                     "h100e_years_total": before.summary["h100e_years_total"] * 1.1})
    (note,) = opposite_moves(before, after)
    assert note.startswith("The runway moves −3 months while H100e-years over the horizon rise 10%")
    assert opposite_moves(before, lib.run(base.with_levers(leakage=0.2))) == []  # both rise: nothing to explain
