"""Share links: a scenario's whole state in a URL query, encoded and decoded in one place.

The link holds the preset, the model version (``v``), only the lever values and fields that differ
from the preset, the view, the Monte Carlo sample count, an uploaded scenario's structure (``custom``,
compressed) and pinned scenarios (``pin``, each a compressed state of its own). Decoding never raises
for bad values: each bad value gives a one-line notice naming the parameter and what is allowed, is
clamped or ignored, and the rest of the link still applies (a link is a promise to its reader).
The app and ``python -m lib diff`` both go through here.
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode, urlsplit

from .errors import ScenarioError
from .gate import MAX_NUMBER_TEXT, bounded_int, excerpt, parse_month
from .levers import LEVERS
from .scenario import (EARLIEST, LATEST, MODEL_VERSION, NEVER, RULE_VINTAGE_CHOICES, Scenario, list_presets,
                       load_scenario, parse_scenario_text)

DEFAULT_PRESET = "baidu-2023"
FIELDS = ("rule_vintage", "what_if_from", "hbm_control_from", "reading_year")
URL_KEYS = ("preset", "v", "view", "samples", "custom", "pin", *FIELDS, *LEVERS)
MAX_CUSTOM_CHARS = 40_000      # [characters] longest custom= payload accepted (compressed)
MAX_INFLATED = 300_000         # [bytes] a custom= payload inflates to at most this (zip bombs stop here)
MAX_PINS = 4
MAX_LINK_FIELDS = 500          # parameters in a pasted link; the app's own links have ~60 at most
MAX_UNKNOWN_SHOWN = 5           # unknown parameter names quoted in the one notice about them
MAX_LINK_CHARS = 120_000       # [characters] longest query read at all (the proxy allows 128 kB request lines)


@dataclass(frozen=True)
class LinkState:
    """What a link says. ``levers`` and ``fields`` hold only values that differ from the base scenario."""

    preset: str = DEFAULT_PRESET
    custom: str = ""
    levers: tuple = ()
    fields: tuple = ()
    view: str = ""
    samples: int = 0
    pins: tuple = ()
    label: str = ""
    version: str = MODEL_VERSION

    def lever_values(self) -> dict:
        return dict(self.levers)

    def field_values(self) -> dict:
        return dict(self.fields)


# ---- compressed payloads -------------------------------------------------------------------------

def pack(data: dict) -> str:
    raw = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def unpack(text: str, name: str) -> dict:
    """Inflate a ``pack``ed payload, refusing damaged data, zip bombs and bad text (one ScenarioError)."""
    if not isinstance(text, str) or len(text) > MAX_CUSTOM_CHARS:
        raise ScenarioError(f"{name}: the link's data is too long; allowed: at most {MAX_CUSTOM_CHARS:,} characters")
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), MAX_INFLATED)
        if inflater.unconsumed_tail:
            raise ValueError("too large")
        data = json.loads(raw.decode("utf-8"), parse_int=bounded_int)
    except Exception:  # any corruption of the link parameter is one user-facing error
        raise ScenarioError(f"{name}: the link's data is damaged; allowed: a link made by this app") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{name}: the link's data is not a scenario; allowed: a link made by this app")
    return data


def encode_custom(scenario: Scenario) -> str:
    """An uploaded scenario's structure for ``custom=`` (its levers travel as their own parameters)."""
    data = scenario.to_dict()
    data.pop("levers")
    data.pop("sources", None)
    return pack(data)


def decode_custom(text: str) -> dict:
    data = unpack(text, "custom")
    # The same gate as an uploaded file: text, numbers, months and chip names.
    raw = parse_scenario_text(json.dumps(data, ensure_ascii=False), "the link's uploaded scenario (custom=)")
    return raw


# ---- scenarios from states ------------------------------------------------------------------------

_BASE_CACHE: dict = {}


def base_scenario(preset: str, custom: str = "") -> Scenario:
    """The preset, or an uploaded structure from ``custom=`` merged over the baseline (cached, bounded)."""
    key = (preset, custom)
    hit = _BASE_CACHE.get(key)
    if hit is None:
        if custom:
            try:
                hit = load_scenario(decode_custom(custom))
            except ScenarioError as exc:
                text = str(exc)
                prefix = "the link's uploaded scenario (custom=)"
                named = text.startswith((prefix, "custom:"))  # already says where it comes from
                raise ScenarioError(text if named else f"{prefix}: {text}") from None
        else:
            hit = load_scenario(preset)
        while len(_BASE_CACHE) >= 32:
            _BASE_CACHE.pop(next(iter(_BASE_CACHE)), None)
        _BASE_CACHE[key] = hit
    return hit


def scenario_for(state: LinkState) -> Scenario:
    """The scenario a link state describes. Raises ScenarioError only for a damaged ``custom=``."""
    base = base_scenario(state.preset, state.custom)
    scenario = base.with_fields(**state.field_values()) if state.fields else base
    return scenario.with_levers(**state.lever_values()) if state.levers else scenario


