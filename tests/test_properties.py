"""Property tests over every lever's full range and random valid scenarios (hypothesis)."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lib
from lib.uncertainty import run_monte_carlo

PRESETS = sorted(lib.list_presets())
SCENARIOS = {name: lib.load_scenario(name) for name in PRESETS}


def lever_value(lever):
    if lever.integer:
        return st.integers(int(lever.minimum), int(lever.maximum))
    return st.floats(lever.minimum, lever.maximum, allow_nan=False, allow_infinity=False)


def lever_values(exclude=()):
    return st.fixed_dictionaries({}, optional={name: lever_value(lever) for name, lever in lib.LEVERS.items()
                                               if name not in exclude})


HBM_MONTHS = ("never", "2023-06", "2024-12", "2026-01")


def build(preset, values, vintage, hbm="2024-12"):
    return SCENARIOS[preset].with_levers(**values).with_fields(rule_vintage=vintage, hbm_control_from=hbm)


scenarios = st.builds(build, st.sampled_from(PRESETS), lever_values(), st.sampled_from(("timeline", *lib.RULES)),
                      st.sampled_from(HBM_MONTHS))
# Monotonicity is promised while the foreign supply cap does not bind: a binding cap scales every chip bought
# alike, so moving budget to a chip with more H100e per dollar but fewer per chip can lower the total.
uncapped = st.builds(build, st.sampled_from(PRESETS), lever_values(exclude=("foreign_supply_cap",)),
                     st.sampled_from(("timeline", *lib.RULES)))

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(scenarios)
def test_outputs_finite_non_negative_and_consistent(scenario):
    result = lib.run(scenario)
    numeric = result.monthly.drop(columns=["month", "chip"]).to_numpy()
    assert np.isfinite(numeric).all() and (numeric >= -1e-9).all()
    cap = result.capability.drop(columns=["month", "rule"]).to_numpy()
    # Without an HBM control there is no HBM limit: that column is then NaN, by design.
    national = result.national.drop(columns=["month", "binding", "hbm_limit"]).to_numpy()
    assert scenario.hbm_control_from == "never" or np.isfinite(result.national["hbm_limit"]).all()
    assert np.isfinite(national).all() and (national >= -1e-6).all()
    assert np.isfinite(cap).all() and (cap >= 0).all()
    for key, value in result.summary.items():
        if isinstance(value, float):
            assert math.isfinite(value) and value >= 0, key
    last = result.monthly[result.monthly["month"] == result.monthly["month"].max()]
    assert result.summary["h100e_end"] == pytest.approx(last["h100e_training"].sum(), rel=1e-9, abs=1e-9)
    assert result.summary["stock_units_end"] == pytest.approx(last["stock"].sum(), rel=1e-9, abs=1e-9)
    assert 0 <= result.summary["runway_months"] <= result.summary["months"]


@SETTINGS
@given(scenarios)
def test_chips_are_conserved(scenario):
    result = lib.run(scenario)
    T = result.summary["months"]
    m = result.monthly
    chips = result.compiled.chips
    stock = m["stock"].to_numpy().reshape(T, len(chips))
    arrivals = m["arrivals"].to_numpy().reshape(T, len(chips))
    retirements = m["retirements"].to_numpy().reshape(T, len(chips))
    initial = np.array([dict(scenario.initial_stock).get(c, 0.0) for c in chips])
    previous = np.vstack([initial, stock[:-1]])
    assert np.allclose(stock, previous + arrivals - retirements, rtol=1e-9, atol=1e-6)


MONOTONE = [(name, lever.monotone) for name, lever in lib.LEVERS.items() if lever.monotone]
RULE_LINES = ("tpp_threshold", "density_threshold")


@SETTINGS
@given(uncapped, st.sampled_from(MONOTONE), st.floats(0, 1), st.floats(0, 1))
def test_monotone_in_every_promised_lever(scenario, lever_sign, a, b):
    name, sign = lever_sign
    lever = lib.LEVERS[name]
    low, high = sorted((lever.minimum + a * (lever.maximum - lever.minimum),
                        lever.minimum + b * (lever.maximum - lever.minimum)))
    if lever.integer:
        low, high = round(low), round(high)
    if name in RULE_LINES:
        # A line moved up frees chips from the US rule; if China's gate refuses them, the share of their demand
        # that was smuggled round the US rule is lost (China's gate is not smuggled round), so the promise holds
        # while the gate takes what the rule frees (see test_a_freed_chip_that_china_refuses_loses_its_smuggling).
        scenario = scenario.with_levers(china_accepts_hopper=1.0, china_accepts_blackwell=1.0)
    at_low = float(lib.run(scenario.with_levers(**{name: low})).summary[lever.monotone_output])
    at_high = float(lib.run(scenario.with_levers(**{name: high})).summary[lever.monotone_output])
    assert (at_high - at_low) * sign >= -1e-9 * max(at_low, at_high, 1.0)


@settings(max_examples=15, deadline=None)
@given(scenarios, st.integers(0, 2**32))
def test_monte_carlo_quantiles_ordered_and_finite(scenario, seed):
    mc = run_monte_carlo(scenario, samples=64, seed=seed)
    for series in mc.monthly.values():
        assert (series["p10"] <= series["p50"] + 1e-9).all() and (series["p50"] <= series["p90"] + 1e-9).all()
    for q in mc.summary.values():
        assert math.isfinite(q["p50"]) and q["p10"] <= q["p50"] <= q["p90"]


# ---- round trip: any accepted scenario downloads and loads back to itself, under the upload cap ---------------

TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")), max_size=120)
LONG_TEXT = st.text(st.one_of(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp")),
                              st.sampled_from("\n\t")), max_size=4_000)
FOREIGN = [c.name for c in lib.CHIPS if c.origin == "foreign"]
DOMESTIC = [c.name for c in lib.CHIPS if c.origin == "domestic"]


@st.composite
def generated(draw):
    base = SCENARIOS[draw(st.sampled_from(PRESETS))].with_levers(**draw(lever_values()))
    chips = draw(st.lists(st.sampled_from(FOREIGN), unique=True, max_size=len(FOREIGN)))
    stock = draw(st.dictionaries(st.sampled_from(FOREIGN + DOMESTIC), st.integers(0, 10 ** 9), max_size=12))
    months = [m for m in ("2024-01", "2024-06", "2025-03", "2026-12") if base.start <= m <= base.horizon]
    deliveries = [{"month": draw(st.sampled_from(months)), "chip": draw(st.sampled_from(FOREIGN)),
                   "units": draw(st.floats(0, 1e9, allow_nan=False))} for _ in range(draw(st.integers(0, 240)) if months else 0)]
    name = draw(TEXT.filter(lambda t: t.strip() != ""))
    description = draw(LONG_TEXT).replace("\r", "")
    return base.with_fields(name=name, description=description, import_chips=chips, initial_stock=stock,
                            deliveries=deliveries)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(generated())
def test_download_loads_back_to_the_same_scenario_under_the_cap(scenario):
    from lib.scenario import MAX_FILE_BYTES, parse_scenario_text

    toml_bytes = scenario.to_toml().encode("utf-8")
    assert len(toml_bytes) < MAX_FILE_BYTES
    again = lib.load_scenario(parse_scenario_text(toml_bytes))
    expected = scenario.with_fields()
    for name in expected.__dataclass_fields__:
        if name not in ("notices", "_values", "preset", "sources"):
            assert getattr(again, name) == getattr(expected, name), name
    assert set(expected.sources) <= set(again.sources)
    json_text = __import__("json").dumps(scenario.to_dict(), ensure_ascii=False)
    from_json = lib.load_scenario(parse_scenario_text(json_text))
    assert from_json.levers == again.levers and from_json.deliveries == again.deliveries


def test_a_freed_chip_that_china_refuses_loses_its_smuggling():
    """Known answer for the condition above: under the Oct 2022 rule with Blackwell refused at China's gate,
    raising the TPP line past the B-series frees them from the US rule into China's refusal, and the smuggled
    arrivals their blocked demand had fall to the other chips' share."""
    scenario = SCENARIOS["baidu-2023"].with_fields(rule_vintage="oct-2022").with_levers(china_accepts_blackwell=0.0)
    def smuggled(threshold):
        return float(lib.run(scenario.with_levers(tpp_threshold=threshold)).monthly["arrivals_smuggled"].sum())
    assert smuggled(50_000) < smuggled(4_800)
    accepted = scenario.with_levers(china_accepts_blackwell=1.0)
    assert (lib.run(accepted.with_levers(tpp_threshold=50_000)).summary["h100e_end"]
            >= lib.run(accepted.with_levers(tpp_threshold=4_800)).summary["h100e_end"])

