"""What every view receives: the scenario, its result, the reference, and the page's display choices."""

from __future__ import annotations

from dataclasses import dataclass

import lib


@dataclass(frozen=True)
class Page:
    key: tuple                 # the scenario key (see ui.cache)
    scenario: lib.Scenario
    result: lib.Result
    reference: lib.Result
    reference_name: str        # the reference's name as shown
    samples: int               # Monte Carlo samples for fans (0: off)
    show_evidence: bool
    colours: str               # "neutral", "capability" or "controls"
    query: str                 # the share link's query
    is_phone_hint: bool = False
