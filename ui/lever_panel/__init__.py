"""The lever panel: the basic levers as one custom component (``st.components.v2``, no iframe), whose headline
chart and figures follow a slider while it is dragged.

How a drag goes:

1. The first touch of a lever (pointer down, focus or a key) asks for its range (trigger ``touch``). The page
   reruns (every cached figure is reused): ``lib.sweep.sweep`` evaluates the lever's whole range in one call of
   the model's vectorised projection, and the answer (``range_payload``) goes to the browser as data. The lever
   element then carries ``data-range-ready="true"``. Not a fragment: a page that reconnects to another server
   process (a restart) gets a new session, which knows no fragment and would drop every trigger from one.
2. While the thumb moves, the browser draws the headline chart and figures from the precomputed answer nearest
   the thumb, and says so when the thumb sits between two precomputed values. It computes no model quantity;
   even the figures' texts come formatted from here.
3. On release (or after the last key press), the exact value commits (trigger ``commit``): its callback puts the
   value in ``st.session_state`` under the lever's name, as every control does, and the whole page reruns, so
   everything shown after release is an exact ``lib.run``.

A range does not depend on its own lever's value, so it is keyed on the scenario without that lever (its token):
after a release, the same lever drags again at once. Every other lever's range is recomputed on its first touch.
Text from users (scenario names, uploads) never reaches the component; what does is data, drawn with
``textContent``.
"""

from __future__ import annotations

import hashlib
import math
from functools import lru_cache, partial
from pathlib import Path
from typing import Sequence

import streamlit as st

import lib
from lib import sweep as lib_sweep
from lib.format import compact, number
from lib.levers import LEVERS, RULES_GROUP, Lever
from lib.sources import KEY_IN_TEXT, load_sources

from .. import cache

HERE = Path(__file__).parent
COMPONENT_NAME = "chokepoint_lever_panel"
DEFAULT_KEY = "lever_panel"
OVERLAY_TARGET = ".st-key-chart_headline"   # the page's headline chart: the preview covers it while dragging
RANGES_SENT = 3       # [levers] ranges sent with each run: the browser keeps the others it has for the same scenario
_REQUESTED = "_lever_panel_requested"      # session key: lever → token of the ranges asked for, latest last
_LAST_COMMIT = "_lever_panel_last_commit"  # session key: (lever, value) of that release, for the page's next run
KEY_COMMIT_MS = 350   # [ms] after the last arrow key, the value commits (a burst of presses commits once)
BAND_COLOURS = ("#e3f2fd", "#fff3e0", "#e8f5e9", "#f3e5f5", "#fffde7", "#fce4ec")  # the named zones on a track

_component = st.components.v2.component(
    COMPONENT_NAME,
    html=(HERE / "panel.html").read_text(encoding="utf-8"),
    css=(HERE / "panel.css").read_text(encoding="utf-8"),
    js=(HERE / "panel.js").read_text(encoding="utf-8"),
)


# ---- which levers, and how each is drawn --------------------------------------------------------------

GATE_HEADING = "US licence · China's gate"   # the first rows, as the story heads them


def basic_section(scenario, promoted: Sequence[str] | None = None) -> tuple[str, ...]:
    """The levers shown open, in the order the story shows them: the US licence and China's gate, then each
    basic group, the rule's lines last (the advanced lines ``ui.controls.promoted`` puts in force first among them)."""
    from ..controls import GATE_ROWS
    from ..controls import promoted as promoted_lines

    promoted = promoted_lines(scenario) if promoted is None else promoted
    first = [name for names, gate in GATE_ROWS for name in (*names, gate)]
    rest = [n for n, lever in LEVERS.items() if lever.tier == "basic" and n not in first and lever.group != RULES_GROUP]
    rule = [*promoted, *(n for n, lever in LEVERS.items() if lever.group == RULES_GROUP and lever.tier == "basic")]
    return tuple(dict.fromkeys([*first, *rest, *rule]))


TIERS = ("advanced", "expert")   # behind one click each, in the same panel, after the basic section
MORE = "more"  # the basic levers after the open ones: "More basic levers", one click away
# Open on the page: the gates, then the namesake levers (smuggling, licences, rented compute, how many domestic
# chips replace an H100, the rule's lines). With all 23 basic levers open, the 218-px panel ran ~3,300 px down
# and pushed every view three screens below the figures; with these it ends near the figures.
OPEN_LEVERS = ("leakage", "approval_share", "remote_access", "training_substitution", "tpp_threshold",
               "density_threshold")


