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

from . import events
from .catalog import Chip
from .rules import CASE_BY_CASE, GRAY_ZONE, NOT_CONTROLLED

NONE, FREE, LICENSABLE, CONTROLLED = 0, 1, 2, 3
CLASS_NAMES = {NONE: "not obtainable", FREE: "free", LICENSABLE: "licensable", CONTROLLED: "controlled"}
_CLASS_RANK = {FREE: 0, LICENSABLE: 1, CONTROLLED: 2, NONE: 3}


def vendor_halted(chip: Chip, month: str, status: str) -> bool:
    """The vendor's China halt holds in ``month`` [bool]: it started, and the rule does not leave the chip free."""
    return bool(chip.china_halt) and month >= chip.china_halt and status != NOT_CONTROLLED


def past_end_of_sale(chip: Chip, month: str) -> bool:
    """The SKU is no longer sold in ``month`` (``data/events.csv``): no approval share can license it."""
    end = events.first_month("end_of_sale", chip.name)
    return bool(end) and month >= end


def in_licence_window(chip: Chip, month: str) -> bool:
    """Licences for this controlled China-only SKU were granted from an event's month (the H20 in Aug 2025)."""
    start = events.first_month("licence", chip.name)
    return bool(start) and month >= start and not past_end_of_sale(chip, month)


def access_class(chip: Chip, status: str, month: str) -> int:
    """The access class of a foreign chip in ``month`` given its status under the scenario's rule."""
    if chip.available_from > month or past_end_of_sale(chip, month):
        return NONE
    if status != NOT_CONTROLLED and in_licence_window(chip, month):
        return LICENSABLE
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


def walk(classes, order, price, budget, leakage, approval, cap_units=None, acceptance=None, fee=None, families=None):
    """Spend one month's budget down the preference list; each gate acts once per unit demanded.

    A unit of demand goes to the best chip. If the US rule blocks it, the leakage share is smuggled (once, as
    that chip, at its list price) and the rest falls down the list. The first licensable chip is granted at its
    approval share (up to the licensed-volume cap); what the US denies is blocked (and leaks, once); no second
    licence is drawn. Of what the US allows, China's gate lets ``acceptance`` arrive, at the list price plus
    ``fee`` (passed on in full: Assumption); what China refuses falls to the next chip of another gate family
    (``families``), as buyers turn from a blocked SKU to one Beijing lets in. Demand left at the end of the list
    is not spent: it turns to domestic chips, which the model does not add to the actor's domestic demand (in
    the China presets that demand already exceeds what China's fabs can make).

    Parameters
    ----------
    classes : access class per chip, shape (K,)
    order : chip indices in preference order
    price : list price [USD] per chip, shape (K,)
    budget : [USD/month], scalar or (N,)
    leakage : [share], scalar or (N,)
    approval, acceptance, fee : [share] per chip, each a scalar, (N,) or (N, K); acceptance 1 and fee 0 if None
    cap_units : most licensed chips this month [chips/month], scalar or (N,); None = no cap
    families : China's gate family per chip (K,); chips of one family share one acceptance draw. None: one each

    Returns
    -------
    licensed, smuggled : [chips/month], shape (N, K) (N = 1 for scalar inputs)
    spent : [USD/month], shape (N,)
    """
    budget, leakage = (np.atleast_1d(np.asarray(x, dtype=float)) for x in (budget, leakage))
    K = len(classes)
    families = list(range(K)) if families is None else list(families)

    def per_chip(x, default):
        x = np.asarray(default if x is None else x, dtype=float)
        return x if x.ndim == 2 else (x[:, None] if x.ndim == 1 else np.full((1, K), float(x)))

    approval, acceptance, fee = per_chip(approval, 0.0), per_chip(acceptance, 1.0), per_chip(fee, 0.0)
    n = max(budget.shape[0], leakage.shape[0], approval.shape[0], acceptance.shape[0], fee.shape[0])
    approval, acceptance, fee = (np.broadcast_to(x, (n, K)) for x in (approval, acceptance, fee))
    licensed = np.zeros((n, K))
    smuggled = np.zeros((n, K))
    # Demand the US has not denied may still apply for a licence; demand it has denied may not (approval acts
    # once per unit). Both fall to free chips, and both leak at the first block.
    open_ = np.broadcast_to(budget, (n,)).astype(float)
    denied = np.zeros(n)
    spent = np.zeros(n)
    leaked = False
    visited = set()
    for k in order:
        kind = classes[k]
        if kind == NONE or (kind, families[k]) in visited or (kind == CONTROLLED and leaked):
            continue
        visited.add((kind, families[k]))
        paid = price[k] * (1.0 + fee[:, k])
        if kind == FREE:
            taken_open, taken_denied = open_ * acceptance[:, k], denied * acceptance[:, k]
            licensed[:, k] += (taken_open + taken_denied) / paid
            spent = spent + taken_open + taken_denied
            open_, denied = open_ - taken_open, denied - taken_denied
            continue
        blocked = open_ + denied                                       # a controlled chip blocks all of it
        if kind == LICENSABLE:
            granted = open_ * approval[:, k] / paid
            if cap_units is not None:
                granted = np.minimum(granted, cap_units)
            delivered = granted * acceptance[:, k]
            licensed[:, k] += delivered
            spent = spent + delivered * paid
            newly_denied = open_ - granted * paid                    # what the US denies (or the cap leaves)
            blocked = newly_denied + denied
            open_ = granted * paid - delivered * paid                  # China refused it: it may try elsewhere
            denied = denied + newly_denied
        if not leaked:  # the first block: the leakage share of what is blocked is smuggled as this chip, once
            leaked = True
            smuggled[:, k] += blocked * leakage / price[k]
            spent = spent + blocked * leakage
            if kind == CONTROLLED:  # the whole demand was blocked, not denied a licence: both pools leak
                open_, denied = open_ * (1.0 - leakage), denied * (1.0 - leakage)
            else:
                denied = denied - blocked * leakage
    return licensed, smuggled, spent


def remote_chip(classes, order) -> int:
    """The chip rented abroad: the best obtainable chip on the list, whatever its export status (-1: none)."""
    for k in order:
        if classes[k] != NONE:
            return k
    return -1
