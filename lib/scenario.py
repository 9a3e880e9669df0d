"""Scenarios: a baseline file plus a preset's overrides, read into one frozen ``Scenario``.

A scenario file is TOML (or the same structure as JSON). It holds ``schema_version``, ``model_version``,
``name``, ``description`` and only the values that differ from the baseline, each with a source comment
on its line. ``load_scenario`` is the one named constructor: it merges the file over the baseline,
applies overrides and validates everything through ``lib.gate``, naming the key, an excerpt of the
value given and what is allowed. Files written for model 1.0 (schema 1) still load, with a notice.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import tomli_w

from .catalog import CHIPS_BY_NAME, DOMESTIC, FOREIGN, REFERENCE, get_chip
from .errors import ScenarioError, suggest
from .gate import (NUMBER, TEXT, Shape, bounded_int, check_strings, check_types, clean_text, excerpt, list_of,
                   one_of, parse_month, parse_number, record, resolve_chip_names, table_of)
from .levers import LEVER_NAMES_HINT, LEVERS, get_lever
from .rules import RULES

SCHEMA_VERSION = 2
MODEL_VERSION = "3.0"
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
MAX_FILE_BYTES = 256 * 1024  # [bytes] a scenario is a few kB; Assumption: anything larger is a mistake
EARLIEST, LATEST = "2022-01", "2035-12"  # the rules start in Oct 2022; Assumption: no projection past 2035
NEVER = "never"
RULE_VINTAGE_CHOICES = ("timeline", *RULES)
LIMITS = {"name": 120, "description": 4_000, "claim": 600, "claim_source": 300, "claim_runway_by": 80, "actor": 80,
          "reference": 60}
VERDICTS = ("runway", "gap", "hindcast")  # what the page's verdict leads with
MAX_CLAIM_MONTHS = 240  # [months] Assumption: no claim about a runway beyond 20 years
MAX_ITEMS = {"claim_runway_months": 2, "deliveries": 240, "domestic_mix": 60, "national_mix": 60, "import_chips": 40, "allowed_chips": 40,
             "sources": 300}
"""Bounds on every list and text, so that any scenario this module accepts writes a TOML file well under
``MAX_FILE_BYTES`` (tested over generated scenarios)."""
SOURCE_KEY_RE = re.compile(r"K[0-9]{1,3}[a-z]?", re.ASCII)

TOP_LEVEL_KEYS = ("schema_version", "model_version", "name", "description", "claim", "claim_source",
                  "claim_runway_months", "claim_runway_by", "verdict", "actor",
                  "reference", "start", "horizon", "what_if_from", "rule_vintage", "hbm_control_from", "reading_year",
                  "import_chips", "allowed_chips", "frontier_anchor_month", "levers", "initial_stock", "deliveries",
                  "domestic_mix", "national_mix", "sources")
LEGACY_KEYS = ("domestic_flagship",)  # schema 1 only; converted on load
_MONTH = Shape("text", words="a month as text, 'YYYY-MM'")
_AMOUNT = one_of(NUMBER, TEXT, words="a number")  # a number, or a number written as text ("0.3")
_SHARES = table_of(_AMOUNT, words="a table of chip names to shares")
SCENARIO_TYPES = record({
    "schema_version": NUMBER, "model_version": TEXT, "name": TEXT, "description": TEXT, "claim": TEXT,
    "claim_source": TEXT, "claim_runway_months": list_of(_AMOUNT), "claim_runway_by": TEXT, "verdict": TEXT,
    "actor": TEXT, "reference": TEXT, "start": _MONTH, "horizon": _MONTH, "what_if_from": _MONTH,
    "rule_vintage": TEXT, "hbm_control_from": Shape("text", words="a month as text, 'YYYY-MM', or 'never'"),
    "reading_year": _AMOUNT, "import_chips": list_of(TEXT, words="a list of chip names"),
    "allowed_chips": list_of(TEXT, words="a list of chip names"), "frontier_anchor_month": _MONTH,
    "levers": table_of(_AMOUNT, words="a table of lever values"),
    "initial_stock": table_of(_AMOUNT, words="a table of chip names to units"),
    "deliveries": list_of(record({"month": _MONTH, "chip": TEXT, "units": _AMOUNT})),
    "domestic_mix": list_of(record({"from": _MONTH, "shares": _SHARES})),
    "national_mix": list_of(record({"from": _MONTH, "shares": _SHARES})),
    "sources": list_of(TEXT, words="a list of source keys"), "domestic_flagship": TEXT,
}, open=True)  # unknown keys get _check_keys' message, with its suggestions
"""The type of every key a scenario file, an upload or a link's ``custom=`` may hold, checked before any value is
read (``lib.gate.check_types``): a value of the wrong type is one message, never a crash further in."""
MERGED_TABLES = ("levers",)  # merged key by key over the baseline; every other key replaces the baseline's


@dataclass(frozen=True)
class Scenario:
    """A validated, hashable scenario. Build it with ``load_scenario``; change it with ``with_levers``.

    Attributes
    ----------
    start, horizon : first and last projected month ["YYYY-MM"]
    what_if_from : month from which the what-if rule (levers) applies ["YYYY-MM"]
    rule_vintage : "timeline" (the real vintage in force each month) or a vintage name whose clauses the
        what-if rule keeps
    hbm_control_from : month the HBM export control takes effect ["YYYY-MM"], or "never"
    reading_year : the year the headline reads the gap and the fleet at [year]
    claim_runway_months : (low, high) runway the claim asserts [months], for the page's verdict; () if none
    claim_runway_by : who made that claim, as the verdict names it ("Robin Li's 'one or two years'")
    verdict : what the page's verdict leads with: "runway", "gap" or "hindcast" (the outside estimates)
    levers : (name, value) pairs for every entry of ``lib.levers.LEVERS`` [their units]
    initial_stock : (chip, units) at the start [chips]
    deliveries : (month, chip, units) already ordered [chips]
    domestic_mix : (from month, ((chip, share), ...)) of the actor's domestic chips [share]
    national_mix : (from month, ((chip, share), ...)) of China's domestic output [share]
    reference : preset name of the documented reference scenario every delta reads against
    sources : source keys the scenario's values cite (resolved in ``data/sources.csv``)
    notices : what was converted or assumed on loading (not part of equality)
    """

    name: str
    description: str
    actor: str
    start: str
    horizon: str
    what_if_from: str
    rule_vintage: str
    import_chips: tuple
    allowed_chips: tuple
    frontier_anchor_month: str
    levers: tuple
    initial_stock: tuple
    deliveries: tuple = ()
    domestic_mix: tuple = ()
    national_mix: tuple = ()
    hbm_control_from: str = "2024-12"
    reading_year: int = 2027
    claim: str = ""
    claim_source: str = ""
    claim_runway_months: tuple = ()
    claim_runway_by: str = ""
    verdict: str = "gap"
    reference: str = ""
    sources: tuple = ()
    preset: str = ""
    schema_version: int = SCHEMA_VERSION
    model_version: str = MODEL_VERSION
    notices: tuple = field(default=(), compare=False, hash=False)
    _values: dict = field(default=None, compare=False, hash=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "_values", dict(self.levers))

    def lever(self, name: str) -> float:
        return self._values[name]

    @property
    def values(self) -> dict:
        return dict(self._values)

    def with_levers(self, **changes) -> "Scenario":
        """A copy with some levers changed, each validated."""
        values = dict(self._values)
        for key, value in changes.items():
            values[key] = get_lever(key).check(value)
        return replace(self, levers=tuple(sorted(values.items())))

    @property
    def reading_month(self) -> str:
        """The month the headline reads the gap at: December of ``reading_year``, or the horizon if earlier."""
        return min(f"{self.reading_year}-12", self.horizon)

    def with_fields(self, **changes) -> "Scenario":
        """A copy with non-lever fields changed and the whole scenario re-validated."""
        raw = self.to_dict()
        raw.update(changes)
        return _build(raw, preset=self.preset)

    def to_dict(self) -> dict:
        """The scenario as plain data, in the scenario-file structure (round-trips through ``load_scenario``)."""
        data = {
            "schema_version": SCHEMA_VERSION, "model_version": MODEL_VERSION, "name": self.name,
            "description": self.description, "claim": self.claim, "claim_source": self.claim_source,
            "claim_runway_months": list(self.claim_runway_months), "claim_runway_by": self.claim_runway_by,
            "verdict": self.verdict, "actor": self.actor, "reference": self.reference, "start": self.start, "horizon": self.horizon,
            "what_if_from": self.what_if_from, "rule_vintage": self.rule_vintage,
            "hbm_control_from": self.hbm_control_from, "reading_year": self.reading_year,
            "import_chips": list(self.import_chips), "allowed_chips": list(self.allowed_chips),
            "frontier_anchor_month": self.frontier_anchor_month,
            "levers": {k: _plain(v) for k, v in self.levers},
            "initial_stock": {k: _plain(v) for k, v in self.initial_stock},
            "deliveries": [{"month": m, "chip": c, "units": _plain(u)} for m, c, u in self.deliveries],
            "domestic_mix": [{"from": m, "shares": {c: s for c, s in shares}} for m, shares in self.domestic_mix],
            "national_mix": [{"from": m, "shares": {c: s for c, s in shares}} for m, shares in self.national_mix],
            "sources": list(self.sources),
        }
        return data

    def to_toml(self) -> str:
        return to_toml(self.to_dict())


def _plain(x: float):
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else float(x)


# ---- reading ------------------------------------------------------------------------------------

def list_presets() -> dict[str, Path]:
    """Preset name → file. The baseline's name drops its '-baseline' suffix."""
    presets = {}
    for path in sorted(SCENARIO_DIR.glob("*.toml")):
        presets[path.stem.replace("-baseline", "")] = path
    return presets


