"""China's domestic accelerator output from its real constraints, and the actor's share of it.

National output each month is the smaller of what the logic dies and the HBM allow:

- **logic**: advanced-node wafers for AI accelerators × 78 die sites × yield (SMIC), a flow: wafers are
  not started for dies that no HBM will meet; plus the TSMC die bank, a stock that TSMC filled through 2024
  and that is drawn down from 2025 [K25][K8];
- **HBM**: the stacks available ÷ stacks per accelerator. Stacks enter from imports until the HBM control,
  then only from domestic HBM and from imports that leak through the control [K8][K9]; stacks not used at
  once join the stockpile, and so does the front-running surge in the month before the control.

A stockpile (the die bank, the HBM stockpile) is drawn at most ``1 / stock_draw_months`` of what is left
each month: packaging and test take time, and a maker spreads a finite stockpile rather than burning it
in one month. Both stocks are drawn down by what is made, so the computation runs month by month from
``NATIONAL_START`` (2023-01) whatever a scenario's start, so that 2024–26 can be checked against
outside estimates. The accelerators are of the national mix; Huawei's output is its Ascend share.

An actor receives the smaller of its demand for domestic chips (``domestic_supply`` growing at
``domestic_growth``) and its ``national_share`` of national output, split by its own domestic mix.
Simplification: an actor's share is counted in accelerators, so a GDDR chip (Kunlun) is capped like
an HBM chip.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalog import CHIPS_BY_NAME, DIE_SITES_PER_WAFER
from .gate import month_index

NATIONAL_START = "2023-01"     # Assumption: the national model's first month, before the Ascend 910B ramp
WAFER_REFERENCE = "2025-12"    # [month] the wafer lever's month: Morgan Stanley's ~7k wpm at end-2025 [K25]
DIE_BANK_FROM = "2025-01"      # TSMC made the dies until its Nov 2024 halt; SemiAnalysis: 2025 output came from the bank [K8]
DOMESTIC_HBM_FROM = "2025-07"  # Assumption: CXMT / HiBL volume from mid-2025, ahead of the 950PR [K41]
DOMESTIC_HBM_REFERENCE = "2026-06"  # [month] the domestic-HBM lever is the rate in 2026 (mid-year)
BINDING = ("HBM", "logic: SMIC + die bank", "logic: SMIC wafers")
HBM_BINDS, BANK_BINDS, SMIC_BINDS = 0, 1, 2


@dataclass(frozen=True)
class NationalCompiled:
    """Per national month, what the lever values multiply. Shapes (M,) for M national months."""

    labels: tuple
    wafer_years: np.ndarray        # (months since WAFER_REFERENCE) / 12 [years]
    bank_open: np.ndarray          # 1 from DIE_BANK_FROM on, else 0 [bool]
    pre_control: np.ndarray        # 1 before the HBM control, else 0
    surge_month: np.ndarray        # 1 in the month before the control, else 0
    post_control: np.ndarray       # 1 from the control on, else 0
    domestic_hbm_on: np.ndarray    # 1 from DOMESTIC_HBM_FROM on
    domestic_hbm_years: np.ndarray  # (months since DOMESTIC_HBM_REFERENCE) / 12 [years]
    dies_per_package: np.ndarray   # mix-weighted [dies/accelerator]
    stacks_per_package: np.ndarray  # mix-weighted [stacks/accelerator]
    chips: tuple                   # national mix chips
    mix: np.ndarray                # (D, M) share of output per chip [share]
    huawei_share: np.ndarray       # (M,) share of output that is Ascend [share]
    offset: int                    # national index of the scenario's first month


def compile_national(national_mix: tuple, hbm_control_from: str, start: str, horizon: str) -> NationalCompiled:
    first = min(month_index(NATIONAL_START), month_index(start))
    last = month_index(horizon)
    months = np.arange(first, last + 1)
    labels = tuple(f"{m // 12:04d}-{m % 12 + 1:02d}" for m in months)
    control = None if hbm_control_from == "never" else month_index(hbm_control_from)
    chips = tuple(dict.fromkeys(c for _, shares in national_mix for c, _ in shares))
    mix = np.zeros((len(chips), len(months)))
    starts = [month_index(m) for m, _ in national_mix]
    for i, (_, shares) in enumerate(national_mix):
        upto = starts[i + 1] if i + 1 < len(starts) else last + 1
        cols = (months >= (first if i == 0 else starts[i])) & (months < upto)
        for name, share in shares:
            mix[chips.index(name), cols] = share
    objs = [CHIPS_BY_NAME[c] for c in chips]
    dies = np.array([c.dies_per_package for c in objs]) @ mix
    stacks = np.array([c.hbm_stacks_per_package for c in objs]) @ mix
    huawei = np.array([c.vendor == "Huawei" for c in objs], dtype=float) @ mix
    bank = months >= month_index(DIE_BANK_FROM)
    pre = np.ones(len(months), bool) if control is None else months < control
    return NationalCompiled(
        labels=labels, wafer_years=(months - month_index(WAFER_REFERENCE)) / 12.0, bank_open=bank.astype(float),
        pre_control=pre.astype(float),
        surge_month=(months == control - 1).astype(float) if control is not None else np.zeros(len(months)),
        post_control=(~pre).astype(float), domestic_hbm_on=(months >= month_index(DOMESTIC_HBM_FROM)).astype(float),
        domestic_hbm_years=(months - month_index(DOMESTIC_HBM_REFERENCE)) / 12.0,
        dies_per_package=np.maximum(dies, 1e-9), stacks_per_package=stacks, chips=chips, mix=mix,
        huawei_share=huawei, offset=month_index(start) - first)


def inflows(levers, nat: NationalCompiled):
    """SMIC dies [dies/month], the die bank's size once open [dies], HBM arriving as a flow [stacks/month] and
    HBM arriving into the stockpile (the front-running surge) [stacks/month], for scalar levers or (N,) arrays.

    ``levers`` maps names to values; returns arrays shaped (M,) or (N, M).
    """
    col = _column(levers)
    smic = col("logic_wafers_per_month") * col("logic_wafer_growth") ** nat.wafer_years * DIE_SITES_PER_WAFER \
        * col("logic_yield")
    bank = col("die_bank_dies") * nat.bank_open  # the bank's size once it opens; drawn at most 1/draw months a month
    hbm = (col("hbm_imports_per_month") * nat.pre_control + col("hbm_imports_after_control") / 12.0 * nat.post_control
           + col("domestic_hbm_stacks_per_year") / 12.0 * col("domestic_hbm_growth") ** nat.domestic_hbm_years
           * nat.domestic_hbm_on)
    surge = col("hbm_front_running_stacks") * nat.surge_month
    return smic, bank, hbm, surge


def _column(levers):
    def col(name):
        value = np.asarray(levers[name], dtype=float)
        return value[..., None] if value.ndim else float(value)
    return col


def national_output(levers, nat: NationalCompiled) -> dict:
    """National output month by month for one set of lever values (scalars) [accelerators/month].

    Returns arrays (M,): ``output``, ``logic_limit``, ``hbm_limit``, ``binding`` (index into ``BINDING``),
    ``die_stock`` (what is left of the die bank) and ``hbm_stock`` after the month, and the inflows.
    """
    smic, bank, hbm, surge = inflows(levers, nat)
    smic, bank, hbm, surge = (np.broadcast_to(x, nat.dies_per_package.shape) for x in (smic, bank, hbm, surge))
    M = len(nat.labels)
    out = [0.0] * M
    logic_l, hbm_l, bind, dstock, hstock = [0.0] * M, [0.0] * M, [0] * M, [0.0] * M, [0.0] * M
    stacks = 0.0
    dpp, spp = nat.dies_per_package.tolist(), nat.stacks_per_package.tolist()
    smic_l, bank_l, hbm_in, surge_l = smic.tolist(), bank.tolist(), hbm.tolist(), surge.tolist()
    bank_left = None
    draw = 1.0 / float(levers["stock_draw_months"])
    for t in range(M):  # scalar Python: ~50× faster than numpy on length-1 arrays for this recursion
        if bank_left is None and bank_l[t] > 0:
            bank_left = bank_l[t]
        drawable = (bank_left or 0.0) * draw
        stacks += surge_l[t]  # front-running stacks are stockpiled, not used at once
        usable_stacks = hbm_in[t] + stacks * draw
        by_logic = (smic_l[t] + drawable) / dpp[t]
        by_hbm = usable_stacks / spp[t] if spp[t] > 0 else float("inf")
        made = by_logic if by_logic <= by_hbm else by_hbm
        if bank_left is not None:
            bank_left -= min(drawable, max(made * dpp[t] - smic_l[t], 0.0))
        stacks = max(stacks + hbm_in[t] - made * spp[t], 0.0)
        out[t], logic_l[t], hbm_l[t], dstock[t], hstock[t] = made, by_logic, by_hbm, bank_left or 0.0, stacks
        bind[t] = HBM_BINDS if by_hbm < by_logic else (BANK_BINDS if drawable > 0 else SMIC_BINDS)
    return {"output": np.array(out), "logic_limit": np.array(logic_l), "hbm_limit": np.array(hbm_l),
            "binding": np.array(bind), "die_stock": np.array(dstock), "hbm_stock": np.array(hstock),
            "smic_dies": smic.copy(), "bank_dies": bank.copy(), "hbm_inflow": hbm + surge}


class NationalState:
    """The same recursion for N samples at once, one month per ``step`` (used by the Monte Carlo)."""

    def __init__(self, n: int, stock_draw_months):
        self.bank = np.zeros(n)
        self.opened = False
        self.stacks = np.zeros(n)
        self.draw = 1.0 / np.asarray(stock_draw_months, dtype=float)

    def step(self, smic, bank_size, hbm, dpp: float, spp: float, bank_open: bool, surge=0.0):
        """One month: returns accelerators made [accelerators/month]."""
        if bank_open and not self.opened:
            self.bank = np.array(bank_size, dtype=float, copy=True)
            self.opened = True
        drawable = self.bank * self.draw
        self.stacks += surge
        by_logic = (smic + drawable) / dpp
        made = np.minimum(by_logic, (hbm + self.stacks * self.draw) / spp) if spp > 0 else by_logic
        self.bank -= np.clip(made * dpp - smic, 0.0, drawable)
        self.stacks += hbm - made * spp
        np.maximum(self.stacks, 0.0, out=self.stacks)
        return made


def actor_demand(T: int, supply_per_year, growth_per_year):
    """The actor's demand for domestic chips each month [chips/month], growing smoothly."""
    t = np.arange(T)
    s = np.asarray(supply_per_year, dtype=float)
    g = np.asarray(growth_per_year, dtype=float)
    if s.ndim:
        s, g = s[..., None], g[..., None]
    return s / 12.0 * g ** (t / 12.0)
