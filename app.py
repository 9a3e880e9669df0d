"""Chokepoint: a what-if explorer for AI-chip export controls on China.

Pipeline: URL → controls (``*_ui`` functions return plain values) → Scenario → cached ``lib.run``
→ figures. All arithmetic lives in ``lib``; this file only reads widgets and draws.
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

import lib
from lib import charts
from lib.levers import LEVERS, Lever
from lib.scenario import RULE_VINTAGE_CHOICES, baseline_path, source_comments
from lib.uncertainty import SOLVE_LEVERS, TARGET_KEYS, TORNADO_OUTPUTS, run_monte_carlo, solve, tornado

PRESETS = lib.list_presets()
DEFAULT_PRESET = "baidu-2023"
VIEWS = ("Projection", "Gap & inference", "Uncertainty", "Export rule", "Compare", "Share & export", "Assumptions & sources", "About")
SAMPLE_CHOICES = (0, 200, 1_000, 5_000, 10_000)
DEFAULT_SAMPLES = 0  # off by default: fans cost ~11 ms per rerun and two extra traces per chart
MAX_UPLOAD_MB = 1
MAX_PINS = 4
PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
URL_KEYS = ("preset", "v", "rule_vintage", "what_if_from", "view", "samples", "custom", *LEVERS)

st.set_page_config(page_title="Chokepoint: AI-chip export-control explorer", page_icon="🔒", layout="wide")


# ---- cached model calls (keys are plain tuples) ---------------------------------------------------

@st.cache_resource(max_entries=16, show_spinner=False)
def structure(preset: str, custom: str) -> lib.Scenario:
    """The preset, or an uploaded/linked custom structure merged over the baseline."""
    if custom:
        return lib.load_scenario(decode_custom(custom))
    return lib.load_scenario(preset)


def scenario_for(key: tuple) -> lib.Scenario:
    preset, custom, levers, vintage, what_if = key
    base = structure(preset, custom)
    changes = {}
    if vintage != base.rule_vintage:
        changes["rule_vintage"] = vintage
    if what_if != base.what_if_from:
        changes["what_if_from"] = what_if
    scenario = base.with_fields(**changes) if changes else base
    return scenario.with_levers(**dict(levers))


@st.cache_resource(max_entries=64, show_spinner=False)
def compute(key: tuple) -> lib.Result:
    return lib.run(scenario_for(key))


@st.cache_resource(max_entries=16, show_spinner=False)
def compute_monte_carlo(key: tuple, samples: int, seed: int):
    return run_monte_carlo(scenario_for(key), samples=samples, seed=seed)


@st.cache_resource(max_entries=16, show_spinner=False)
def compute_tornado(key: tuple, output: str) -> pd.DataFrame:
    return tornado(scenario_for(key), output)


@st.cache_resource(max_entries=32, show_spinner=False)
def projection_figures(key: tuple, base_key: tuple, fan_key: tuple | None):
    result, base = compute(key), compute(base_key)
    fans = compute_monte_carlo(*fan_key).monthly if fan_key else None
    cap, bcap = result.capability, base.capability
    return (charts.runs_figure(cap, result.summary, bcap, fans),
            charts.capability_figure(cap, bcap, fans),
            charts.stockpile_figure(result.monthly, bcap.set_index("month")["stock_units"], result.scenario.actor))


@st.cache_resource(max_entries=32, show_spinner=False)
def detail_figures(key: tuple, base_key: tuple, fan_key: tuple | None):
    result, base = compute(key), compute(base_key)
    fans = compute_monte_carlo(*fan_key).monthly if fan_key else None
    return charts.gap_figure(result.capability, base.capability, fans), charts.tokens_figure(result.capability,
                                                                                              base.capability)


@st.cache_resource(max_entries=16, show_spinner=False)
def rule_view(key: tuple):
    scenario = scenario_for(key)
    table = lib.status_table(scenario)
    density = scenario.lever("density_threshold") if scenario.rule_vintage != "oct-2022" else None
    title = f"Catalog chips under the what-if rule from {scenario.what_if_from}"
    return table, charts.rule_figure(table, scenario.lever("tpp_threshold"), density, title)


# ---- custom structures in the link -----------------------------------------------------------------

def encode_custom(data: dict) -> str:
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def decode_custom(text: str) -> dict:
    try:
        raw = zlib.decompressobj().decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), 300_000)
        data = json.loads(raw)
    except Exception:  # any corruption of the link parameter is one user-facing error
        raise lib.ScenarioError("custom: the link's scenario data is damaged; allowed: a link made by this app") from None
    if not isinstance(data, dict):
        raise lib.ScenarioError("custom: the link's scenario data is not a scenario")
    return data


def structure_overrides(scenario: lib.Scenario) -> dict:
    """Non-lever keys of an uploaded scenario, for the link (levers travel as their own parameters)."""
    data = scenario.to_dict()
    data.pop("levers")
    return data


# ---- lever widgets ----------------------------------------------------------------------------------

def log_options(lever: Lever) -> list:
    """Log-spaced steps (1, 1.5, 2, 3, 5, 7 per decade), plus 0 and the reference points and preset values."""
    low = max(lever.minimum, lever.step)
    values = {lever.minimum, lever.maximum}
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(lever.maximum)) + 1):
        for mantissa in (1, 1.5, 2, 3, 5, 7):
            x = mantissa * 10**exponent
            if lever.minimum <= x <= lever.maximum:
                values.add(float(x))
    values.update(float(v) for v, _ in lever.reference_points)
    for name in PRESETS:
        values.add(float(structure(name, "").lever(lever.name)))
    return sorted(values)


@st.cache_resource(show_spinner=False)
def log_option_table() -> dict:
    """Built once per server, not on every rerun: the script body runs again on every keystroke."""
    return {name: log_options(lever) for name, lever in LEVERS.items() if lever.log_scale}


LOG_OPTIONS = log_option_table()


def human(x: float, unit: str = "") -> str:
    if unit.startswith("USD"):
        for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if abs(x) >= div:
                return f"${x / div:,.3g}{suffix}"
        return f"${x:,.0f}"
    if abs(x) >= 1e13 or (0 < abs(x) < 1e-2):
        return f"{x:.2g}"
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"{x / div:,.3g}{suffix}"
    return f"{x:,.4g}"


def flop(x: float) -> str:
    """1.23e+26 → '1.2e26 FLOP' (short enough for a metric tile)."""
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa}e{int(exponent)} FLOP"


def slider_format(lever: Lever) -> str:
    decimals = max(0, -math.floor(math.log10(lever.step))) if lever.step < 1 else 0
    return f"%.{decimals}f"


def snap(lever: Lever, value: float) -> float:
    if lever.log_scale:
        options = LOG_OPTIONS[lever.name]
        return min(options, key=lambda o: abs(math.log10(o + 1e-30) - math.log10(value + 1e-30)) if value > 0 else abs(o))
    if lever.integer:
        return float(round(value))
    steps = round((value - lever.minimum) / lever.step)
    return float(round(lever.minimum + steps * lever.step, 10))


@st.cache_resource(max_entries=16, show_spinner=False)
def lever_sources(preset: str) -> dict:
    """lever → the source comment of its value in the preset file, else in the baseline."""
    return {**source_comments(baseline_path()), **source_comments(PRESETS[preset])}


def lever_widget(lever: Lever, sources: dict, disabled: bool = False) -> float:
    refs = " · ".join(f"{human(v, lever.unit)} {label}" for v, label in lever.reference_points)
    help_text = (f"{lever.help}\n\nUnit: {lever.unit}. Allowed: {lever.allowed()}.\n\nReference points: {refs}"
                 f"\n\nThis preset's value: {sources.get(lever.name, 'see the baseline file')}")
    label = f"{lever.label} [{lever.unit}]"
    if lever.log_scale:
        value = st.select_slider(label, options=LOG_OPTIONS[lever.name], key=lever.name, help=help_text,
                                 format_func=lambda x, u=lever.unit: human(x, u), disabled=disabled)
    elif lever.integer:
        value = st.slider(label, int(lever.minimum), int(lever.maximum), step=int(lever.step), key=lever.name,
                          help=help_text, disabled=disabled)
    else:
        value = st.slider(label, float(lever.minimum), float(lever.maximum), step=float(lever.step), key=lever.name,
                          help=help_text, disabled=disabled, format=slider_format(lever))
    if lever.tier == "basic" and lever.reference_points:
        nearest = min(lever.reference_points, key=lambda r: abs(r[0] - value))
        st.caption(f"≈ {nearest[1]}" if math.isclose(nearest[0], value, rel_tol=0.02) else
                   f"Reference: {refs}")
    return float(value)


@st.cache_resource(max_entries=16, show_spinner=False)
def defaults_for(preset: str, custom: str) -> dict:
    """The control values a preset (or uploaded structure) starts from; read-only."""
    return preset_values(structure(preset, custom))


@st.cache_resource(show_spinner=False)
def preset_names() -> dict:
    return {name: structure(name, "").name for name in PRESETS}


def preset_values(scenario: lib.Scenario) -> dict:
    values = {name: snap(LEVERS[name], scenario.lever(name)) for name in LEVERS}
    values.update(rule_vintage=scenario.rule_vintage, what_if_from=scenario.what_if_from)
    return values


def apply_values(values: dict) -> None:
    for key, value in values.items():
        lever = LEVERS.get(key)
        st.session_state[key] = int(value) if lever is not None and lever.integer else value


def on_preset_change() -> None:
    st.session_state["custom"] = ""
    apply_values(defaults_for(st.session_state["preset"], ""))


def on_reset() -> None:
    apply_values(defaults_for(st.session_state["preset"], st.session_state.get("custom", "")))


# ---- the URL ------------------------------------------------------------------------------------

def read_url_once() -> None:
    """On a session's first run, seed every control from the link, with a notice for each bad value."""
    if st.session_state.get("_initialised"):
        return
    st.session_state["_initialised"] = True
    notices = []
    params = st.query_params

    def one(key):
        values = params.get_all(key)
        if len(values) > 1:
            notices.append(f"URL parameter '{key}' was given {len(values)} times; used the last.")
        return values[-1] if values else None

    for key in params.keys():
        if key not in URL_KEYS:
            notices.append(f"URL parameter '{key}' is unknown and was ignored.")
    preset = one("preset") or DEFAULT_PRESET
    if preset not in PRESETS:
        notices.append(f"URL parameter 'preset': '{preset}' is unknown; allowed: {', '.join(PRESETS)}. "
                       f"Showing {DEFAULT_PRESET}.")
        preset = DEFAULT_PRESET
    version = one("v")
    if version is not None and version != lib.MODEL_VERSION:
        notices.append(f"This link was made with model version {version}; this is version {lib.MODEL_VERSION}, "
                       "so results may differ from what its author saw.")
    custom = one("custom") or ""
    try:
        base = structure(preset, custom)
    except lib.ScenarioError as exc:
        notices.append(f"URL parameter {exc} Showing the preset instead.")
        custom, base = "", structure(preset, "")
    values = preset_values(base)
    for name, lever in LEVERS.items():
        text = one(name)
        if text is None:
            continue
        try:
            number = float(text)
            if not math.isfinite(number):
                raise ValueError
        except ValueError:
            notices.append(f"URL parameter '{name}': '{text[:40]}' is not a number; allowed: {lever.allowed()}. Ignored.")
            continue
        clamped = snap(lever, lever.clamp(number))
        if not math.isclose(clamped, number, rel_tol=1e-9, abs_tol=1e-12):
            notices.append(f"URL parameter '{name}': {text[:40]} is outside {lever.allowed()} or between steps; "
                           f"used {human(clamped, lever.unit)}.")
        values[name] = clamped
    # Parameters that take one of a fixed set of values: (key, allowed texts, how to store, where).
    choices = (("rule_vintage", list(RULE_VINTAGE_CHOICES), str, values),
               ("what_if_from", month_options(base), str, values),
               ("samples", [str(n) for n in SAMPLE_CHOICES], int, st.session_state),
               ("view", list(VIEWS), str, st.session_state))
    for key, allowed, convert, target in choices:
        text = one(key)
        if text is None:
            continue
        if text in allowed:
            target[key] = convert(text)
        else:
            shown = f"{allowed[0]} to {allowed[-1]}" if key == "what_if_from" else ", ".join(allowed)
            notices.append(f"URL parameter '{key}': '{text[:40]}' is not allowed; allowed: {shown}. Ignored.")
    st.session_state.update(preset=preset, custom=custom, notices=notices)
    apply_values(values)


