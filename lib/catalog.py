"""The chip catalog: one row per accelerator, a source per row.

Throughput is **dense** (no sparsity). TPP and performance density are computed from the throughput
and the die area, never typed in. ``None`` means the figure is not published or not known to us; it
stays unknown and is shown as such. Source keys ``[Kx]`` resolve in ``data/sources.csv``; ``(mem)``
marks a figure recalled without a source at hand, shown as "unverified" in the app.

Model 2.0 adds what decides access and domestic output:

- ``us_commercial``: the Jan 2026 case-by-case policy covers only chips commercially available in the
  United States [K71]; China-only SKUs keep the presumption of denial.
- ``china_halt``: the month the vendor stopped shipping the SKU to China, as its answer to the real
  rules. The halt holds only while the scenario's rule does not leave the chip free, so a what-if rule
  that would have allowed it keeps it available.
- ``dies_per_package`` and ``hbm_stacks_per_package``: what one domestic accelerator consumes of
  logic dies (in 910B-sized dies) and of HBM stacks.
- ``software_efficiency``: achieved ÷ peak relative to NVIDIA on the same workload (framework and
  compiler maturity). For domestic chips it is the default behind the substitution levers, which
  are per ``REFERENCE_CHIP``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from .errors import ScenarioError, suggest
from .gate import chip_key, clean_text, excerpt, parse_number
from .units import BIT_LENGTHS, H100_MEMORY_BANDWIDTH, H100_TPP

FOREIGN = "foreign"
DOMESTIC = "domestic"
REFERENCE_CHIP = "Ascend 910B"  # the domestic chip the substitution levers count in: Baidu's 2023 order [K67]
DIE_SITES_PER_WAFER = 78        # [910B-sized dies per wafer] Morgan Stanley: 78 × 910B or 39 × 910C per wafer [K25]
INFERENCE_ONLY_FORMATS = ("fp4",)  # Assumption: formats no frontier training run uses (FP4 serves inference)
INTERCONNECT_FULL_GBPS = 400.0  # [GB/s] Assumption: A800/H800-class links train at full efficiency (see interconnect_factor)


@dataclass(frozen=True, eq=False)  # identity: one object per catalog row
class Chip:
    """One accelerator.

    Attributes
    ----------
    throughput : mapping of precision name to dense throughput [TOPS or TFLOPS]
    die_area_mm2 : applicable logic die area [mm²], or None if unknown
    memory_gb : memory size [GB]
    memory_bandwidth_gbps : memory bandwidth [GB/s]
    interconnect_gbps : aggregate bidirectional chip-to-chip bandwidth [GB/s]; 0 = none; None = unknown
    datacenter : designed or marketed for datacenters (the PD prongs reach only these) [bool]
    planar : made on a planar node, so it has no applicable die area and no performance density [bool]
    price_usd : price per chip [USD]; see ``price_note``
    available_from : first month the chip can be delivered anywhere ["YYYY-MM"]
    us_commercial : commercially available in the United States [bool], with ``us_commercial_source``
    china_halt : month the vendor stopped China shipments ["YYYY-MM"] or "", with ``china_halt_source``
    software_efficiency : achieved ÷ peak relative to NVIDIA [share]
    dies_per_package : logic dies per accelerator [910B-sized dies]
    hbm_stacks_per_package : HBM stacks per accelerator [stacks]
    training_h100e_assumed, inference_h100e_assumed : H100e per chip used only when the specs needed
        to derive them are unknown; each carries an ``Assumption:`` note
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
    software_efficiency: float = 1.0
    inference_efficiency: float = 1.0
    training_h100e_assumed: float | None = None
    inference_h100e_assumed: float | None = None
    price_note: str = ""
    aliases: tuple = field(default=())
    planar: bool = False
    us_commercial: bool = False
    us_commercial_source: str = ""
    china_halt: str = ""
    china_halt_source: str = ""
    dies_per_package: float = 1.0
    hbm_stacks_per_package: float = 0.0
    package_source: str = ""

    @cached_property
    def tpp(self) -> float | None:
        """Total Processing Performance [TPP]: max over precisions of dense TOPS × bit length."""
        values = [tops * BIT_LENGTHS[p] for p, tops in self.throughput.items() if tops is not None]
        return max(values) if values else None

    @cached_property
    def density(self) -> float | None:
        """Performance density [TPP/mm²]; None when TPP or die area is unknown, or on a planar node."""
        if self.planar or self.tpp is None or not self.die_area_mm2:
            return None
        return self.tpp / self.die_area_mm2

    @cached_property
    def interconnect_factor(self) -> float:
        """Training efficiency kept at scale given the chip's scale-up link [share].

        Assumption: a chip with ≥ 400 GB/s of chip-to-chip bandwidth (A800/H800 class) trains at full
        efficiency; below that efficiency falls linearly to a floor of 0.5 for PCIe-only or link-less
        cards, which must scale out over slower networks. Unknown interconnect counts as 400.
        """
        ic = INTERCONNECT_FULL_GBPS if self.interconnect_gbps is None else self.interconnect_gbps
        return min(1.0, max(0.5, ic / INTERCONNECT_FULL_GBPS))

    @cached_property
    def training_tpp(self) -> float | None:
        """Throughput in the formats models train in, on the TPP's bit-weighted basis [TPP]: the maximum of dense
        TOPS × bit length over FP8/INT8 and wider formats. Each format counts alike per bit, so an FP8 operation
        is half a 16-bit one, as in the TPP and in Epoch's H100e (dense 8-bit TOPS ÷ 1,979) [K102]; a chip rated
        only in FP8 is not marked down against an FP16 predecessor. FP4 is left out: no frontier run trains in
        FP4 (it still counts in ``tpp``, as the rule counts it)."""
        values = [tops * BIT_LENGTHS[p] for p, tops in self.throughput.items()
                  if tops is not None and p not in INFERENCE_ONLY_FORMATS]
        return max(values) if values else None

    @cached_property
    def training_spec(self) -> float | None:
        """Training throughput from specs alone, relative to an H100 [H100e]: training TPP ratio × interconnect."""
        if self.training_tpp is None:
            return None
        return self.training_tpp / H100_TPP * self.interconnect_factor

    @cached_property
    def inference_spec(self) -> float | None:
        """Decode throughput from specs alone, relative to an H100 [H100e]: memory bandwidth ratio."""
        if self.memory_bandwidth_gbps is None:
            return None
        return self.memory_bandwidth_gbps / H100_MEMORY_BANDWIDTH

    @cached_property
    def training_h100e(self) -> float | None:
        """Training H100-equivalents per chip [H100e]: spec ratio × software efficiency."""
        if self.training_spec is None:
            return self.training_h100e_assumed
        return self.training_spec * self.software_efficiency

    @cached_property
    def inference_h100e(self) -> float | None:
        """Inference (decode) H100-equivalents per chip [H100e]: bandwidth ratio × inference efficiency."""
        if self.inference_spec is None:
            return self.inference_h100e_assumed
        return self.inference_spec * self.inference_efficiency

    @property
    def uses_assumed_ratios(self) -> bool:
        return self.tpp is None or self.memory_bandwidth_gbps is None

    def relative_training(self, reference: "Chip") -> float:
        """Training throughput relative to ``reference`` at equal software efficiency [reference chips]."""
        if self.training_spec is not None and reference.training_spec:
            return self.training_spec / reference.training_spec
        return (self.training_h100e or 0.0) / reference.training_h100e

    def relative_inference(self, reference: "Chip") -> float:
        """Decode throughput relative to ``reference`` at equal software efficiency [reference chips]."""
        if self.inference_spec is not None and reference.inference_spec:
            return self.inference_spec / reference.inference_spec
        return (self.inference_h100e or 0.0) / reference.inference_h100e

    @property
    def unverified(self) -> bool:
        """Some figure of this row is recalled without a source at hand ("(mem)")."""
        return "(mem)" in " ".join((self.source, self.price_note, self.note, self.package_source))