def open_section(scenario, promoted: Sequence[str] | None = None) -> tuple[str, ...]:
    """The basic levers drawn open, in ``basic_section``'s order: the gates, the case-by-case lines when in force
    (``ui.controls.promoted``), and ``OPEN_LEVERS``."""
    from ..controls import GATE_ROWS
    from ..controls import promoted as promoted_lines

    promoted = promoted_lines(scenario) if promoted is None else promoted
    keep = {*(n for names, gate in GATE_ROWS for n in (*names, gate)), *promoted, *OPEN_LEVERS}
    return tuple(n for n in basic_section(scenario, promoted) if n in keep)


def panel_levers(scenario, promoted: Sequence[str] | None = None) -> tuple[str, ...]:
    """Every lever, in the panel's order: the open levers (``open_section``), the other basic levers, then the
    advanced levers, then the expert assumptions, each by group as the levers table lists them."""
    first = basic_section(scenario, promoted)
    groups = list(dict.fromkeys(lever.group for lever in LEVERS.values()))  # each group once, in table order
    rest = sorted((n for n, lever in LEVERS.items() if lever.tier in TIERS and n not in first),
                  key=lambda n: (TIERS.index(LEVERS[n].tier), groups.index(LEVERS[n].group)))  # stable: table order
    opened = open_section(scenario, promoted)
    return (*opened, *(n for n in first if n not in opened), *rest)


def _heading(name: str) -> str:
    from ..controls import GATE_ROWS

    gate_levers = {n for names, gate in GATE_ROWS for n in (*names, gate)}
    return GATE_HEADING if name in gate_levers else LEVERS[name].group


def _is_switch(lever: Lever) -> bool:
    return lever.unit == "switch 0/1"


def positions(lever: Lever) -> tuple[float, ...] | None:
    """The control's positions when they are not the step lattice: a log slider's options, a switch's 0 and 1."""
    if _is_switch(lever):
        return (0.0, 1.0)
    if lever.log_scale:
        return tuple(cache.log_options()[lever.name])
    return None


def value_text(lever: Lever, value: float) -> str:
    """A lever value as the controls write it (the select slider's format, or the slider's decimals)."""
    if _is_switch(lever):
        return "allowed" if value >= 1 else "no"
    if lever.unit.startswith(("USD", "FLOP")):
        return number(value, lever.unit)
    if lever.log_scale:
        return compact(value)
    decimals = max(0, -math.floor(math.log10(lever.step))) if lever.step < 1 else 0
    return f"{value:,.{decimals}f}"


@lru_cache(maxsize=256)
def _static_spec(name: str) -> dict:
    """What does not change with the scenario: bounds, positions, named points and their zones on the track."""
    lever = LEVERS[name]
    options = positions(lever)
    spec = {"name": name, "label": lever.label, "unit": lever.unit, "group": _heading(name),
            "integer": bool(lever.integer)}
    if options is None:
        decimals = max(0, -math.floor(math.log10(lever.step))) if lever.step < 1 else 0
        spec.update(kind="linear", min=lever.minimum, max=lever.maximum, step=lever.step, decimals=decimals)

        def fraction(v):
            return (v - lever.minimum) / (lever.maximum - lever.minimum)
    else:
        spec.update(kind="options", options=list(options), texts=[value_text(lever, v) for v in options])

        def fraction(v):
            index = min(range(len(options)), key=lambda i: abs(options[i] - v))
            return index / (len(options) - 1)
    points = sorted(lever.reference_points)
    spec["points"] = [{"value": v, "name": text, "text": value_text(lever, v)} for v, text in points]
    # Each named point owns the stretch of track nearer to it than to its neighbours (En-ROADS style zones).
    fractions = [fraction(v) for v, _ in points]
    zones = []
    for i, ((value, text), f) in enumerate(zip(points, fractions)):
        start = 0.0 if i == 0 else (fractions[i - 1] + f) / 2
        end = 1.0 if i == len(points) - 1 else (f + fractions[i + 1]) / 2
        if end > start:
            zones.append({"start": round(start, 4), "end": round(end, 4), "name": text,
                          "colour": BAND_COLOURS[i % len(BAND_COLOURS)]})
    spec["zones"] = zones
    return spec