def baseline_path() -> Path:
    matches = sorted(SCENARIO_DIR.glob("*baseline*.toml"))
    if len(matches) != 1:
        raise ScenarioError(f"scenarios/: expected exactly one file whose name contains 'baseline', found {len(matches)}")
    return matches[0]


def parse_scenario_text(text: str | bytes, source: str = "scenario file") -> dict:
    """Parse TOML or JSON scenario text into a dict, with one-line errors.

    Refuses, before anything else sees them: oversized input, binary data, text that is not UTF-8,
    numbers longer than 40 digits, lone surrogates anywhere in the structure, and nesting too deep.
    """
    source = clean_text(source, "file name", 200) if isinstance(source, str) else "scenario file"
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise ScenarioError(f"{source}: {len(text):,} bytes is too large; allowed: at most {MAX_FILE_BYTES:,} bytes")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ScenarioError(f"{source}: not UTF-8 text; allowed: a TOML or JSON scenario file") from None
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(f"{source}: {len(text):,} characters is too large; allowed: at most {MAX_FILE_BYTES:,}")
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise ScenarioError(f"{source}: contains binary data; allowed: a TOML or JSON scenario file")
    if not text.strip():
        raise ScenarioError(f"{source}: is empty; allowed: a TOML or JSON scenario file with at least a name")
    try:
        if text.lstrip().startswith("{"):
            data = json.loads(text, parse_int=bounded_int)
        else:
            data = tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{source}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: not valid TOML ({str(exc).splitlines()[0][:120]})") from None
    except RecursionError:
        raise ScenarioError(f"{source}: nested too deeply; allowed: the scenario structure in scenarios/") from None
    except ScenarioError as exc:
        raise ScenarioError(f"{source}: {exc}") from None
    except (ValueError, OverflowError):  # e.g. an integer past Python's 4,300-digit conversion limit
        raise ScenarioError(f"{source}: holds a number too long to read; allowed: numbers of at most 40 digits") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: top level is {type(data).__name__}; allowed: a table of scenario keys")
    try:
        check_strings(data, source)
    except RecursionError:
        raise ScenarioError(f"{source}: nested too deeply; allowed: the scenario structure in scenarios/") from None
    return data