def _chip(**kwargs) -> Chip:
    kwargs["throughput"] = MappingProxyType(dict(kwargs["throughput"]))
    return Chip(**kwargs)


_OCT_2023_HALT = "Shipments to China stopped with the Oct 2023 rule (formally Nov 17 2023) [K22]"
_CHINA_ONLY = "China-only SKU, not sold in the US [K71]"
_US_SOLD = "Sold in the US [K2]"

CHIPS: tuple[Chip, ...] = (
    # ---- NVIDIA ---------------------------------------------------------------------------
    _chip(name="A100", vendor="NVIDIA", origin=FOREIGN, year=2020, available_from="2020-05",
          throughput={"fp16": 312, "int8": 624}, die_area_mm2=826, memory_gb=80,
          memory_bandwidth_gbps=2_039, interconnect_gbps=600, datacenter=True, price_usd=12_500,
          confidence="high", source="[K2] chipData.js; price ~10–15k (mem), midpoint",
          price_note="midpoint of ~10–15k (mem)", us_commercial=True, us_commercial_source=_US_SOLD),
    _chip(name="A800", vendor="NVIDIA", origin=FOREIGN, year=2022, available_from="2022-11",
          throughput={"fp16": 312, "int8": 624}, die_area_mm2=826, memory_gb=80,
          memory_bandwidth_gbps=2_039, interconnect_gbps=400, datacenter=True, price_usd=10_000,
          confidence="high", source="[K2]; price derived from $1B for ~100k A800 [K20]",
          note="A100 with NVLink cut to 400 GB/s to pass the Oct 2022 interconnect prong",
          us_commercial_source=_CHINA_ONLY, china_halt="2023-11", china_halt_source=_OCT_2023_HALT),
    _chip(name="H100", vendor="NVIDIA", origin=FOREIGN, year=2022, available_from="2022-10",
          throughput={"fp16": 989.5, "fp8": 1_979}, die_area_mm2=814, memory_gb=80,
          memory_bandwidth_gbps=3_350, interconnect_gbps=900, datacenter=True, price_usd=30_000,
          confidence="high", source="[K2]; price: street estimate ~$30k [K92]",
          price_note="street estimate ~$30k, ±20–40% [K92]", aliases=("H100 SXM",),
          us_commercial=True, us_commercial_source=_US_SOLD, china_halt="2026-03",
          china_halt_source="NVIDIA halted China-bound Hopper (H200) production in Mar 2026 and moved the wafers to "
                            "Rubin [K18] (Assumption: the older H100 with it)"),
    _chip(name="H800", vendor="NVIDIA", origin=FOREIGN, year=2023, available_from="2023-03",
          throughput={"fp16": 989.5, "fp8": 1_979}, die_area_mm2=814, memory_gb=80,
          memory_bandwidth_gbps=3_350, interconnect_gbps=400, datacenter=True, price_usd=30_000,
          confidence="high", source="[K2]; price as the H100 [K92]",
          price_note="as the H100: street estimate ~$30k [K92]",
          us_commercial_source=_CHINA_ONLY, china_halt="2023-11", china_halt_source=_OCT_2023_HALT),
    _chip(name="H20", vendor="NVIDIA", origin=FOREIGN, year=2024, available_from="2024-02",
          throughput={"fp16": 148, "int8": 296}, die_area_mm2=814, memory_gb=96,
          memory_bandwidth_gbps=4_000, interconnect_gbps=900, datacenter=True, price_usd=12_500,
          confidence="high", source="[K2][K36]; price $12–13k [K21]; first deliveries 2024 (month: Assumption)",
          note="Below every 3A090 line under the Oct 2023 rule; caught by the Apr 2025 is-informed letter",
          us_commercial_source=_CHINA_ONLY, china_halt="2025-04",
          china_halt_source="Halted by the Apr 2025 is-informed letter; $4.5B inventory charge [K10][K11]"),
    _chip(name="H200", vendor="NVIDIA", origin=FOREIGN, year=2024, available_from="2024-06",
          throughput={"fp16": 989.5, "fp8": 1_979}, die_area_mm2=814, memory_gb=141,
          memory_bandwidth_gbps=4_800, interconnect_gbps=900, datacenter=True, price_usd=35_000,
          confidence="high", source="[K2][K15]; price: street estimate ~$35k [K92]",
          price_note="street estimate ~$35k [K92]", us_commercial=True, us_commercial_source=_US_SOLD,
          china_halt="2026-03",
          china_halt_source="China-bound H200 production halted Mar 2026; no deliveries by May 2026 [K18]"),
    _chip(name="B200", vendor="NVIDIA", origin=FOREIGN, year=2024, available_from="2025-01",
          throughput={"fp16": 2_250, "fp8": 4_500, "fp4": 9_000}, die_area_mm2=1_600, memory_gb=192,
          memory_bandwidth_gbps=8_000, interconnect_gbps=1_800, datacenter=True, price_usd=40_000,
          confidence="medium", source="[K2][K14]; die area ~1,600 mm² is an estimate (2 dies); price ~$40k street [K92]",
          price_note="street estimate ~$40k [K92]", us_commercial=True, us_commercial_source=_US_SOLD),
    _chip(name="B300", vendor="NVIDIA", origin=FOREIGN, year=2025, available_from="2025-07",
          throughput={"fp8": 4_500, "fp4": 13_000}, die_area_mm2=1_600, memory_gb=288,
          memory_bandwidth_gbps=8_000, interconnect_gbps=1_800, datacenter=True, price_usd=45_000,
          confidence="medium",
          source="[K91]: HGX B300 dense FP8 ~4.5 PF, dense FP4 ~13 PF, 288 GB HBM3e, 8 TB/s; first GB300 racks Jul 2025 "
                 "[K108]; die area as the B200 (2 dies, estimate); price ~$45k [K54]",
          price_note="~$45k, IFP's assumption [K54]", aliases=("Blackwell Ultra",), us_commercial=True,
          us_commercial_source=_US_SOLD),
    _chip(name="B30A", vendor="NVIDIA", origin=FOREIGN, year=2025, available_from="2026-01",
          throughput={"fp8": 2_250, "fp4": 6_500}, die_area_mm2=800, memory_gb=144,
          memory_bandwidth_gbps=4_000, interconnect_gbps=900, datacenter=True, price_usd=22_500,
          confidence="low",
          source="[K54]: rumoured single-die Blackwell for China, half a B300's compute and memory bandwidth at half "
                 "the price; samples Aug 2025, not approved (Nov 2025, May 2026) [K108]; die area half the B300's "
                 "and NVLink at half its 1,800 GB/s (Assumption); volume from Jan 2026 if licensed (Assumption)",
          price_note="~$22.5k, IFP's assumption [K54]",
          note="China-only SKU: NVIDIA makes it only where a rule frees it (the halt stands in for 'not made')",
          us_commercial_source="China-only SKU, not sold in the US [K54]", china_halt="2025-11",
          china_halt_source="Not made for China while the rule controls it: the White House refused it (Nov 2025) "
                            "and Blackwell stayed barred after the May 2026 summit [K108]"),
    _chip(name="Rubin", vendor="NVIDIA", origin=FOREIGN, year=2026, available_from="2026-09",
          throughput={"fp8": 17_500, "fp4": 35_000}, die_area_mm2=1_600, memory_gb=288,
          memory_bandwidth_gbps=22_000, interconnect_gbps=3_600, datacenter=True, price_usd=None,
          confidence="low",
          source="[K109]: R200, 288 GB HBM4 at ~22 TB/s, ~35 PF NVFP4 for training (dense or sparse disputed), shipping "
                 "H2 2026 (month: Assumption); FP8 as half of FP4 (Assumption); die area as the B300 (Assumption); "
                 "no price published",
          aliases=("R200", "VR200"), us_commercial=True, us_commercial_source=_US_SOLD),
    _chip(name="L20", vendor="NVIDIA", origin=FOREIGN, year=2024, available_from="2024-02",
          throughput={"fp16": 119.5, "int8": 239}, die_area_mm2=608.5, memory_gb=48,
          memory_bandwidth_gbps=864, interconnect_gbps=64, datacenter=True, price_usd=None,
          confidence="medium", source="[K36]; PD derived; interconnect = PCIe Gen4 x16 (mem); price not found",
          note="PD 3.14, just under the 3.2 gray-zone line",
          us_commercial_source="China-market SKU launched with the H20 [K36]"),
    _chip(name="L40S", vendor="NVIDIA", origin=FOREIGN, year=2023, available_from="2023-08",
          throughput={"fp16": 362, "fp8": 733}, die_area_mm2=608.5, memory_gb=48,
          memory_bandwidth_gbps=864, interconnect_gbps=64, datacenter=True, price_usd=9_000,
          confidence="low", source="throughput (mem); PD derived; interconnect PCIe (mem); price ~8–10k (mem)",
          us_commercial=True, us_commercial_source=_US_SOLD, china_halt="2023-11",
          china_halt_source=_OCT_2023_HALT),
    _chip(name="RTX 4090", vendor="NVIDIA", origin=FOREIGN, year=2022, available_from="2022-10",
          throughput={"fp16": 330, "fp8": 660.75}, die_area_mm2=608.5, memory_gb=24,
          memory_bandwidth_gbps=1_008, interconnect_gbps=0, datacenter=False, price_usd=1_599,
          confidence="high", source="[K34]: TPP 5,286; MSRP $1,599",
          note="Consumer card: only the TPP ≥ 4,800 prong applies, and as a non-datacenter chip it is NAC-eligible",
          us_commercial=True, us_commercial_source=_US_SOLD, china_halt="2023-11", china_halt_source=_OCT_2023_HALT),
    _chip(name="RTX 4090D", vendor="NVIDIA", origin=FOREIGN, year=2023, available_from="2023-12",
          throughput={"fp16": 294, "fp8": 588.375}, die_area_mm2=608.5, memory_gb=24,
          memory_bandwidth_gbps=1_008, interconnect_gbps=0, datacenter=False, price_usd=1_828,
          confidence="medium", source="[K35]: TPP ≈ 4,707; ¥12,999 ≈ $1,828",
          note="Cut-down 4090 for China, launched Dec 2023 just under 4,800",
          us_commercial_source="China-only SKU [K35]"),
    # ---- AMD -------------------------------------------------------------------------------
    _chip(name="MI250X", vendor="AMD", origin=FOREIGN, year=2021, available_from="2021-11",
          throughput={"fp16": 383, "int8": 383}, die_area_mm2=1_580, memory_gb=128,
          memory_bandwidth_gbps=3_200, interconnect_gbps=800, datacenter=True, price_usd=None,
          confidence="medium", source="[K2]; die area estimated; interconnect ~800 (mem); price not found",
          software_efficiency=0.8, us_commercial=True, us_commercial_source=_US_SOLD),
    _chip(name="MI300X", vendor="AMD", origin=FOREIGN, year=2023, available_from="2023-12",
          throughput={"fp16": 1_307, "fp8": 2_614.9}, die_area_mm2=1_017, memory_gb=192,
          memory_bandwidth_gbps=5_300, interconnect_gbps=896, datacenter=True, price_usd=15_000,
          confidence="medium", source="[K2] (its fp16 '312' is a typo); die area estimated; price ~10–20k (mem)",
          software_efficiency=0.8, price_note="midpoint of ~10–20k (mem)",
          us_commercial=True, us_commercial_source=_US_SOLD),
    # ---- Huawei ----------------------------------------------------------------------------
    _chip(name="Ascend 910", vendor="Huawei", origin=DOMESTIC, year=2019, available_from="2019-08",
          throughput={"fp16": 256, "int8": 512}, die_area_mm2=456, memory_gb=32,
          memory_bandwidth_gbps=1_230, interconnect_gbps=30, datacenter=True, price_usd=None,
          confidence="medium", source="[K37][K38]; compute die only",
          software_efficiency=0.7, inference_efficiency=0.65, hbm_stacks_per_package=4,
          package_source="32 GB HBM2 as 4 stacks (Assumption: 8 GB stacks)"),
    _chip(name="Ascend 910B", vendor="Huawei", origin=DOMESTIC, year=2023, available_from="2023-01",
          throughput={"fp16": 320, "int8": 640}, die_area_mm2=665.6, memory_gb=64,
          memory_bandwidth_gbps=1_600, interconnect_gbps=392, datacenter=True, price_usd=7_000,
          confidence="medium",
          source="[K37][K38][K21b]: FP16 280–400 (≈320), TPP 'over 5,000'; interconnect ~392 (mem)",
          price_note="Huawei's cost ≈ ¥50k [K25] (Assumption: cost, not a buyer's price; Baidu paid ¥281k per chip "
                     "including the server [K67])",
          software_efficiency=0.7, inference_efficiency=0.65,
          note="Huawei: training efficiency ~80% of A100 [K63]; the reference chip of the substitution levers",
          dies_per_package=1, hbm_stacks_per_package=4,
          package_source="1 die [K25]; 64 GB HBM2e as 4 stacks (Assumption: 16 GB stacks)"),
    _chip(name="Ascend 910C", vendor="Huawei", origin=DOMESTIC, year=2025, available_from="2025-01",
          throughput={"fp16": 800}, die_area_mm2=1_331, memory_gb=128,
          memory_bandwidth_gbps=3_200, interconnect_gbps=400, datacenter=True, price_usd=15_000,
          confidence="medium", source="[K39][K40][K25]: 2 × 910B dies; FP16 780–800",
          price_note="Huawei's cost ≈ ¥110k (~$15k) [K25] (Assumption: cost, not a buyer's price)",
          software_efficiency=0.7, inference_efficiency=0.65, dies_per_package=2, hbm_stacks_per_package=8,
          package_source="2 × 910B dies [K39][K25]; 8 × HBM2E stacks [K39]"),
    _chip(name="Ascend 950PR", vendor="Huawei", origin=DOMESTIC, year=2026, available_from="2026-03",
          throughput={"fp8": 1_000, "fp4": 2_000}, die_area_mm2=None, memory_gb=128,
          memory_bandwidth_gbps=1_600, interconnect_gbps=2_000, datacenter=True, price_usd=15_000,
          confidence="low",
          source="[K41]: 1 PF FP8, 2 PF FP4 (dense or sparse not stated), 128 GB HiBL 1.0 at 1.6 TB/s, 2 TB/s links; "
                 "mass production from Mar 2026, ~750k planned for 2026 [K18]; die area not published",
          price_note="Assumption: as the 910C", software_efficiency=0.7, inference_efficiency=0.65,
          dies_per_package=1, hbm_stacks_per_package=8,
          note="Per package it trains at ~0.6 of a 910C (1 PF FP8 against the 910C's 800 TF FP16, on one basis), but "
               "it is one die against the 910C's two",
          package_source="Assumption: one compute die (Huawei plans ~750k in 2026 [K18] against ~1.6M dies [K25b]) and "
                         "8 stacks of its own HiBL 1.0 HBM for 128 GB [K41]"),
    _chip(name="Ascend 950DT", vendor="Huawei", origin=DOMESTIC, year=2026, available_from="2026-10",
          throughput={"fp8": 1_000, "fp4": 2_000}, die_area_mm2=None, memory_gb=144,
          memory_bandwidth_gbps=4_000, interconnect_gbps=2_000, datacenter=True, price_usd=15_000,
          confidence="low", source="[K41]: Q4 2026; 1 PF FP8, 144 GB HiZQ 2.0 at 4 TB/s, 2 TB/s links (month: Assumption)",
          price_note="Assumption: as the 910C", software_efficiency=0.7, inference_efficiency=0.65,
          dies_per_package=1, hbm_stacks_per_package=8,
          package_source="Assumption: as the 950PR, one die and 8 stacks of HiZQ 2.0 [K41]"),
    _chip(name="Ascend 960", vendor="Huawei", origin=DOMESTIC, year=2027, available_from="2027-10",
          throughput={"fp8": 2_000, "fp4": 4_000}, die_area_mm2=None, memory_gb=288,
          memory_bandwidth_gbps=9_600, interconnect_gbps=2_200, datacenter=True, price_usd=15_000,
          confidence="low",
          source="[K41]: Q4 2027; 2 PF FP8, 4 PF FP4, 288 GB, 2.2 TB/s links; 9.6 TB/s memory (secondary figure); "
                 "month: Assumption",
          price_note="Assumption: as the 910C", software_efficiency=0.7, inference_efficiency=0.65,
          dies_per_package=2, hbm_stacks_per_package=12,
          package_source="Assumption: two dies ('compute doubles each generation' [K41]) and 12 stacks of 24 GB"),
    _chip(name="Ascend 970", vendor="Huawei", origin=DOMESTIC, year=2028, available_from="2028-10",
          throughput={"fp8": 4_000, "fp4": 8_000}, die_area_mm2=None, memory_gb=288,
          memory_bandwidth_gbps=14_400, interconnect_gbps=4_000, datacenter=True, price_usd=15_000,
          confidence="low", source="[K41]: Q4 2028; 4 PF FP8, 8 PF FP4, 14.4 TB/s memory, 4 TB/s links; month: Assumption",
          price_note="Assumption: as the 910C", software_efficiency=0.7, inference_efficiency=0.65,
          dies_per_package=2, hbm_stacks_per_package=12,
          package_source="Assumption: as the 960, two dies and 12 stacks"),
    # ---- Baidu Kunlun ----------------------------------------------------------------------
    _chip(name="Kunlun 1", vendor="Baidu", origin=DOMESTIC, year=2018, available_from="2018-07",
          throughput={"fp16": 64, "int8": 256}, die_area_mm2=None, memory_gb=16,
          memory_bandwidth_gbps=512, interconnect_gbps=None, datacenter=True, price_usd=None,
          confidence="medium", source="[K42]: K200; >20,000 units shipped", aliases=("K200",),
          software_efficiency=0.7, inference_efficiency=0.65, hbm_stacks_per_package=2,
          package_source="16 GB HBM as 2 stacks (Assumption)"),
    _chip(name="Kunlun II", vendor="Baidu", origin=DOMESTIC, year=2021, available_from="2021-08",
          throughput={"fp16": 128, "int8": 256}, die_area_mm2=None, memory_gb=32,
          memory_bandwidth_gbps=512, interconnect_gbps=None, datacenter=True, price_usd=5_000,
          confidence="low", source="[K42]: R200, 7 nm; FP16 and bandwidth (mem)", aliases=("R200", "Kunlun 2"),
          price_note="Assumption: no price published", software_efficiency=0.7, inference_efficiency=0.65,
          package_source="GDDR6, no HBM (mem)"),
    _chip(name="Kunlun P800", vendor="Baidu", origin=DOMESTIC, year=2024, available_from="2024-06",
          throughput={}, die_area_mm2=None, memory_gb=None, memory_bandwidth_gbps=None,
          interconnect_gbps=None, datacenter=True, price_usd=10_000, confidence="low",
          source="[K43]: specs not published; 30,000-chip cluster lit Apr 2025",
          price_note="Assumption: no price published", training_h100e_assumed=0.22, inference_h100e_assumed=0.31,
          note="Assumption: specs unpublished; treated as 910B-class, the class Baidu positions it against",
          package_source="GDDR6 reported, no HBM [K43]; 1 die (Assumption)"),
    # ---- other domestic vendors, as one row -------------------------------------------------
    _chip(name="Other domestic", vendor="Other domestic vendors", origin=DOMESTIC, year=2024,
          available_from="2023-01", throughput={}, die_area_mm2=None, memory_gb=96, memory_bandwidth_gbps=None,
          interconnect_gbps=700, datacenter=True, price_usd=None, confidence="low",
          source="Alibaba T-Head PPU (96 GB HBM2e, 700 GB/s links, 'above the A800, near the H20' [K112]), Hygon, "
                 "MetaX, Moore Threads and others: IDC shipments [K76][K98]; no FLOPS published",
          training_h100e_assumed=0.3, inference_h100e_assumed=0.7,
          note="Assumption: A800-class for training (0.3 H100e) and between the A800 and the H20 for decode (0.7)",
          aliases=("T-Head", "Other vendors")),
    # ---- Cambricon, Biren, Moore Threads ---------------------------------------------------
    _chip(name="MLU370-X8", vendor="Cambricon", origin=DOMESTIC, year=2021, available_from="2021-11",
          throughput={"fp16": 96, "int8": 256}, die_area_mm2=None, memory_gb=48,
          memory_bandwidth_gbps=614, interconnect_gbps=200, datacenter=True, price_usd=None,
          confidence="medium", source="[K44]: 7 nm, 2 chips", aliases=("MLU370",), software_efficiency=0.7,
          inference_efficiency=0.65, dies_per_package=2, package_source="LPDDR5, no HBM [K44]"),
    _chip(name="MLU590", vendor="Cambricon", origin=DOMESTIC, year=2023, available_from="2023-06",
          throughput={"fp16": 314}, die_area_mm2=None, memory_gb=80,
          memory_bandwidth_gbps=2_700, interconnect_gbps=None, datacenter=True, price_usd=None,
          confidence="low", source="(mem, low confidence): FP16 ~314, HBM2e 80 GB, ~2.7 TB/s", software_efficiency=0.7,
          inference_efficiency=0.65, hbm_stacks_per_package=5, package_source="80 GB HBM2e as 5 stacks (mem)"),
    _chip(name="BR100", vendor="Biren", origin=DOMESTIC, year=2022, available_from="2022-09",
          throughput={"bf16": 1_024, "int8": 2_048}, die_area_mm2=1_074, memory_gb=64,
          memory_bandwidth_gbps=1_640, interconnect_gbps=896, datacenter=True, price_usd=None,
          confidence="medium", source="[K45][K46]: TSMC N7, 1,074 mm² total; interconnect = 896 GB/s die-to-die (BLink 256 per die)",
          note="TSMC halted output in Oct 2022", software_efficiency=0.7, inference_efficiency=0.65,
          dies_per_package=2, hbm_stacks_per_package=4, package_source="2 dies, 64 GB HBM2e [K45][K46]"),
    _chip(name="MTT S4000", vendor="Moore Threads", origin=DOMESTIC, year=2023, available_from="2023-12",
          throughput={"fp16": 100, "int8": 200}, die_area_mm2=None, memory_gb=48,
          memory_bandwidth_gbps=768, interconnect_gbps=240, datacenter=True, price_usd=None,
          confidence="medium", source="[K47]", aliases=("S4000",), software_efficiency=0.7,
          inference_efficiency=0.65, package_source="GDDR6, no HBM [K47]"),
)
"""Every catalog chip. Software efficiency: NVIDIA 1.0 (the H100 reference); AMD 0.8 (Assumption: ROCm
penalty); domestic chips 0.7 for training and 0.65 for decode (Assumption: sets the 910C at ≈0.57 H100e
for training and ≈0.62 for inference, the calibration centres 0.55 and 0.6 [K62][K63][K36]; Huawei put
910B training efficiency at 80% of the A100 [K63]; Ascend MFU 0.30–0.50 against NVIDIA's 0.38–0.43 [K62][K57b])."""

