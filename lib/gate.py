"""The one gate for user input: text, numbers, months and chip names.

Every path into the model (scenario files, links, uploads, CLI flags, the classifier form) passes its
values through these functions, so each class of bad input is refused, or clamped with a notice, in
one place. Messages name the field and what is allowed, and quote at most a short, escaped excerpt of
what was given (``excerpt``).
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from dataclasses import dataclass

from .errors import ScenarioError

EXCERPT_CHARACTERS = 40        # [characters] longest excerpt of user input quoted in a message
MAX_NUMBER_DIGITS = 40         # [digits] longest integer accepted anywhere (the largest lever maximum has 30)
MAX_NUMBER_TEXT = 60           # [characters] longest number written as text (link or flag)
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_LONG_NUMBER_RE = re.compile(r"[+-]?[0-9]+(?:\.[0-9]*)?", re.ASCII)  # digits only: a number, too long to take
_INTEGER_RE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)
_BIDI = {"\u061c", "\u200e", "\u200f", *(chr(c) for c in range(0x202A, 0x202F)), *(chr(c) for c in range(0x2066, 0x206A))}


# ---- excerpts ------------------------------------------------------------------------------------

def _unsafe(character: str) -> bool:
    """Characters that must never reach a terminal or a page unescaped: controls, format (bidi,
    zero-width), surrogates, private use, line and paragraph separators."""
    return character in _BIDI or unicodedata.category(character) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def excerpt(value, limit: int = EXCERPT_CHARACTERS) -> str:
    """A short, quoted, escaped rendering of user input for messages: at most ``limit`` characters,
    control and bidi characters shown as ``\\uXXXX``, an ellipsis when cut."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() > 3.33 * MAX_NUMBER_DIGITS:  # str() of a huge int is slow, or refused past 4,300 digits
            digits = len(str(abs(value))) if value.bit_length() < 14_000 else int(value.bit_length() * 0.30103) + 1
            return f"an integer of {'about ' if value.bit_length() >= 14_000 else ''}{digits:,} digits"
        return str(value)
    elif isinstance(value, float):
        return repr(value)
    elif isinstance(value, str):
        text = value
    elif isinstance(value, dict):  # a reader's word for it: JSON objects and TOML tables
        return f"a table of {len(value):,} entr{'y' if len(value) == 1 else 'ies'}"
    elif isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    else:
        return f"a {type(value).__name__}"
    shown = "".join(f"\\u{ord(c):04x}" if _unsafe(c) else c for c in text[:limit])
    return f"'{shown}{'…' if len(text) > limit else ''}'"


# ---- text -----------------------------------------------------------------------------------------

def clean_text(value, field: str, limit: int, multiline: bool = False) -> str:
    """User text (names, descriptions, actor, file names): valid Unicode, bounded, no control or bidi
    characters (newlines and tabs allowed only where ``multiline``). Returned unchanged otherwise;
    callers display it as plain text, never as markup."""
    if not isinstance(value, str):
        raise ScenarioError(f"{field}: {excerpt(value)} is not text; allowed: text of at most {limit:,} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ScenarioError(f"{field}: {excerpt(value)} is not valid Unicode (a lone surrogate); "
                            "allowed: plain UTF-8 text") from None
    if len(value) > limit:
        raise ScenarioError(f"{field}: {len(value):,} characters is too long; allowed: at most {limit:,}")
    if multiline:
        value = value.replace("\r\n", "\n")
    for position, character in enumerate(value):
        if multiline and character in "\n\t":
            continue
        if _unsafe(character):
            raise ScenarioError(f"{field}: {excerpt(value[max(0, position - 10):position + 10])} holds the control or "
                                f"bidi character U+{ord(character):04X} at position {position + 1}; allowed: printable text"
                                + (" with newlines" if multiline else " on one line"))
    return value


