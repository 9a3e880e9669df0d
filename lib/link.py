"""Share links: a scenario's whole state in a URL query, encoded and decoded in one place.

The link holds the preset, the model version (``v``), only the lever values and fields that differ
from the preset, the view, the Monte Carlo sample count, an uploaded scenario's structure (``custom``,
compressed) and pinned scenarios (``pin``, each a compressed state of its own; a pin of an upload the link
already carries names it, ``"@link"`` or ``"@pinN"``, instead of repeating it). Decoding never raises
for bad values: every decoded payload's types are checked before any value is read (``PIN_TYPES``, the
scenario loader's ``SCENARIO_TYPES``); each bad value gives a one-line notice naming the parameter and what
is allowed, is clamped or ignored, and the rest of the link still applies (a link is a promise to its
reader). Encoding never writes a link longer than decoding reads (``fit``, ``MAX_LINK_CHARS``).
The app and ``python -m lib diff`` both go through here.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from .errors import ScenarioError
from .gate import (MAX_NUMBER_TEXT, NUMBER, TEXT, bounded_int, check_types, clean_text, excerpt, one_of,
                   parse_month, record, table_of)
from .levers import LEVER_NAMES_HINT, LEVERS
from .scenario import (EARLIEST, LATEST, MAX_FILE_BYTES, MODEL_VERSION, NEVER, RULE_VINTAGE_CHOICES, Scenario,
                       list_presets, load_scenario, parse_scenario_text)

DEFAULT_PRESET = "baidu-2023"
FIELDS = ("rule_vintage", "what_if_from", "hbm_control_from", "reading_year")
URL_KEYS = ("preset", "v", "view", "samples", "custom", "pin", *FIELDS, *LEVERS)
MAX_CUSTOM_CHARS = 40_000      # [characters] longest custom= or pin= payload a link may carry (compressed)
MAX_INFLATED = 300_000         # [bytes] a link's payload inflates to at most this (zip bombs stop here)
# A session holds an accepted upload of any size under MAX_FILE_BYTES, compressed; one too large for a link is shown
# and offered as a file (``fit``). Assumption: a 256 kB file compresses to well under these.
MAX_UPLOAD_CUSTOM_CHARS = 500_000          # [characters]
MAX_UPLOAD_INFLATED = 2 * MAX_FILE_BYTES   # [bytes]
MAX_PINS = 4
MAX_LINK_FIELDS = 500          # parameters in a pasted link; the app's own links have ~60 at most
MAX_UNKNOWN_SHOWN = 5           # unknown parameter names quoted in the one notice about them
MAX_LINK_CHARS = 120_000       # [characters] longest link read at all (the proxy allows 128 kB request lines);
                               # the app never writes a longer one (``fit``)
SHARED_CUSTOM = "@link"        # a pin's ``custom`` meaning "the link's own custom=" ('@' is never in base64url);
_EARLIER_PIN = re.compile(r"@pin([1-9])")  # "@pin2": the same upload as the link's pin #2 (always an earlier pin)
PIN_TYPES = record({"preset": TEXT, "custom": TEXT, "label": TEXT,
                    "levers": table_of(one_of(NUMBER, TEXT, words="a number"), words="a table of lever values"),
                    "fields": table_of(one_of(TEXT, NUMBER, words="text or a number"),
                                       words="a table of scenario fields")},
                   words="a pinned scenario (preset, custom, levers, fields, label)")
"""The type of every value a pin may hold, checked before any value is read."""


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


def unpack(text: str, name: str, max_chars: int = MAX_CUSTOM_CHARS, max_inflated: int = MAX_INFLATED) -> dict:
    """Inflate a ``pack``ed payload, refusing damaged data, zip bombs and bad text (one ScenarioError)."""
    if not isinstance(text, str) or len(text) > max_chars:
        raise ScenarioError(f"{name}: the link's data is too long; allowed: at most {max_chars:,} characters")
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), max_inflated)
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
    """A ``custom=`` payload → scenario data. Up to an upload's size: a link's own ``custom=`` is held to
    ``MAX_CUSTOM_CHARS`` where the link is read (``parse_params``), a session's upload is not (it cannot travel in a
    link, and the page says so)."""
    data = unpack(text, "custom", MAX_UPLOAD_CUSTOM_CHARS, MAX_UPLOAD_INFLATED)
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
    """The shortest text that reads back as the same float ('0.3', '2000', '1e+29'): a link opens to the same state."""
    text = repr(float(value) + 0.0)
    return text[:-2] if text.endswith(".0") else text


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
        params["pin"] = list(link_pins(state.pins, state.custom))
    return params


def to_query(state: LinkState, **defaults) -> str:
    return urlencode(to_params(state, **defaults), doseq=True)


def encode_pin(state: LinkState) -> str:
    """A pin's payload, self-contained (its upload written in); ``link_pins`` shares uploads when a link carries it."""
    return pack({"preset": state.preset, "custom": state.custom, "levers": dict(state.levers),
                 "fields": dict(state.fields), "label": state.label})


