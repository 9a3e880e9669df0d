"""US export rules for advanced-computing ICs as dated data, and ``classify``.

Each vintage is one row of ``RULES`` with its effective month and source. The real timeline is the rows
in date order; a scenario can switch to a what-if ``custom`` rule, built from a base vintage with the
lever lines, from a chosen month. The rule text decides four things per chip: its status, the ECCN
paragraph, the prong that decides it, and the reason in words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .catalog import Chip
from .errors import MissingSpecError, ScenarioError, suggest
from .gate import excerpt

CONTROLLED = "controlled"
GRAY_ZONE = "gray-zone"
CASE_BY_CASE = "case-by-case"
NOT_CONTROLLED = "not-controlled"
UNKNOWN = "unknown"
STATUSES = (NOT_CONTROLLED, GRAY_ZONE, CASE_BY_CASE, CONTROLLED)
STATUS_LABELS = {NOT_CONTROLLED: "not controlled", GRAY_ZONE: "licence, NAC-eligible", CASE_BY_CASE: "case-by-case",
                 CONTROLLED: "controlled (denial)", UNKNOWN: "unknown (spec missing)"}
"""Status names. ``gray-zone`` means a licence is required but License Exception NAC (notification) is
available: 3A090.b chips, and 3A090.a chips not designed or marketed for datacenters [K1]. The model
gives both the same access as case-by-case review: granted at the approval share."""

PRONG_LABELS = {"tpp": "TPP line (3A090.a)", "density": "performance-density prong (3A090.a)",
                "gray-zone": "gray zone (3A090.b)", "non-datacenter": "TPP line, non-datacenter (NAC)",
                "interconnect": "TPP and interconnect (Oct 2022)", "informed-memory": "is-informed memory bandwidth",
                "informed-interconnect": "is-informed interconnect", "case-by-case": "case-by-case window",
                "allowed": "allowed by the scenario", "none": "no line reached", "no-rule": "no rule yet"}


@dataclass(frozen=True)
class Rule:
    """One rule vintage.

    Attributes
    ----------
    tpp_threshold : 3A090.a TPP line [TPP]
    interconnect_threshold_gbps : Oct 2022 second prong; None once deleted [GB/s]
    density_threshold : 3A090.a PD prong for datacenter chips; None when absent [TPP/mm²]
    density_tpp_floor : TPP above which the PD prong applies [TPP]
    gray_* : 3A090.b bounds (datacenter only) [TPP] and [TPP/mm²]
    informed_memory_bandwidth_gbps, informed_interconnect_gbps : Apr 2025 is-informed letter:
        datacenter chips reaching the H20's memory or interconnect bandwidth need a licence [GB/s]
    case_by_case_tpp_below, case_by_case_bandwidth_below : Jan 2026 policy: chips commercially available
        in the US under both lines are reviewed case by case [TPP], [GB/s]
    licensed_volume_cap : the Jan 2026 condition that China shipments stay ≤ 50% of US shipments applies
    """

    name: str
    title: str
    effective: str
    announced: str
    tpp_threshold: float
    interconnect_threshold_gbps: float | None
    density_threshold: float | None
    density_tpp_floor: float | None
    gray_tpp_low: float | None
    gray_density_low: float | None
    gray_b2_density_low: float | None
    informed_memory_bandwidth_gbps: float | None
    informed_interconnect_gbps: float | None
    case_by_case_tpp_below: float | None
    case_by_case_bandwidth_below: float | None
    source: str
    summary: str
    licensed_volume_cap: bool = False


_OCT_2023 = dict(tpp_threshold=4_800, interconnect_threshold_gbps=None, density_threshold=5.92,
                 density_tpp_floor=1_600, gray_tpp_low=2_400, gray_density_low=1.6, gray_b2_density_low=3.2,
                 informed_memory_bandwidth_gbps=None, informed_interconnect_gbps=None,
                 case_by_case_tpp_below=None, case_by_case_bandwidth_below=None)
_INFORMED = dict(informed_memory_bandwidth_gbps=4_000, informed_interconnect_gbps=900)  # the H20's figures [K10][K2]

RULES: dict[str, Rule] = {
    "oct-2022": Rule(
        name="oct-2022", title="Oct 2022: 3A090 (TPP and interconnect)", effective="2022-10", announced="2022-10",
        tpp_threshold=4_800, interconnect_threshold_gbps=600, density_threshold=None, density_tpp_floor=None,
        gray_tpp_low=None, gray_density_low=None, gray_b2_density_low=None, informed_memory_bandwidth_gbps=None,
        informed_interconnect_gbps=None, case_by_case_tpp_below=None, case_by_case_bandwidth_below=None,
        source="87 FR 62186 (Oct 7 2022) [K96][K1]",
        summary="Controlled only if TPP ≥ 4,800 and chip-to-chip I/O ≥ 600 GB/s"),
    "oct-2023": Rule(
        name="oct-2023", title="Oct 2023: 3A090.a/.b, PD prong, datacenter qualifier", effective="2023-11",
        announced="2023-10", **_OCT_2023, source="88 FR 73458 (Oct 17 2023, effective Nov 17 2023) [K97][K1]",
        summary="TPP ≥ 4,800, or TPP ≥ 1,600 and PD ≥ 5.92 (datacenter); gray zone 3A090.b below; "
                "non-datacenter chips ≥ 4,800 eligible for NAC"),
    "dec-2024": Rule(
        name="dec-2024", title="Dec 2024: HBM to 3A090.c", effective="2024-12", announced="2024-12",
        **_OCT_2023, source="89 FR 96790 (Dec 2 2024) [K9][K1]",
        summary="Standalone HBM controlled; co-packaged HBM excluded, so accelerators are judged as under Oct 2023"),
    "apr-2025": Rule(
        name="apr-2025", title="Apr 2025: H20 is-informed licence requirement", effective="2025-04",
        announced="2025-04", **{**_OCT_2023, **_INFORMED},
        source="NVIDIA/AMD is-informed letters, Apr 9–14 2025 [K10][K11]",
        summary="Oct 2023 lines, plus a licence for datacenter chips reaching the H20's 4,000 GB/s memory or "
                "900 GB/s interconnect"),
    "jan-2026": Rule(
        name="jan-2026", title="Jan 2026: case-by-case below TPP 21,000 and 6,500 GB/s", effective="2026-01",
        announced="2026-01", **{**_OCT_2023, **_INFORMED, "case_by_case_tpp_below": 21_000,
                                 "case_by_case_bandwidth_below": 6_500},
        licensed_volume_cap=True,
        source="Revision to License Review Policy, 91 FR 1684 (Jan 13 2026, effective Jan 15) [K71][K15][K16][K17]",
        summary="Chips commercially available in the US with TPP < 21,000 and DRAM bandwidth < 6,500 GB/s are "
                "reviewed case by case (China ≤ 50% of US shipments, US third-party testing, KYC); China-only "
                "SKUs keep the presumption of denial"),
}
"""Rule vintages in date order. The Jul–Aug 2025 H20 licence reversal was never codified [K11] and is
not a vintage; the approval share lever stands for it."""

RULE_NAMES = (*RULES, "custom")
RULE_LINE_LEVERS = ("tpp_threshold", "density_threshold", "case_by_case_tpp_below", "case_by_case_bandwidth_below",
                    "informed_memory_bandwidth_gbps", "informed_interconnect_gbps")
"""Levers that move a what-if rule's lines; each applies only where the base vintage has that clause."""