# ---- tokens: which scenario a range belongs to ---------------------------------------------------------

def range_key(key: tuple, name: str) -> tuple:
    """The scenario key without lever ``name``'s own value: a range over ``name`` depends on nothing else."""
    preset, custom, levers, fields = key
    return preset, custom, tuple((n, v) for n, v in levers if n != name), fields


def token(key: tuple, name: str) -> str:
    return hashlib.sha256(repr(range_key(key, name)).encode()).hexdigest()[:16]


# ---- the headline figures as the page shows them -----------------------------------------------------------

def figure_texts(keys: Sequence[str], summary: dict, reference: dict, months: int) -> list[tuple[str, str]]:
    """The headline figures worded as the story words them (one formatter: ``ui.views.story.figure_texts``)."""
    from ..views.story import figure_texts as story_texts

    return story_texts(keys, summary, reference, months)


@st.cache_resource(max_entries=64, show_spinner=False)
def range_payload(lever_key: tuple, name: str) -> dict:
    """One lever's range for the browser: ``lib.sweep.payload`` plus the headline figures' texts at each value,
    the reference's largest run, and the token. Cached per scenario-without-this-lever."""
    from ..views.story import _metric_label, headline_keys

    scenario = cache.scenario_for(lever_key)
    lever = LEVERS[name]
    anchors = [v for v, _ in lever.reference_points] + [lib.link.base_scenario(lever_key[0], lever_key[1]).lever(name)]
    values = lib_sweep.grid(lever, positions(lever), anchors)
    result = lib_sweep.sweep(scenario, name, values)
    data = lib_sweep.payload(result)
    reference = cache.reference(lever_key)
    keys = headline_keys(scenario)
    T = len(result["months"])
    texts = [figure_texts(keys, {k: result["summary"][k][i] for k in keys}, reference.summary, T)
             for i in range(len(values))]
    data.update(
        token=token(lever_key, name),
        figures={"keys": list(keys), "labels": [_metric_label(k, scenario) for k in keys],
                 "values": [[v for v, _ in row] for row in texts], "changes": [[c for _, c in row] for row in texts]},
        reference={"months": list(reference.capability["month"].dt.strftime("%Y-%m")),
                   "largest_run_flop": [round(math.log10(x), lib_sweep.SERIES_DECIMALS) if x > 0 else None
                                        for x in reference.capability["largest_run_flop"]]},
    )
    return data


# ---- what the browser gets each run ------------------------------------------------------------------

@lru_cache(maxsize=512)
def about(name: str, preset: str) -> dict:
    """What the lever's "?" opens: what it does, what is allowed, where this preset's value comes from, and the
    keys of the sources its text cites (``cited_sources`` sends each once), all as data for ``textContent``."""
    from ..controls import _UNIT_TAG, lever_sources

    lever = LEVERS[name]
    comment = _UNIT_TAG.sub("", lever_sources(preset).get(name, "see the baseline file"))
    table = load_sources()
    keys = dict.fromkeys(KEY_IN_TEXT.findall(f"{lever.help} {comment}"))
    cited = [k for k in keys if k in table and table[k].url.startswith(("https://", "http://"))]
    return {"text": lever.help, "allowed": f"Allowed: {lever.allowed()}.", "value": f"This preset's value: {comment}",
            "sources": cited}


def cited_sources(specs: Sequence[dict]) -> dict:
    """The sources the levers' notes cite, once each: key → address, author, whether the address was verified."""
    table = load_sources()
    keys = dict.fromkeys(k for spec in specs for k in spec["about"]["sources"])
    return {k: {"url": table[k].url, "author": table[k].author, "verified": bool(table[k].verified)} for k in keys}