EXPORT_KEYS = ("model_version", "summary", "scenario", "pins")  # the app's "Summary (JSON)" download
MAX_PIN_CHARS = 200_000       # [characters] a pin with its upload written in (uploads are at most 64 kB as text)


def split_export(raw: dict, source: str = "scenario file") -> tuple[dict, tuple[str, ...]]:
    """A file's scenario table and the pins it carries. Reads a scenario file (TOML or JSON, with an optional
    top-level ``pins`` list) and the app's own summary download (``{"model_version", "summary", "scenario",
    "pins"}``), whose summary is the model's output and is recomputed, not read. Pins come back as text, unchecked
    beyond their type: ``lib.link.pin_state_from`` reads each one through the link's gate."""
    if "summary" in raw or "scenario" in raw:
        unknown = [k for k in raw if k not in EXPORT_KEYS]
        if unknown:
            raise ScenarioError(f"{source}: key {excerpt(str(unknown[0]))} is unknown in a summary download; "
                                f"allowed: {', '.join(EXPORT_KEYS)}")
        table = raw.get("scenario")
        if not isinstance(table, dict):
            raise ScenarioError(f"{source}: 'scenario' is {type(table).__name__}; allowed: the scenario's table, as "
                                "the app's summary download writes it")
        table = dict(table)
        if "model_version" in raw and "model_version" not in table:
            table["model_version"] = raw["model_version"]
        pins = raw.get("pins", table.pop("pins", ()))
    else:
        table = dict(raw)
        pins = table.pop("pins", ())
    if not isinstance(pins, (list, tuple)) or not all(isinstance(p, str) for p in pins):
        raise ScenarioError(f"{source}: 'pins' must be a list of pin texts, as the app writes them")
    from .link import MAX_PINS  # as many as a link holds (lib.link reads scenarios, so imported here)

    if len(pins) > MAX_PINS:
        raise ScenarioError(f"{source}: {len(pins)} pins; allowed: at most {MAX_PINS}")
    if any(len(p) > MAX_PIN_CHARS for p in pins):
        raise ScenarioError(f"{source}: a pin is longer than {MAX_PIN_CHARS:,} characters")
    return table, tuple(pins)


