"""The bibliography: every source key ``[Kx]`` used in code, data and scenario files resolves here.

``data/sources.csv`` holds one row per key: key, author or publisher, title, date, URL, a quality tag
(``primary``: Federal Register, filings, company statements; ``analysis``: Epoch, CNAS, SemiAnalysis,
IFP, CSIS, RAND; ``press``; ``aggregator``: copies, digests, forums) and the link's status
(``verified``: the address was seen for this document; ``unverified``: the best address available).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SOURCES_FILE = DATA_DIR / "sources.csv"
KEY_IN_TEXT = re.compile(r"\[(K[0-9]{1,3}[a-z]?)\]", re.ASCII)
QUALITIES = ("primary", "analysis", "press", "aggregator")
COLUMNS = ("key", "author", "title", "date", "url", "quality", "link_status", "note")


@dataclass(frozen=True)
class Source:
    key: str
    author: str
    title: str
    date: str
    url: str
    quality: str
    link_status: str
    note: str

    @property
    def verified(self) -> bool:
        return self.link_status == "verified"

    def citation(self) -> str:
        """'Author, "Title", date.' in plain text."""
        return f"{self.author}, \u201c{self.title}\u201d, {self.date}."


@lru_cache(maxsize=1)
def load_sources() -> dict[str, Source]:
    """Key → Source, from ``data/sources.csv`` (read once)."""
    with SOURCES_FILE.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"data/sources.csv: columns {reader.fieldnames} are not {list(COLUMNS)}")
        return {row["key"]: Source(**row) for row in reader}


def keys_in(text: str) -> list[str]:
    """Every ``[Kx]`` key in a text, in order, once each."""
    return list(dict.fromkeys(KEY_IN_TEXT.findall(text or "")))


def resolve(key: str) -> Source | None:
    return load_sources().get(key)


def unresolved(keys) -> list[str]:
    known = load_sources()
    return [k for k in keys if k not in known]


def unverified(text: str) -> bool:
    """A figure recalled without a source at hand is marked '(mem)' where it is stated."""
    return "(mem)" in (text or "")


def sources_table(keys=None) -> list[Source]:
    """Sources in key order (all, or the given keys that resolve)."""
    from .scenario import source_key_order

    table = load_sources()
    chosen = table if keys is None else {k: table[k] for k in keys if k in table}
    return [chosen[k] for k in sorted(chosen, key=source_key_order)]


def scenario_source_keys(scenario) -> list[str]:
    """Keys a scenario cites: its files' comments, its chips' catalog rows and the rules it uses."""
    from .catalog import CHIPS_BY_NAME
    from .rules import RULES
    from .scenario import chip_names_in, source_key_order

    keys = set(scenario.sources)
    for name in chip_names_in(scenario):
        chip = CHIPS_BY_NAME[name]
        keys.update(keys_in(" ".join((chip.source, chip.price_note, chip.note, chip.package_source,
                                      chip.china_halt_source, chip.us_commercial_source))))
    for rule in RULES.values():
        keys.update(keys_in(rule.source))
    return sorted(keys, key=source_key_order)
