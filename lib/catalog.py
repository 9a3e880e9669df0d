"""The chip catalog: one row per accelerator, a source per row.

Throughput is **dense** (no sparsity). TPP and performance density are computed from the
throughput and the die area, never typed in. ``None`` means the figure is not published or
not known to us; it stays unknown and is shown as such.

Source keys ``[Kx]`` refer to ``../shared/reference/domain-facts.md`` §7, and every row's
``source`` says where its figures come from. ``(mem)`` marks figures recalled without a source
at hand, as the fact sheet does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from .errors import ScenarioError, suggest
from .units import BIT_LENGTHS, H100_MEMORY_BANDWIDTH, H100_TPP

FOREIGN = "foreign"
DOMESTIC = "domestic"


@dataclass(frozen=True, eq=False)  # identity: one object per catalog row
class Chip:
    """One accelerator.

    Attributes
    ----------
    throughput : mapping of precision name to dense throughput [TOPS or TFLOPS]
    die_area_mm2 : applicable logic die area [mm²], or None if unknown
    memory_gb : memory size [GB]
    memory_bandwidth_gbps : memory bandwidth [GB/s]
    interconnect_gbps : aggregate bidirectional chip-to-chip bandwidth [GB/s]; 0 = none
    price_usd : price per chip [USD]; see ``price_note``
    available_from : first month the chip can be delivered ["YYYY-MM"]
    training_h100e_assumed, inference_h100e_assumed : H100e per chip used only when the specs
        needed to derive them are unknown; each carries an ``Assumption:`` note
    """

    name: str
    vendor: str
    origin: str
    year: int
    available_from: str
    throughput: MappingProxyType
    die_area_mm2: float | None
    memory_gb: float | None
    memory_bandwidth_gbps: float | None
    interconnect_gbps: float | None
    datacenter: bool
    price_usd: float | None
    confidence: str
    source: str
    note: str = ""
    relative_mfu: float = 1.0
    training_h100e_assumed: float | None = None
    inference_h100e_assumed: float | None = None
    price_note: str = ""
    aliases: tuple = field(default=())

    @cached_property
    def tpp(self) -> float | None:
        """Total Processing Performance [TPP]: max over precisions of dense TOPS × bit length."""
        values = [tops * BIT_LENGTHS[p] for p, tops in self.throughput.items() if tops is not None]
        return max(values) if values else None

    @cached_property
    def density(self) -> float | None:
        """Performance density [TPP/mm²], or None when TPP or die area is unknown."""
        if self.tpp is None or not self.die_area_mm2:
            return None
        return self.tpp / self.die_area_mm2

    @cached_property
    def interconnect_factor(self) -> float:
        """Training efficiency kept at scale given the chip's scale-up link [share].

        Assumption: a chip with ≥ 400 GB/s of chip-to-chip bandwidth (A800/H800 class) trains
        at full efficiency; below that efficiency falls linearly to a floor of 0.5 for PCIe-only
        or link-less cards, which must scale out over slower networks.
        """
        ic = self.interconnect_gbps or 0.0
        return min(1.0, max(0.5, ic / 400.0))

    @cached_property
    def training_h100e(self) -> float | None:
        """Training H100-equivalents per chip [H100e]: TPP ratio × relative MFU × interconnect factor."""
        if self.tpp is None:
            return self.training_h100e_assumed
        return self.tpp / H100_TPP * self.relative_mfu * self.interconnect_factor

    @cached_property
    def inference_h100e(self) -> float | None:
        """Inference (decode) H100-equivalents per chip [H100e]: memory bandwidth ratio to the H100."""
        if self.memory_bandwidth_gbps is None:
            return self.inference_h100e_assumed
        return self.memory_bandwidth_gbps / H100_MEMORY_BANDWIDTH

    @property
    def uses_assumed_ratios(self) -> bool:
        return self.tpp is None or self.memory_bandwidth_gbps is None


def _chip(**kwargs) -> Chip:
    kwargs["throughput"] = MappingProxyType(dict(kwargs["throughput"]))
    return Chip(**kwargs)


CHIPS: tuple[Chip, ...] = (
    # ---- NVIDIA ---------------------------------------------------------------------------
    _chip(name="A100", vendor="NVIDIA", origin=FOREIGN, year=2020, available_from="2020-05",
          throughput={"fp16": 312, "int8": 624}, die_area_mm2=826, memory_gb=80,
          memory_bandwidth_gbps=2_039, interconnect_gbps=600, datacenter=True, price_usd=12_500,
          confidence="high", source="[K2] chipData.js; price ~10–15k (mem), midpoint",
          price_note="midpoint of ~10–15k (mem)"),
    _chip(name="A800", vendor="NVIDIA", origin=FOREIGN, year=2022, available_from="2022-11",
          throughput={"fp16": 312, "int8": 624}, die_area_mm2=826, memory_gb=80,
          memory_bandwidth_gbps=2_039, interconnect_gbps=400, datacenter=True, price_usd=10_000,
          confidence="high", source="[K2]; price derived from $1B for ~100k A800 [K20]",
          note="A100 with NVLink cut to 400 GB/s to pass the Oct 2022 interconnect prong"),
    _chip(name="H100", vendor="NVIDIA", origin=FOREIGN, year=2022, available_from="2022-10",
          throughput={"fp16": 989.5, "fp8": 1_979}, die_area_mm2=814, memory_gb=80,
          memory_bandwidth_gbps=3_350, interconnect_gbps=900, datacenter=True, price_usd=27_500,
          confidence="high", source="[K2]; price ~25–30k (mem), midpoint",
          price_note="midpoint of ~25–30k (mem)", aliases=("H100 SXM",)),
    _chip(name="H800", vendor="NVIDIA", origin=FOREIGN, year=2023, available_from="2023-03",
          throughput={"fp16": 989.5, "fp8": 1_979}, die_area_mm2=814, memory_gb=80,
          memory_bandwidth_gbps=3_350, interconnect_gbps=400, datacenter=True, price_usd=27_500,
          confidence="high", source="[K2]; price ~25–30k (mem), midpoint",
          price_note="midpoint of ~25–30k (mem)"),
    _chip(name="H20", vendor="NVIDIA", origin=FOREIGN, year=2024, available_from="2024-02",
          throughput={"fp16": 148, "int8": 296}, die_area_mm2=814, memory_gb=96,
          memory_bandwidth_gbps=4_000, interconnect_gbps=900, datacenter=True, price_usd=12_500,
          confidence="high", source="[K2][K36]; price $12–13k [K21]; first deliveries 2024 (month: Assumption)",
          note="Below every 3A090 line under the Oct 2023 rule; caught by the Apr 2025 is-informed letter"),
    _chip(name="H200", vendor="NVIDIA", origin=FOREIGN, year=2024, available_from="2024-06",
          throughput={"fp16": 989.5, "fp8": 1_979}, die_area_mm2=814, memory_gb=141,
          memory_bandwidth_gbps=4_800, interconnect_gbps=900, datacenter=True, price_usd=32_500,
          confidence="high", source="[K2][K15]; price ~30–35k (mem), midpoint",
          price_note="midpoint of ~30–35k (mem)"),
    _chip(name="B200", vendor="NVIDIA", origin=FOREIGN, year=2024, available_from="2025-01",
          throughput={"fp16": 2_250, "fp8": 4_500, "fp4": 9_000}, die_area_mm2=1_600, memory_gb=192,
          memory_bandwidth_gbps=8_000, interconnect_gbps=1_800, datacenter=True, price_usd=35_000,
          confidence="medium", source="[K2][K14]; die area ~1,600 mm² is an estimate (2 dies); price ~30–40k (mem)",
          price_note="midpoint of ~30–40k (mem)"),
    _chip(name="L20", vendor="NVIDIA", origin=FOREIGN, year=2024, available_from="2024-02",
          throughput={"fp16": 119.5, "int8": 239}, die_area_mm2=608.5, memory_gb=48,
          memory_bandwidth_gbps=864, interconnect_gbps=64, datacenter=True, price_usd=None,
          confidence="medium", source="[K36]; PD derived; interconnect = PCIe Gen4 x16 (mem); price not found",
          note="PD 3.14, just under the 3.2 gray-zone line"),
    _chip(name="L40S", vendor="NVIDIA", origin=FOREIGN, year=2023, available_from="2023-08",
          throughput={"fp16": 362, "fp8": 733}, die_area_mm2=608.5, memory_gb=48,
          memory_bandwidth_gbps=864, interconnect_gbps=64, datacenter=True, price_usd=9_000,
          confidence="low", source="throughput (mem); PD derived; interconnect PCIe (mem); price ~8–10k (mem)"),
    _chip(name="RTX 4090", vendor="NVIDIA", origin=FOREIGN, year=2022, available_from="2022-10",
          throughput={"fp16": 330, "fp8": 660.75}, die_area_mm2=608.5, memory_gb=24,
          memory_bandwidth_gbps=1_008, interconnect_gbps=0, datacenter=False, price_usd=1_599,
          confidence="high", source="[K34]: TPP 5,286; MSRP $1,599", note="Consumer card: only the TPP ≥ 4,800 prong applies"),
    _chip(name="RTX 4090D", vendor="NVIDIA", origin=FOREIGN, year=2023, available_from="2023-12",
          throughput={"fp16": 294, "fp8": 588.375}, die_area_mm2=608.5, memory_gb=24,
          memory_bandwidth_gbps=1_008, interconnect_gbps=0, datacenter=False, price_usd=1_828,
          confidence="medium", source="[K35]: TPP ≈ 4,707; ¥12,999 ≈ $1,828",
          note="Cut-down 4090 for China, launched Dec 2023 just under 4,800"),
    # ---- AMD -------------------------------------------------------------------------------
    _chip(name="MI250X", vendor="AMD", origin=FOREIGN, year=2021, available_from="2021-11",
          throughput={"fp16": 383, "int8": 383}, die_area_mm2=1_580, memory_gb=128,
          memory_bandwidth_gbps=3_200, interconnect_gbps=800, datacenter=True, price_usd=None,
          confidence="medium", source="[K2]; die area estimated; interconnect ~800 (mem); price not found",
          relative_mfu=0.8),
    _chip(name="MI300X", vendor="AMD", origin=FOREIGN, year=2023, available_from="2023-12",
          throughput={"fp16": 1_307, "fp8": 2_614.9}, die_area_mm2=1_017, memory_gb=192,
          memory_bandwidth_gbps=5_300, interconnect_gbps=896, datacenter=True, price_usd=15_000,
          confidence="medium", source="[K2] (its fp16 '312' is a typo); die area estimated; price ~10–20k (mem)",
          relative_mfu=0.8, price_note="midpoint of ~10–20k (mem)"),
    # ---- Huawei ----------------------------------------------------------------------------
    _chip(name="Ascend 910", vendor="Huawei", origin=DOMESTIC, year=2019, available_from="2019-08",
          throughput={"fp16": 256, "int8": 512}, die_area_mm2=456, memory_gb=32,
          memory_bandwidth_gbps=1_230, interconnect_gbps=30, datacenter=True, price_usd=None,
          confidence="medium", source="[K37][K38]; compute die only"),
    _chip(name="Ascend 910B", vendor="Huawei", origin=DOMESTIC, year=2023, available_from="2023-01",
          throughput={"fp16": 320, "int8": 640}, die_area_mm2=665.6, memory_gb=64,
          memory_bandwidth_gbps=1_600, interconnect_gbps=392, datacenter=True, price_usd=38_600,
          confidence="medium",
          source="[K37][K38][K21b]: FP16 280–400 (≈320), TPP 'over 5,000'; interconnect ~392 (mem); price from Baidu's order [K67]",
          price_note="¥450M ÷ 1,600 chips, including the server (Baidu's order, derived [K67]); Huawei's cost ≈ ¥50k [K25]",
          relative_mfu=0.8, note="Huawei: training efficiency ~80% of A100 [K63]"),
    _chip(name="Ascend 910C", vendor="Huawei", origin=DOMESTIC, year=2025, available_from="2025-01",
          throughput={"fp16": 800}, die_area_mm2=1_331, memory_gb=128,
          memory_bandwidth_gbps=3_200, interconnect_gbps=400, datacenter=True, price_usd=15_000,
          confidence="medium", source="[K39][K40][K25]: 2 × 910B dies; FP16 780–800; cost ≈ ¥110k (~$15k)",
          relative_mfu=0.8, price_note="Huawei's cost ≈ ¥110k [K25]"),
    _chip(name="Ascend 950PR", vendor="Huawei", origin=DOMESTIC, year=2026, available_from="2026-03",
          throughput={"fp8": 1_000}, die_area_mm2=None, memory_gb=128,
          memory_bandwidth_gbps=1_600, interconnect_gbps=2_000, datacenter=True, price_usd=None,
          confidence="low", source="[K41]: announced FP8 1 PF (dense or sparse not confirmed); die area not published",
          relative_mfu=0.8),
    # ---- Baidu Kunlun ----------------------------------------------------------------------
    _chip(name="Kunlun 1", vendor="Baidu", origin=DOMESTIC, year=2018, available_from="2018-07",
          throughput={"fp16": 64, "int8": 256}, die_area_mm2=None, memory_gb=16,
          memory_bandwidth_gbps=512, interconnect_gbps=None, datacenter=True, price_usd=None,
          confidence="medium", source="[K42]: K200; >20,000 units shipped", aliases=("K200",),
          relative_mfu=0.8),
    _chip(name="Kunlun II", vendor="Baidu", origin=DOMESTIC, year=2021, available_from="2021-08",
          throughput={"fp16": 128, "int8": 256}, die_area_mm2=None, memory_gb=32,
          memory_bandwidth_gbps=512, interconnect_gbps=None, datacenter=True, price_usd=None,
          confidence="low", source="[K42]: R200, 7 nm; FP16 and bandwidth (mem)", aliases=("R200", "Kunlun 2"),
          relative_mfu=0.8),
    _chip(name="Kunlun P800", vendor="Baidu", origin=DOMESTIC, year=2024, available_from="2024-06",
          throughput={}, die_area_mm2=None, memory_gb=None, memory_bandwidth_gbps=None,
          interconnect_gbps=None, datacenter=True, price_usd=None, confidence="low",
          source="[K43]: specs not published; 30,000-chip cluster lit Apr 2025",
          training_h100e_assumed=0.25, inference_h100e_assumed=0.45,
          note="Assumption: specs unpublished; treated as 910B-class (≈0.25 training, ≈0.45 inference H100e), the class Baidu positions it against"),
    # ---- Cambricon, Biren, Moore Threads ---------------------------------------------------
    _chip(name="MLU370-X8", vendor="Cambricon", origin=DOMESTIC, year=2021, available_from="2021-11",
          throughput={"fp16": 96, "int8": 256}, die_area_mm2=None, memory_gb=48,
          memory_bandwidth_gbps=614, interconnect_gbps=200, datacenter=True, price_usd=None,
          confidence="medium", source="[K44]: 7 nm, 2 chips", aliases=("MLU370",), relative_mfu=0.8),
    _chip(name="MLU590", vendor="Cambricon", origin=DOMESTIC, year=2023, available_from="2023-06",
          throughput={"fp16": 314}, die_area_mm2=None, memory_gb=80,
          memory_bandwidth_gbps=2_700, interconnect_gbps=None, datacenter=True, price_usd=None,
          confidence="low", source="(mem, low confidence): FP16 ~314, HBM2e 80 GB, ~2.7 TB/s", relative_mfu=0.8),
    _chip(name="BR100", vendor="Biren", origin=DOMESTIC, year=2022, available_from="2022-09",
          throughput={"bf16": 1_024, "int8": 2_048}, die_area_mm2=1_074, memory_gb=64,
          memory_bandwidth_gbps=1_640, interconnect_gbps=896, datacenter=True, price_usd=None,
          confidence="medium", source="[K45][K46]: TSMC N7, 1,074 mm² total; interconnect = 896 GB/s die-to-die (BLink 256 per die)",
          note="TSMC halted output in Oct 2022", relative_mfu=0.8),
    _chip(name="MTT S4000", vendor="Moore Threads", origin=DOMESTIC, year=2023, available_from="2023-12",
          throughput={"fp16": 100, "int8": 200}, die_area_mm2=None, memory_gb=48,
          memory_bandwidth_gbps=768, interconnect_gbps=240, datacenter=True, price_usd=None,
          confidence="medium", source="[K47]", aliases=("S4000",), relative_mfu=0.8),
)
"""Every catalog chip. Foreign chips use relative MFU 1.0 for NVIDIA (the H100 reference) and
0.8 for AMD and domestic chips (Assumption: software-stack penalty; Huawei itself put 910B
training efficiency at 80% of A100 [K63], and the fact sheet's Ascend MFU range is 0.30–0.50
against NVIDIA's 0.38–0.43)."""

CHIPS_BY_NAME: dict[str, Chip] = {c.name: c for c in CHIPS}
_LOOKUP: dict[str, Chip] = {}
for _c in CHIPS:
    for _n in (_c.name, *_c.aliases):
        _LOOKUP[_n.lower().replace(" ", "").replace("-", "")] = _c


def get_chip(name: str, field_name: str = "chip") -> Chip:
    """Look a chip up by name or alias (case, spaces and hyphens ignored)."""
    chip = _LOOKUP.get(str(name).lower().replace(" ", "").replace("-", ""))
    if chip is None:
        raise ScenarioError(
            f"{field_name}: unknown chip '{name}'{suggest(name, CHIPS_BY_NAME)}; "
            f"allowed: {', '.join(CHIPS_BY_NAME)}"
        )
    return chip


def custom_chip(tpp: float, die_area_mm2: float | None = None, *, interconnect_gbps: float | None = None,
                memory_bandwidth_gbps: float | None = None, datacenter: bool = True,
                name: str = "custom chip") -> Chip:
    """A chip described by its TPP directly (for the classifier form and CLI)."""
    for label, value in (("tpp", tpp), ("die_area_mm2", die_area_mm2), ("interconnect_gbps", interconnect_gbps),
                         ("memory_bandwidth_gbps", memory_bandwidth_gbps)):
        if value is not None and not (0 <= float(value) < 1e9):
            raise ScenarioError(f"{label}: {value!r} is not allowed; use a finite number from 0 to 1e9")
    if die_area_mm2 is not None and float(die_area_mm2) <= 0:
        raise ScenarioError(f"die_area_mm2: {die_area_mm2!r} is not allowed; use a positive area in mm²")
    return _chip(name=name, vendor="custom", origin=FOREIGN, year=0, available_from="2000-01",
                 throughput={"int8": float(tpp) / 8}, die_area_mm2=die_area_mm2, memory_gb=None,
                 memory_bandwidth_gbps=memory_bandwidth_gbps, interconnect_gbps=interconnect_gbps,
                 datacenter=datacenter, price_usd=None, confidence="user", source="user input")
