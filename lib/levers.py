"""Every numeric scenario parameter: its unit, allowed range, help, named reference points and uncertainty.

Values live in the scenario files (``scenarios/*.toml``), each with its source comment on its line;
this table says what a value means and what is allowed. The contract levers keep their names as
slider keys, URL parameters and the CLI's ``--set`` keys. Every lever has reference points: named
positions (En-ROADS style bands) that the app shows beside the slider.
"""

from __future__ import annotations

import math

from dataclasses import dataclass

from .errors import ScenarioError, suggest
from .gate import plain_number, excerpt, parse_number


@dataclass(frozen=True)
class Uncertainty:
    """How Monte Carlo draws a lever around its current value.

    ``kind`` is ``"relative"`` (low and high multiply the current value) or ``"absolute"`` (low and high
    are added to it). ``distribution`` is ``"triangular"`` (mode at the current value) or ``"loguniform"``
    (for relative spreads spanning a factor of several).
    """

    low: float
    high: float
    kind: str
    distribution: str
    basis: str


@dataclass(frozen=True)
class Lever:
    name: str
    label: str
    unit: str
    minimum: float
    maximum: float
    step: float
    group: str
    tier: str  # "basic", "advanced" or "expert"
    help: str
    reference_points: tuple = ()
    log_scale: bool = False
    integer: bool = False
    uncertainty: Uncertainty | None = None
    monotone: int = 0  # +1: raising it never lowers ``monotone_output``; -1: never raises it
    # No promise (0) for HBM supply (imports, the surge, leaking imports): with the die bank the only logic, more HBM
    # packages its dies into two-die HBM chips (910C) rather than one-die chips, so fewer accelerators are counted
    # (hypothesis found 9.266M → 9.260M from 2023 for baidu-2023 with no SMIC wafers), though more compute.
    # No promise (0) for the wafers (and their growth), the yield, the die bank and domestic HBM: more of them makes more
    # chips in the year they act, which burns the HBM stockpile sooner on chips that may retire before the horizon
    # (tested per year), and more SMIC dies tilt the pool towards its non-HBM chips, which an actor's mix follows. HBM
    # imports promise more national output summed from 2023, not within the scenario's own window and not more for
    # the actor: more HBM draws the die bank sooner, which can move output out of a later window (hypothesis found
    # 910k → 586k for china-2026 from 2026), in months whose surplus goes to other buyers.
    monotone_output: str = "h100e_end"
    policy_range: tuple | None = None  # (low, high): the plausible policy range the tornado swings it over

    def check(self, value, where: str = "") -> float:
        """Parse and range-check a value (files and flags: refuse). Raises ScenarioError naming the lever."""
        number, _ = parse_number(value, f"{where}{self.name}", self.minimum, self.maximum, integer=self.integer,
                                 unit=self.unit)
        return number

    def parse_link(self, value, where: str = "URL parameter ") -> tuple[float, str]:
        """Parse a value from a link as the page's control holds it: out of range or between whole numbers is
        clamped, and a value between a linear slider's steps goes to the nearest step, each with a notice."""
        number, notice = parse_number(value, f"{where}{self.name}", self.minimum, self.maximum,
                                      integer=self.integer, unit=self.unit, clamp=True)
        stepped = self.on_step(number)
        if not notice and not math.isclose(stepped, number, rel_tol=1e-12, abs_tol=1e-12):
            notice = (f"{where}{self.name}: {number:g} is between the slider's steps (allowed: steps of "
                      f"{self.step:g} from {self.minimum:g}); used {stepped:g}.")
        return stepped, notice

    def on_step(self, value: float) -> float:
        """The value as the page's control holds it [the lever's unit]: whole numbers for integer levers, the step
        grid from the minimum for linear sliders; log sliders take any value (it joins their options)."""
        if self.integer:
            return float(round(value))
        if self.log_scale:
            return float(value)
        steps = round((value - self.minimum) / self.step)
        return float(round(self.minimum + steps * self.step, 10))

    def allowed(self) -> str:
        kind = "whole numbers " if self.integer else ""
        return f"{kind}{plain_number(self.minimum)} to {plain_number(self.maximum)} [{self.unit}]"

    def clamp(self, number: float) -> float:
        return min(self.maximum, max(self.minimum, number))

    def band(self, value: float, rel_tol: float = 0.02) -> str | None:
        """The name of the reference point ``value`` sits on, if any."""
        for point, name in self.reference_points:
            if value == point or (point != 0 and abs(value - point) <= rel_tol * abs(point)):
                return name
        return None


def _u(low, high, kind="relative", distribution="triangular", basis=""):
    return Uncertainty(low, high, kind, distribution, basis)


RULES_GROUP, ENFORCEMENT, SUBSTITUTION, IMPORTS = "Export rules", "Enforcement", "Substitution", "Foreign supply"
DOMESTIC, HBM, DEMAND, FRONTIER, CAPABILITY = ("Domestic supply", "HBM", "Demand and fleet", "Frontier", "Capability")
WORLD = "World and US"
GATE = "China's gate"
US_LICENCE = "US licence"

US_ALLOWS = {"us_allows_h200": ("H200",), "us_allows_b30a": ("B30A",), "us_allows_b300": ("B300",)}
"""Switch levers → the chips the US licenses regardless of the rule from ``what_if_from`` when the switch is 1."""

