"""Every numeric scenario parameter: its unit, allowed range, help, reference points and uncertainty.

Values live in the scenario files (``scenarios/*.toml``), each with its source comment on its line;
this table says what a value means and what is allowed. The first ten are the contract levers:
their names are the slider keys, the URL parameters and the CLI's ``--set`` keys. The others can be
set the same way and appear in the app's advanced and expert groups.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import ScenarioError, suggest


@dataclass(frozen=True)
class Uncertainty:
    """How Monte Carlo draws a lever around its current value.

    ``kind`` is ``"relative"`` (low and high multiply the current value) or ``"absolute"``
    (low and high are added to it). ``distribution`` is ``"triangular"`` (mode at the current
    value) or ``"loguniform"`` (for relative spreads spanning a factor of several).
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
    monotone: int = 0  # +1: raising it never lowers training H100e at the horizon; -1: never raises it

    def check(self, value, where: str = "") -> float:
        """Parse and range-check a value. Raises ScenarioError naming the lever."""
        field = f"{where}{self.name}"
        if isinstance(value, bool) or value is None:
            raise ScenarioError(f"{field}: {value!r} is not a number; allowed: {self.allowed()}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ScenarioError(f"{field}: {value!r} is not a number; allowed: {self.allowed()}") from None
        if not math.isfinite(number) or not (self.minimum <= number <= self.maximum):
            raise ScenarioError(f"{field}: {value!r} is out of range; allowed: {self.allowed()}")
        return number

    def allowed(self) -> str:
        return f"{_fmt(self.minimum)} to {_fmt(self.maximum)} [{self.unit}]"

    def clamp(self, number: float) -> float:
        return min(self.maximum, max(self.minimum, number))


def _fmt(x: float) -> str:
    if x != 0 and (abs(x) >= 1e6 or abs(x) < 1e-3):
        return f"{x:.3g}"
    return f"{x:,.10g}"


def _u(low, high, kind="relative", distribution="triangular", basis=""):
    return Uncertainty(low, high, kind, distribution, basis)


_LEVER_LIST = (
    # ---- export thresholds ------------------------------------------------------------------
    Lever("tpp_threshold", "TPP threshold (3A090.a)", "TPP", 0, 50_000, 100, "Export thresholds", "basic",
          "Chips at or above this Total Processing Performance are controlled (the 3A090.a TPP prong of the "
          "what-if rule). Source: 88 FR 73458 set it at 4,800 [K1].",
          ((1_600, "PD-prong floor"), (2_368, "H20"), (4_800, "Oct 2022/2023 line"), (15_832, "H100"),
           (21_000, "Jan 2026 case-by-case ceiling")), monotone=+1),
    Lever("density_threshold", "Performance-density threshold", "TPP/mm²", 0, 50, 0.01, "Export thresholds", "advanced",
          "Datacenter chips with TPP ≥ 1,600 and density at or above this are controlled (3A090.a). Not used by the "
          "Oct 2022 vintage, which had no density prong. Source: 88 FR 73458 set it at 5.92 [K1].",
          ((2.91, "H20"), (3.2, "gray-zone b.2 floor"), (5.92, "Oct 2023 line"), (19.45, "H100")), monotone=+1),
    # ---- enforcement ------------------------------------------------------------------------
    Lever("leakage", "Leakage", "share 0–1", 0, 1, 0.01, "Enforcement", "basic",
          "Share of foreign demand for controlled chips that still arrives, through smuggling, remote access or "
          "diversion. CNAS puts 2024 smuggling at 10k to several hundred k chips, median ~140k [K19].",
          ((0.0, "perfect enforcement"), (0.1, "CNAS-median order"), (0.5, "porous")),
          uncertainty=_u(0.25, 2.5, distribution="loguniform", basis="CNAS 2024 smuggling range 10k–400k around 140k [K19]: ~×0.1 to ×3"),
          monotone=+1),
    Lever("approval_share", "Licence approval share", "share 0–1", 0, 1, 0.01, "Enforcement", "basic",
          "Share of licence applications granted for chips under case-by-case review or in the 3A090.b gray zone. "
          "No H200 deliveries had occurred by May 2026 [K18].",
          ((0.0, "none approved"), (0.5, "half"), (1.0, "all approved")),
          uncertainty=_u(-0.2, 0.2, kind="absolute", basis="Assumption: ±0.2; Grunewald's 90% CI on 2026 legal imports is 0–300k around 230k [K26]"),
          monotone=+1),
    # ---- substitution -----------------------------------------------------------------------
    Lever("training_substitution", "Training substitution", "chips per H100", 0.5, 10, 0.1, "Substitution", "basic",
          "Domestic flagship accelerators needed to replace one H100 in training (compute- and interconnect-bound). "
          "Other domestic chips scale from the flagship by their own specs.",
          ((1.25, "910C optimistic"), (1.8, "910C central"), (2.9, "910C pessimistic"), (4.0, "910B")),
          uncertainty=_u(0.69, 1.57, basis="calibration #8: 910C 0.35/0.55/0.8 H100e [K62][K63]"), monotone=-1),
    Lever("inference_substitution", "Inference substitution", "chips per H100", 0.5, 10, 0.1, "Substitution", "basic",
          "The same for inference (decode is memory-bandwidth-bound, so the ratio is lower than for training).",
          ((1.1, "910C optimistic"), (1.7, "910C central"), (2.1, "910B")),
          uncertainty=_u(0.67, 1.5, basis="calibration #9: 910C 0.4/0.6/0.9 H100e [K36][K36b]")),
    # ---- supply -----------------------------------------------------------------------------
    Lever("domestic_supply", "Domestic supply", "chips per year", 0, 5_000_000, 1_000, "Supply", "basic",
          "Domestic accelerators per year reaching the actor at the start, split by the scenario's domestic mix.",
          ((1_600, "Baidu's 910B order"), (30_000, "Baidu P800 cluster"), (200_000, "US Commerce: Huawei 2025 ceiling"),
           (805_000, "SemiAnalysis: Ascend 2025")), log_scale=True,
          uncertainty=_u(0.5, 2.0, distribution="loguniform", basis="calibration #4: Huawei 2025 0.2/0.4/0.8M [K24][K25b][K8]"),
          monotone=+1),
    Lever("domestic_growth", "Domestic supply growth", "× per year", 0.5, 5, 0.05, "Supply", "advanced",
          "Yearly growth factor of domestic supply.",
          ((1.0, "flat"), (1.5, "SMIC 45k→60k→80k wpm [K8]"), (2.0, "Huawei 2025→2026 (calibration #4→#5)")),
          uncertainty=_u(0.75, 1.25, basis="calibration #5 vs #4: 2026/2025 output 1.5–2× [K8][K25b]"), monotone=+1),
    Lever("import_budget", "Import budget", "USD per year", 0, 1e11, 1e6, "Supply", "basic",
          "Spending per year on foreign chips. The rule decides which chips it can buy; blocked demand arrives only "
          "through leakage; unspent budget is kept.",
          ((61.83e6, "Baidu's 910B order"), (1e9, "big-4 A800 order 2023"), (12e9, "H20 sales to China 2024")),
          log_scale=True, monotone=+1),
    # ---- demand and fleet -------------------------------------------------------------------
    Lever("lifetime_years", "Useful life", "years", 1, 10, 0.5, "Demand and fleet", "basic",
          "Years an accelerator stays in service before retirement (failures come on top).",
          ((3, "Nebius book life / low"), (5, "Amazon, Lambda"), (6, "Microsoft, Google, CoreWeave")),
          uncertainty=_u(-2, 2, kind="absolute", basis="calibration #10: 3/5/7 years [K65][K66]"), monotone=+1),
    Lever("demand_growth", "Planned-run growth", "× per year", 1, 10, 0.1, "Demand and fleet", "basic",
          "Yearly growth of the actor's planned training run.",
          ((2.0, "slow follower"), (3.0, "Assumption: fast follower"), (4.0, "frontier pace (Epoch, mem)")),
          uncertainty=_u(0.8, 1.25, basis="Assumption: ±25% around the chosen pace")),
    # ---- advanced / expert ------------------------------------------------------------------
    Lever("planned_run_flop", "Planned run at start", "FLOP", 1e21, 1e29, 1e22, "Demand and fleet", "advanced",
          "Size of the training run the actor plans at the start; grows at planned-run growth.",
          ((3.3e24, "DeepSeek-V3"), (2.1e25, "GPT-4"), (3.8e25, "Llama 3.1 405B")), log_scale=True,
          uncertainty=_u(0.5, 2.0, distribution="loguniform", basis="Assumption: ERNIE compute is undisclosed [K60]")),
    Lever("frontier_growth", "Frontier growth", "× per year", 1.1, 10, 0.1, "Frontier", "advanced",
          "Yearly growth of the largest frontier training run.",
          ((2.0, "slow"), (3.0, "between fact-sheet anchors"), (4.5, "Epoch trend (mem)")),
          uncertainty=_u(0.8, 1.33, basis="fact-sheet anchors 2.1e25 (2023) → 1e26+ (2025–26), aiming at 1e27")),
    Lever("frontier_anchor_flop", "Frontier anchor run", "FLOP", 1e23, 1e28, 1e23, "Frontier", "expert",
          "Frontier run size at the anchor month.", ((2.1e25, "GPT-4"),), log_scale=True),
    Lever("mfu", "Model FLOP utilisation", "share 0–1", 0.05, 1, 0.01, "Capability", "expert",
          "Achieved ÷ peak FLOP/s in a training run on the H100-equivalent fleet.",
          ((0.34, "GPT-4 on A100"), (0.4, "Llama 3 on H100")), monotone=+1),
    Lever("run_window_days", "Run window", "days", 7, 365, 1, "Capability", "expert",
          "Length of the largest training run.", ((54, "Llama 3 405B"), (60, "DeepSeek-V3"), (95, "GPT-4"))),
    Lever("training_share", "Fleet share for the largest run", "share 0–1", 0.01, 1, 0.01, "Capability", "advanced",
          "Share of the fleet a single run can use; the rest serves inference, which uses the remainder.",
          ((0.5, "Assumption: half"),)),
    Lever("tokens_per_second_per_h100e", "Decode throughput per H100e", "tokens/s", 10, 100_000, 10, "Capability", "expert",
          "Tokens per second one H100-equivalent serves for a 70B-class model.", ((3_000, "Assumption"),), log_scale=True),
    Lever("failure_rate", "Failure rate", "share per year", 0, 0.5, 0.005, "Demand and fleet", "expert",
          "Share of chips lost to unrepairable faults per year, on top of end-of-life retirement.",
          ((0.02, "Assumption"), (0.09, "fault events, Llama 3 [K57]")), monotone=-1),
    Lever("initial_stock_age_years", "Mean age of the starting stock", "years", 0, 10, 0.25, "Demand and fleet", "expert",
          "The starting stock retires evenly between (life − 2 × age) and life years after the start.",
          ((1.0, "Assumption: bought 2022–23"),), monotone=-1),
    Lever("foreign_supply_cap", "Foreign supply cap", "chips per year", 0, 1e8, 1_000, "Supply", "expert",
          "Most foreign chips per year the actor can obtain, whatever the budget. While it binds, every chip bought "
          "is scaled alike, and the monotonicity of the other levers is no longer guaranteed.",
          ((1_000_000, "H20 to China 2024"),), log_scale=True),
    Lever("front_running_surge", "Front-running surge", "× extra budget", 0, 5, 0.1, "Enforcement", "expert",
          "Extra budget spent in the notice months before a what-if rule starts (announcement-to-enforcement surge).",
          ((0.0, "none"), (1.0, "double")), monotone=+1),
    Lever("what_if_notice_months", "Notice before the what-if rule", "months", 0, 24, 1, "Enforcement", "expert",
          "Months between the what-if rule's announcement and its start; the surge applies in them. HBM: ~4 months "
          "from leak to rule [K1][K8].", ((0, "none"), (1, "Oct 2023: one month")), integer=True),
)

LEVERS: dict[str, Lever] = {lever.name: lever for lever in _LEVER_LIST}
CONTRACT_LEVERS = ("tpp_threshold", "density_threshold", "leakage", "training_substitution", "inference_substitution",
                   "domestic_supply", "domestic_growth", "import_budget", "lifetime_years", "demand_growth")
UNCERTAIN_LEVERS = tuple(name for name, lever in LEVERS.items() if lever.uncertainty is not None)


def get_lever(name: str, field_name: str = "lever") -> Lever:
    if name not in LEVERS:
        raise ScenarioError(f"{field_name}: unknown lever '{name}'{suggest(name, LEVERS)}; allowed: {', '.join(LEVERS)}")
    return LEVERS[name]