@lru_cache(maxsize=8)  # fit() asks for the same pins a few times per run; pins can be large, so only a few
def link_pins(pins: tuple, link_custom: str) -> tuple:
    """A session's pins (each self-contained) as a link carries them: each upload written once. A pin of the link's
    own upload says ``"@link"``, a pin of the same upload as an earlier pin says ``"@pinN"``; so four pins of a
    30 kB upload add a few hundred characters, not 120,000."""
    out, first_with = [], {}
    for number, pin in enumerate(pins, start=1):
        try:
            data = unpack(pin, "pin", MAX_UPLOAD_CUSTOM_CHARS, MAX_UPLOAD_INFLATED)
        except ScenarioError:  # not a pin this app made: it travels as it is, and the reader refuses it
            out.append(pin)
            continue
        custom = data.get("custom")
        if not isinstance(custom, str) or not custom:
            out.append(pin)
        elif custom == link_custom:
            out.append(pack({**data, "custom": SHARED_CUSTOM}))
        elif custom in first_with:
            out.append(pack({**data, "custom": f"@pin{first_with[custom]}"}))
        else:
            first_with[custom] = number
            out.append(pin)
    return tuple(out)


@dataclass(frozen=True)
class Fitted:
    """A state as one link can carry it (see ``fit``)."""

    state: LinkState      # what the link holds: the state, less the pins left out
    params: dict          # the link's parameters (for the address bar)
    query: str            # the link's query; "" when the scenario itself cannot travel in a link
    left_out: tuple = ()  # pins left out, by number (1-based)
    notice: str = ""      # one line for the page when anything was left out


def fit(state: LinkState, room: int = 0, **defaults) -> Fitted:
    """The state as a link no longer than the app reads (``MAX_LINK_CHARS`` less ``room`` for the address before
    the query), each payload within ``MAX_CUSTOM_CHARS``. Pins that cannot travel are left out (one too large
    alone, then the last ones); when even the scenario alone cannot, the query is "" and the notice names the
    scenario file instead."""
    limit = MAX_LINK_CHARS - max(0, room)
    numbered = list(enumerate(state.pins, start=1))
    kept = list(numbered)
    while True:
        candidate = replace(state, pins=tuple(pin for _, pin in kept))
        written = link_pins(candidate.pins, state.custom)
        too_large = [i for i, text in enumerate(written) if len(text) > MAX_CUSTOM_CHARS]
        if too_large:  # a pin whose own upload is too large for any link
            kept.pop(too_large[0])
            continue
        params = to_params(candidate, **defaults)
        query = urlencode(params, doseq=True)
        if len(query) <= limit and len(state.custom) <= MAX_CUSTOM_CHARS:
            break
        if not kept or len(state.custom) > MAX_CUSTOM_CHARS:
            whole = len(to_query(replace(state, pins=()), **defaults)) + max(0, room)
            notice = (f"This scenario does not fit in a link ({whole:,} characters; a link holds at most "
                      f"{MAX_LINK_CHARS:,}): download the scenario file (TOML) and upload it instead.")
            bare = replace(state, custom="", levers=(), fields=(), pins=())
            return Fitted(bare, to_params(bare, **defaults), "", tuple(n for n, _ in numbered), notice)
        kept.pop()
    numbers = {n for n, _ in kept}
    left_out = tuple(n for n, _ in numbered if n not in numbers)
    notice = ""
    if left_out:
        names = ", ".join(f"#{n}" for n in left_out)
        notice = (f"A link holds at most {MAX_LINK_CHARS:,} characters, so this one leaves out "
                  f"pin{'s' * (len(left_out) > 1)} {names}; the scenario file (TOML) keeps the scenario itself.")
    return Fitted(candidate, params, query, left_out, notice)


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