def read_scenario_file(path: Path) -> dict:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(f"{excerpt(path.name)}: {size:,} bytes is too large; allowed: at most {MAX_FILE_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"scenario: cannot read {excerpt(str(path))} ({exc.strerror})") from None
    return parse_scenario_text(data, path.name)


_BASELINE_CACHE: dict = {}


def _baseline_raw() -> dict:
    path = baseline_path()
    stamp = path.stat().st_mtime_ns
    if _BASELINE_CACHE.get("stamp") != stamp:
        _BASELINE_CACHE.update(stamp=stamp, raw=read_scenario_file(path), keys=file_source_keys(path))
    return _BASELINE_CACHE["raw"]


def merge_over_baseline(overrides: dict, baseline: dict | None = None) -> dict:
    """Merge a scenario's keys over the baseline: ``levers`` key by key, everything else replaced."""
    base = _baseline_raw() if baseline is None else baseline
    merged = dict(base)
    for key, value in overrides.items():
        if key in MERGED_TABLES and isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
        else:
            merged[key] = value
    return merged


def load_scenario(path_or_preset, overrides: dict | None = None) -> Scenario:
    """Load a preset by name, or a scenario file by path, merged over the baseline.

    Parameters
    ----------
    path_or_preset : a preset name (see ``list_presets``), a path to a .toml/.json file, or a dict
        already parsed from one
    overrides : lever values (by lever name) or top-level keys to apply last

    Raises
    ------
    ScenarioError
        Naming the key, an excerpt of the value given and what is allowed.
    """
    preset, keys = "", set()
    if isinstance(path_or_preset, dict):
        raw, _pins = split_export(path_or_preset)  # the pins are the page's, not the model's
    else:
        presets = list_presets()
        name = str(path_or_preset)
        if name in presets:
            preset, raw = name, read_scenario_file(presets[name])
            keys = file_source_keys(presets[name])
        elif Path(name).suffix.lower() in (".toml", ".json") or Path(name).exists():
            if not Path(name).is_file():
                raise ScenarioError(f"scenario: no file at {excerpt(name)}; give a preset ({', '.join(presets)}) "
                                    "or a .toml/.json file")
            raw, _pins = split_export(read_scenario_file(Path(name)), excerpt(Path(name).name))
        else:
            raise ScenarioError(f"scenario: {excerpt(name)} is neither a preset{suggest(name, presets)} nor a file; "
                                f"presets: {', '.join(presets)}")
    check_types(raw, SCENARIO_TYPES, "")
    raw, notices = migrate(raw)
    _check_keys(raw)
    merged = merge_over_baseline(raw)
    if "reading_year" not in raw and not _year_within(merged):
        # The baseline's reading year suits the baseline's years. A file with its own start and horizon (say 2022 to
        # 2026) that does not state one gets the default for its own years, not a refusal of a year it never wrote.
        merged.pop("reading_year", None)
    for key, value in (overrides or {}).items():
        if key in LEVERS:
            merged["levers"] = {**merged.get("levers", {}), key: value}
        elif key in TOP_LEVEL_KEYS:
            merged[key] = value
        else:
            raise ScenarioError(f"override: unknown key {excerpt(key)}{suggest(str(key), [*LEVERS, *TOP_LEVEL_KEYS])}; "
                                f"allowed: a lever ({LEVER_NAMES_HINT}) or a scenario key")
    merged["sources"] = sorted(set(_source_keys(raw)) | set(_source_keys(merged)) | keys | _BASELINE_CACHE["keys"],
                               key=source_key_order)
    return _build(merged, preset=preset, notices=notices)


def _year_within(merged: dict) -> bool:
    """Whether the merged reading year lies in the merged start and horizon years (True when any is unreadable:
    ``_build`` then names the bad value)."""
    try:
        first, last = int(merged["start"][:4]), int(merged["horizon"][:4])
        return first <= float(merged["reading_year"]) <= last
    except (KeyError, TypeError, ValueError):
        return True


def _source_keys(raw) -> list:
    keys = _items(raw, "sources")
    for i, key in enumerate(keys):
        if not isinstance(key, str) or not SOURCE_KEY_RE.fullmatch(key):
            raise ScenarioError(f"sources[{i}]: {excerpt(key)} is not a source key; allowed: keys like 'K19' or 'K21b'")
    return keys


# ---- older files -----------------------------------------------------------------------------------

def migrate(raw: dict) -> tuple[dict, tuple]:
    """Read a schema-1 (model 1.0) file as schema 2, converting what changed meaning; say so."""
    version = raw.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, bool) or version not in (1, SCHEMA_VERSION):
        raise ScenarioError(f"schema_version: {excerpt(version)} is not supported; allowed: 1 or {SCHEMA_VERSION}")
    notices = []
    written_for = raw.get("model_version", "1.0" if version == 1 else MODEL_VERSION)
    if version == 1:
        flagship = get_chip(raw.get("domestic_flagship", REFERENCE.name), "domestic_flagship")
        raw = {k: v for k, v in raw.items() if k not in LEGACY_KEYS}
        raw["schema_version"] = SCHEMA_VERSION
        converted = []
        levers = dict(raw.get("levers", {})) if isinstance(raw.get("levers", {}), dict) else raw.get("levers")
        if isinstance(levers, dict) and flagship.name != REFERENCE.name and flagship.origin == DOMESTIC:
            for name, relative in (("training_substitution", flagship.relative_training(REFERENCE)),
                                   ("inference_substitution", flagship.relative_inference(REFERENCE))):
                if name in levers:
                    value = LEVERS[name].check(levers[name], "levers.")
                    levers[name] = round(value * relative, 3)
                    converted.append(f"{name} {value:g} → {levers[name]:g}")
            raw["levers"] = levers
        note = f"This scenario was written for model 1.0 (schema 1) and is read by model {MODEL_VERSION}"
        if converted:
            note += (f"; its substitution ratios were per {flagship.name} and are now per {REFERENCE.name} "
                     f"({', '.join(converted)})")
        notices.append(note + "; leakage now acts once per unit demanded and domestic output is capped by "
                              "national logic and HBM, so results differ from 1.0.")
    elif written_for != MODEL_VERSION:
        notices.append(f"This scenario was written for model {excerpt(written_for)}; this is model {MODEL_VERSION}, "
                       "so results may differ from what its author saw.")
    raw = {k: v for k, v in raw.items() if k not in ("model_version",)}
    return raw, tuple(notices)


