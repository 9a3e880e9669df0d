"""Foreign chips by channel: licensed, smuggled and remote access.

Each month every foreign chip on the actor's list falls in one access class:

- ``FREE``: the rule leaves it uncontrolled and the vendor ships it to China;
- ``LICENSABLE``: a licence is needed but can be granted (case-by-case review or NAC notification);
- ``CONTROLLED``: denied, or the vendor has stopped China shipments, but the chip is sold elsewhere, so
  it can be smuggled or rented abroad;
- ``NONE``: not obtainable at all (not yet released, or a China-only SKU the vendor stopped making).

The import budget is spent by ``walk``: each unit of demand goes to the best chip on the list (most
training H100e per dollar; at equal value a freer chip first). If the rule blocks it, the leakage share
is smuggled, once, and the rest falls to the best licensable chip (approved at the approval share, up
to the licensed-volume cap), then to the best free chip. Access applies once to each unit demanded,
never once per listed chip, so listing a spec-identical SKU twice changes nothing.
"""

from __future__ import annotations

import numpy as np

from .catalog import Chip
from .rules import CASE_BY_CASE, GRAY_ZONE, NOT_CONTROLLED

NONE, FREE, LICENSABLE, CONTROLLED = 0, 1, 2, 3
CLASS_NAMES = {NONE: "not obtainable", FREE: "free", LICENSABLE: "licensable", CONTROLLED: "controlled"}
_CLASS_RANK = {FREE: 0, LICENSABLE: 1, CONTROLLED: 2, NONE: 3}


def vendor_halted(chip: Chip, month: str, status: str) -> bool:
    """The vendor's China halt holds in ``month`` [bool]: it started, and the rule does not leave the chip free."""
    return bool(chip.china_halt) and month >= chip.china_halt and status != NOT_CONTROLLED


def access_class(chip: Chip, status: str, month: str) -> int:
    """The access class of a foreign chip in ``month`` given its status under the scenario's rule."""
    if chip.available_from > month:
        return NONE
    if vendor_halted(chip, month, status):
        return CONTROLLED if chip.us_commercial else NONE
    if status == NOT_CONTROLLED:
        return FREE
    if status in (GRAY_ZONE, CASE_BY_CASE):
        return LICENSABLE
    return CONTROLLED  # controlled, or unknown: a chip whose status cannot be established is not bought legally


def preference_order(classes, value_per_usd, names) -> list:
    """Chip indices in buying order: most training H100e per USD first; at equal value the freer chip, then by name."""
    return sorted(range(len(classes)), key=lambda k: (-round(value_per_usd[k], 15), _CLASS_RANK[classes[k]], names[k]))


def walk(classes, order, price, budget, leakage, approval, cap_units=None):
    """Spend one month's budget down the preference list; access acts once per unit demanded.

    Parameters
    ----------
    classes : access class per chip, shape (K,)
    order : chip indices in preference order
    price : [USD] per chip, shape (K,)
    budget : [USD/month], scalar or (N,)
    leakage, approval : [share], scalar or (N,)
    cap_units : most licensed chips this month [chips/month], scalar or (N,); None = no cap

    Returns
    -------
    licensed, smuggled : [chips/month], shape (N, K) (N = 1 for scalar inputs)
    spent : [USD/month], shape (N,)
    """
    budget, leakage, approval = (np.atleast_1d(np.asarray(x, dtype=float)) for x in (budget, leakage, approval))
    n = max(budget.shape[0], leakage.shape[0], approval.shape[0])
    K = len(classes)
    licensed = np.zeros((n, K))
    smuggled = np.zeros((n, K))
    remaining = np.broadcast_to(budget, (n,)).astype(float)
    spent = np.zeros(n)
    leaked = False
    visited = set()
    for k in order:
        kind = classes[k]
        if kind == NONE or kind in visited:
            continue
        visited.add(kind)
        if kind == FREE:
            licensed[:, k] += remaining / price[k]
            spent = spent + remaining
            remaining = np.zeros(n)
            break
        if kind == LICENSABLE:
            granted = remaining * approval / price[k]
            if cap_units is not None:
                granted = np.minimum(granted, cap_units)
            licensed[:, k] += granted
            spent = spent + granted * price[k]
            remaining = remaining - granted * price[k]
        if not leaked:  # the first block: the leakage share is smuggled as this chip, once
            smuggled[:, k] += remaining * leakage / price[k]
            spent = spent + remaining * leakage
            remaining = remaining * (1.0 - leakage)
            leaked = True
    return licensed, smuggled, spent


def remote_chip(classes, order) -> int:
    """The chip rented abroad: the best obtainable chip on the list, whatever its export status (-1: none)."""
    for k in order:
        if classes[k] != NONE:
            return k
    return -1