def state_for(scenario: Scenario, preset: str, custom: str = "", **extra) -> LinkState:
    """The minimal link state for a scenario built on ``preset`` (or an upload): only what differs."""
    base = base_scenario(preset, custom)
    levers = tuple((k, v) for k, v in scenario.levers if v != base.lever(k))
    fields = tuple((k, getattr(scenario, k)) for k in FIELDS if getattr(scenario, k) != getattr(base, k))
    return LinkState(preset=preset, custom=custom, levers=levers, fields=fields, **extra)


# ---- encoding -------------------------------------------------------------------------------------

def _number_text(value: float) -> str:
    return f"{value:.10g}"


def to_params(state: LinkState, default_view: str = "", default_samples: int = 0) -> dict:
    params = {"preset": state.preset, "v": MODEL_VERSION}
    if state.custom:
        params["custom"] = state.custom
    for key, value in state.fields:
        params[key] = str(value)
    for key, value in state.levers:
        params[key] = _number_text(value)
    if state.view and state.view != default_view:
        params["view"] = state.view
    if state.samples != default_samples:
        params["samples"] = str(state.samples)
    if state.pins:
        params["pin"] = list(state.pins)
    return params


def to_query(state: LinkState, **defaults) -> str:
    return urlencode(to_params(state, **defaults), doseq=True)


def encode_pin(state: LinkState) -> str:
    return pack({"preset": state.preset, "custom": state.custom, "levers": dict(state.levers),
                 "fields": dict(state.fields), "label": state.label})


# ---- decoding -------------------------------------------------------------------------------------

def split_link(text: str) -> dict:
    """A full URL, a bare query ('preset=…&…' or '?…') → parameter → list of values."""
    text = (text or "").strip()
    if len(text) > MAX_LINK_CHARS:
        raise ScenarioError(f"link: {len(text):,} characters is too long; allowed: at most {MAX_LINK_CHARS:,}")
    try:
        query = urlsplit(text).query if "://" in text else text.split("?", 1)[-1]
        return parse_qs(query, keep_blank_values=True, max_num_fields=MAX_LINK_FIELDS)
    except ValueError as exc:  # too many fields, or a malformed address ('http://[::1')
        reason = "has too many parameters" if "fields" in str(exc) else "is not a valid address"
        raise ScenarioError(f"link: {excerpt(text)} {reason}; allowed: a link made by this app "
                            f"(at most {MAX_LINK_FIELDS} parameters)") from None


def ignored(error, prefix: str = "") -> str:
    """A notice for a value the link could not use: one sentence, one full stop, then "Ignored."."""
    return f"{prefix}{str(error).rstrip('.')}. Ignored."


def parse_params(params, views: tuple = (), sample_choices: tuple = ()) -> tuple[LinkState, list]:
    """Read link parameters (name → list of texts) into a state, with a notice for each bad value."""
    notices: list = []

    def one(key):
        values = list(params.get(key, []))
        if len(values) > 1:
            notices.append(f"URL parameter '{key}' was given {len(values)} times; used the last.")
        return values[-1] if values else None

    unknown = [key for key in params if key not in URL_KEYS]
    if len(unknown) == 1:
        notices.append(f"URL parameter {excerpt(unknown[0])} is unknown and was ignored.")
    elif unknown:  # one notice for all of them: a junk link must not bury the page under warnings
        shown = ", ".join(excerpt(key, 20) for key in unknown[:MAX_UNKNOWN_SHOWN])
        more = f" and {len(unknown) - MAX_UNKNOWN_SHOWN:,} more" if len(unknown) > MAX_UNKNOWN_SHOWN else ""
        notices.append(f"{len(unknown):,} unknown URL parameters were ignored: {shown}{more}.")
    presets = list_presets()
    preset = one("preset") or DEFAULT_PRESET
    if preset not in presets:
        notices.append(f"URL parameter 'preset': {excerpt(preset)} is unknown; allowed: {', '.join(presets)}. "
                       f"Showing {base_scenario(DEFAULT_PRESET).name}.")
        preset = DEFAULT_PRESET
    version = one("v")
    if version is not None and version != MODEL_VERSION:
        notices.append(f"This link was made with model version {excerpt(version)}; this is version {MODEL_VERSION}, "
                       "so results may differ from what its author saw.")
    custom = one("custom") or ""
    try:
        base = base_scenario(preset, custom)
    except ScenarioError as exc:
        notices.append(f"{str(exc).rstrip('.')}. Showing the preset instead.")
        custom, base = "", base_scenario(preset)
    levers = []
    for name, lever in LEVERS.items():
        text = one(name)
        if text is None:
            continue
        try:
            value, notice = lever.parse_link(text)
        except ScenarioError as exc:
            notices.append(ignored(exc))
            continue
        if notice:
            notices.append(notice)
        if value != base.lever(name):
            levers.append((name, value))
    fields = []
    for key in FIELDS:
        text = one(key)
        if text is None:
            continue
        try:
            value = _parse_field(key, text, base)
        except ScenarioError as exc:
            notices.append(ignored(exc, "URL parameter "))
            continue
        if value != getattr(base, key):
            fields.append((key, value))
    view = one("view") or ""
    if view and views and view not in views:
        notices.append(ignored(f"'view': {excerpt(view)} is not allowed; allowed: {', '.join(views)}", "URL parameter "))
        view = ""
    samples = 0
    text = one("samples")
    if text is not None:
        if sample_choices and text in [str(n) for n in sample_choices]:
            samples = int(text)
        else:
            notices.append(ignored(f"'samples': {excerpt(text)} is not allowed; allowed: "
                                   f"{', '.join(str(n) for n in sample_choices)}", "URL parameter "))
    pins = []
    for i, text in enumerate(list(params.get("pin", []))[:MAX_PINS]):
        try:
            pins.append(_check_pin(text, i))
        except ScenarioError as exc:
            notices.append(ignored(exc, "URL parameter "))
    if len(params.get("pin", [])) > MAX_PINS:
        notices.append(f"URL parameter 'pin': {len(params['pin'])} pins given; allowed: at most {MAX_PINS}. "
                       "Kept the first ones.")
    state = LinkState(preset=preset, custom=custom, levers=tuple(levers), fields=tuple(fields), view=view,
                      samples=samples, pins=tuple(pins), version=version or MODEL_VERSION)
    return state, notices