# ---- validation ---------------------------------------------------------------------------------

def _check_keys(raw: dict) -> None:
    for key in raw:
        if key not in TOP_LEVEL_KEYS:
            text = str(key)
            hint = suggest(text, TOP_LEVEL_KEYS) or suggest(text, LEVERS)
            if key in LEVERS:
                hint = f" (levers go under [levers]: levers.{key})"
            if key in LEGACY_KEYS:
                hint = f" (removed in schema 2: every substitution ratio is per {REFERENCE.name})"
            raise ScenarioError(f"scenario key {excerpt(text)} is unknown{hint}; allowed: {', '.join(TOP_LEVEL_KEYS)}")
    version = raw.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, bool) or version != SCHEMA_VERSION:
        raise ScenarioError(f"schema_version: {excerpt(version)} is not supported; allowed: 1 or {SCHEMA_VERSION}")


def _text(raw, key, default="", multiline=False) -> str:
    return clean_text(raw.get(key, default), key, LIMITS[key], multiline=multiline)


def _units(value, key: str) -> float:
    number, _ = parse_number(value, key, 0, 1e9, unit="chips")
    return number


def _items(raw, key) -> list:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise ScenarioError(f"{key}: {excerpt(value)} is not allowed; allowed: a list")
    if len(value) > MAX_ITEMS[key]:
        raise ScenarioError(f"{key}: {len(value):,} items is too many; allowed: at most {MAX_ITEMS[key]}")
    return value