def write_url(preset: str, custom: str, values: dict, view: str, samples: int) -> str:
    """Put the preset, the model version and every value that differs from the preset into the link."""
    defaults = defaults_for(preset, custom)
    params = {"preset": preset, "v": lib.MODEL_VERSION}
    if custom:
        params["custom"] = custom
    for key, value in values.items():
        if value != defaults[key]:
            params[key] = f"{value:.10g}" if isinstance(value, float) else str(value)
    if view != VIEWS[0]:
        params["view"] = view
    if samples != DEFAULT_SAMPLES:
        params["samples"] = str(samples)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    return urlencode(params)


def month_options(scenario: lib.Scenario) -> list:
    months = pd.period_range(scenario.start, scenario.horizon, freq="M")
    return [str(m) for m in months]


# ---- sidebar -------------------------------------------------------------------------------------

def preset_ui() -> tuple[str, str]:
    st.sidebar.title("🔒 Chokepoint")
    st.sidebar.caption("What if the US changed its AI-chip export rules? Move a lever; everything redraws.")
    st.sidebar.selectbox("Preset scenario", list(PRESETS), key="preset", on_change=on_preset_change,
                         format_func=preset_names().get,
                         help="Each preset is a file in scenarios/: the baseline plus a few changes, each with a source.")
    st.sidebar.button("Reset levers to the preset", key="reset", on_click=on_reset, width="stretch")
    custom = st.session_state.get("custom", "")
    if custom:
        st.sidebar.info("Using an uploaded scenario's chips and stock. Pick a preset to leave it.")
    return st.session_state["preset"], custom