def check_length(params: dict) -> None:
    """Refuse link parameters longer, written out, than the app reads (the page's own address, before parsing)."""
    length = len(urlencode({key: list(values) for key, values in params.items()}, doseq=True))
    if length > MAX_LINK_CHARS:
        raise ScenarioError(f"link: {length:,} characters is too long; allowed: at most {MAX_LINK_CHARS:,}")


def read_link(text: str, field: str = "link", **choices) -> tuple[LinkState, list]:
    """A pasted share link (full URL or query) → (state, notices); refused unless it holds this app's parameters."""
    params = split_link(text)
    if not any(key in URL_KEYS for key in params):
        raise ScenarioError(f"{field}: {excerpt(text)} has no Chokepoint parameters; allowed: a share link from this "
                            "app (…/?preset=…)")
    return parse_params(params, **choices)


def ignored(error, prefix: str = "") -> str:
    """A notice for a value the link could not use: one sentence, one full stop, then "Ignored."."""
    return f"{prefix}{str(error).rstrip('.')}. Ignored."


def parse_params(params, views: tuple = (), sample_choices: tuple = (),
                 max_custom: int = MAX_CUSTOM_CHARS) -> tuple[LinkState, list]:
    """Read link parameters (name → list of texts) into a state, with a notice for each bad value.
    ``max_custom``: the longest ``custom=`` taken (a link's payload limit; a session's own pins hold larger)."""
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
        if len(custom) > max_custom:  # what a link may carry, whatever a session may hold
            raise ScenarioError(f"custom: the link's data is too long; allowed: at most {max_custom:,} characters")
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
    pins, uploads = [], {}  # uploads: pin number → its upload, for later pins that say "@pinN"
    for i, text in enumerate(list(params.get("pin", []))[:MAX_PINS]):
        try:
            state = pin_state_from(unpack(text, f"'pin' #{i + 1}"), f"'pin' #{i + 1}", custom, uploads)
        except ScenarioError as exc:
            notices.append(ignored(exc, "URL parameter "))
            continue
        uploads[i + 1] = state.custom
        pins.append(encode_pin(state))  # self-contained in the session, its upload written in
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