def _chip_list(raw, key, origin) -> tuple:
    chips = resolve_chip_names(_items(raw, key), key, get_chip)
    for chip in chips:
        if origin and chip.origin != origin:
            raise ScenarioError(f"{key}: '{chip.name}' is {chip.origin}; allowed: {origin} chips only")
    return tuple(chip.name for chip in chips)


def _table(raw, key) -> dict:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ScenarioError(f"{key}: {type(value).__name__} is not allowed; allowed: a table")
    if len(value) > 100:
        raise ScenarioError(f"{key}: {len(value):,} entries is too many; allowed: at most 100")
    return value


def _mix(raw, key, start) -> tuple:
    items = _items(raw, key)
    if not items:
        raise ScenarioError(f"{key}: allowed: one or more [[{key}]] tables with 'from' and 'shares'")
    mix = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != {"from", "shares"} or not isinstance(item["shares"], dict):
            raise ScenarioError(f"{key}[{i}]: {excerpt(item)} is not allowed; allowed: a table with 'from' and 'shares'")
        month = parse_month(item["from"], f"{key}[{i}].from", EARLIEST, LATEST)
        names = list(item["shares"])
        chips = resolve_chip_names(names, f"{key}[{i}].shares", get_chip)
        shares = []
        for name, chip in zip(names, chips):
            if chip.origin != DOMESTIC:
                raise ScenarioError(f"{key}[{i}].shares: '{chip.name}' is {chip.origin}; allowed: domestic chips")
            share, _ = parse_number(item["shares"][name], f"{key}[{i}].shares.{chip.name}", 0, 1, unit="share")
            shares.append((chip.name, share))
        total = sum(s for _, s in shares)
        if abs(total - 1) > 0.01:
            raise ScenarioError(f"{key}[{i}].shares: sum {total:.3f} is not allowed; allowed: shares summing to 1")
        mix.append((month, tuple(shares)))
    mix.sort()
    months = [m for m, _ in mix]
    if len(set(months)) != len(months):
        raise ScenarioError(f"{key}: two entries start in the same month; allowed: one entry per 'from' month")
    return tuple(mix)