def _parse_field(key: str, text: str, base: Scenario):
    if len(text) > MAX_NUMBER_TEXT:
        raise ScenarioError(f"'{key}': {excerpt(text)} is not allowed")
    if key == "rule_vintage":
        if text not in RULE_VINTAGE_CHOICES:
            raise ScenarioError(f"'rule_vintage': {excerpt(text)} is not allowed; allowed: {', '.join(RULE_VINTAGE_CHOICES)}.")
        return text
    if key in ("what_if_from", "hbm_control_from"):
        if key == "hbm_control_from" and text == NEVER:
            return NEVER
        earliest, latest = (base.start, base.horizon) if key == "what_if_from" else (EARLIEST, LATEST)
        try:
            return parse_month(text, f"'{key}'", earliest, latest)
        except ScenarioError as exc:
            raise ScenarioError(f"{exc}.") from None
    first, last = int(base.start[:4]), int(base.horizon[:4])
    if not (text.isascii() and text.isdigit() and first <= int(text) <= last):
        raise ScenarioError(f"'reading_year': {excerpt(text)} is not allowed; allowed: a year from {first} to {last}.")
    return int(text)


def _check_pin(text: str, index: int) -> str:
    """A pin is accepted only if it decodes into a valid state; it travels as given."""
    data = unpack(text, f"'pin' #{index + 1}")
    pin_state_from(data, f"'pin' #{index + 1}")
    return text


def pin_state_from(data: dict, name: str = "pin") -> LinkState:
    if not isinstance(data, dict) or set(data) - {"preset", "custom", "levers", "fields", "label"}:
        raise ScenarioError(f"{name}: not a pinned scenario; allowed: a link made by this app.")
    params = {"preset": [data.get("preset", DEFAULT_PRESET)]}
    if data.get("custom"):
        params["custom"] = [data["custom"]]
    for key, value in dict(data.get("levers") or {}).items():
        params[str(key)] = [str(value)]
    for key, value in dict(data.get("fields") or {}).items():
        params[str(key)] = [str(value)]
    state, notices = parse_params(params)
    if notices:
        raise ScenarioError(f"{name}: {notices[0]}")
    label = data.get("label", "")
    if not isinstance(label, str) or len(label) > 120:
        raise ScenarioError(f"{name}: its label is not allowed; allowed: text of at most 120 characters.")
    from .gate import clean_text
    return replace(state, label=clean_text(label, f"{name} label", 120))


def decode_pin(text: str) -> LinkState:
    return pin_state_from(unpack(text, "pin"))


def read_link_or_file(text: str) -> tuple[Scenario, list]:
    """A share link (full URL or query) or a scenario file path → (scenario, notices). For the CLI's diff."""
    from pathlib import Path

    text = str(text)
    if "=" in text or "?" in text or "://" in text:
        state, notices = parse_params(split_link(text))
        return scenario_for(state), notices
    if text in list_presets() or Path(text).suffix.lower() in (".toml", ".json"):
        scenario = load_scenario(text)
        return scenario, list(scenario.notices)
    raise ScenarioError(f"diff: {excerpt(text)} is neither a share link, a preset nor a .toml/.json file; "
                        "allowed: a link (…?preset=…), a preset name or a scenario file")


__all__ = ["LinkState", "URL_KEYS", "FIELDS", "MAX_PINS", "pack", "unpack", "encode_custom", "decode_custom",
           "base_scenario", "scenario_for", "state_for", "to_params", "to_query", "encode_pin", "decode_pin",
           "split_link", "parse_params", "read_link_or_file"]


def share_query(scenario: Scenario, custom: str = "") -> str:
    """The query of a link that reproduces ``scenario``: its preset plus changes, or its structure in ``custom=``."""
    if scenario.preset and not custom:
        return to_query(state_for(scenario, scenario.preset))
    custom = custom or encode_custom(scenario)
    return to_query(state_for(scenario, scenario.reference or DEFAULT_PRESET, custom))