_LEVER_LIST = (
    # ---- export rules -----------------------------------------------------------------------
    Lever("tpp_threshold", "TPP threshold (3A090.a)", "TPP", 0, 50_000, 100, RULES_GROUP, "basic",
          "Chips at or above this Total Processing Performance are controlled (the 3A090.a TPP prong of the what-if "
          "rule). 88 FR 73458 set it at 4,800 [K97].",
          ((1_600, "PD-prong floor"), (2_368, "H20"), (4_800, "Oct 2023 line"), (15_832, "H100 / H200"),
           (21_000, "Jan 2026 ceiling"), (36_000, "B200")), monotone=+1, policy_range=(1_600, 21_000)),
    Lever("density_threshold", "Performance-density threshold", "TPP/mm²", 0, 50, 0.01, RULES_GROUP, "basic",
          "Datacenter chips with TPP ≥ 1,600 and density at or above this are controlled (3A090.a). Not used by the "
          "Oct 2022 vintage. 88 FR 73458 set it at 5.92 [K97]. It holds the H100, H800 and H200 (PD 19.45) whatever "
          "the TPP line, so raising the TPP threshold alone frees none of them.",
          ((2.91, "H20"), (3.2, "gray-zone b.2 floor"), (5.92, "Oct 2023 line"), (19.45, "H100 / H200")),
          monotone=+1, policy_range=(3.2, 20)),
    Lever("case_by_case_tpp_below", "Case-by-case window: TPP below", "TPP", 0, 60_000, 100, RULES_GROUP, "advanced",
          "Jan 2026 policy: licence applications for chips sold in the US with TPP below this line (and bandwidth "
          "below the next lever) are reviewed case by case instead of denied [K71]. Applies where the rule vintage "
          "has the window (Jan 2026). 0 closes the window; raise it past 36,000 to let Blackwell in.",
          ((0, "no window"), (15_832, "H200"), (21_000, "Jan 2026 line"), (36_000, "B200")),
          monotone=+1, policy_range=(0, 40_000)),
    Lever("case_by_case_bandwidth_below", "Case-by-case window: DRAM bandwidth below", "GB/s", 0, 20_000, 100,
          RULES_GROUP, "advanced",
          "The window's second line: total DRAM bandwidth below this [K71].",
          ((4_800, "H200"), (6_500, "Jan 2026 line"), (8_000, "B200")), monotone=+1, policy_range=(4_000, 9_000)),
    Lever("informed_memory_bandwidth_gbps", "Is-informed line: memory bandwidth", "GB/s", 0, 20_000, 100, RULES_GROUP,
          "advanced",
          "Apr 2025 letters: datacenter chips reaching the H20's memory bandwidth need a licence [K10]. Applies from "
          "the Apr 2025 vintage. Raise it to free the H20.",
          ((3_350, "H100"), (4_000, "H20 (Apr 2025)"), (20_000, "off")), monotone=+1, policy_range=(3_000, 20_000)),
    Lever("informed_interconnect_gbps", "Is-informed line: interconnect", "GB/s", 0, 5_000, 10, RULES_GROUP, "advanced",
          "Apr 2025 letters: the same for the H20's 900 GB/s interconnect [K10][K2].",
          ((400, "A800 / H800"), (900, "H20 (Apr 2025)"), (5_000, "off")), monotone=+1, policy_range=(400, 5_000)),
    # ---- enforcement ------------------------------------------------------------------------
    Lever("leakage", "Leakage (smuggling)", "share 0–1", 0, 1, 0.01, ENFORCEMENT, "basic",
          "Share of the foreign demand a rule blocks that still arrives, smuggled. It acts once on each unit "
          "demanded. Epoch puts 2024 smuggling at 171k chips (69k–451k) [K102]; at China's $15B budget that is a "
          "share of ~0.34. CNAS: 10k to several hundred k, median ~140k [K19].",
          ((0.0, "perfect enforcement"), (0.05, "Baidu default"), (0.34, "China: Epoch 2024"), (0.9, "Epoch's high")),
          uncertainty=_u(0.4, 2.6, distribution="loguniform",
                         basis="Epoch's 2024 range 69k–451k around 171k [K102]: ×0.4 to ×2.6"),
          monotone=+1, policy_range=(0.0, 0.9)),
    # ---- the US licence: the analyst's first question ("what if the US allowed the H200 or the B30A?") --------
    Lever("us_allows_h200", "US allows the H200", "switch 0/1", 0, 1, 1, US_LICENCE, "basic",
          "1: from the what-if month, the H200 is licensed to China regardless of the rule (as in Dec 2025 for "
          "approved customers [K14]), and NVIDIA's Mar 2026 halt [K18] is lifted. China's gate still applies.",
          ((0.0, "rule as in force"), (1.0, "allowed")), integer=True, monotone=+1, policy_range=(0.0, 1.0)),
    Lever("us_allows_b30a", "US allows the B30A", "switch 0/1", 0, 1, 1, US_LICENCE, "basic",
          "1: from the what-if month, the B30A (about half a B300 [K108]) is sold to China. The White House refused "
          "it in Nov 2025 [K108]; IFP puts the US lead under 4× with B30A exports [K54]. China's gate still applies.",
          ((0.0, "refused (Nov 2025)"), (1.0, "allowed")), integer=True, monotone=+1, policy_range=(0.0, 1.0)),
    Lever("us_allows_b300", "US allows the B300", "switch 0/1", 0, 1, 1, US_LICENCE, "basic",
          "1: from the what-if month, the B300 (Blackwell Ultra [K108]) is sold to China. Blackwell was excluded from "
          "the Dec 2025 H200 decision [K14]. China's gate still applies.",
          ((0.0, "excluded"), (1.0, "allowed")), integer=True, monotone=+1, policy_range=(0.0, 1.0)),
    Lever("approval_share", "Licence approval share", "share 0–1", 0, 1, 0.01, ENFORCEMENT, "basic",
          "Share of licence applications granted for chips under case-by-case review or NAC notification. "
          "No H200 deliveries had occurred by May 2026 [K18].",
          ((0.0, "none approved"), (0.1, "Baidu default"), (0.5, "half"), (1.0, "all approved")),
          uncertainty=_u(-0.2, 0.2, kind="absolute", basis="Assumption: ±0.2; Grunewald's 90% CI on 2026 legal imports is 0–300k around 230k [K26]"),
          monotone=+1, policy_range=(0.0, 1.0)),
    Lever("h200_approval_share", "US approval: H200 and H100", "share 0–1", 0, 1, 0.01, ENFORCEMENT, "basic",
          "Share of licence applications the US grants for the H200 and H100 under the Jan 2026 case-by-case "
          "policy (from Jan 15 2026). Trump allowed the H200 to approved customers [K14]; BIS said 'zero so far' in "
          "Feb 2026 [K115].",
          ((0.0, "none granted"), (1.0, "approved customers (default)")), monotone=+1, policy_range=(0.0, 1.0)),
    Lever("h20_approval_share", "US approval: H20 (2025 licences)", "share 0–1", 0, 1, 0.01, ENFORCEMENT, "advanced",
          "Share of H20 licence applications granted from Aug 2025, when the US reversed the Apr 2025 halt on "
          "condition of a 15% revenue share [K12].",
          ((0.0, "none"), (1.0, "granted (default)")), monotone=+1, policy_range=(0.0, 1.0)),
    Lever("h200_fee", "Fee on H200 and H100 sales", "share of price", 0, 1, 0.01, ENFORCEMENT, "advanced",
          "The 25% the US takes on H200 sales to China [K14], levied as a Section 232 duty from Jan 15 2026 [K16]. "
          "It raises the price China pays by this share (Assumption: passed on in full), so a budget buys fewer.",
          ((0.0, "none"), (0.25, "Dec 2025 terms")), monotone=-1, policy_range=(0.0, 0.5)),
    Lever("h20_fee", "Fee on H20 sales", "share of price", 0, 1, 0.01, ENFORCEMENT, "advanced",
          "The 15% of China revenue NVIDIA agreed to pay on H20 sales from Aug 2025 [K12]; never codified, and no "
          "payment is reported [K11]. Raises the price China pays (Assumption: passed on in full).",
          ((0.0, "none"), (0.15, "Aug 2025 terms")), monotone=-1, policy_range=(0.0, 0.5)),
    Lever("china_accepts_hopper", "China accepts: H200 and H100", "share 0–1", 0, 1, 0.01, GATE, "basic",
          "Share of the H200s and H100s the US licenses that Chinese buyers may and will take, from Jan 2026. "
          "Customs blocked H200 imports on Jan 14 2026 [K113]; Beijing approved >400k with conditions on Jan 28 "
          "[K114]; none had been delivered by May 2026 [K18]. 0: approval is not delivery.",
          ((0.0, "customs block (default)"), (0.5, "half"), (1.0, "open")), monotone=+1, policy_range=(0.0, 1.0)),
    Lever("china_accepts_h20", "China accepts: H20", "share 0–1", 0, 1, 0.01, GATE, "advanced",
          "Share of licensed H20s Chinese buyers take from Aug 2025, when the CAC and MIIT discouraged purchases "
          "[K13]: NVIDIA sold ~$50M of H20 in Aug–Oct 2025 [K119] against $4.6B in Feb–Apr [K120], about 1%.",
          ((0.0, "refused"), (0.01, "measured: ~1%"), (1.0, "open")), monotone=+1, policy_range=(0.0, 1.0)),
    Lever("china_accepts_blackwell", "China accepts: Blackwell (B30A, B300, B200)", "share 0–1", 0, 1, 0.01, GATE,
          "basic",
          "Share of the Blackwell chips the US would license (none so far) that Chinese buyers would take. No Chinese "
          "measure names them; the CAC stopped RTX Pro 6000D purchases (Sep 2025) [K117], and buyers sought B30A "
          "samples [K108] (Assumption: accepted).",
          ((0.0, "refused"), (1.0, "accepted (default)")), monotone=+1, policy_range=(0.0, 1.0)),
    Lever("remote_access", "Remote access (rented abroad)", "chips per year", 0, 1_000_000, 100, ENFORCEMENT, "basic",
          "Accelerators' worth of compute the actor starts renting abroad each year (cloud fronts, SE Asian data "
          "centres), the best chip on offer. It trains models, so it counts in the largest run, the runway and the "
          "gap, but it is not owned: it is reported on its own, not in the stock. Zero is the Remote Access Security "
          "Act's aim [K74].",
          ((0, "closed"), (1_600, "CNAS low"), (18_000, "CNAS cloud-front median"), (200_000, "CNAS high"),
           (250_000, "ByteDance–Oracle plan (B300e)")), log_scale=True,
          uncertainty=_u(0.1, 10, distribution="loguniform", basis="cloud-front Monte Carlo: median 18k/yr, 95% CI 1.6k–200k [K19c]"),
          monotone=+1, monotone_output="largest_run_flop_end", policy_range=(0, 200_000)),
    Lever("rented_cluster_h100e", "Rented cluster abroad", "H100e", 0, 2_000_000, 1_000, ENFORCEMENT, "basic",
          "A cluster rented abroad and used whole for one run, from the start of the projection (unlike scattered "
          "rentals, which add compute but not one run). The ByteDance–Oracle plan in South-East Asia is ~250k "
          "B300e (≈632k H100e) [K26]; the Remote Access Security Act would close it [K74].",
          ((0, "none (default)"), (100_000, "a 40k-B300 site"), (632_000, "ByteDance–Oracle plan")), log_scale=True,
          uncertainty=_u(0.5, 1.5, basis="Assumption: ×0.5–×1.5 around the value set (0 stays 0: whether any "
                         "rented cluster carries one run is the lever's question, not a spread)"),
          monotone=+1, monotone_output="largest_run_flop_end", policy_range=(0, 632_000)),
    Lever("licensed_cap_chips", "Licensed-volume cap (all of China)", "chips per year", 0, 5_000_000, 1_000, ENFORCEMENT,
          "advanced",
          "Jan 2026 condition: licensed China shipments stay at or below 50% of US shipments [K71][K16]. The actor "
          "gets its national share of it. Applies where the rule vintage has the condition (Jan 2026).",
          ((300_000, "Grunewald: legal 2026 upper (B300e)"), (500_000, "default"), (5_000_000, "no cap")),
          log_scale=True, monotone=+1, policy_range=(100_000, 2_000_000)),
    Lever("front_running_surge", "Front-running surge", "× extra budget", 0, 5, 0.1, ENFORCEMENT, "expert",
          "Extra budget spent in the notice months before a what-if rule starts (announcement-to-enforcement surge).",
          ((0.0, "none"), (1.0, "double")), monotone=+1),
    Lever("what_if_notice_months", "Notice before the what-if rule", "months", 0, 24, 1, ENFORCEMENT, "expert",
          "Months between the what-if rule's announcement and its start; the surge applies in them. HBM: ~4 months "
          "from leak to rule [K8].", ((0, "none"), (1, "Oct 2023: one month"), (4, "HBM 2024 leak")), integer=True),
    # ---- substitution -----------------------------------------------------------------------
    Lever("training_substitution", "Training substitution", "910B per H100", 0.5, 10, 0.1, SUBSTITUTION, "basic",
          "Ascend 910B chips needed to replace one H100 in training: 1 ÷ (spec ratio 0.317 × software efficiency). "
          "Every domestic chip scales from the 910B by its own specs (a 910C counts 2.55 910B). The default's software "
          "efficiency 0.7 (CANN, PaddlePaddle's port) sets the 910C at ≈0.57 H100e [K62][K63].",
          ((3.2, "910C 0.8 H100e: optimistic"), (4.0, "Huawei: 80% of A100"), (4.5, "central: efficiency 0.7"),
           (7.3, "910C 0.35 H100e: pessimistic")),
          uncertainty=_u(0.7, 1.6, basis="calibration: 910C 0.35/0.55/0.8 H100e for training [K62][K63]"), monotone=-1),
    Lever("inference_substitution", "Inference substitution", "910B per H100", 0.5, 10, 0.1, SUBSTITUTION, "basic",
          "910B chips needed to replace one H100 for decode, which is memory-bandwidth-bound: 1 ÷ (bandwidth ratio "
          "0.478 × efficiency 0.65), so a 910C is ≈0.62 H100e [K36][K39b].",
          ((2.2, "910C 0.9 H100e: optimistic"), (3.2, "central: efficiency 0.65"), (5.0, "910C 0.4 H100e: pessimistic")),
          uncertainty=_u(0.69, 1.56, basis="calibration: 910C 0.4/0.6/0.9 H100e for inference [K36][K36b]"),
          monotone=-1, monotone_output="h100e_inference_end"),
    # ---- foreign supply ---------------------------------------------------------------------
    Lever("import_budget", "Import budget", "USD per year", 0, 1e11, 1e6, IMPORTS, "basic",
          "Spending per year on foreign chips. Each unit of demand goes to the best chip on the list; if the rule "
          "blocks it, a leakage share is smuggled once and the rest falls to the best licensable, then the best free "
          "chip. Budget nothing can serve is not spent.",
          ((61.83e6, "Baidu's 910B order"), (1e9, "big-4 A800 order 2023"), (12e9, "H20 sales to China 2024")),
          log_scale=True, monotone=+1),
    Lever("foreign_supply_cap", "Foreign supply cap", "chips per year", 0, 1e8, 1_000, IMPORTS, "expert",
          "Most foreign chips per year the actor can obtain, whatever the budget. While it binds, every chip bought is "
          "scaled alike, and the monotonicity of the other levers is no longer guaranteed.",
          ((1_000_000, "H20 to China 2024"), (1e8, "not binding")), log_scale=True),
    # ---- domestic supply --------------------------------------------------------------------
    Lever("domestic_supply", "Domestic demand", "chips per year", 0, 5_000_000, 1_000, DOMESTIC, "basic",
          "Domestic accelerators per year the actor wants at the start. It gets the smaller of this and its share of "
          "national output, split by its own domestic mix.",
          ((1_600, "Baidu's 910B order"), (30_000, "Baidu P800 cluster"), (200_000, "US Commerce: Huawei 2025 ceiling"),
           (805_000, "SemiAnalysis: Ascend 2025"), (5_000_000, "unbounded")), log_scale=True,
          uncertainty=_u(0.5, 2.0, distribution="loguniform", basis="Assumption: ×0.5–×2 around the actor's plans"),
          monotone=+1),
    Lever("domestic_growth", "Domestic demand growth", "× per year", 0.5, 5, 0.05, DOMESTIC, "advanced",
          "Yearly growth of the actor's demand for domestic chips.",
          ((1.0, "flat"), (1.33, "SMIC 7 nm 45k→60k→80k wpm [K8]"), (1.5, "Baidu: 1M-card clusters by 2030 [K43b]"),
           (2.0, "Bloomberg: 910C 2025→2026 doubling [K25b]")),
          uncertainty=_u(0.75, 1.25, basis="Assumption: ±25%"), monotone=+1),
    Lever("national_share", "Share of national output", "share 0–1", 0, 1, 0.01, DOMESTIC, "basic",
          "The actor's share of China's domestic accelerator output and of the licensed-volume cap.",
          ((0.1, "Baidu: Kunlun ~70k of ~620k in 2024"), (1.0, "all of China")),
          uncertainty=_u(0.5, 1.5, basis="Assumption: ×0.5–×1.5 around the share"), monotone=+1),
    Lever("other_vendors_share", "Share of other vendors' output", "share 0–1", 0, 1, 0.01, DOMESTIC, "advanced",
          "The actor's share of what China's other domestic vendors make (T-Head, Hygon, MetaX, Moore Threads and "
          "the rest: ~606k in 2025 by IDC [K76]). 1 for all of China; 0 for a firm with its own chips.",
          ((0.0, "none"), (1.0, "all of China")), monotone=+1),
    Lever("other_vendors_growth", "Other vendors' growth", "× per year", 0.5, 4, 0.05, DOMESTIC, "advanced",
          "Yearly growth of the other domestic vendors' output after 2025: 275k in 2024 to 606k in 2025 by IDC "
          "[K98][K76] is 2.2×; Cambricon plans ~500k in 2026 [K25c].",
          ((1.0, "flat"), (1.3, "default (Assumption)"), (2.2, "2024→25 pace")),
          uncertainty=_u(0.8, 1.5, basis="Assumption: 1.0–2.0×/yr around 1.3; IDC's 2024→25 pace was 2.2× [K98][K76]"),
          monotone=+1),
    Lever("logic_wafers_per_month", "AI wafers at SMIC (Dec 2025)", "wafers per month", 0, 200_000, 100, DOMESTIC,
          "advanced",
          "Advanced-node (7 nm-class) wafers per month making AI accelerators in Dec 2025; other months follow the "
          "growth lever. Each gives 78 910B-sized die sites [K25].",
          ((7_000, "Morgan Stanley: to Ascend, end-2025"), (45_000, "SemiAnalysis: all SMIC 7 nm, end-2025")),
          log_scale=True, uncertainty=_u(0.6, 1.5, basis="Assumption: MS's 7k is one bank's estimate [K25]"), monotone=0),
    Lever("logic_wafer_growth", "AI wafer growth", "× per year", 0.5, 4, 0.05, DOMESTIC, "advanced",
          "Yearly growth of those wafers, before and after Dec 2025.",
          ((1.33, "SemiAnalysis: 45k→60k→80k wpm [K8]"), (2.0, "SMIC doubling N+2 in 2026 [K25d]")),
          uncertainty=_u(0.85, 1.3, basis="between SemiAnalysis's 1.33× and the reported 2× [K8][K25d]"), monotone=0),
    Lever("logic_yield", "Logic die yield", "share 0–1", 0.05, 1, 0.01, DOMESTIC, "advanced",
          "Share of 910B-sized die sites that yield a good die. More dies early burn the HBM stockpile sooner, so the "
          "horizon figures can fall a little even as that year's output rises.",
          ((0.3, "Morgan Stanley: end-2025"), (0.4, "upper quote [K25d]"), (0.8, "TSMC")),
          uncertainty=_u(-0.1, 0.1, kind="absolute", basis="30–40% quoted [K25][K25d]; ±0.1"), monotone=0),
    Lever("die_bank_dies", "TSMC die bank", "dies", 0, 10_000_000, 10_000, DOMESTIC, "advanced",
          "Ascend logic dies TSMC made through a proxy until its Nov 2024 halt, drawn down from 2025 [K8][K28]. More "
          "dies make more chips in 2025 and burn the HBM stockpile sooner.",
          ((0, "none"), (2_000_000, "CSIS: >2M"), (2_900_000, "SemiAnalysis: >2.9M")), log_scale=True,
          uncertainty=_u(0.7, 1.1, basis="CSIS >2M vs SemiAnalysis >2.9M [K28][K8]"), monotone=0),
    Lever("stock_draw_months", "Stockpile draw-down time", "months", 1, 60, 1, DOMESTIC, "advanced",
          "A stockpile of dies or HBM stacks is drawn at most 1/this of what is left each month: packaging and test "
          "take time, and a maker spreads a finite stockpile. 1 burns it at once.",
          ((1, "at once"), (12, "a year"), (18, "SemiAnalysis: half the HBM in 2025"), (24, "two years")),
          uncertainty=_u(-6, 6, kind="absolute", basis="12–24 months around the 18 derived from SemiAnalysis [K8]"),
          monotone=0),
    # ---- HBM --------------------------------------------------------------------------------
    Lever("hbm_imports_after_control", "HBM imports after the control", "stacks per year", 0, 20_000_000, 10_000, HBM,
          "basic",
          "HBM stacks still reaching China each year after the HBM control: smuggling, gray channels. SemiAnalysis: "
          "HBM binds in 2026 'unless smuggling or CXMT fills the gap' [K8]; TechInsights found Korean HBM in 910C "
          "samples [K29].",
          ((0, "sealed"), (1_000_000, "leaky"), (2_400_000, "300k 910C a year")),
          uncertainty=_u(0, 1_000_000, kind="absolute", basis="Assumption: 0 to 1M stacks a year"),
          policy_range=(0, 2_400_000), log_scale=True),
    Lever("hbm_imports_per_month", "HBM imports before the control", "stacks per month", 0, 2_000_000, 10_000, HBM,
          "advanced",
          "Stacks entering China each month from 2023 until the control, besides the surge.",
          ((260_000, "SemiAnalysis: (13M − 7M) over 23 months"),),
          uncertainty=_u(0.5, 1.3, basis="calibration: 8–15M stacks in all [K8]"), log_scale=True),
    Lever("hbm_front_running_stacks", "HBM surge before the control", "stacks", 0, 20_000_000, 100_000, HBM, "advanced",
          "Stacks bought in the month before the control takes effect (front-running).",
          ((0, "none"), (7_000_000, "SemiAnalysis: Dec 2024")),
          uncertainty=_u(0.7, 1.15, basis="~7M of 13M arrived between Dec 2 and Dec 31 2024 [K8]"), log_scale=True),
    Lever("domestic_hbm_stacks_per_year", "Domestic HBM (2026)", "stacks per year", 0, 50_000_000, 10_000, HBM, "advanced",
          "HBM stacks made in China in 2026 (CXMT, Huawei's HiBL), from mid-2025, growing at the next lever.",
          ((0, "none"), (2_000_000, "SemiAnalysis: CXMT 2026"), (6_000_000, "750k 950PR in 2026 [K18]")), log_scale=True,
          uncertainty=_u(0.3, 2.0, distribution="loguniform", basis="Assumption: ×0.3–×2 around SemiAnalysis's ~2M for 2026 [K8]; CXMT mass production slipped past H1 2026 [K85]"),
          monotone=0),
    Lever("domestic_hbm_growth", "Domestic HBM growth", "× per year", 0.5, 5, 0.05, HBM, "advanced",
          "Yearly growth of domestic HBM output.", ((1.0, "flat"), (1.5, "default"), (2.0, "doubling")),
          uncertainty=_u(0.8, 1.3, basis="Assumption"), monotone=+1),
    # ---- demand and fleet -------------------------------------------------------------------
    Lever("lifetime_years", "Useful life", "years", 1, 10, 0.5, DEMAND, "basic",
          "Years an accelerator stays in service before retirement (failures come on top).",
          ((3, "Nebius book life"), (5, "Amazon, Lambda"), (6, "Microsoft, Google, CoreWeave")),
          uncertainty=_u(-2, 2, kind="absolute", basis="calibration: 3/5/7 years [K65][K66]"), monotone=+1),
    Lever("demand_growth", "Planned-run growth", "× per year", 1, 10, 0.1, DEMAND, "basic",
          "Yearly growth of the actor's planned training run.",
          ((2.0, "slow follower"), (3.0, "Chinese models: ~3×/yr (Epoch)"), (4.5, "frontier pace"), (5.0, "Epoch frontier")),
          uncertainty=_u(0.8, 1.25, basis="Assumption: ±25% around the chosen pace")),
    Lever("planned_run_flop", "Planned run at start", "FLOP", 1e21, 1e29, 1e22, DEMAND, "advanced",
          "Size of the training run the actor plans at the start; grows at planned-run growth.",
          ((3.3e24, "DeepSeek-V3"), (2.1e25, "GPT-4"), (3.8e25, "Llama 3.1 405B")), log_scale=True,
          uncertainty=_u(0.5, 2.0, distribution="loguniform", basis="Assumption: ERNIE compute is undisclosed [K60]")),
    Lever("inference_demand_tokens_per_day", "Inference demand at start", "tokens per day", 1e9, 1e17, 1e9, DEMAND,
          "advanced",
          "Decode tokens per day the actor must serve at the start; grows at the next lever. The inference runway "
          "is the months until demand exceeds serving capacity.",
          ((1e12, "~1B API calls/day × 1k tokens"), (1e13, "Assumption: Baidu 2023"), (1e14, "Assumption: China 2026")),
          log_scale=True, uncertainty=_u(0.5, 2.0, distribution="loguniform", basis="Assumption: no public token counts")),
    Lever("inference_demand_growth", "Inference demand growth", "× per year", 1, 20, 0.1, DEMAND, "advanced",
          "Yearly growth of the tokens the actor must serve.", ((2.0, "slow"), (3.0, "default"), (10.0, "agentic boom")),
          uncertainty=_u(0.7, 1.5, basis="Assumption")),
    Lever("failure_rate", "Failure rate", "share per year", 0, 0.5, 0.005, DEMAND, "expert",
          "Share of chips lost to unrepairable faults per year, on top of end-of-life retirement.",
          ((0.02, "default (Assumption)"), (0.09, "fault events, Llama 3 [K57]")), monotone=-1),
    Lever("initial_stock_age_years", "Mean age of the starting stock", "years", 0, 10, 0.25, DEMAND, "expert",
          "The starting stock retires evenly between (life − 2 × age) and life years after the start.",
          ((0.0, "new"), (1.0, "bought over two years")), monotone=-1),
    # ---- frontier ---------------------------------------------------------------------------
    Lever("frontier_growth", "Frontier growth", "× per year", 2, 10, 0.1, FRONTIER, "advanced",
          "Yearly trend growth of the largest frontier training run, slowing smoothly towards the feasibility "
          "ceiling. It is also the unit of the compute gap (years of the frontier's trend). Assumption: at least "
          "2×/yr, half AI 2027's world-compute growth [K70]; a frontier that stops is the ceiling lever's job.",
          ((3.0, "Chinese models (Epoch)"), (4.0, "Epoch: historical low"), (4.5, "default"), (5.0, "Epoch: frontier")),
          uncertainty=_u(0.89, 1.11, basis="Epoch: 4–5×/yr [K72]")),
    Lever("frontier_anchor_flop", "Frontier anchor run", "FLOP", 1e23, 1e28, 1e23, FRONTIER, "expert",
          "Frontier run size at the anchor month.", ((2.1e25, "GPT-4, Mar 2023"),), log_scale=True),
    Lever("frontier_ceiling_flop", "Frontier ceiling", "FLOP", 1e26, 1e31, 1e26, FRONTIER, "advanced",
          "The frontier stops growing here: Epoch finds runs of ~2e29 FLOP feasible by 2030 (power, chips, data, "
          "latency) [K73]; 4.5×/yr from GPT-4 reaches it in 2029.",
          ((2e29, "Epoch: feasible by 2030"), (1e31, "no ceiling")), log_scale=True),
    # ---- algorithmic progress and catch-up --------------------------------------------------
    Lever("algorithmic_halving_months", "Algorithmic progress: halving time", "months", 2, 36, 0.1, FRONTIER,
          "advanced",
          "The compute needed to reach a given language-model performance halves every this many months at the "
          "frontier: Epoch, 8.4 months (95% CI 4.5–14.3) over 2012–2023 [K103]. It turns physical compute into "
          "effective compute, which sets the capability gap.",
          ((4.5, "Epoch 95% CI low"), (8.4, "Epoch central"), (14.3, "Epoch 95% CI high")),
          uncertainty=_u(0.536, 1.69, basis="Epoch 95% CI 4.52–14.27 months around 8.44 [K103]")),
    Lever("catch_up_lag_months", "Catch-up lag", "months", -24, 48, 1, FRONTIER, "advanced",
          "How many months after the frontier the follower uses its methods (papers, open weights, distillation "
          "[K75]). 0: at once; negative: ahead on efficiency. Sets how far the capability gap sits below the "
          "compute gap.",
          ((-6, "ahead on efficiency"), (0, "at once (default)"), (6, "half a year"), (12, "a year")),
          integer=True,
          uncertainty=_u(-6, 12, kind="absolute", basis="Assumption: −6 to +12 months; Epoch gives no lag [K75]")),
    # ---- capability -------------------------------------------------------------------------
    Lever("mfu", "Model FLOP utilisation", "share 0–1", 0.05, 1, 0.01, CAPABILITY, "expert",
          "Achieved ÷ peak FLOP/s in a training run on the H100-equivalent fleet.",
          ((0.34, "GPT-4 on A100"), (0.4, "Llama 3 on H100")), monotone=+1, monotone_output="largest_run_flop_end",
          uncertainty=_u(0.75, 1.25, basis="0.30–0.50: GPT-4 32–36% [K56], Llama 3 38–43% [K57b], Ascend 30–50% [K62]")),
    Lever("run_window_days", "Run window", "days", 7, 365, 1, CAPABILITY, "expert",
          "Length of the largest training run.", ((54, "Llama 3 405B"), (60, "DeepSeek-V3"), (90, "default"),
                                                 (95, "GPT-4")),
          monotone=+1, monotone_output="largest_run_flop_end",
          uncertainty=_u(0.6, 1.33, basis="54–120 days: Llama 3 54 [K57], DeepSeek-V3 ~60 [K58], GPT-4 90–100 [K56]")),
    Lever("training_share", "Fleet share for training", "share 0–1", 0.01, 1, 0.01, CAPABILITY, "advanced",
          "Share of the owned fleet kept for training; the rest serves inference. The largest run uses the leading "
          "lab's part of it that forms one cluster (next levers).",
          ((0.3, "inference-heavy"), (0.5, "half and half"), (0.7, "training-heavy")),
          uncertainty=_u(-0.15, 0.15, kind="absolute", basis="Assumption: ±0.15 around an even split")),
    Lever("lab_share", "Leading lab's share of the fleet", "share 0–1", 0.01, 1, 0.01, CAPABILITY, "advanced",
          "The share of the actor's fleet held by its leading lab, whose largest cluster sets the largest run. 1 for "
          "one firm; for all of China, the firm with the most chips: ByteDance and Tencent each bought ~230k of "
          "China's ~1M Hopper-class GPUs in 2024 (Omdia) [K23].",
          ((0.25, "ByteDance's share of 2024 Hoppers"), (0.5, "two labs"), (1.0, "one firm")),
          uncertainty=_u(0.6, 1.4, basis="Omdia 2024 purchases: ByteDance ~230k, Tencent ~230k of ~1M [K23]; ×0.6–×1.4"),
          monotone=+1, monotone_output="largest_run_flop_end"),
    Lever("cluster_share", "Cluster share", "share 0–1", 0.01, 1, 0.01, CAPABILITY, "basic",
          "Share of the leading lab's training chips that can work as one cluster (one site or interconnect "
          "domain). China's largest known cluster was ~30k H100e in Dec 2024 (Epoch, GPU clusters) [K104]; Baidu "
          "lit a 30k-chip P800 cluster in Apr 2025 [K43].",
          ((0.1, "scattered sites"), (0.3, "China: Epoch's 30k-H100e cluster"), (0.5, "two big sites"),
           (1.0, "one site")),
          uncertainty=_u(0.5, 2.0, distribution="loguniform",
                         basis="Assumption: ×0.5–×2; Epoch rounds Chinese clusters to one digit [K104]"),
          monotone=+1, monotone_output="largest_run_flop_end"),
    Lever("tokens_per_second_per_h100e", "Decode throughput per H100e", "tokens/s", 10, 100_000, 10, CAPABILITY,
          "expert", "Tokens per second one H100-equivalent serves for a 70B-class model.",
          ((3_000, "default (Assumption)"),), log_scale=True),
    # ---- the US side ----------------------------------------------------------------------------
    Lever("world_compute_growth", "World compute growth", "× per year", 1, 5, 0.05, WORLD, "advanced",
          "Yearly growth of the world's AI-compute stock (Epoch: ~15M H100e in Jan 2026 [K51]). AI 2027 projects "
          "2.25×/yr to Dec 2027 [K70]; Epoch measured 3.3×/yr (90% CI 2.7–4.1) over 2022–25 [K51].",
          ((2.25, "AI 2027 projection"), (3.3, "Epoch 2022–25")),
          uncertainty=_u(0.8, 1.47, basis="1.8–3.3×/yr: below AI 2027's 2.25 [K70] to Epoch's measured 3.3 [K51]")),
    Lever("us_share_of_world_compute", "US share of world compute", "share 0–1", 0, 1, 0.01, WORLD, "advanced",
          "The US share of the world's AI compute outside China: ~75% of GPU-cluster performance in May 2025 "
          "(Epoch) [K104]; SemiAnalysis: >70% of deployed FLOPs [K8].",
          ((0.7, "SemiAnalysis: >70%"), (0.75, "Epoch: ~75%")),
          uncertainty=_u(-0.07, 0.05, kind="absolute", basis="0.68–0.80: SemiAnalysis >70% [K8] to Epoch 75–78% [K104]")),
    Lever("export_diversion_share", "Exports taken from others' supply", "share 0–1", 0, 1, 0.01, WORLD, "advanced",
          "Of each chip legally exported to China, the share the rest of the world would otherwise have had. IFP: "
          "with TSMC the limit, B30A exports mean fewer chips for everyone else (1) [K54]; 0 if supply grows to meet "
          "China's orders.",
          ((0.0, "additive supply"), (0.5, "default (Assumption)"), (1.0, "IFP: TSMC-bound")),
          uncertainty=_u(-0.4, 0.4, kind="absolute", basis="Assumption: 0.1–0.9 around the middle")),
)

LEVERS: dict[str, Lever] = {lever.name: lever for lever in _LEVER_LIST}
CONTRACT_LEVERS = ("tpp_threshold", "density_threshold", "leakage", "training_substitution", "inference_substitution",
                   "domestic_supply", "domestic_growth", "import_budget", "lifetime_years", "demand_growth")
UNCERTAIN_LEVERS = tuple(name for name, lever in LEVERS.items() if lever.uncertainty is not None)
POLICY_LEVERS = tuple(name for name, lever in LEVERS.items() if lever.policy_range is not None)


LEVER_NAMES_HINT = f"one of {len(LEVERS)} lever names (python -m lib list levers prints them)"


def get_lever(name, field_name: str = "lever") -> Lever:
    if not isinstance(name, str) or name not in LEVERS:
        raise ScenarioError(f"{field_name}: unknown lever {excerpt(name)}{suggest(str(name), LEVERS)}; "
                            f"allowed: {LEVER_NAMES_HINT}")
    return LEVERS[name]
