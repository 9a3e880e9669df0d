"""Units, reference constants and the glossary.

Glossary
--------
TPP
    Total Processing Performance, the BIS metric of ECCN 3A090: dense TOPS (or TFLOPS)
    × bit length of the operation, the maximum over the precisions a chip supports.
    Sparsity is not counted. [TPP] is dimensionless in practice (TOPS·bit).
PD
    Performance density: TPP ÷ applicable die area. [TPP/mm²]
H100e
    H100-equivalents: the number of NVIDIA H100 SXM chips that would do the same work.
    Training H100e scale with compute (TPP) and interconnect; inference H100e scale with
    memory bandwidth, because LLM decode is memory-bound.
FLOP
    Floating-point operations (a count, not a rate). FLOP/s is the rate.
MFU
    Model FLOP utilisation: achieved training FLOP/s ÷ peak dense FLOP/s. [share]
Stock
    Accelerators installed and working at the start of a month. [chips]
Arrivals
    Accelerators delivered during a month. [chips/month]
Retirements
    Accelerators leaving the stock during a month: end of useful life plus failures. [chips/month]
Leakage
    Share of foreign demand for controlled chips that still arrives (smuggling, remote access,
    diversion). [share 0–1]
Approval share
    Share of licence applications granted for chips under case-by-case review or in the
    3A090.b gray zone. [share 0–1]
Runway
    Months from the scenario's start until the actor's planned training run no longer fits
    its fleet. [months]
Frontier gap
    Years behind the frontier: how long ago the frontier's largest run was as large as the
    actor's largest feasible run. [years]
USD
    US dollars, nominal. [USD]
"""

H100_TPP = 15_832.0            # [TPP] H100 SXM: 1,979 dense FP8 TOPS × 8 bit; domain-facts §1.1 [K2]
H100_PEAK_FLOPS = 989.5e12     # [FLOP/s] H100 SXM dense BF16; domain-facts §2 [K2]
H100_MEMORY_BANDWIDTH = 3_350  # [GB/s] H100 SXM HBM3; domain-facts §2 [K2]
SECONDS_PER_DAY = 86_400.0     # [s/day]

BIT_LENGTHS = {                # [bit] operand width per precision name, for TPP = TOPS × bit length
    "fp4": 4,
    "fp8": 8,
    "int8": 8,
    "fp16": 16,
    "bf16": 16,
    "tf32": 32,
    "fp32": 32,
    "fp64": 64,
}
