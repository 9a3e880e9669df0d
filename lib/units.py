"""Units, reference constants and the glossary.

Glossary
--------
TPP
    Total Processing Performance, the BIS metric of ECCN 3A090: dense TOPS (or TFLOPS) × bit length of the
    operation, the maximum over the precisions a chip supports. Sparsity is not counted. [TPP]
PD
    Performance density: TPP ÷ applicable die area (non-planar logic dies only). [TPP/mm²]
H100e
    H100-equivalents: the number of NVIDIA H100 SXM chips that would do the same work. Training H100e scale
    with compute (TPP), interconnect and software efficiency; inference H100e with memory bandwidth, because
    LLM decode is memory-bound.
Reference chip
    The Ascend 910B: both substitution levers count domestic chips in 910B per H100; every other domestic
    chip follows from its specs relative to the 910B.
Software efficiency
    Achieved ÷ peak relative to NVIDIA on the same workload (CANN, PaddlePaddle's port). [share]
FLOP
    Floating-point operations (a count, not a rate). FLOP/s is the rate.
MFU
    Model FLOP utilisation: achieved training FLOP/s ÷ peak dense FLOP/s. [share]
Stock
    Accelerators installed and working at the end of a month. [chips]
Arrivals, by channel
    Accelerators delivered during a month: legal exports (licensed, or needing no licence like the H20 in
    2024; the "licensed" columns and keys), smuggled, domestic, and ordered deliveries fixed in the scenario.
    [chips/month]
Remote access
    Compute rented abroad (cloud fronts, SE Asian data centres). It trains models, so it counts in the
    largest run, but it is not owned and not in the stock. [chips], [H100e]
Retirements
    Accelerators leaving the stock during a month: end of useful life plus failures. [chips/month]
Leakage
    Share of the foreign demand a rule blocks that still arrives, smuggled; it acts once per unit demanded.
    [share 0–1]
Approval share
    Share of licence applications granted for chips under case-by-case review or NAC notification. [share 0–1]
National output
    China's domestic accelerators per month: the smaller of what logic dies (SMIC wafers, the TSMC die bank)
    and HBM stacks allow. [accelerators/month]
Binding constraint
    What limits a flow in a month: for imports, the rule prong or vendor halt that blocks a chip; for national
    output, logic or HBM.
Planned run
    The training run the actor means to do: it starts at the "Planned run at start" lever and grows by the
    "Planned-run growth" lever each year (Baidu: an ERNIE-scale run of 5e24 FLOP in Nov 2023, ×4 a year). [FLOP]
Largest feasible run
    The largest run the fleet's training share (owned plus rented) can finish in one run window at the
    assumed utilisation (MFU). [FLOP]
Runway
    Months from the scenario's start until the actor's planned training run no longer fits its fleet. [months]
Inference runway
    Months until the tokens the actor must serve exceed what its fleet can serve. [months]
Frontier gap
    Years behind the frontier: how long ago the frontier first ran a run as large as the actor's largest
    feasible run. [years]
H100e-years
    Training H100e summed over the horizon's months ÷ 12: compute available over the whole period. [H100e·years]
Reference scenario
    The documented scenario every delta reads against: for Baidu, its real policy timeline.
USD
    US dollars, nominal. [USD]
"""

def glossary() -> list[tuple[str, str]]:
    """(term, definition) pairs from this module's docstring, continuation lines joined."""
    text = __doc__.split("--------", 1)[1]
    entries: list[list[str]] = []
    for line in text.strip("\n").splitlines():
        if line and not line.startswith(" "):
            entries.append([line.strip(), ""])
        elif line.strip() and entries:
            entries[-1][1] = f"{entries[-1][1]} {line.strip()}".strip()
    return [(term, definition) for term, definition in entries]


H100_TPP = 15_832.0            # [TPP] H100 SXM: 1,979 dense FP8 TOPS × 8 bit [K2]
H100_PEAK_FLOPS = 989.5e12     # [FLOP/s] H100 SXM dense BF16 [K2]
H100_MEMORY_BANDWIDTH = 3_350  # [GB/s] H100 SXM HBM3 [K2]
SECONDS_PER_DAY = 86_400.0     # [s/day]

BIT_LENGTHS = {                # [bit] operand width per precision name, for TPP = TOPS × bit length [K31]
    "fp4": 4,
    "fp8": 8,
    "int8": 8,
    "fp16": 16,
    "bf16": 16,
    "tf32": 32,
    "fp32": 32,
    "fp64": 64,
}