def get_rule(name, field_name: str = "rule") -> Rule:
    if not isinstance(name, str) or name not in RULES:
        raise ScenarioError(f"{field_name}: unknown rule {excerpt(name)}{suggest(str(name), RULES)}; "
                            f"allowed: {', '.join(RULES)}")
    return RULES[name]


def custom_rule(base: str, tpp_threshold: float, density_threshold: float, *,
                case_by_case_tpp_below: float | None = None, case_by_case_bandwidth_below: float | None = None,
                informed_memory_bandwidth_gbps: float | None = None,
                informed_interconnect_gbps: float | None = None) -> Rule:
    """The what-if rule: vintage ``base`` with its lines moved to the lever values.

    The gray-zone bounds move in proportion to the lines they sit under (Assumption: keeps the Oct 2023
    shape, 2,400/4,800 and 1.6 or 3.2/5.92, at any threshold). The TPP floor of the PD prong stays at
    1,600 but never above ``tpp_threshold``. The case-by-case window and the is-informed lines move only
    where the base vintage has them; ``None`` keeps the vintage's own line.
    """
    rule = get_rule(base, "rule_vintage")
    changes = dict(name="custom", title=f"What-if on the {rule.title.split(':')[0]} rule: TPP ≥ {tpp_threshold:,.0f}",
                   tpp_threshold=tpp_threshold, source=f"What-if levers over {rule.source}")
    if rule.density_threshold is not None:
        k = density_threshold / rule.density_threshold
        changes.update(density_threshold=density_threshold,
                       density_tpp_floor=min(rule.density_tpp_floor, tpp_threshold),
                       gray_tpp_low=rule.gray_tpp_low * tpp_threshold / rule.tpp_threshold,
                       gray_density_low=rule.gray_density_low * k, gray_b2_density_low=rule.gray_b2_density_low * k)
        changes["title"] += f", PD ≥ {density_threshold:g}"
    if rule.case_by_case_tpp_below is not None:
        if case_by_case_tpp_below is not None:
            changes["case_by_case_tpp_below"] = case_by_case_tpp_below
        if case_by_case_bandwidth_below is not None:
            changes["case_by_case_bandwidth_below"] = case_by_case_bandwidth_below
    if rule.informed_memory_bandwidth_gbps is not None:
        if informed_memory_bandwidth_gbps is not None:
            changes["informed_memory_bandwidth_gbps"] = informed_memory_bandwidth_gbps
        if informed_interconnect_gbps is not None:
            changes["informed_interconnect_gbps"] = informed_interconnect_gbps
    return replace(rule, **changes)