def rule_ui(base: lib.Scenario) -> tuple[str, str]:
    st.sidebar.selectbox("Rule vintage", RULE_VINTAGE_CHOICES, key="rule_vintage",
                         format_func=lambda n: "Real timeline (vintage in force each month)" if n == "timeline"
                         else lib.RULES[n].title,
                         help="Which rule clauses the what-if rule keeps: the real timeline, or one vintage for good.")
    options = month_options(base)
    if st.session_state.get("what_if_from") not in options:
        st.session_state["what_if_from"] = base.what_if_from
    st.sidebar.select_slider("What-if rule applies from", options=options, key="what_if_from",
                             help="Before this month the real rules apply; from it, the levers.")
    return st.session_state["rule_vintage"], st.session_state["what_if_from"]


def levers_ui(vintage: str, preset: str) -> dict:
    sources = lever_sources(preset)
    values = {}
    groups = {}
    for lever in LEVERS.values():
        groups.setdefault(lever.group, []).append(lever)
    for group, levers in groups.items():
        basic = [lv for lv in levers if lv.tier == "basic"]
        if basic:
            st.sidebar.subheader(group)
        for lever in basic:
            with st.sidebar:
                values[lever.name] = lever_widget(lever, sources)
    with st.sidebar.expander("Advanced levers"):
        for lever in LEVERS.values():
            if lever.tier == "advanced":
                values[lever.name] = lever_widget(lever, sources,
                                                  disabled=lever.name == "density_threshold" and vintage == "oct-2022")
    with st.sidebar.expander("Expert assumptions"):
        for lever in LEVERS.values():
            if lever.tier == "expert":
                values[lever.name] = lever_widget(lever, sources)
    return values