def pin_state_from(data, name: str = "pin", link_custom: str = "", uploads: dict | None = None,
                   max_custom: int = MAX_CUSTOM_CHARS) -> LinkState:
    """A pin's decoded payload → its state: types first (``PIN_TYPES``), then names, then values through the same
    parsing as a link's own parameters. ``"@link"`` and ``"@pinN"`` uploads resolve to the link's ``custom=`` and to
    earlier pins' (``uploads``: pin number → upload). Raises one ScenarioError naming the pin and the field."""
    try:
        check_types(data, PIN_TYPES, "")
    except ScenarioError as exc:
        raise ScenarioError(f"{name}: {exc}") from None
    custom = data.get("custom", "")
    earlier = _EARLIER_PIN.fullmatch(custom)
    if custom == SHARED_CUSTOM:
        if not link_custom:
            raise ScenarioError(f"{name}: it uses the link's uploaded scenario (custom=), which the link does not "
                                "hold or could not read; allowed: a link made by this app")
        custom = link_custom
    elif earlier:
        custom = (uploads or {}).get(int(earlier.group(1)), "")
        if not custom:
            raise ScenarioError(f"{name}: it uses the upload of pin #{earlier.group(1)}, which is not an earlier pin "
                                "with an upload that was read; allowed: a link made by this app")
    for table, allowed, hint in (("levers", LEVERS, LEVER_NAMES_HINT),
                                 ("fields", FIELDS, ", ".join(FIELDS))):
        for key in data.get(table, {}):
            if key not in allowed:
                raise ScenarioError(f"{name}: {table}: {excerpt(key)} is unknown; allowed: {hint}")
    params = {"preset": [data.get("preset") or DEFAULT_PRESET]}
    if custom:
        params["custom"] = [custom]
    for table in ("levers", "fields"):
        for key, value in data.get(table, {}).items():
            params[key] = [value if isinstance(value, str) else
                           _number_text(value) if isinstance(value, float) else str(value)]
    state, notices = parse_params(params, max_custom=max_custom)
    if notices:  # the notice of a link parameter, reworded for a refused pin (nothing in it was used or clamped)
        text = notices[0].removeprefix("URL parameter ").removesuffix(" Ignored.").rstrip(".")
        text = re.sub(r"(; used [^;]*|\. Showing [^;]*)$", "", text)
        raise ScenarioError(f"{name}: {text}")
    label = clean_text(data.get("label", ""), f"{name} label", 120)
    return replace(state, label=label)


def decode_pin(text: str) -> LinkState:
    """A session's pin (self-contained, read from a link or made on the page) → its state."""
    return pin_state_from(unpack(text, "pin", MAX_UPLOAD_CUSTOM_CHARS, MAX_UPLOAD_INFLATED), "pin",
                          max_custom=MAX_UPLOAD_CUSTOM_CHARS)


def read_link_or_file(text: str) -> tuple[Scenario, list]:
    """A share link (full URL or query), a preset or a scenario file path → (scenario, notices). For the CLI's diff.

    A path is a file by its .toml/.json suffix or because it exists, whatever characters it holds ('runs/a=b.toml');
    anything else with '=' must be a link with this app's parameters ('foo=bar' is refused)."""
    text = str(text)
    if text in list_presets():
        scenario = load_scenario(text)
        return scenario, list(scenario.notices)
    is_url = "://" in text or text.startswith("?")
    if not is_url and (Path(text).suffix.lower() in (".toml", ".json") or _is_file(text)):
        scenario = load_scenario(text)
        return scenario, list(scenario.notices)
    if is_url or "=" in text:
        state, notices = read_link(text, "diff")
        return scenario_for(state), notices
    raise ScenarioError(f"diff: {excerpt(text)} is neither a share link, a preset nor a .toml/.json file; "
                        "allowed: a link (…?preset=…), a preset name or a scenario file")


def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # a name too long for the file system, or holding a NUL
        return False


__all__ = ["LinkState", "Fitted", "URL_KEYS", "FIELDS", "MAX_PINS", "MAX_LINK_CHARS", "pack", "unpack",
           "encode_custom", "decode_custom", "base_scenario", "scenario_for", "state_for", "to_params", "to_query",
           "encode_pin", "decode_pin", "link_pins", "fit", "check_length", "split_link", "read_link", "parse_params",
           "read_link_or_file"]


def share_query(scenario: Scenario, custom: str = "") -> str:
    """The query of a link that reproduces ``scenario``: its preset plus changes, or its structure in ``custom=``."""
    if scenario.preset and not custom:
        return to_query(state_for(scenario, scenario.preset))
    custom = custom or encode_custom(scenario)
    return to_query(state_for(scenario, scenario.reference or DEFAULT_PRESET, custom))