@dataclass(frozen=True)
class Classification:
    """What a rule says about one chip: status, ECCN paragraph, the deciding prong and the reason in words."""

    status: str
    eccn: str | None
    reason: str
    tpp: float | None
    density: float | None
    prong: str = "none"

    def to_dict(self) -> dict:
        return {"status": self.status, "eccn": self.eccn, "prong": self.prong, "reason": self.reason,
                "tpp": self.tpp, "density": self.density}


def _n(x: float, against: float | None = None, decimals: int | None = None) -> str:
    """A figure in a reason. Set against the line it is compared with, it gets as many decimals as tell the two
    apart, so the comparison printed is the one made: "6,499.99 < 6,500", never "6,500 < 6,500"; -0 prints as 0."""
    x = x + 0.0
    if decimals is None:
        decimals = 0 if abs(x) >= 100 else 2
    if against is not None and x != against:
        while decimals < 9 and f"{x:,.{decimals}f}" == f"{against:,.{decimals}f}":
            decimals += 1
    return f"{x:,.{decimals}f}"


SPEC_WORDS = {"tpp": "TPP", "memory_bandwidth_gbps": "memory bandwidth", "interconnect_gbps": "interconnect bandwidth",
              "die_area_mm2": "die area"}  # a chip figure as a table names it


class MissingSpec(MissingSpecError):
    """A missing chip figure: the message names the field (for files and the CLI); ``words`` says it for a table."""

    def __init__(self, what: str, chip: Chip, rule: Rule):
        super().__init__(f"{what}: not known for {chip.name}, and rule {rule.name} needs it; give a value")
        self.words = f"{SPEC_WORDS.get(what, what)} not published, and the rule needs it: status unknown"


def _require(value, what: str, chip: Chip, rule: Rule):
    if value is None:
        raise MissingSpec(what, chip, rule)
    return value


def classify(chip: Chip, rule: Rule) -> Classification:
    """Classify ``chip`` under ``rule``.

    Returns a status (``controlled``, ``gray-zone``, ``case-by-case``, ``not-controlled``), the ECCN
    paragraph where there is one, the prong that decides it and the reason in words.

    Raises
    ------
    MissingSpecError
        When the rule needs a figure the chip does not have (TPP, die area, interconnect or memory
        bandwidth). A classification is never guessed.
    """
    tpp = _require(chip.tpp, "tpp", chip, rule)
    pd = chip.density
    status, eccn, reason, prong = _base_status(chip, rule, tpp, pd)
    # The is-informed letter requires a licence outright, so it also overrides the gray zone's NAC notification;
    # otherwise raising the TPP line could move a chip from "controlled" to the looser gray zone.
    if status in (NOT_CONTROLLED, GRAY_ZONE) and rule.informed_memory_bandwidth_gbps is not None and chip.datacenter:
        bw, ic = chip.memory_bandwidth_gbps, chip.interconnect_gbps
        if bw is not None and bw >= rule.informed_memory_bandwidth_gbps:
            status, eccn, prong = CONTROLLED, None, "informed-memory"
            reason = f"memory bandwidth {_n(bw)} ≥ {_n(rule.informed_memory_bandwidth_gbps)} GB/s (is-informed letter)"
        elif ic is not None and ic >= rule.informed_interconnect_gbps:
            status, eccn, prong = CONTROLLED, None, "informed-interconnect"
            reason = f"interconnect {_n(ic)} ≥ {_n(rule.informed_interconnect_gbps)} GB/s (is-informed letter)"
        elif bw is None:
            _require(None, "memory_bandwidth_gbps", chip, rule)
        elif ic is None:  # below the memory line, and the interconnect line cannot be checked: never guessed
            _require(None, "interconnect_gbps", chip, rule)
    if status in (CONTROLLED, GRAY_ZONE) and rule.case_by_case_tpp_below is not None:
        bw = _require(chip.memory_bandwidth_gbps, "memory_bandwidth_gbps", chip, rule)
        inside = tpp < rule.case_by_case_tpp_below and bw < rule.case_by_case_bandwidth_below
        if inside and chip.us_commercial:
            status, prong = CASE_BY_CASE, "case-by-case"
            reason += (f"; TPP {_n(tpp, rule.case_by_case_tpp_below)} < {_n(rule.case_by_case_tpp_below)} and bandwidth "
                       f"{_n(bw, rule.case_by_case_bandwidth_below)} < {_n(rule.case_by_case_bandwidth_below)} GB/s, sold in the US → case-by-case review")
        elif inside:
            status = CONTROLLED
            reason += "; inside the case-by-case lines, but not commercially available in the US → presumption of denial"
        else:
            status = CONTROLLED
            reason += "; outside the case-by-case window → presumption of denial"
    return Classification(status, eccn, reason, tpp, pd, prong)