def uncertainty_ui() -> int:
    st.session_state.setdefault("samples", DEFAULT_SAMPLES)
    return st.sidebar.select_slider("Monte Carlo samples (fans)", SAMPLE_CHOICES, key="samples",
                                    format_func=lambda n: "off" if n == 0 else f"{n:,}",
                                    help="Draw the uncertain levers this many times and show p10–p90 fans.")


def upload_ui() -> None:
    with st.sidebar.expander("Upload a scenario file"):
        st.file_uploader(f"Scenario (.toml or .json, at most {MAX_UPLOAD_MB} MB)", type=["toml", "json"],
                         key="upload", on_change=on_upload, max_upload_size=MAX_UPLOAD_MB)
        if st.session_state.get("upload_error"):
            st.error(st.session_state["upload_error"])
        elif st.session_state.get("upload_ok"):
            st.success(st.session_state["upload_ok"])


def on_upload() -> None:
    st.session_state["upload_error"] = st.session_state["upload_ok"] = ""
    file = st.session_state.get("upload")
    if file is None:
        return
    try:
        scenario = lib.load_scenario(lib.scenario.parse_scenario_text(file.getvalue(), file.name))
    except lib.ScenarioError as exc:
        st.session_state["upload_error"] = f"Not loaded, your current scenario is unchanged. {exc}"
        return
    custom = encode_custom(structure_overrides(scenario))
    structure(st.session_state["preset"], custom)  # warm the cache with the validated structure
    st.session_state["custom"] = custom
    apply_values(preset_values(scenario))
    st.session_state["upload_ok"] = f"Loaded '{scenario.name}'."


