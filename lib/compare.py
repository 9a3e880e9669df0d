"""The diff of two scenarios: the inputs that differ and every output's change (for links, files, Compare)."""

from __future__ import annotations

from .levers import LEVERS
from .model import SUMMARY_KEYS, SUMMARY_UNITS, run

STRUCTURE_FIELDS = ("actor", "start", "horizon", "what_if_from", "rule_vintage", "hbm_control_from", "reading_year",
                    "import_chips", "allowed_chips", "initial_stock", "deliveries", "domestic_mix", "national_mix")
OUTPUT_KEYS = tuple(k for k in SUMMARY_KEYS if k in SUMMARY_UNITS and k not in ("months", "reading_year"))


def _plain(value):
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def diff_scenarios(a, b) -> dict:
    """``{"inputs": [...], "outputs": [...]}``: each differing input (name, label, a, b, unit) and each output
    key (key, a, b, delta, ratio, unit). Values are plain numbers and texts (JSON-ready)."""
    inputs = []
    for name in STRUCTURE_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if x != y:
            inputs.append({"name": name, "label": name.replace("_", " "), "a": _plain(x), "b": _plain(y), "unit": ""})
    for name, lever in LEVERS.items():
        x, y = a.lever(name), b.lever(name)
        if x != y:
            inputs.append({"name": name, "label": lever.label, "a": x, "b": y, "unit": lever.unit})
    ra, rb = run(a).summary, run(b).summary
    outputs = []
    for key in OUTPUT_KEYS:
        x, y = ra[key], rb[key]
        if isinstance(x, bool) or isinstance(x, str) or x is None:
            continue
        delta = float(y) - float(x)
        outputs.append({"key": key, "a": float(x), "b": float(y), "delta": delta,
                        "ratio": float(y) / float(x) if x else None, "unit": SUMMARY_UNITS[key]})
    return {"a": a.name, "b": b.name, "inputs": inputs, "outputs": outputs}


def reference_name(scenario) -> str:
    """The preset of the documented reference scenario every delta reads against.

    The scenario's own ``reference`` when it names a preset; else a preset that is its own reference and has
    the same actor (an uploaded Baidu file reads against Baidu's real timeline); else "" (its own values)."""
    from .scenario import list_presets, load_scenario

    presets = list_presets()
    if scenario.reference in presets:
        return scenario.reference
    for name in presets:
        candidate = load_scenario(name)
        if candidate.actor == scenario.actor and candidate.reference in ("", name):
            return name
    return ""


def reference_for(scenario):
    """The reference scenario itself (or the scenario, when no reference matches)."""
    from .scenario import load_scenario

    name = reference_name(scenario)
    return load_scenario(name) if name else scenario