def lever_specs(key: tuple, names: Sequence[str], disabled: Sequence[str] = (),
                first: Sequence[str] | None = None) -> list[dict]:
    """Each lever as the browser draws it. ``first``: the levers of the open section; the others go behind their
    tier's "More basic levers", "Advanced levers" or "Expert assumptions" toggle."""
    ss = st.session_state
    first = set(names if first is None else first)
    out = []
    for name in names:
        lever = LEVERS[name]
        value = float(ss[name]) if name in ss else float(cache.scenario_for(key).lever(name))
        spec = dict(_static_spec(name), value=value, token=token(key, name), disabled=name in disabled,
                    tier="basic" if name in first else MORE if lever.tier == "basic" else lever.tier,
                    about=about(name, key[0]))
        if name in disabled:
            spec["note"] = "The Oct 2022 rule has no density prong, so this line does not apply."
        if spec["kind"] == "options" and value not in spec["options"]:  # a value from a link: a position of its own
            options = sorted({*spec["options"], value})
            spec.update(options=options, texts=[value_text(lever, v) for v in options])
        out.append(spec)
    return out


def panel_data(key: tuple, names: Sequence[str], *, disabled: Sequence[str] = (), first: Sequence[str] | None = None,
               target: str = OVERLAY_TARGET,
               title: str = "Training runs: what the fleet can train vs the planned run and the frontier") -> dict:
    specs = lever_specs(key, names, disabled, first)
    requested = st.session_state.get(_REQUESTED, {})
    current = {spec["name"]: spec["token"] for spec in specs}
    wanted = [n for n, t in requested.items() if current.get(n) == t][-RANGES_SENT:]
    return {"levers": specs, "sources": cited_sources(specs),
            "ranges": {n: range_payload(range_key(key, n), n) for n in wanted},
            "target": target, "title": title, "keyCommitMs": KEY_COMMIT_MS}


# ---- what the browser sends back (untrusted: checked here) ----------------------------------------------

def _event(component_key: str, name: str):
    state = st.session_state.get(component_key)
    if state is None:
        return None
    return state.get(name) if hasattr(state, "get") else getattr(state, name, None)


def accept_touch(event, names: Sequence[str]) -> None:
    """Remember that a lever's range is wanted for the scenario of ``token`` (latest last, a few kept)."""
    if not isinstance(event, dict) or event.get("lever") not in names or not isinstance(event.get("token"), str):
        return
    requested = dict(st.session_state.get(_REQUESTED, {}))
    requested.pop(event["lever"], None)
    requested[event["lever"]] = event["token"][:64]
    st.session_state[_REQUESTED] = dict(list(requested.items())[-2 * RANGES_SENT:])


def committed_value(event, names: Sequence[str]) -> tuple[str, float] | None:
    """The lever and value a release commits, as the control can hold it; None for anything else."""
    if not isinstance(event, dict) or event.get("lever") not in names:
        return None
    value = event.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    lever = LEVERS[event["lever"]]
    value = lever.clamp(float(value))
    options = positions(lever)
    if options is not None and not lever.log_scale:
        value = min(options, key=lambda o: abs(o - value))
    return lever.name, lever.on_step(value)


def _on_touch(component_key: str, names: tuple) -> None:
    accept_touch(_event(component_key, "touch"), names)


def _on_commit(component_key: str, names: tuple) -> None:
    found = committed_value(_event(component_key, "commit"), names)
    if found is None:
        return
    name, value = found
    st.session_state[name] = int(value) if LEVERS[name].integer else value
    st.session_state[_LAST_COMMIT] = (name, value)


# ---- mounting -------------------------------------------------------------------------------------------

def render(key: tuple, names: Sequence[str], *, disabled: Sequence[str] = (), first: Sequence[str] | None = None,
           target: str = OVERLAY_TARGET, component_key: str = DEFAULT_KEY) -> tuple[str, float] | None:
    """Mount the panel for scenario ``key`` (see ``ui.cache``) with levers ``names``, in the current container.

    A touch or a release reruns the page; on a release the lever's new value is in ``st.session_state[name]``
    already (its callback runs first). Returns (lever, value) on the page run that follows a release, else None.
    ``disabled``: levers shown greyed (the density line under the Oct 2022 vintage). ``first``: the levers shown
    open (default: all of ``names``); the rest sit behind their tier's toggle. ``target``: the CSS selector
    of the page's headline chart, which the preview covers while a lever moves (off screen: a card instead)."""
    committed = st.session_state.pop(_LAST_COMMIT, None)
    names = tuple(names)
    _component(key=component_key, data=panel_data(key, names, disabled=disabled, first=first, target=target),
               on_touch_change=partial(_on_touch, component_key, names),
               on_commit_change=partial(_on_commit, component_key, names), width="stretch", height="content")
    return committed
