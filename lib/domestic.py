"""China's domestic accelerator output from its real constraints, and the actor's share of it.

The national pool (Huawei Ascend, Cambricon, Kunlun: the chips of the national mix) is made each month from:

- **logic dies**: the TSMC die bank first, a stock of Ascend dies TSMC filled through a proxy until its Nov 2024
  halt and the Jan 2025 foundry rule closed the route [K8][K94], drawn at most ``1 / stock_draw_months`` of what
  is left a month, for the Ascend (HBM) chips only; then SMIC's AI wafers × 78 die sites × yield [K25], split
  between HBM and non-HBM chips by the mix, whose 2023–27 path is sourced history (below) and which are not
  started for dies nothing would use;
- **HBM stacks**, for the chips that carry HBM only (a GDDR chip such as Kunlun's is outside the HBM bound):
  under an HBM control, stacks come from the stockpile bought before it, the front-running surge of the
  month before it [K8], imports leaking through it, and domestic HBM (CXMT, Huawei's own) [K8][K85]; the
  stockpile is drawn at most ``1 / stock_draw_months`` a month. Without a control, Korean HBM is bought as
  needed and does not bind (the surge is what buyers did because a control was coming).

Logic dies are split between HBM and non-HBM chips by the mix; the HBM chips make the smaller of what their
dies and the HBM allow. So in every month national output without the HBM control is at least the output with
it whenever the die bank is drawn at its full rate (tested per year on every preset and over sampled levers).

Other domestic vendors (Alibaba's T-Head, Hygon, MetaX, Moore Threads, Biren, Enflame and the rest) are one
sourced row outside these bounds: IDC's all-vendor shipments less Huawei, Kunlun and Cambricon [K98][K76],
growing at a lever after 2025. Simplification: their fabs and memory are not modelled.

The computation runs month by month from ``NATIONAL_START`` (2023-01) whatever a scenario's start, so that
2024–26 can be checked against outside estimates. An actor receives the smaller of its demand for pool chips
(``domestic_supply`` growing at ``domestic_growth``) and its ``national_share`` of the pool, split by its own
domestic mix, plus ``other_vendors_share`` of the other vendors' row. Simplification: an actor's share is
counted in accelerators.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalog import CHIPS_BY_NAME, DIE_SITES_PER_WAFER
from .gate import month_index

NATIONAL_START = "2023-01"     # Assumption: the national model's first month, before the Ascend 910B ramp
WAFER_REFERENCE = "2025-12"    # [month] the wafer lever's month: Morgan Stanley's ~7k wpm to Ascend in 2025 [K25]
WAFER_PATH = (                 # [month, wafers/month] SMIC AI wafers, sourced history scaled by the lever
    ("2023-01", 300),          # Assumption: the 910B's first production at SMIC N+2 [K67]
    ("2024-06", 1_100),        # derived: FT, Huawei made ~200k 910B at SMIC in 2024 [K110], at 78 sites and ~20% yield [K111]
    ("2025-12", 7_000),        # Morgan Stanley: ~7k wafers a month to Ascend in 2025 [K25][K84]
    ("2026-06", 13_000),       # Morgan Stanley: ~13k in 2026 [K84]
    ("2027-06", 18_000),       # Morgan Stanley: ~18k in 2027 [K84]; the growth lever applies after this month
)
YIELD_PATH = (                 # [month, share] good 910B-sized dies per site, scaled by the yield lever (end-2025)
    ("2023-01", 0.15),         # Assumption: a new node's first year
    ("2024-09", 0.20),         # Reuters: 910C yield ~20% in late 2024 [K111]
    ("2025-12", 0.30),         # Morgan Stanley: ~30% at end-2025 [K25]
)
DIE_BANK_FROM = "2025-01"      # TSMC made the dies until its Nov 2024 halt and the Jan 2025 foundry rule ended the route [K94];
                               # SemiAnalysis: the bank supplies 2025's output [K8] (events.csv: die_bank_closed)
DOMESTIC_HBM_FROM = "2025-07"  # Assumption: CXMT HBM3 samples to Huawei mid-2025 [K86]; volume from then
DOMESTIC_HBM_REFERENCE = "2026-06"  # [month] the domestic-HBM lever is the rate in 2026 (mid-year)
OTHER_VENDORS_PER_YEAR = (     # [year, accelerators] IDC all-domestic shipments less Huawei, Kunlun and Cambricon
    (2023, 140_000),           # Assumption: half of 2024's
    (2024, 275_000),           # derived: IDC >820k domestic [K98] − Epoch's Huawei 450k and Cambricon 25k [K102] − Kunlun ~70k [K43c]
    (2025, 606_000),           # derived: IDC ~1.65M domestic − Huawei 812k, Kunlun 116k, Cambricon 116k [K76]; T-Head ~265k of it
)
OTHER_VENDORS_CHIP = "Other domestic"   # the catalog row the other vendors' output counts as
BINDING = ("HBM", "logic: SMIC + die bank", "logic: SMIC wafers")
HBM_BINDS, BANK_BINDS, SMIC_BINDS = 0, 1, 2


def _path(points, months: np.ndarray, scale_at: str) -> np.ndarray:
    """A dated path interpolated in logs between its points, flat before the first and after the last,
    divided by its value at ``scale_at`` (so that a lever set for that month scales the whole path)."""
    x = np.array([month_index(m) for m, _ in points], dtype=float)
    y = np.log(np.array([v for _, v in points], dtype=float))
    at = np.interp(month_index(scale_at), x, y)
    return np.exp(np.interp(months, x, y) - at)


@dataclass(frozen=True)
class NationalCompiled:
    """Per national month, what the lever values multiply. Shapes (M,) for M national months."""

    labels: tuple
    wafer_factor: np.ndarray       # SMIC wafers ÷ the lever's Dec 2025 value, by the sourced path [1]
    wafer_years: np.ndarray        # years after the path's last point, where the growth lever applies [years]
    yield_factor: np.ndarray       # yield ÷ the lever's end-2025 value, by the sourced path [1]
    bank_open: np.ndarray          # 1 from DIE_BANK_FROM on, else 0 [bool]
    pre_control: np.ndarray        # 1 before the HBM control, else 0
    surge_month: np.ndarray        # 1 in the month before the control, else 0
    post_control: np.ndarray       # 1 from the control on, else 0
    hbm_binds: bool                # a control exists: without one, HBM is bought as needed
    domestic_hbm_on: np.ndarray    # 1 from DOMESTIC_HBM_FROM on
    domestic_hbm_years: np.ndarray  # (months since DOMESTIC_HBM_REFERENCE) / 12 [years]
    hbm_share: np.ndarray          # (M,) share of pool packages that carry HBM [share]
    hbm_die_share: np.ndarray      # (M,) share of logic dies going to HBM chips [share]
    dies_hbm: np.ndarray           # (M,) dies per HBM-chip package [dies]
    dies_plain: np.ndarray         # (M,) dies per non-HBM package [dies]
    stacks_per_package: np.ndarray  # (M,) HBM stacks per HBM-chip package [stacks]
    chips: tuple                   # national mix chips
    mix: np.ndarray                # (D, M) share of pool output per chip, when HBM does not bind [share]
    carries_hbm: np.ndarray        # (D,) bool
    huawei_share: np.ndarray       # (M,) share of pool output that is Ascend, when HBM does not bind [share]
    other_base: np.ndarray         # (M,) other vendors' output at the sourced path [accelerators/month]
    other_years: np.ndarray        # years after mid-2025, where the other vendors' growth lever applies [years]
    offset: int                    # national index of the scenario's first month


def compile_national(national_mix: tuple, hbm_control_from: str, start: str, horizon: str) -> NationalCompiled:
    first = min(month_index(NATIONAL_START), month_index(start))
    last = month_index(horizon)
    months = np.arange(first, last + 1)
    M = len(months)
    labels = tuple(f"{m // 12:04d}-{m % 12 + 1:02d}" for m in months)
    control = None if hbm_control_from == "never" else month_index(hbm_control_from)
    chips = tuple(dict.fromkeys(c for _, shares in national_mix for c, _ in shares))
    mix = np.zeros((len(chips), M))
    starts = [month_index(m) for m, _ in national_mix]
    for i, (_, shares) in enumerate(national_mix):
        upto = starts[i + 1] if i + 1 < len(starts) else last + 1
        cols = (months >= (first if i == 0 else starts[i])) & (months < upto)
        for name, share in shares:
            mix[chips.index(name), cols] = share
    objs = [CHIPS_BY_NAME[c] for c in chips]
    dies = np.array([c.dies_per_package for c in objs])
    stacks = np.array([c.hbm_stacks_per_package for c in objs])
    carries = stacks > 0
    share_h = carries @ mix
    share_g = (~carries) @ mix
    dies_h = (dies * carries) @ mix / np.maximum(share_h, 1e-12)
    dies_g = (dies * ~carries) @ mix / np.maximum(share_g, 1e-12)
    die_share_h = share_h * dies_h / np.maximum(share_h * dies_h + share_g * dies_g, 1e-12)
    huawei = np.array([c.vendor == "Huawei" for c in objs], dtype=float) @ mix
    last_wafer = month_index(WAFER_PATH[-1][0])
    pre = np.ones(M, bool) if control is None else months < control
    years = {y: v for y, v in OTHER_VENDORS_PER_YEAR}
    other_base = np.array([years.get(min(max(m // 12, min(years)), max(years)), 0.0) / 12.0 for m in months])
    return NationalCompiled(
        labels=labels, wafer_factor=_path(WAFER_PATH, months, WAFER_REFERENCE),
        wafer_years=np.maximum(months - last_wafer, 0) / 12.0,
        yield_factor=_path(YIELD_PATH, months, WAFER_REFERENCE),
        bank_open=(months >= month_index(DIE_BANK_FROM)).astype(float), pre_control=pre.astype(float),
        surge_month=(months == control - 1).astype(float) if control is not None else np.zeros(M),
        post_control=(~pre).astype(float), hbm_binds=control is not None,
        domestic_hbm_on=(months >= month_index(DOMESTIC_HBM_FROM)).astype(float),
        domestic_hbm_years=(months - month_index(DOMESTIC_HBM_REFERENCE)) / 12.0,
        hbm_share=share_h, hbm_die_share=die_share_h, dies_hbm=np.maximum(dies_h, 1e-9),
        dies_plain=np.maximum(dies_g, 1e-9), stacks_per_package=stacks @ mix / np.maximum(share_h, 1e-12),
        chips=chips, mix=mix, carries_hbm=carries, huawei_share=huawei, other_base=other_base,
        other_years=np.maximum(months - month_index("2025-12"), 0) / 12.0, offset=month_index(start) - first)


def inflows(levers, nat: NationalCompiled):
    """SMIC dies [dies/month], the die bank's size once open [dies], HBM arriving as a flow [stacks/month], HBM
    arriving into the stockpile (the front-running surge) [stacks/month] and the other vendors' output
    [accelerators/month], for scalar levers or (N,) arrays.

    ``levers`` maps names to values; returns arrays shaped (M,) or month-major (M, N).
    """
    vector = _any_array(levers)
    col = _column(levers)
    on = (lambda x: x[:, None]) if vector else (lambda x: x)  # noqa: E731
    smic = (col("logic_wafers_per_month") * on(nat.wafer_factor) * col("logic_wafer_growth") ** on(nat.wafer_years)
            * DIE_SITES_PER_WAFER * col("logic_yield") * on(nat.yield_factor))
    bank = col("die_bank_dies") * on(nat.bank_open)  # the bank's size once it opens; drawn at most 1/draw a month
    hbm = (col("hbm_imports_per_month") * on(nat.pre_control)
           + col("hbm_imports_after_control") / 12.0 * on(nat.post_control)
           + col("domestic_hbm_stacks_per_year") / 12.0 * col("domestic_hbm_growth") ** on(nat.domestic_hbm_years)
           * on(nat.domestic_hbm_on))
    surge = col("hbm_front_running_stacks") * on(nat.surge_month)
    other = on(nat.other_base) * col("other_vendors_growth") ** on(nat.other_years)
    return smic, bank, hbm, surge, other


def _any_array(levers) -> bool:
    return any(np.ndim(levers[name]) for name in levers)


def _column(levers):
    def col(name):
        value = np.asarray(levers[name], dtype=float)
        return value.reshape(1, -1) if value.ndim else float(value)
    return col


def _step_series(smic, bank, hbm, surge, nat: NationalCompiled, draw, minimum, maximum):
    """The month-by-month recursion, written once for plain floats (one sample) and for numpy arrays (many).

    ``smic``, ``hbm`` are sequences over months of floats or (N,) arrays; ``bank`` and ``surge`` hold None where
    they do not act; ``minimum`` and ``maximum`` are ``min``/``max`` for floats and ``np.minimum``/``np.maximum``
    for arrays. Returns an array (7, M) or (7, M, N): HBM-chip packages made, non-HBM packages made, the
    HBM chips' logic limit, their HBM limit, drawable dies, die stock left and HBM stock left, per month.
    """
    M = len(nat.labels)
    out = np.empty((7, M) + np.shape(smic[0]))
    share_h, die_share, dies_h, dies_g = (nat.hbm_share.tolist(), nat.hbm_die_share.tolist(), nat.dies_hbm.tolist(),
                                          nat.dies_plain.tolist())
    spp = nat.stacks_per_package.tolist()
    binds = nat.hbm_binds
    bank_left = 0.0
    opened = False
    stacks = 0.0
    for t in range(M):
        if not opened and bank[t] is not None:
            bank_left, opened = bank[t], True
        drawable = bank_left * draw
        if surge[t] is not None:
            stacks = stacks + surge[t]  # front-running stacks are stockpiled, not used at once
        # The bank holds Ascend dies [K8]: they go to the HBM chips; SMIC's dies are split by the mix.
        by_logic = (smic[t] * die_share[t] + drawable) / dies_h[t] if share_h[t] > 0 else smic[t] * 0.0
        plain = smic[t] * (1.0 - die_share[t]) / dies_g[t] if share_h[t] < 1 else smic[t] * 0.0
        if binds and share_h[t] > 0:
            by_hbm = (hbm[t] + stacks * draw) / spp[t]
            made = minimum(by_logic, by_hbm)
            stacks = maximum(stacks + hbm[t] - made * spp[t], 0.0)
        else:  # no control: HBM is bought as needed
            by_hbm = by_logic * 0.0 + float("inf")
            made = by_logic
        if opened:  # the HBM chips take the bank's dies first; the non-HBM chips' dies are SMIC's
            bank_left = bank_left - minimum(drawable, made * dies_h[t])
        out[0, t], out[1, t], out[2, t], out[3, t] = made, plain, by_logic, by_hbm
        out[4, t], out[5, t], out[6, t] = drawable, bank_left, stacks
    return out


def national_output(levers, nat: NationalCompiled) -> dict:
    """National output month by month for N lever sets [accelerators/month].

    ``levers`` maps names to scalars or (N,) arrays. Returns month-major arrays (M, N): ``output`` (all
    vendors), ``pool`` (the national mix), ``hbm_made`` and ``plain_made`` (its HBM and non-HBM packages),
    ``huawei``, ``other`` (the other vendors' row), ``logic_limit`` and ``hbm_limit`` (of the HBM chips),
    ``binding`` (index into ``BINDING``), ``die_stock`` and ``hbm_stock`` after the month, and the inflows
    ``smic_dies``, ``bank_dies``, ``hbm_inflow``. One sample runs the recursion on Python floats (~50× faster
    than numpy on length-1 arrays); several on numpy arrays; both through ``_step_series``.
    """
    smic, bank, hbm, surge, other = inflows(levers, nat)
    n = max(np.size(levers[name]) for name in levers)
    M = len(nat.labels)
    smic, bank, hbm, surge, other = (np.broadcast_to(np.reshape(x, (M, -1)), (M, n))
                                     for x in (smic, bank, hbm, surge, other))
    draw_value = 1.0 / np.asarray(levers["stock_draw_months"], dtype=float).reshape(-1)
    open_month = [bool(x) for x in nat.bank_open]
    surge_month = [bool(x) for x in nat.surge_month]
    if n == 1:
        columns = [x[:, 0].tolist() for x in (smic, bank, hbm, surge)]
        bank_seq = [columns[1][t] if open_month[t] else None for t in range(M)]
        surge_seq = [columns[3][t] if surge_month[t] else None for t in range(M)]
        out = _step_series(columns[0], bank_seq, columns[2], surge_seq, nat, float(draw_value[0]), min, max)
        stacked = list(out[:, :, None])
    else:
        draw = np.broadcast_to(draw_value, (n,))
        seq = [list(x) for x in (smic, bank, hbm, surge)]
        bank_seq = [seq[1][t].copy() if open_month[t] else None for t in range(M)]
        surge_seq = [seq[3][t] if surge_month[t] else None for t in range(M)]
        out = _step_series(seq[0], bank_seq, seq[2], surge_seq, nat, draw, np.minimum, np.maximum)
        stacked = list(out)
    made, plain, logic, hbm_limit, drawable, die_stock, hbm_stock = stacked
    hbm_binds = hbm_limit < logic
    binding = np.where(hbm_binds, HBM_BINDS, np.where(drawable > 0, BANK_BINDS, SMIC_BINDS))
    pool = made + plain
    huawei = made * huawei_weights(nat, "hbm")[:, None] + plain * huawei_weights(nat, "plain")[:, None]
    return {"output": pool + other, "pool": pool, "hbm_made": made, "plain_made": plain, "huawei": huawei,
            "other": other, "logic_limit": logic, "hbm_limit": hbm_limit, "binding": binding,
            "die_stock": die_stock, "hbm_stock": hbm_stock, "smic_dies": smic, "bank_dies": bank,
            "hbm_inflow": hbm + surge}


def huawei_weights(nat: NationalCompiled, group: str) -> np.ndarray:
    """Share of a group's packages (``"hbm"`` or ``"plain"``) that are Ascend chips, per month [share]."""
    carries = nat.carries_hbm if group == "hbm" else ~nat.carries_hbm
    vendor = np.array([CHIPS_BY_NAME[c].vendor == "Huawei" for c in nat.chips])
    share = carries @ nat.mix
    return np.where(share > 0, (carries & vendor) @ nat.mix / np.maximum(share, 1e-12), 0.0)


def chip_output(nat: NationalCompiled, hbm_made: np.ndarray, plain_made: np.ndarray) -> np.ndarray:
    """Output per national-mix chip [accelerators/month], (D, M), from the two groups' packages (M,)."""
    share_h = nat.carries_hbm @ nat.mix
    share_g = (~nat.carries_hbm) @ nat.mix
    within = np.where(nat.carries_hbm[:, None], nat.mix / np.maximum(share_h, 1e-12),
                      nat.mix / np.maximum(share_g, 1e-12))
    return within * np.where(nat.carries_hbm[:, None], hbm_made, plain_made)


def actor_demand(T: int, supply_per_year, growth_per_year):
    """The actor's demand for domestic chips each month [chips/month], growing smoothly: (T,) for scalars,
    (T, N) (month-major) for (N,) arrays."""
    s = np.asarray(supply_per_year, dtype=float)
    g = np.asarray(growth_per_year, dtype=float)
    t = np.arange(T)[:, None] if max(s.ndim, g.ndim) else np.arange(T)
    return s / 12.0 * g ** (t / 12.0)