# ---- main view -----------------------------------------------------------------------------------

def headline(result: lib.Result, base: lib.Result, mc) -> None:
    s, b = result.summary, base.summary
    cols = st.columns(4)
    runway = f"{s['runway_months']} months" + ("+" if s["runway_beyond_horizon"] else "")

    def delta(change: float, text: str, inverse: bool = False) -> dict:
        if abs(change) < 1e-9:
            return {"delta": "same as preset", "delta_color": "off", "delta_arrow": "off"}
        return {"delta": text, "delta_color": "inverse" if inverse else "normal"}

    cols[0].metric("Runway for the planned run", runway,
                   **delta(s["runway_months"] - b["runway_months"], f"{s['runway_months'] - b['runway_months']:+d} months vs preset"),
                   help="Months from the start until the planned training run no longer fits the fleet.")
    ratio = s["h100e_end"] / b["h100e_end"] - 1 if b["h100e_end"] else 0.0
    cols[1].metric(f"Training H100e, {result.scenario.horizon}", human(s["h100e_end"]),
                   **delta(ratio, f"{ratio * 100:+.1f}% vs preset"),
                   help="Effective training compute at the horizon [H100-equivalents].")
    gap = s["frontier_gap_years_end"] - b["frontier_gap_years_end"]
    cols[2].metric("Years behind the frontier", f"{s['frontier_gap_years_end']:.2f}",
                   **delta(gap, f"{gap:+.2f} years vs preset", inverse=True),
                   help="At the horizon: how long ago the frontier ran a run this large [years].")
    run_ratio = s["largest_run_flop_end"] / max(b["largest_run_flop_end"], 1)
    cols[3].metric("Largest trainable run", flop(s["largest_run_flop_end"]),
                   **delta(run_ratio - 1, f"×{run_ratio:.2f} vs preset"),
                   help="At the horizon, in one run window with the fleet share set for it [FLOP].")
    if mc is not None:
        p = mc.probabilities
        q = mc.summary
        st.caption(f"Monte Carlo ({mc.samples:,} samples): runway p10–p90 {q['runway_months']['p10']:.0f}–"
                   f"{q['runway_months']['p90']:.0f} months · P(runway < 12 months) = {p['runway_under_12_months']:.0%} · "
                   f"P(runway < 24 months) = {p['runway_under_24_months']:.0%} · gap p10–p90 "
                   f"{q['frontier_gap_years_end']['p10']:.1f}–{q['frontier_gap_years_end']['p90']:.1f} years")


def projection_view(key, base_key, fan_key) -> None:
    runs, capability, stockpile = projection_figures(key, base_key, fan_key)
    left, right = st.columns(2)
    left.plotly_chart(runs, key="chart_runs", config=PLOT_CONFIG, theme=None)
    right.plotly_chart(capability, key="chart_capability", config=PLOT_CONFIG, theme=None)
    st.plotly_chart(stockpile, key="chart_stockpile", config=PLOT_CONFIG, theme=None)


def detail_view(key, base_key, fan_key) -> None:
    gap, tokens = detail_figures(key, base_key, fan_key)
    left, right = st.columns(2)
    left.plotly_chart(gap, key="chart_gap", config=PLOT_CONFIG, theme=None)
    right.plotly_chart(tokens, key="chart_tokens", config=PLOT_CONFIG, theme=None)
    st.caption("Inference capacity serves a 70B-class model with the fleet share not used by the largest run; "
               "decode is memory-bound, so the H20 counts ~1.2 H100 here but ~0.15 H100 for training.")


