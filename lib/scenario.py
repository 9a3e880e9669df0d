"""Scenarios: a baseline file plus a preset's overrides, read into one frozen ``Scenario``.

A scenario file is TOML (or the same structure as JSON). It holds ``schema_version``, ``name``,
``description`` and only the values that differ from the baseline, each with a source comment on
its line. ``load_scenario`` is the one named constructor: it merges the file over the baseline,
applies overrides and validates everything, naming the key, the value given and what is allowed.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from .catalog import DOMESTIC, FOREIGN, get_chip
from .errors import ScenarioError, suggest
from .levers import LEVERS, get_lever
from .rules import RULES

SCHEMA_VERSION = 1
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
MAX_FILE_BYTES = 256 * 1024  # [bytes] a scenario is a few kB; Assumption: anything larger is a mistake
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
EARLIEST, LATEST = "2018-01", "2040-12"  # Assumption: the catalog and rules cover no wider span
RULE_VINTAGE_CHOICES = ("timeline", *RULES)

TOP_LEVEL_KEYS = ("schema_version", "name", "description", "actor", "start", "horizon", "what_if_from",
                  "rule_vintage", "domestic_flagship", "import_chips", "allowed_chips", "frontier_anchor_month",
                  "levers", "initial_stock", "deliveries", "domestic_mix")
MERGED_TABLES = ("levers",)  # merged key by key over the baseline; every other key replaces the baseline's


@dataclass(frozen=True)
class Scenario:
    """A validated, hashable scenario. Build it with ``load_scenario``; change it with ``with_levers``.

    Attributes
    ----------
    start, horizon : first and last projected month ["YYYY-MM"]
    what_if_from : month from which the what-if rule (levers) applies ["YYYY-MM"]
    rule_vintage : "timeline" (the real vintage in force each month) or a vintage name whose clauses
        the what-if rule keeps
    levers : (name, value) pairs for every entry of ``lib.levers.LEVERS`` [their units]
    initial_stock : (chip, units) at the start [chips]
    deliveries : (month, chip, units) already ordered [chips]
    domestic_mix : (from month, ((chip, share), ...)) splits of domestic supply [share]
    """

    name: str
    description: str
    actor: str
    start: str
    horizon: str
    what_if_from: str
    rule_vintage: str
    domestic_flagship: str
    import_chips: tuple
    allowed_chips: tuple
    frontier_anchor_month: str
    levers: tuple
    initial_stock: tuple
    deliveries: tuple = ()
    domestic_mix: tuple = ()
    preset: str = ""
    schema_version: int = SCHEMA_VERSION
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

    def with_fields(self, **changes) -> "Scenario":
        """A copy with non-lever fields changed and the whole scenario re-validated."""
        raw = self.to_dict()
        raw.update(changes)
        return _build(raw, preset=self.preset)

    def to_dict(self) -> dict:
        """The scenario as plain data, in the scenario-file structure (round-trips through ``load_scenario``)."""
        return {
            "schema_version": self.schema_version, "name": self.name, "description": self.description,
            "actor": self.actor, "start": self.start, "horizon": self.horizon, "what_if_from": self.what_if_from,
            "rule_vintage": self.rule_vintage, "domestic_flagship": self.domestic_flagship,
            "import_chips": list(self.import_chips), "allowed_chips": list(self.allowed_chips),
            "frontier_anchor_month": self.frontier_anchor_month,
            "levers": {k: _plain(v) for k, v in self.levers},
            "initial_stock": {k: _plain(v) for k, v in self.initial_stock},
            "deliveries": [{"month": m, "chip": c, "units": _plain(u)} for m, c, u in self.deliveries],
            "domestic_mix": [{"from": m, "shares": {c: s for c, s in shares}} for m, shares in self.domestic_mix],
        }

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
    """Parse TOML or JSON scenario text into a dict, with one-line errors."""
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
            data = json.loads(text)
        else:
            data = tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{source}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: not valid TOML ({str(exc).splitlines()[0]})") from None
    except RecursionError:
        raise ScenarioError(f"{source}: nested too deeply; allowed: the scenario structure in scenarios/") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: top level is {type(data).__name__}; allowed: a table of scenario keys")
    return data


def read_scenario_file(path: Path) -> dict:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(f"{path.name}: {size:,} bytes is too large; allowed: at most {MAX_FILE_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"scenario: cannot read '{path}' ({exc.strerror})") from None
    return parse_scenario_text(data, path.name)


def merge_over_baseline(overrides: dict, baseline: dict | None = None) -> dict:
    """Merge a scenario's keys over the baseline: ``levers`` key by key, everything else replaced."""
    base = read_scenario_file(baseline_path()) if baseline is None else baseline
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
        Naming the key, the value given and what is allowed.
    """
    preset = ""
    if isinstance(path_or_preset, dict):
        raw = path_or_preset
    else:
        presets = list_presets()
        name = str(path_or_preset)
        if name in presets:
            preset, raw = name, read_scenario_file(presets[name])
        elif Path(name).suffix.lower() in (".toml", ".json") or Path(name).exists():
            if not Path(name).is_file():
                raise ScenarioError(f"scenario: no file at '{name}'; give a preset ({', '.join(presets)}) or a .toml/.json file")
            raw = read_scenario_file(Path(name))
        else:
            raise ScenarioError(f"scenario: '{name}' is neither a preset{suggest(name, presets)} nor a file; "
                                f"presets: {', '.join(presets)}")
    _check_keys(raw)
    merged = merge_over_baseline(raw)
    for key, value in (overrides or {}).items():
        if key in LEVERS:
            merged["levers"] = {**merged.get("levers", {}), key: value}
        elif key in TOP_LEVEL_KEYS:
            merged[key] = value
        else:
            raise ScenarioError(f"override: unknown key '{key}'{suggest(key, [*LEVERS, *TOP_LEVEL_KEYS])}; "
                                f"allowed: a lever ({', '.join(LEVERS)}) or a scenario key")
    return _build(merged, preset=preset)


# ---- validation ---------------------------------------------------------------------------------

def _check_keys(raw: dict) -> None:
    for key in raw:
        if key not in TOP_LEVEL_KEYS:
            hint = suggest(key, TOP_LEVEL_KEYS) or suggest(key, LEVERS)
            if key in LEVERS:
                hint = f" (levers go under [levers]: levers.{key})"
            raise ScenarioError(f"scenario key '{key}' is unknown{hint}; allowed: {', '.join(TOP_LEVEL_KEYS)}")
    version = raw.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, bool) or version != SCHEMA_VERSION:
        raise ScenarioError(f"schema_version: {version!r} is not supported; allowed: {SCHEMA_VERSION}")


def _text(raw, key, default=None, limit=2_000) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str):
        raise ScenarioError(f"{key}: {value!r} is not text; allowed: a string of at most {limit} characters")
    if len(value) > limit:
        raise ScenarioError(f"{key}: {len(value)} characters is too long; allowed: at most {limit}")
    return value


def check_month(value, key: str) -> str:
    match = MONTH_RE.match(value) if isinstance(value, str) else None
    if not match or not (1 <= int(match.group(2)) <= 12) or not (EARLIEST <= value <= LATEST):
        raise ScenarioError(f"{key}: {value!r} is not a month; allowed: 'YYYY-MM' from {EARLIEST} to {LATEST}")
    return value


def _units(value, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 <= value <= 1e9):
        raise ScenarioError(f"{key}: {value!r} is not allowed; allowed: a number of chips from 0 to 1e9")
    return float(value)


def _chip_list(raw, key, origin) -> tuple:
    value = raw.get(key, [])
    if not isinstance(value, list) or len(value) > 100:
        raise ScenarioError(f"{key}: {value!r} is not allowed; allowed: a list of chip names")
    names = []
    for item in value:
        chip = get_chip(item, key)
        if origin and chip.origin != origin:
            raise ScenarioError(f"{key}: '{chip.name}' is {chip.origin}; allowed: {origin} chips only")
        names.append(chip.name)
    return tuple(dict.fromkeys(names))


def _table(raw, key) -> dict:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ScenarioError(f"{key}: {type(value).__name__} is not allowed; allowed: a table")
    return value


def _build(raw: dict, preset: str = "") -> Scenario:
    _check_keys(raw)
    start = check_month(raw.get("start"), "start")
    horizon = check_month(raw.get("horizon"), "horizon")
    if horizon <= start:
        raise ScenarioError(f"horizon: {horizon!r} is not after start {start!r}; allowed: a later month")
    what_if = check_month(raw.get("what_if_from") or start, "what_if_from")
    vintage = raw.get("rule_vintage", "timeline")
    if vintage not in RULE_VINTAGE_CHOICES:
        raise ScenarioError(f"rule_vintage: {vintage!r} is unknown{suggest(vintage, RULE_VINTAGE_CHOICES)}; "
                            f"allowed: {', '.join(RULE_VINTAGE_CHOICES)}")
    flagship = get_chip(raw.get("domestic_flagship", ""), "domestic_flagship")
    if flagship.origin != DOMESTIC or flagship.training_h100e is None:
        raise ScenarioError(f"domestic_flagship: '{flagship.name}' is not allowed; allowed: a domestic chip with known ratios")

    lever_table = _table(raw, "levers")
    values = {}
    for key, value in lever_table.items():
        lever = get_lever(key, "levers")
        values[lever.name] = lever.check(value, "levers.")
    missing = [name for name in LEVERS if name not in values]
    if missing:
        raise ScenarioError(f"levers: missing {', '.join(missing)}; the baseline file must set every lever")

    stock = {}
    for key, units in _table(raw, "initial_stock").items():
        stock[get_chip(key, "initial_stock").name] = _units(units, f"initial_stock.{key}")

    deliveries = []
    items = raw.get("deliveries", [])
    if not isinstance(items, list):
        raise ScenarioError("deliveries: not a list; allowed: [[deliveries]] tables with month, chip and units")
    for i, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != {"month", "chip", "units"}:
            raise ScenarioError(f"deliveries[{i}]: {item!r} is not allowed; allowed: a table with month, chip and units")
        deliveries.append((check_month(item["month"], f"deliveries[{i}].month"),
                           get_chip(item["chip"], f"deliveries[{i}].chip").name,
                           _units(item["units"], f"deliveries[{i}].units")))

    mix = []
    items = raw.get("domestic_mix", [])
    if not isinstance(items, list) or not items:
        raise ScenarioError("domestic_mix: allowed: one or more [[domestic_mix]] tables with 'from' and 'shares'")
    for i, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != {"from", "shares"} or not isinstance(item["shares"], dict):
            raise ScenarioError(f"domestic_mix[{i}]: {item!r} is not allowed; allowed: a table with 'from' and 'shares'")
        month = check_month(item["from"], f"domestic_mix[{i}].from")
        shares = []
        for chip_name, share in item["shares"].items():
            chip = get_chip(chip_name, f"domestic_mix[{i}].shares")
            if chip.origin != DOMESTIC:
                raise ScenarioError(f"domestic_mix[{i}].shares: '{chip.name}' is {chip.origin}; allowed: domestic chips")
            if isinstance(share, bool) or not isinstance(share, (int, float)) or not (0 <= share <= 1):
                raise ScenarioError(f"domestic_mix[{i}].shares.{chip_name}: {share!r} is not allowed; allowed: 0 to 1")
            shares.append((chip.name, float(share)))
        total = sum(s for _, s in shares)
        if abs(total - 1) > 0.01:
            raise ScenarioError(f"domestic_mix[{i}].shares: sum {total:.3f} is not allowed; allowed: shares summing to 1")
        mix.append((month, tuple(shares)))
    mix.sort()

    return Scenario(
        name=_text(raw, "name", "Untitled", 120), description=_text(raw, "description", "", 4_000),
        actor=_text(raw, "actor", "actor", 80), start=start, horizon=horizon, what_if_from=what_if,
        rule_vintage=vintage, domestic_flagship=flagship.name,
        import_chips=_chip_list(raw, "import_chips", FOREIGN), allowed_chips=_chip_list(raw, "allowed_chips", FOREIGN),
        frontier_anchor_month=check_month(raw.get("frontier_anchor_month", "2023-03"), "frontier_anchor_month"),
        levers=tuple(sorted(values.items())), initial_stock=tuple(sorted(stock.items())),
        deliveries=tuple(sorted(deliveries)), domestic_mix=tuple(mix), preset=preset)


# ---- sources and writing ------------------------------------------------------------------------

_LINE_RE = re.compile(r'^\s*"?([A-Za-z0-9_ .\-]+?)"?\s*=\s*[^#]*#\s*(.+)$')


def source_comments(path: Path) -> dict[str, str]:
    """``key → comment`` for every ``key = value  # comment`` line of a scenario file."""
    comments = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _LINE_RE.match(line)
        if match:
            comments.setdefault(match.group(1).strip(), match.group(2).strip())
    return comments


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, int) else repr(float(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def to_toml(data: dict) -> str:
    """Write scenario data as TOML that ``load_scenario`` reads back."""
    lines = []
    for key, value in data.items():
        if not isinstance(value, (dict, list)) or (isinstance(value, list) and not any(isinstance(v, dict) for v in value)):
            lines.append(f"{key} = {_toml_value(value)}")
    for key, value in data.items():
        if isinstance(value, dict):
            lines += ["", f"[{key}]"] + [f"{json.dumps(k, ensure_ascii=False)} = {_toml_value(v)}" for k, v in value.items()]
    for key, value in data.items():
        if isinstance(value, list) and any(isinstance(v, dict) for v in value):
            for item in value:
                lines += ["", f"[[{key}]]"] + [f"{k} = {_toml_value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"
