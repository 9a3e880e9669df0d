"""The US side: the world's AI-compute stock on one path, the US share of it, and the US:China ratio.

The world path is Epoch's stock of ~15M H100e in Jan 2026 [K51] growing at ``world_compute_growth`` (AI 2027:
2.25×/yr to Dec 2027 [K70]); the US holds ``us_share_of_world_compute`` of what the rest of the world has
(~75% of GPU-cluster performance in May 2025 [K104]). Chips legally exported to China come out of that
supply by ``export_diversion_share``: IFP finds that with TSMC the limit, B30A exports mean fewer chips for
everyone else [K54]. No retirements, as in Epoch's stock [K51].

Two ratios read the same path: the stock ratio (US stock ÷ China's owned stock, both [H100e]) and the
additions ratio (what each adds in a year [H100e/yr]), the measure IFP's 31× uses ("compute gained during
2026" [K54]).
"""

from __future__ import annotations

import numpy as np

from .gate import month_index

WORLD_STOCK_H100E = 15_000_000.0  # [H100e] Epoch AI Chip Sales: ~15M H100e worldwide in Jan 2026 [K51]
WORLD_STOCK_MONTH = "2026-01"     # [month] the month of that figure [K51]


def world_stock_h100e(months_from_reference, growth_per_year, stock_at_reference=WORLD_STOCK_H100E):
    """The world's AI-compute stock [H100e] on one exponential path through the reference month."""
    return stock_at_reference * np.asarray(growth_per_year, dtype=float) ** (np.asarray(months_from_reference) / 12.0)


def us_stock_h100e(world_h100e, us_share, china_licensed_h100e, diversion_share):
    """The US stock [H100e]: its share of the world's compute outside what China legally imports, where each chip
    exported to China takes ``diversion_share`` of a chip from everyone else."""
    return us_share * np.maximum(world_h100e - diversion_share * china_licensed_h100e, 0.0)


def ratio(us, china, floor=1.0):
    """US ÷ China, with China's figure floored at ``floor`` so that an empty fleet gives a large finite ratio."""
    return np.asarray(us, dtype=float) / np.maximum(np.asarray(china, dtype=float), floor)


def months_from_world_reference(month_indices):
    """Months from ``WORLD_STOCK_MONTH`` for an array of month indices (see ``lib.gate.month_index``)."""
    return np.asarray(month_indices) - month_index(WORLD_STOCK_MONTH)