def uncertainty_view(key, scenario: lib.Scenario, samples: int) -> None:
    st.markdown("**Sensitivity (tornado).** Each uncertain lever swings from its low to its high value while the "
                "others stay where you set them.")
    output = st.selectbox("Output", TORNADO_OUTPUTS, key="tornado_output")
    frame = compute_tornado(key, output)
    st.plotly_chart(charts.tornado_figure(frame, output), key="chart_tornado", config=PLOT_CONFIG, theme=None)
    st.dataframe(frame.drop(columns=["lever"]), key="table_tornado", hide_index=True)
    st.divider()
    st.markdown("**Goal-seek.** Which lever value reaches a target? Solved by bisection; the model is monotone in "
                "these levers.")
    cols = st.columns(4)
    lever = cols[0].selectbox("Lever", SOLVE_LEVERS, key="solve_lever")
    target_key = cols[1].selectbox("Target", list(TARGET_KEYS), key="solve_key")
    op = cols[2].selectbox("Comparison", (">=", "<="), key="solve_op")
    goal = cols[3].number_input("Value", value=3.0, key="solve_value", format="%.4g")
    years = list(range(int(scenario.start[:4]), int(scenario.horizon[:4]) + 1))
    year = st.select_slider("By year", options=years, value=min(2027, years[-1]) if 2027 in years else years[-1],
                            key="solve_year")
    answer = solve(scenario, lever, (target_key, op, float(goal)), year=year)
    (st.success if answer["achievable"] else st.warning)(answer["message"])
    if answer["achievable"] and answer["value"] is not None and answer["direction"] != "any":
        st.button(f"Apply {lever} = {human(answer['value'], LEVERS[lever].unit)} to the sliders", key="solve_apply",
                  on_click=apply_values, args=({lever: snap(LEVERS[lever], LEVERS[lever].clamp(answer["value"]))},))
    if samples:
        mc = compute_monte_carlo(key, samples, 0)
        st.markdown("**Monte Carlo quantiles of the summary**")
        rows = [{"output": k, **v} for k, v in mc.summary.items()]
        st.dataframe(pd.DataFrame(rows), key="table_mc", hide_index=True)
        st.json(mc.probabilities, expanded=False)
    else:
        st.info("Monte Carlo is off: pick a sample count in the sidebar to see fans and probabilities.")


def rule_view_ui(key) -> None:
    table, figure = rule_view(key)
    st.plotly_chart(figure, key="chart_rule", config=PLOT_CONFIG, theme=None)
    show = table[["chip", "vendor", "origin", "status", "eccn", "reason", "tpp", "density", "memory_bandwidth_gbps",
                  "interconnect_gbps", "training_h100e", "inference_h100e", "price_usd", "confidence", "source"]]
    st.dataframe(show, key="table_rule", hide_index=True,
                 column_config={"tpp": st.column_config.NumberColumn("TPP", format="%.0f"),
                                "density": st.column_config.NumberColumn("PD [TPP/mm²]", format="%.2f")})
    st.markdown("**Classify your own chip** (dense throughput; halve sparse figures)")
    with st.form("classify_form"):
        cols = st.columns(3)
        tpp = cols[0].number_input("TPP (dense TOPS × bit length)", min_value=0.0, max_value=1e7, value=4_800.0,
                                   key="form_tpp")
        area = cols[1].number_input("Die area [mm²]", min_value=1.0, max_value=1e5, value=800.0, key="form_area")
        rule_name = cols[2].selectbox("Rule", lib.rules.RULE_NAMES, index=4, key="form_rule")
        cols = st.columns(3)
        interconnect = cols[0].number_input("Interconnect [GB/s] (0 = none)", min_value=0.0, max_value=1e6,
                                            value=600.0, key="form_interconnect")
        bandwidth = cols[1].number_input("Memory bandwidth [GB/s]", min_value=0.0, max_value=1e6, value=3_000.0,
                                         key="form_bandwidth")
        datacenter = cols[2].checkbox("Designed or marketed for datacenters", value=True, key="form_datacenter")
        submitted = st.form_submit_button("Classify", key="form_submit")
    if submitted:
        chip = lib.custom_chip(tpp, area, interconnect_gbps=interconnect, memory_bandwidth_gbps=bandwidth,
                               datacenter=datacenter)
        scenario = scenario_for(key)
        rule = (lib.custom_rule(scenario.rule_vintage if scenario.rule_vintage != "timeline" else "jan-2026",
                                scenario.lever("tpp_threshold"), scenario.lever("density_threshold"))
                if rule_name == "custom" else lib.get_rule(rule_name))
        try:
            got = lib.classify(chip, rule)
            st.markdown(f"**{got.status}** {('(' + got.eccn + ')') if got.eccn else ''} under *{rule.title}*: "
                        f"{got.reason}. PD = {got.density:.2f} TPP/mm².")
            st.session_state["form_result"] = got.status
        except lib.ScenarioError as exc:
            st.error(str(exc))


