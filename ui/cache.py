"""Cached model calls for the page. Keys are plain tuples; every cache is bounded.

A scenario key is ``(preset, custom, levers, fields)``: the preset (or the uploaded structure in ``custom``)
plus the lever values and scenario fields the controls hold. Monte Carlo runs one at a time per process
(a semaphore) and at most ``MAX_APP_SAMPLES`` per run, so one host serves many sessions.
"""

from __future__ import annotations

import threading

import streamlit as st

import lib
from lib import charts, link
import lib.compare
import lib.explain
from lib.uncertainty import HEADLINE_SAMPLES, run_monte_carlo, tornado

MAX_APP_SAMPLES = 5_000       # [samples] the page's cap per run (the CLI allows 50,000)
STORY_SAMPLES = HEADLINE_SAMPLES  # [samples] the small Monte Carlo behind the headline's range (as the brief's)
_MONTE_CARLO = threading.BoundedSemaphore(1)  # one Monte Carlo at a time per process: CPU and memory stay bounded


def scenario_for(key: tuple) -> lib.Scenario:
    preset, custom, levers, fields = key
    return link.scenario_for(link.LinkState(preset=preset, custom=custom, levers=levers, fields=fields))


@st.cache_resource(max_entries=64, show_spinner=False)
def result(key: tuple) -> lib.Result:
    return lib.run(scenario_for(key))


@st.cache_resource(max_entries=32, show_spinner=False)
def reference_name(preset: str, custom: str) -> str:
    """The preset every delta reads against: a preset's own reference, or an upload's by its actor ("" if none)."""
    return lib.compare.reference_name(scenario_for((preset, custom, (), ())))


@st.cache_resource(max_entries=16, show_spinner=False)
def _preset_result(name: str) -> lib.Result:
    return lib.run(lib.load_scenario(name))


def reference(key: tuple) -> lib.Result:
    """The documented reference scenario's result; an upload with no matching actor reads against its own values."""
    name = reference_name(key[0], key[1])
    return _preset_result(name) if name else result((key[0], key[1], (), ()))


@st.cache_resource(max_entries=16, show_spinner=False)
def monte_carlo(key: tuple, samples: int, seed: int = 0):
    samples = min(int(samples), MAX_APP_SAMPLES)
    with _MONTE_CARLO:
        return run_monte_carlo(scenario_for(key), samples=samples, seed=seed)


@st.cache_resource(max_entries=64, show_spinner=False)
def story_range(key: tuple):
    return monte_carlo(key, STORY_SAMPLES)


@st.cache_resource(max_entries=16, show_spinner=False)
def hindcast_table(key: tuple):
    return lib.evidence.hindcast(result(key))


@st.cache_resource(max_entries=32, show_spinner=False)
def stock_alternatives(key: tuple) -> list[str]:
    return lib.explain.stock_alternatives(result(key), hindcast_table(key))


@st.cache_resource(max_entries=16, show_spinner=False)
def sensitivity(key: tuple, output: str, kind: str):
    return tornado(scenario_for(key), output, kind)


@st.cache_resource(max_entries=32, show_spinner=False)
def no_effect_reasons(key: tuple, output: str, kind: str) -> dict[str, list[str]]:
    """Tornado rows with no bar, grouped by the reason they have none: reason → lever labels."""
    frame = sensitivity(key, output, kind)
    groups: dict[str, list[str]] = {}
    for row in frame.itertuples():
        if row.change_at_low == 0 and row.change_at_high == 0:
            reason = lib.explain.why_no_effect(scenario_for(key), row.lever, row.low_value, row.high_value, output)
            groups.setdefault(reason, []).append(row.label)
    return groups


@st.cache_resource(max_entries=32, show_spinner=False)
def headline_figure(key: tuple, fan_samples: int, show_evidence: bool, height: int):
    r, ref = result(key), reference(key)
    fans = monte_carlo(key, fan_samples).monthly if fan_samples else None
    points = lib.evidence.chart_points(r, ("frontier_flop",)) if show_evidence else None
    claim = r.scenario.claim_runway_months
    return charts.runs_figure(r.capability, r.summary, ref.capability, fans, points, lib.sources.load_sources(),
                              height=height, claim_window=(r.scenario.start, *claim) if claim else None,
                              events=lib.events.chart_marks(r.scenario.start, r.scenario.horizon))


@st.cache_resource(max_entries=32, show_spinner=False)
def status_table(key: tuple, month: str | None = None, rule_name: str | None = None):
    """The catalog under the scenario's rule, or under a named vintage (``rule_name``; "custom" is the scenario's)."""
    rule = None if rule_name in (None, "custom") else lib.get_rule(rule_name)
    return lib.status_table(scenario_for(key), month, rule)


@st.cache_resource(max_entries=32, show_spinner=False)
def rule_chart(key: tuple, rule_name: str, own: tuple, phone: bool):
    """The Export rule chart, built once per scenario, rule and classified chip (``own``: its sorted items): placing
    every label costs up to ~130 ms on a phone's narrow plot. A phone's plot is taller, for room for the labels."""
    scenario = scenario_for(key)
    rule = lib.model.rule_for_month(scenario, scenario.what_if_from) if rule_name == "custom" else lib.get_rule(rule_name)
    threshold = rule.tpp_threshold if rule is not None else scenario.lever("tpp_threshold")
    return charts.rule_figure(status_table(key, None, rule_name), threshold,
                              rule.density_threshold if rule is not None else None, dict(own) or None,
                              width_px=358 if phone else 820, rule=rule, height_px=600 if phone else 460)


@st.cache_resource(show_spinner=False)
def log_options() -> dict:
    """Log-spaced steps (1, 1.5, 2, 3, 5, 7 per decade) plus 0, the reference points and every preset's value.
    Built once per server: the script body runs again on every keystroke."""
    import math

    out = {}
    presets = [lib.load_scenario(name) for name in lib.list_presets()]
    for name, lever in lib.LEVERS.items():
        if not lever.log_scale:
            continue
        low = max(lever.minimum, lever.step)
        values = {float(lever.minimum), float(lever.maximum)}
        for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(lever.maximum)) + 1):
            for mantissa in (1, 1.5, 2, 3, 5, 7):
                x = mantissa * 10 ** exponent
                if lever.minimum <= x <= lever.maximum:
                    values.add(float(x))
        values.update(float(v) for v, _ in lever.reference_points)
        values.update(float(s.lever(name)) for s in presets)
        out[name] = tuple(sorted(values))
    return out


@st.cache_resource(show_spinner=False)
def preset_names() -> dict:
    return {name: lib.load_scenario(name).name for name in lib.list_presets()}


@st.cache_resource(max_entries=32, show_spinner=False)
def goal_seek(key: tuple, lever: str, target: tuple, year: int):
    """Goal-seek's answer and the value the Apply button sets (on the slider's grid, checked to meet the target)."""
    from lib.uncertainty import applicable_value, solve

    scenario = scenario_for(key)
    answer = solve(scenario, lever, target, year=year)
    value = applicable_value(scenario, answer, target, year) if answer["achievable"] else None
    return answer, value


@st.cache_resource(max_entries=32, show_spinner=False)
def analysis_sentence(key: tuple) -> str:
    """For a reproduction preset: the analysis' claim and the model's figures under its assumptions ('' otherwise).
    Cached: the IFP sentence runs the scenario with and without the B30A switch."""
    import lib.reproduce

    scenario = scenario_for(key)
    if not scenario.preset or lib.reproduce.analysis_for(scenario.preset) is None:
        return ""
    return lib.reproduce.story_sentence(scenario.preset, result(key))