def source_key_order(key: str):
    match = re.fullmatch(r"K([0-9]+)([a-z]?)", key)
    return (int(match.group(1)), match.group(2)) if match else (10**6, key)


def _build(raw: dict, preset: str = "", notices: tuple = ()) -> Scenario:
    _check_keys(raw)
    start = parse_month(raw.get("start"), "start", EARLIEST, LATEST)
    horizon = parse_month(raw.get("horizon"), "horizon", EARLIEST, LATEST)
    if horizon <= start:
        raise ScenarioError(f"horizon: {excerpt(horizon)} is not after start {excerpt(start)}; allowed: a later month")
    what_if = parse_month(raw.get("what_if_from") or start, "what_if_from", EARLIEST, LATEST)
    vintage = raw.get("rule_vintage", "timeline")
    if vintage not in RULE_VINTAGE_CHOICES:
        raise ScenarioError(f"rule_vintage: {excerpt(vintage)} is unknown{suggest(str(vintage), RULE_VINTAGE_CHOICES)}; "
                            f"allowed: {', '.join(RULE_VINTAGE_CHOICES)}")
    hbm = raw.get("hbm_control_from", "2024-12")
    if hbm != NEVER:
        hbm = parse_month(hbm, "hbm_control_from", EARLIEST, LATEST)
    first_year, last_year = int(start[:4]), int(horizon[:4])
    default_year = min(max(2027, first_year), last_year)
    reading_year, _ = parse_number(raw.get("reading_year", default_year), "reading_year", first_year, last_year,
                                   integer=True, unit="year")

    lever_table = _table(raw, "levers")
    values = {}
    for key, value in lever_table.items():
        lever = get_lever(key, "levers")
        values[lever.name] = lever.check(value, "levers.")
    missing = [name for name in LEVERS if name not in values]
    if missing:
        raise ScenarioError(f"levers: missing {', '.join(missing)}; the baseline file must set every lever")

    stock_table = _table(raw, "initial_stock")
    names = list(stock_table)
    stock = {}
    for name, chip in zip(names, resolve_chip_names(names, "initial_stock", get_chip)):
        stock[chip.name] = _units(stock_table[name], f"initial_stock.{chip.name}")

    deliveries = []
    for i, item in enumerate(_items(raw, "deliveries")):
        if not isinstance(item, dict) or set(item) != {"month", "chip", "units"}:
            raise ScenarioError(f"deliveries[{i}]: {excerpt(item)} is not allowed; allowed: a table with month, chip "
                                "and units")
        month = parse_month(item["month"], f"deliveries[{i}].month", EARLIEST, LATEST)
        if not (start <= month <= horizon):
            raise ScenarioError(f"deliveries[{i}].month: {excerpt(month)} is outside the projection; allowed: months "
                                f"from start {start} to horizon {horizon} (count earlier deliveries in initial_stock)")
        deliveries.append((month, get_chip(item["chip"], f"deliveries[{i}].chip").name,
                           _units(item["units"], f"deliveries[{i}].units")))

    domestic_mix = _mix(raw, "domestic_mix", start)
    national_mix = _mix(raw, "national_mix", start)
    sources = []
    for i, key in enumerate(_items(raw, "sources")):
        if not isinstance(key, str) or not SOURCE_KEY_RE.fullmatch(key):
            raise ScenarioError(f"sources[{i}]: {excerpt(key)} is not a source key; allowed: keys like 'K19' or 'K21b'")
        sources.append(key)
    claim_months = _items(raw, "claim_runway_months")
    if claim_months and len(claim_months) != 2:
        raise ScenarioError(f"claim_runway_months: {excerpt(claim_months)} is not allowed; allowed: two whole numbers "
                            "of months [low, high], or an empty list")
    claim_months = tuple(int(parse_number(v, f"claim_runway_months[{i}]", 0, MAX_CLAIM_MONTHS, integer=True,
                                          unit="months")[0]) for i, v in enumerate(claim_months))
    if claim_months and claim_months[0] > claim_months[1]:
        raise ScenarioError(f"claim_runway_months: {excerpt(list(claim_months))} is not allowed; allowed: low ≤ high")
    verdict = raw.get("verdict", "runway" if claim_months else "gap")
    if verdict not in VERDICTS:
        raise ScenarioError(f"verdict: {excerpt(verdict)} is unknown{suggest(str(verdict), VERDICTS)}; "
                            f"allowed: {', '.join(VERDICTS)}")
    reference = _text(raw, "reference")
    if reference and reference not in list_presets():
        raise ScenarioError(f"reference: {excerpt(reference)} is not a preset{suggest(reference, list_presets())}; "
                            f"allowed: {', '.join(list_presets())}")
    return Scenario(
        name=_text(raw, "name", "Untitled"), description=_text(raw, "description", multiline=True),
        claim=_text(raw, "claim", multiline=True), claim_source=_text(raw, "claim_source"),
        claim_runway_months=claim_months, claim_runway_by=_text(raw, "claim_runway_by"), verdict=verdict,
        actor=_text(raw, "actor", "actor"), reference=reference, start=start, horizon=horizon, what_if_from=what_if,
        rule_vintage=vintage, hbm_control_from=hbm, reading_year=int(reading_year),
        import_chips=_chip_list(raw, "import_chips", FOREIGN), allowed_chips=_chip_list(raw, "allowed_chips", FOREIGN),
        frontier_anchor_month=parse_month(raw.get("frontier_anchor_month", "2023-03"), "frontier_anchor_month",
                                          "2015-01", LATEST),
        levers=tuple(sorted(values.items())), initial_stock=tuple(sorted(stock.items())),
        deliveries=tuple(sorted(deliveries)), domestic_mix=domestic_mix, national_mix=national_mix,
        sources=tuple(sorted(set(sources), key=source_key_order)), preset=preset, notices=tuple(notices))