def compare_view(key, result: lib.Result) -> None:
    pins = st.session_state.setdefault("pins", [])
    cols = st.columns([1, 1, 3])
    if cols[0].button("📌 Pin this scenario", key="pin", disabled=len(pins) >= MAX_PINS):
        label = f"{result.scenario.name} #{len(pins) + 1}"
        if key not in [p["key"] for p in pins]:
            pins.append({"key": key, "label": label})
            st.rerun()
    if cols[1].button("Clear pins", key="clear_pins"):
        pins.clear()
        st.rerun()
    cols[2].caption(f"Pin up to {MAX_PINS} scenarios; the current one is always the first column.")
    entries = [("current", key)] + [(p["label"], p["key"]) for p in pins]
    inputs, outputs = {}, {}
    for label, k in entries:
        s = scenario_for(k)
        r = compute(k)
        inputs[label] = {"preset": s.preset or "uploaded", "rule_vintage": s.rule_vintage, "what_if_from": s.what_if_from,
                         **{name: human(s.lever(name), LEVERS[name].unit) for name in LEVERS}}
        outputs[label] = {k2: r.summary[k2] for k2 in ("runway_months", "h100e_end", "h100e_inference_end",
                                                       "frontier_gap_years_end", "largest_run_flop_end",
                                                       "inference_tokens_per_day_end", "stock_units_end",
                                                       "spend_usd_total")}
    st.markdown("**Key outputs**")
    out = pd.DataFrame(outputs)
    st.dataframe(out.map(lambda x: human(float(x))), key="table_compare_out")
    st.plotly_chart(charts.compare_figure(list(outputs), [o["frontier_gap_years_end"] for o in outputs.values()],
                                          "Years behind the frontier at the horizon"), key="chart_compare",
                    config=PLOT_CONFIG, theme=None)
    st.markdown("**Inputs** (changed rows only)")
    frame = pd.DataFrame(inputs)
    changed = frame[frame.nunique(axis=1) > 1] if len(entries) > 1 else frame
    st.dataframe(changed, key="table_compare_in")


def share_view(result: lib.Result, query: str) -> None:
    base_url = (st.context.url or "").split("?")[0]
    st.markdown("**Share link**: the whole scenario is in it (preset, changed levers, model version).")
    st.code(f"{base_url}?{query}", language=None)
    scenario = result.scenario
    st.download_button("Monthly results (CSV)", key="dl_csv", file_name="chokepoint-monthly.csv", mime="text/csv",
                       data=lambda: result.monthly.assign(month=result.monthly["month"].dt.strftime("%Y-%m"))
                       .to_csv(index=False), on_click="ignore")
    st.download_button("Summary (JSON)", key="dl_json", file_name="chokepoint-summary.json", mime="application/json",
                       data=lambda: json.dumps({"model_version": lib.MODEL_VERSION, "summary": result.summary,
                                                "scenario": scenario.to_dict()}, indent=2), on_click="ignore")
    st.download_button("Scenario file (TOML, for upload or the CLI)", key="dl_toml", file_name="chokepoint-scenario.toml",
                       mime="application/toml", data=lambda: scenario.to_toml(), on_click="ignore")
    st.caption("CLI: `python -m lib run chokepoint-scenario.toml --format csv`")


@st.cache_data(max_entries=8, show_spinner=False)
def assumptions_table(preset: str) -> pd.DataFrame:
    base_comments = source_comments(baseline_path())
    preset_comments = source_comments(PRESETS[preset])
    scenario = structure(preset, "")
    rows = []
    for name, lever in LEVERS.items():
        source = preset_comments.get(name) or base_comments.get(name, "")
        rows.append({"parameter": name, "label": lever.label, "value": human(scenario.lever(name), lever.unit),
                     "unit": lever.unit, "allowed": lever.allowed(), "tier": lever.tier, "source": source,
                     "assumption": "Assumption" in source,
                     "uncertainty": lever.uncertainty.basis if lever.uncertainty else ""})
    return pd.DataFrame(rows)


