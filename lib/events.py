"""The ledger of dated events, 2022–2026: one table (``data/events.csv``) for every dated input.

Each row has a date, a kind, what happened, what it changes in the model and its source keys. ``changes`` is
``context`` (shown, not modelled) or ``;``-separated tokens:

- ``rule:VINTAGE``: a rule vintage takes effect (``lib.rules.RULES`` carries the same months; tested);
- ``halt:CHIPS``: the vendor stops China shipments (the catalog's ``china_halt``; tested);
- ``launch:CHIPS``: first deliveries anywhere (the catalog's ``available_from``; tested);
- ``licence:CHIPS``: licences for a controlled China-only SKU become available; ``end_of_sale:CHIPS``: the SKU
  is no longer sold, so no approval share can license it;
- ``approval:CHIPS=LEVER``, ``fee:CHIPS=LEVER``, ``gate:CHIPS=LEVER``: from this month the chips' US approval,
  revenue-share fee and China's acceptance are these levers;
- ``hbm_control`` and ``die_bank_closed``: the months ``lib.domestic`` and the baseline use (tested).

``CHIPS`` is one name or several joined by ``|``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from .sources import DATA_DIR

EVENTS_FILE = DATA_DIR / "events.csv"
COLUMNS = ("date", "kind", "event", "changes", "source")
KINDS = ("us-rule", "china-measure", "vendor-halt", "licence", "fee", "smuggling-case", "entity-list", "chip-launch",
         "context")
ACTIONS = ("rule", "halt", "launch", "licence", "end_of_sale", "approval", "fee", "gate", "hbm_control",
           "die_bank_closed")
KIND_NAMES = {"us-rule": "US rule", "china-measure": "China's measure", "vendor-halt": "vendor halt",
              "licence": "licence", "fee": "fee", "smuggling-case": "smuggling case", "entity-list": "Entity List",
              "chip-launch": "chip launch", "context": "context"}  # as the page names each kind
ACTION_WORDS = {"rule": "rule in force", "halt": "vendor halt", "launch": "launch", "licence": "licences open",
                "end_of_sale": "end of sale", "approval": "US approval", "fee": "fee", "gate": "China's gate",
                "hbm_control": "HBM control", "die_bank_closed": "die bank closed"}


@dataclass(frozen=True)
class Event:
    date: str          # "YYYY-MM-DD"
    kind: str
    text: str
    changes: tuple     # (action, chips tuple, lever or "") per token; () for context only
    source: str

    @property
    def month(self) -> str:
        return self.date[:7]

    @property
    def modelled(self) -> bool:
        return bool(self.changes)

    def changes_text(self) -> str:
        """What the event changes, in words a reader knows: 'China's gate: H100/H200 (lever: China accepts: H200
        and H100)'; a rule by its title."""
        if not self.changes:
            return "context only"
        parts = []
        for action, chips, arg in self.changes:
            what = "/".join(chips) if chips else ""
            parts.append(f"{ACTION_WORDS[action]}{': ' + what if what else ''}{f' ({_arg_name(action, arg)})' if arg else ''}")
        return "; ".join(parts)


def _arg_name(action: str, arg: str) -> str:
    """A rule id as its title, a lever name as its label (the page shows no internal names)."""
    from .levers import LEVERS
    from .rules import RULES

    if action == "rule" and arg in RULES:
        return RULES[arg].title
    if arg in LEVERS:
        return f"lever: {LEVERS[arg].label}"
    return arg


def _parse_changes(text: str, where: str) -> tuple:
    if text.strip() == "context":
        return ()
    out = []
    for token in text.split(";"):
        action, _, rest = token.strip().partition(":")
        if action not in ACTIONS:
            raise ValueError(f"{where}: unknown change {token!r}; allowed actions: {', '.join(ACTIONS)}")
        target, _, lever = rest.partition("=")
        chips = tuple(c for c in target.split("|") if c) if action not in ("rule",) else ()
        arg = lever if action in ("approval", "fee", "gate") else (target if action == "rule" else "")
        out.append((action, chips, arg))
    return tuple(out)


@lru_cache(maxsize=1)
def load_events() -> tuple[Event, ...]:
    with EVENTS_FILE.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"data/events.csv: columns {reader.fieldnames} are not {list(COLUMNS)}")
        rows = []
        for i, row in enumerate(reader, start=2):
            if row["kind"] not in KINDS:
                raise ValueError(f"data/events.csv line {i}: kind {row['kind']!r} is not one of {', '.join(KINDS)}")
            rows.append(Event(row["date"], row["kind"], row["event"], _parse_changes(row["changes"], f"events.csv line {i}"),
                              row["source"]))
    return tuple(sorted(rows, key=lambda e: e.date))


def months_of(action: str, chip: str | None = None) -> list[str]:
    """The months an action happens (for one chip, when given)."""
    return [e.month for e in load_events() for a, chips, _ in e.changes
            if a == action and (chip is None or chip in chips)]


def first_month(action: str, chip: str) -> str:
    """The first month ``action`` applies to ``chip``, or "" if never."""
    months = months_of(action, chip)
    return min(months) if months else ""


def lever_from(action: str, chip: str) -> list[tuple[str, str]]:
    """(from month, lever) for an ``approval``, ``fee`` or ``gate`` action on ``chip``, in date order."""
    return [(e.month, arg) for e in load_events() for a, chips, arg in e.changes if a == action and chip in chips]


def lever_in_force(action: str, chip: str, month: str) -> str:
    """The lever an ``approval``/``fee``/``gate`` action sets for ``chip`` in ``month`` ("" if none yet)."""
    current = ""
    for since, lever in lever_from(action, chip):
        if since <= month:
            current = lever
    return current


def modelled_events() -> list[Event]:
    return [e for e in load_events() if e.modelled]


def chart_marks(start: str, end: str) -> list[dict]:
    """The events that change the model between ``start`` and ``end`` ("YYYY-MM"), for the charts' time axes."""
    return [{"month": e.month, "text": e.text, "changes": e.changes_text(), "source": e.source}
            for e in modelled_events() if start <= e.month <= end]


def table():
    """Every event as a table: date, kind, event, what it changes in the model, whether it is modelled, source."""
    import pandas as pd

    return pd.DataFrame([{"date": e.date, "kind": KIND_NAMES[e.kind], "event": e.text, "changes": e.changes_text(),
                          "modelled": e.modelled, "source": e.source} for e in load_events()])