# ---- sources and writing ------------------------------------------------------------------------

_LINE_RE = re.compile(r'^\s*"?([A-Za-z0-9_ .\-]+?)"?\s*=\s*[^#]*#\s*(.+)$')
_KEY_IN_TEXT = re.compile(r"\[(K[0-9]{1,3}[a-z]?)\]", re.ASCII)


def source_comments(path: Path) -> dict[str, str]:
    """``key → comment`` for every ``key = value  # comment`` line of a scenario file."""
    comments = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _LINE_RE.match(line)
        if match:
            comments.setdefault(match.group(1).strip(), match.group(2).strip())
    return comments


def file_source_keys(path: Path) -> set:
    """Every ``[Kx]`` key cited anywhere in a scenario file (comments included)."""
    return set(_KEY_IN_TEXT.findall(path.read_text(encoding="utf-8")))


def to_toml(data: dict) -> str:
    """Write scenario data as TOML that ``load_scenario`` reads back (tomli-w: every string escaped)."""
    return tomli_w.dumps(data)


def chip_names_in(scenario: Scenario) -> list:
    """Every chip a scenario mentions, in first-mention order."""
    names = [*scenario.import_chips, *scenario.allowed_chips, *(c for c, _ in scenario.initial_stock),
             *(c for _, c, _ in scenario.deliveries),
             *(c for _, shares in scenario.domestic_mix for c, _ in shares),
             *(c for _, shares in scenario.national_mix for c, _ in shares)]
    return [CHIPS_BY_NAME[n].name for n in dict.fromkeys(names)]