def assumptions_view(preset: str) -> None:
    table = assumptions_table(preset)
    only = st.toggle("Show only the values flagged as assumptions", key="only_assumptions")
    st.dataframe(table[table["assumption"]] if only else table, key="table_assumptions", hide_index=True)
    st.markdown(f"**{int(table['assumption'].sum())} of {len(table)} parameters are assumptions.** Source keys [Kx] "
                "are listed in the README's Sources section. Chip specs and their sources are in the Export rule view.")
    rules = pd.DataFrame([{"rule": r.name, "effective": r.effective, "summary": r.summary, "source": r.source}
                          for r in lib.RULES.values()])
    st.dataframe(rules, key="table_rules", hide_index=True)
    from lib import units

    st.markdown("**Glossary**")
    st.code(units.__doc__.split("Glossary", 1)[1].strip("\n -"), language=None)


def about_view() -> None:
    st.markdown(f"""
**Chokepoint** couples US export thresholds to chip status, chip flows, stockpiles and capability in one loop.
Model version **{lib.MODEL_VERSION}**.

*What it is.* A monthly stock-and-flow model: each month the actor spends its import budget down a preference list
of foreign chips; the rule decides each chip's status; controlled chips arrive only through leakage, licensable chips
at the approval share; domestic supply grows and is split by a mix; chips retire at the end of their useful life and
fail at a constant rate. Capability is counted in H100-equivalents, separately for training (compute and interconnect)
and inference (memory bandwidth).

*What it is not.* No prices respond to scarcity; no second-hand market; no remote cloud rental counted as owned
compute except through leakage; HBM and foundry limits enter only through the domestic supply you set; the China
aggregate is one pool, and one run uses a fixed share of it. Results are conditional what-ifs, not forecasts.

*How to cite.* Chokepoint, model version {lib.MODEL_VERSION}, with the share link of the scenario you used.
""")


def main() -> None:
    read_url_once()
    for notice in st.session_state.get("notices", []):
        st.warning(notice, icon="⚠️")
    preset, custom = preset_ui()
    base = structure(preset, custom)
    vintage, what_if = rule_ui(base)
    values = levers_ui(vintage, preset)
    samples = uncertainty_ui()
    upload_ui()

    key = (preset, custom, tuple(sorted(values.items())), vintage, what_if)
    defaults = defaults_for(preset, custom)
    base_key = (preset, custom, tuple(sorted((k, defaults[k]) for k in LEVERS)), defaults["rule_vintage"],
                defaults["what_if_from"])
    result, baseline = compute(key), compute(base_key)
    scenario = result.scenario
    st.session_state.setdefault("view", VIEWS[0])
    view = st.segmented_control("View", VIEWS, key="view", label_visibility="collapsed") or VIEWS[0]
    query = write_url(preset, custom, {**values, "rule_vintage": vintage, "what_if_from": what_if}, view, samples)

    st.markdown(f"### {scenario.name}: {scenario.start} to {scenario.horizon}")
    with st.expander("About this scenario", expanded=False):
        st.markdown(scenario.description)
    mc = compute_monte_carlo(key, samples, 0) if samples else None
    headline(result, baseline, mc)

    if view == "Projection":
        projection_view(key, base_key, (key, samples, 0) if samples else None)
    elif view == "Gap & inference":
        detail_view(key, base_key, (key, samples, 0) if samples else None)
    elif view == "Uncertainty":
        uncertainty_view(key, scenario, samples)
    elif view == "Export rule":
        rule_view_ui(key)
    elif view == "Compare":
        compare_view(key, result)
    elif view == "Share & export":
        share_view(result, query)
    elif view == "Assumptions & sources":
        assumptions_view(preset)
    else:
        about_view()
    st.sidebar.caption(f"Model version {lib.MODEL_VERSION} · the address bar always holds the whole scenario; "
                       "'Share & export' has a copy-link button and downloads.")


main()