CHIPS_BY_NAME: dict[str, Chip] = {c.name: c for c in CHIPS}
_LOOKUP: dict[str, Chip] = {}
for _c in CHIPS:
    for _n in (_c.name, *_c.aliases):
        _LOOKUP[chip_key(_n)] = _c
REFERENCE = CHIPS_BY_NAME[REFERENCE_CHIP]
MAX_CHIP_NAME = 60  # [characters] longest chip name accepted


def get_chip(name, field_name: str = "chip") -> Chip:
    """The one chip-name resolver: case, spaces, hyphens, underscores and aliases are all one chip."""
    text = clean_text(name, field_name, MAX_CHIP_NAME)
    chip = _LOOKUP.get(chip_key(text))
    if chip is None:
        raise ScenarioError(f"{field_name}: unknown chip {excerpt(text)}{suggest(text, CHIPS_BY_NAME)}; "
                            f"allowed: {', '.join(CHIPS_BY_NAME)}")
    return chip


def custom_chip(tpp, die_area_mm2=None, *, interconnect_gbps=None, memory_bandwidth_gbps=None,
                datacenter: bool = True, us_commercial: bool = True, planar: bool = False,
                name: str = "your chip") -> Chip:
    """A chip described by its numbers (the classifier form and ``classify --tpp``).

    Taken as commercially available in the US unless the user says otherwise (``us_commercial``), since
    a chip described by specs is usually a product being assessed for export from the US.
    """
    numbers = {}
    for label, value in (("tpp", tpp), ("die_area_mm2", die_area_mm2), ("interconnect_gbps", interconnect_gbps),
                         ("memory_bandwidth_gbps", memory_bandwidth_gbps)):
        if value is not None:
            numbers[label], _ = parse_number(value, label, 0, 1e9)
    if numbers.get("die_area_mm2") is not None and numbers["die_area_mm2"] <= 0:
        raise ScenarioError(f"die_area_mm2: {excerpt(die_area_mm2)} is not allowed; allowed: a positive area in mm²")
    return _chip(name=name, vendor="custom", origin=FOREIGN, year=0, available_from="2000-01",
                 throughput={"int8": numbers["tpp"] / 8}, die_area_mm2=numbers.get("die_area_mm2"), memory_gb=None,
                 memory_bandwidth_gbps=numbers.get("memory_bandwidth_gbps"),
                 interconnect_gbps=numbers.get("interconnect_gbps"), datacenter=bool(datacenter),
                 price_usd=None, confidence="user", source="user input", planar=bool(planar),
                 us_commercial=bool(us_commercial),
                 us_commercial_source="user input" if us_commercial else "user input: not sold in the US")