def _base_status(chip: Chip, rule: Rule, tpp: float, pd: float | None) -> tuple:
    T = rule.tpp_threshold
    if rule.interconnect_threshold_gbps is not None:
        if tpp < T:
            return NOT_CONTROLLED, None, f"TPP {_n(tpp, T)} < {_n(T)}", "none"
        ic = _require(chip.interconnect_gbps, "interconnect_gbps", chip, rule)
        if ic >= rule.interconnect_threshold_gbps:
            return (CONTROLLED, "3A090", f"TPP {_n(tpp)} ≥ {_n(T)} and interconnect {_n(ic)} ≥ "
                    f"{_n(rule.interconnect_threshold_gbps)} GB/s", "interconnect")
        return (NOT_CONTROLLED, None, f"TPP {_n(tpp)} ≥ {_n(T)} but interconnect {_n(ic, rule.interconnect_threshold_gbps)} < "
                f"{_n(rule.interconnect_threshold_gbps)} GB/s", "none")
    if tpp >= T:
        if not chip.datacenter:
            return (GRAY_ZONE, "3A090.a", f"TPP {_n(tpp)} ≥ {_n(T)}; not a datacenter chip, so eligible for "
                    "License Exception NAC (notification)", "non-datacenter")
        return CONTROLLED, "3A090.a", f"TPP {_n(tpp)} ≥ {_n(T)}", "tpp"
    if not chip.datacenter:
        return NOT_CONTROLLED, None, f"TPP {_n(tpp, T)} < {_n(T)} and not a datacenter chip (PD prongs do not apply)", "none"
    if rule.density_threshold is None or tpp < min(rule.density_tpp_floor, rule.gray_tpp_low):
        return NOT_CONTROLLED, None, f"TPP {_n(tpp, min(T, rule.density_tpp_floor or T))} < {_n(min(T, rule.density_tpp_floor or T))}", "none"
    if chip.planar:
        return NOT_CONTROLLED, None, f"TPP {_n(tpp, T)} < {_n(T)}; planar node, so no performance density", "none"
    pd = _require(pd, "die_area_mm2", chip, rule)
    D = rule.density_threshold
    if tpp >= rule.density_tpp_floor and pd >= D:
        return (CONTROLLED, "3A090.a", f"TPP {_n(tpp)} ≥ {_n(rule.density_tpp_floor)} and PD {pd:.2f} ≥ {D:.2f}",
                "density")
    if rule.gray_tpp_low <= tpp < T and rule.gray_density_low <= pd < D:
        return (GRAY_ZONE, "3A090.b", f"{_n(rule.gray_tpp_low)} ≤ TPP {_n(tpp, T)} < {_n(T)} and "
                f"{rule.gray_density_low:.2f} ≤ PD {_n(pd, D, 2)} < {D:.2f}", "gray-zone")
    if tpp >= rule.density_tpp_floor and rule.gray_b2_density_low <= pd < D:
        return (GRAY_ZONE, "3A090.b", f"TPP {_n(tpp)} ≥ {_n(rule.density_tpp_floor)} and "
                f"{rule.gray_b2_density_low:.2f} ≤ PD {_n(pd, D, 2)} < {D:.2f}", "gray-zone")
    return (NOT_CONTROLLED, None, f"TPP {_n(tpp, T)} < {_n(T)} and PD {_n(pd, min(rule.gray_b2_density_low, D), 2)} < "
            f"{min(rule.gray_b2_density_low, D):.2f}",
            "none")


def classify_or_unknown(chip: Chip, rule: Rule) -> Classification:
    """``classify``, but a missing figure gives status ``unknown`` with the reason (for tables)."""
    try:
        return classify(chip, rule)
    except MissingSpecError as exc:
        return Classification(UNKNOWN, None, getattr(exc, "words", str(exc)), chip.tpp, chip.density, "none")


def rule_in_force(month: str) -> Rule | None:
    """The real vintage in force in ``month`` ["YYYY-MM"], or None before Oct 2022."""
    current = None
    for rule in RULES.values():
        if rule.effective <= month:
            current = rule
    return current