def check_strings(data, where: str = "scenario") -> None:
    """Refuse a parsed structure holding any string (key or value) that is not valid Unicode.

    JSON can encode lone surrogates (``"\\ud800"``); they crash every later encoder, so they stop here."""
    stack = [(data, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ScenarioError(f"{path}: {excerpt(item)} is not valid Unicode (a lone surrogate); "
                                    "allowed: plain UTF-8 text") from None
        elif isinstance(item, dict):
            for key, value in item.items():
                label = excerpt(key) if isinstance(key, str) else repr(key)
                if isinstance(key, str):
                    stack.append((key, f"{path} key {label}"))
                stack.append((value, f"{path}.{key if isinstance(key, str) and key.isascii() and key.isidentifier() else label}"))
        elif isinstance(item, list):
            stack.extend((value, f"{path}[{i}]") for i, value in enumerate(item))


# ---- types of decoded data ------------------------------------------------------------------------
# JSON and TOML give any type anywhere: a link's pin can hold a table where text belongs, a file a list where a
# table belongs. Every decoded structure is checked against its shape, types before values, so later code can
# trust ``isinstance`` and each wrong type is one message naming the field and the type allowed.

@dataclass(frozen=True)
class Shape:
    """The type a decoded value must have. Build with TEXT, NUMBER, ``one_of``, ``list_of``, ``table_of``, ``record``."""

    kind: str                 # "text", "number", "list", "table", "record" or "one_of"
    item: "Shape | None" = None   # list items, table values
    fields: tuple = ()        # record: (key, Shape) pairs; keys not named are left to the caller when ``open``
    options: tuple = ()       # one_of: the shapes allowed
    open: bool = False
    words: str = ""           # how a message names it ("a table of lever values"); derived when empty

    def describe(self) -> str:
        if self.words:
            return self.words
        if self.kind == "text":
            return "text"
        if self.kind == "number":
            return "a number"
        if self.kind == "list":
            return f"a list of {_plural(self.item)}"
        if self.kind == "table":
            return f"a table of {_plural(self.item)}"
        if self.kind == "record":
            return f"a table with keys {', '.join(key for key, _ in self.fields)}"
        return " or ".join(option.describe() for option in self.options)


def _plural(shape: "Shape") -> str:
    return {"text": "text", "number": "numbers"}.get(shape.kind, shape.describe())


TEXT = Shape("text")
NUMBER = Shape("number")      # an int or a float, never a boolean


def one_of(*options: Shape, words: str = "") -> Shape:
    return Shape("one_of", options=options, words=words)


def list_of(item: Shape, words: str = "") -> Shape:
    return Shape("list", item=item, words=words)


def table_of(item: Shape, words: str = "") -> Shape:
    """A table (JSON object, TOML table) of any keys to values of one shape."""
    return Shape("table", item=item, words=words)


def record(fields: dict, *, open: bool = False, words: str = "") -> Shape:
    """A table with these keys, each optional; other keys are refused unless ``open``."""
    return Shape("record", fields=tuple(fields.items()), open=open, words=words)


def _fits(value, shape: Shape) -> bool:
    if shape.kind == "text":
        return isinstance(value, str)
    if shape.kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if shape.kind == "list":
        return isinstance(value, list)
    if shape.kind in ("table", "record"):
        return isinstance(value, dict)
    return any(_fits(value, option) for option in shape.options)


def _refusal(path: str, value, expected: Shape) -> ScenarioError:
    """The message for a value of the wrong type, worded as the scenario loader always worded it."""
    field, allowed = f"{path}: " if path else "", expected.describe()
    kinds = {expected.kind} if expected.kind != "one_of" else {option.kind for option in expected.options}
    if "number" in kinds:
        return ScenarioError(f"{field}{excerpt(value)} is not a number; allowed: {allowed}")
    if kinds == {"text"}:
        return ScenarioError(f"{field}{excerpt(value)} is not text; allowed: {allowed}")
    if kinds & {"table", "record"}:
        return ScenarioError(f"{field}{_type_word(value)} is not allowed; allowed: {allowed}")
    return ScenarioError(f"{field}{excerpt(value)} is not allowed; allowed: {allowed}")


def _type_word(value) -> str:
    return {bool: "true/false", type(None): "null", str: "text", int: "int", float: "float", list: "list"}.get(
        type(value), type(value).__name__)


def check_types(value, shape: Shape, field: str) -> None:
    """Refuse ``value`` unless it has ``shape`` all the way down: one ScenarioError naming the first field whose
    type is wrong, what it is and what is allowed. Values are not judged here (ranges, names, months come after).
    ``field`` names the whole value; "" leaves the caller to prefix the message ("'pin' #1: levers: …")."""
    stack = [(value, shape, field)]
    while stack:
        item, expected, path = stack.pop()
        if expected.kind == "one_of":
            matching = [option for option in expected.options if _fits(item, option)]
            if not matching:
                raise _refusal(path, item, expected)
            expected = matching[0]
        if not _fits(item, expected):
            raise _refusal(path, item, expected)
        if expected.kind == "list":
            stack.extend((element, expected.item, f"{path}[{i}]") for i, element in reversed(list(enumerate(item))))
        elif expected.kind == "table":
            stack.extend((element, expected.item, _child(path, key)) for key, element in reversed(list(item.items())))
        elif expected.kind == "record":
            known = dict(expected.fields)
            if not expected.open:
                extra = [key for key in item if key not in known]
                if extra:
                    raise ScenarioError(f"{path + ': ' if path else ''}key {excerpt(extra[0])} is unknown; allowed: "
                                        f"{', '.join(known) or 'no keys'}")
            stack.extend((item[key], known[key], _child(path, key)) for key in reversed(list(item)) if key in known)


def _child(path: str, key) -> str:
    name = key if isinstance(key, str) and key.isascii() and key.replace("_", "a").replace(" ", "a").isalnum() \
        else excerpt(key)
    return f"{path}.{name}" if path else str(name)


# ---- numbers --------------------------------------------------------------------------------------

def bounded_int(text: str) -> int:
    """``parse_int`` for ``json.loads``: refuse integers longer than ``MAX_NUMBER_DIGITS`` before Python converts them."""
    if len(text.lstrip("+-")) > MAX_NUMBER_DIGITS:
        raise ScenarioError(f"a number of {len(text):,} digits is too long; allowed: at most {MAX_NUMBER_DIGITS} digits")
    return int(text)


def parse_number(value, field: str, minimum: float, maximum: float, *, integer: bool = False, unit: str = "",
                 clamp: bool = False) -> tuple[float, str]:
    """The one number parser for files, links and flags.

    Accepts an int, a float or ASCII number text. Refuses booleans, NaN, infinities, huge integers,
    non-ASCII digits and fractions where ``integer``. Out of range: refused, or with ``clamp`` moved to
    the nearest bound. Returns ``(number, notice)``: the notice is "" unless the value was changed.
    """
    allowed = _allowed(minimum, maximum, integer, unit)
    if isinstance(value, bool) or value is None:
        raise ScenarioError(f"{field}: {excerpt(value)} is not a number; allowed: {allowed}")
    if isinstance(value, numbers.Integral):
        value = int(value)
        if value.bit_length() > 3.33 * MAX_NUMBER_DIGITS:
            number = math.inf if value > 0 else -math.inf
        else:
            number = float(value)
    elif isinstance(value, numbers.Real):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_NUMBER_TEXT and _LONG_NUMBER_RE.fullmatch(text):
            raise ScenarioError(f"{field}: {excerpt(value)} has too many digits; allowed: {allowed}")
        if len(text) > MAX_NUMBER_TEXT or not _NUMBER_RE.fullmatch(text):
            raise ScenarioError(f"{field}: {excerpt(value)} is not a number; allowed: {allowed}")
        try:
            number = float(text)
        except (ValueError, OverflowError):
            raise ScenarioError(f"{field}: {excerpt(value)} is not a number; allowed: {allowed}") from None
    else:
        raise ScenarioError(f"{field}: {excerpt(value)} is not a number; allowed: {allowed}")
    if math.isnan(number):
        raise ScenarioError(f"{field}: {excerpt(value)} is not a number; allowed: {allowed}")
    notice = ""
    if not (minimum <= number <= maximum):
        if not clamp or math.isnan(number):
            raise ScenarioError(f"{field}: {excerpt(value)} is out of range; allowed: {allowed}")
        number = min(maximum, max(minimum, number))
        notice = f"{field}: {excerpt(value)} is out of range; allowed: {allowed}; used {plain_number(number, unit)}."
    if integer and not float(number).is_integer():
        if not clamp:
            raise ScenarioError(f"{field}: {excerpt(value)} is not a whole number; allowed: {allowed}")
        number = float(round(number))
        notice = notice or f"{field}: {excerpt(value)} is not a whole number; used {plain_number(number, unit)}."
    return float(number) + 0.0, notice  # + 0.0: a given -0 is 0 from here on (it never prints as "-0.00")


def parse_integer(value, field: str, minimum: int, maximum: int, *, unit: str = "") -> int:
    """A whole number that stays exact however large (a seed up to 2^63-1): an int, or ASCII digits.

    ``parse_number`` works in floats, which hold integers exactly only up to 2^53; digits are read as an int here,
    so the check and the message use the same exact bounds."""
    allowed = (f"a whole number from {plain_integer(minimum, unit)} to {plain_integer(maximum, unit)}"
               + (f" [{unit}]" if unit else ""))
    if isinstance(value, str) and _INTEGER_RE.fullmatch(value.strip()):
        text = value.strip()
        if len(text.lstrip("+-")) > MAX_NUMBER_DIGITS:
            raise ScenarioError(f"{field}: {excerpt(value)} has too many digits; allowed: {allowed}")
        number = int(text)
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        number = int(value)
    else:  # '1e3', 12.0: through the float gate, exact only while small enough
        try:
            number_float, _ = parse_number(value, field, -math.inf, math.inf, integer=True)
        except ScenarioError as exc:
            what = "a number" if " is not a number;" in str(exc) else "a whole number"
            raise ScenarioError(f"{field}: {excerpt(value)} is not {what}; allowed: {allowed}") from None
        if abs(number_float) > 2 ** 53:
            raise ScenarioError(f"{field}: {excerpt(value)} is too large to be exact as a decimal; allowed: {allowed}, "
                                "written in digits")
        number = int(number_float)
    if not minimum <= number <= maximum:
        raise ScenarioError(f"{field}: {excerpt(value)} is out of range; allowed: {allowed}")
    return number


def plain_integer(x: int, unit: str = "") -> str:
    """An exact whole number as a reader writes it: '9,223,372,036,854,775,807'; a year as '2027'."""
    return f"{x}" if unit == "year" else f"{x:,}"


def plain_number(x: float, unit: str = "") -> str:
    """A number as a reader writes it: '1,000,000', '0.25', '1e29'; a year as '2027'."""
    if unit == "year" and float(x).is_integer():
        return f"{x:.0f}"
    if x != 0 and (abs(x) >= 1e15 or abs(x) < 1e-3):
        return f"{x:.3g}".replace("e+", "e")
    return f"{x + 0.0:,.10g}"


def _allowed(minimum: float, maximum: float, integer: bool, unit: str) -> str:
    kind = "a whole number" if integer else "a number"
    return (f"{kind} from {plain_number(minimum, unit)} to {plain_number(maximum, unit)}"
            + (f" [{unit}]" if unit else ""))


# ---- months ---------------------------------------------------------------------------------------

def parse_month(value, field: str, earliest: str, latest: str) -> str:
    """ASCII ``YYYY-MM`` within ``[earliest, latest]``; returned as given (already canonical)."""
    match = _MONTH_RE.fullmatch(value) if isinstance(value, str) else None
    if not match or not (1 <= int(match.group(2)) <= 12):
        raise ScenarioError(f"{field}: {excerpt(value)} is not a month; allowed: 'YYYY-MM' from {earliest} to {latest}")
    if not (earliest <= value <= latest):
        raise ScenarioError(f"{field}: {excerpt(value)} is out of range; allowed: 'YYYY-MM' from {earliest} to {latest}")
    return value


def month_index(month: str) -> int:
    """'YYYY-MM' → months since year 0 (for months that passed ``parse_month``)."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# ---- chip names -----------------------------------------------------------------------------------

def chip_key(name: str) -> str:
    """The lookup key of a chip name: case, spaces, hyphens and underscores ignored."""
    return unicodedata.normalize("NFKC", name).casefold().replace(" ", "").replace("-", "").replace("_", "")


def resolve_chip_names(names, field: str, resolve) -> list:
    """Resolve a list of chip names (``resolve(name, field)`` → Chip) and refuse the same chip written twice."""
    seen: dict = {}
    out = []
    for name in names:
        chip = resolve(name, field)
        if chip.name in seen:
            raise ScenarioError(f"{field}: {excerpt(seen[chip.name])} and {excerpt(name)} are the same chip "
                                f"({chip.name}); allowed: each chip once")
        seen[chip.name] = name
        out.append(chip)
    return out
