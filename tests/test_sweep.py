"""lib.sweep: a lever's whole range in one vectorised call equals lib.run at every value."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import lib
from lib import sweep as sw
from lib.levers import LEVERS

PRESETS = tuple(lib.list_presets())
BASIC = tuple(name for name, lever in LEVERS.items() if lever.tier == "basic")
PAYLOAD_LIMIT = 200_000  # [bytes] of JSON for one lever, before compression (issue 19)


def _anchors(scenario, name):
    return [point for point, _ in LEVERS[name].reference_points] + [scenario.lever(name)]


def _close(a: float, b: float, rel: float = 1e-9) -> bool:
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


@pytest.mark.parametrize("preset", PRESETS)
def test_sweep_equals_lib_run_at_every_grid_point(preset):
    """Every basic lever, every grid value: integers equal, floats and series within 1e-9 relative."""
    scenario = lib.load_scenario(preset)
    for name in BASIC:
        values = sw.grid(LEVERS[name], anchors=_anchors(scenario, name))
        got = sw.sweep(scenario, name, values)
        assert got["months"] == lib.model.compile_scenario(scenario).labels
        for i, value in enumerate(values):
            exact = lib.run(scenario.with_levers(**{name: value}))
            for key in sw.SUMMARY:
                want, have = exact.summary[key], got["summary"][key][i]
                if isinstance(want, int):
                    assert int(have) == want, (preset, name, value, key)
                else:
                    assert _close(float(have), want), (preset, name, value, key, have, want)
            for series in sw.SERIES:
                want = exact.capability[series].to_numpy()
                have = got["series"][series][i]
                assert np.all((have == want) | (np.abs(have - want) <= 1e-9 * np.maximum(np.abs(have), np.abs(want)))), (
                    preset, name, value, series)


def test_a_rule_line_is_compiled_once_per_breakpoint_not_per_value(baseline):
    """The TPP line reclassifies chips at a few breakpoints: a handful of compiles for ~100 values, and the
    values on either side of a breakpoint give different answers (so the grouping is not one lump)."""
    values = sw.grid(LEVERS["tpp_threshold"], anchors=_anchors(baseline, "tpp_threshold"))
    got = sw.sweep(baseline, "tpp_threshold", values)
    assert 1 < got["groups"] < len(values) / 4
    assert len(set(got["summary"]["h100e_years_total"].round(6))) == got["groups"]


def test_a_lever_that_only_scales_flows_needs_one_compile(baseline):
    got = sw.sweep(baseline, "leakage", sw.grid(LEVERS["leakage"]))
    assert got["groups"] == 1 and len(got["values"]) == 101
    assert np.all(np.diff(got["summary"]["h100e_years_total"]) >= 0)  # more leakage never means fewer chips


def test_grid_steps_on_the_slider_and_keeps_named_points():
    tpp = LEVERS["tpp_threshold"]  # 501 positions: 101 spread, named points kept exactly
    values = sw.grid(tpp, anchors=[4_800, 15_832, 2_368])
    assert len(values) <= sw.MAX_POINTS and values[0] == tpp.minimum and values[-1] == tpp.maximum
    assert {4_800.0, 15_800.0, 2_400.0} <= set(values)  # nearest positions of the points (the step is 100)
    assert all(float(v / tpp.step).is_integer() for v in values)
    leakage = sw.grid(LEVERS["leakage"])
    assert len(leakage) == 101 and leakage[35] == 0.35  # a short slider: every position, exactly as the slider
    switch = sw.grid(LEVERS["us_allows_h200"])
    assert switch == (0.0, 1.0)
    lag = sw.grid(LEVERS["catch_up_lag_months"])  # an integer lever steps in whole numbers
    assert all(float(v).is_integer() for v in lag) and len(lag) == 73
    options = sw.grid(LEVERS["remote_access"], positions=[0, 1_000, 18_000, 1e6, 2e6])
    assert options == (0.0, 1_000.0, 18_000.0, 1e6)  # a log slider's options, within the range


def test_sweep_refuses_bad_input_by_name(baseline):
    with pytest.raises(lib.ScenarioError, match="leakage"):
        sw.sweep(baseline, "leakage", [0.5, 1.5])
    with pytest.raises(lib.ScenarioError, match="leakage"):
        sw.sweep(baseline, "leakage", [])
    with pytest.raises(lib.ScenarioError, match="unknown lever"):
        sw.sweep(baseline, "leakages", [0.5])


@pytest.mark.parametrize("preset", PRESETS)
def test_payload_is_small_and_rounds_only_as_it_says(preset):
    """At most 200 KB of JSON per lever; series within 0.01% (4 decimals of log10), figures to 7 digits."""
    scenario = lib.load_scenario(preset)
    for name in BASIC:
        got = sw.sweep(scenario, name, sw.grid(LEVERS[name], anchors=_anchors(scenario, name)))
        data = sw.payload(got)
        assert len(json.dumps(data, separators=(",", ":"))) <= PAYLOAD_LIMIT, (preset, name)
        assert data["months"] == list(got["months"]) and data["values"] == list(got["values"])
        for series, rows in got["series"].items():
            sent = data["series"][series]
            sent_rows = sent["rows"] if "rows" in sent else [sent["row"]] * len(rows)
            for row, logs in zip(rows, sent_rows):
                for x, log in zip(row, logs):
                    if x <= 0:
                        assert log is None
                    else:
                        assert abs(10 ** log / x - 1) <= 10 ** (0.5 * 10 ** -sw.SERIES_DECIMALS) - 1 + 1e-12
        for key, values in got["summary"].items():
            for x, sent in zip(values, data["summary"][key]):
                if values.dtype.kind == "i":
                    assert sent == int(x) and isinstance(sent, int)
                elif math.isfinite(x):
                    assert _close(sent, float(x), 5e-7)
                else:
                    assert sent is None


def test_a_series_no_value_changes_is_sent_once(baseline):
    data = sw.payload(sw.sweep(baseline, "leakage", sw.grid(LEVERS["leakage"])))
    assert "row" in data["series"]["frontier_flop"] and "row" in data["series"]["planned_run_flop"]
    assert len(data["series"]["largest_run_flop"]["rows"]) == 101
