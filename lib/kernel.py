"""The projection for N lever sets at once: every mechanism called once, in order, on arrays (N, T).

``lib.run`` calls ``project`` with one lever set (N = 1, with the per-chip detail); the Monte Carlo, the
tornado, goal-seek and the lever sweeps call it with many. There is no second implementation: each step
below is a function of its own module, called here and nowhere else in a projection.

1. ``lib.imports``: the budget's walk down the buy list per rule pattern → legal and smuggled chips;
2. ``lib.domestic``: national output = min(logic, HBM) from 2023; the actor's share of it;
3. ``lib.fleet``: stock and retirements of each stream (units, training and inference H100e, by channel);
4. ``lib.clusters``: the largest cluster one run can use (owned share plus a rented cluster);
5. ``lib.capability``: the largest run, the planned run and the runway, the frontier, both gaps, inference;
6. ``lib.world``: the world's stock, the US share of it and the US:China ratios.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from . import capability as cap
from . import clusters
from . import domestic as dom
from . import fleet
from . import imports as imp
from . import world

FOREIGN_LEVERS = ("import_budget", "front_running_surge", "leakage", "approval_share", "licensed_cap_chips",
                  "national_share", "foreign_supply_cap")
CHANNELS = ("licensed", "smuggled", "domestic", "ordered")


@dataclass(frozen=True)
class Projection:
    """What ``project`` returns.

    series : name → (T, N) per month of the scenario (month-major: a month's samples are one row)
    national : name → (M, N) per national month (from 2023)
    summary : name → (N,) per sample
    chips : per-chip detail for one sample (``detail=True``): arrivals by channel, stock, retirements and
        H100e, each (C, T); None otherwise
    by_pattern : name → (U, N) for flows that depend on the month only through its rule pattern
    """

    series: dict
    national: dict
    summary: dict
    chips: dict | None = None
    by_pattern: dict | None = None


def lever_arrays(values: dict) -> tuple[dict, int]:
    """Every lever value as an (N,) float array (read-only views of scalars cost no memory)."""
    arrays = {name: np.asarray(x, dtype=float).reshape(-1) for name, x in values.items()}
    n = max(len(x) for x in arrays.values())
    return {name: np.broadcast_to(x, (n,)) for name, x in arrays.items()}, n


def foreign_for_pattern(compiled, u: int, v: dict, lever: dict | None = None):
    """Licensed and smuggled chips [chips/month], shape (N, K), and spend [USD/month], shape (N,), in the
    months of rule pattern ``u``. ``v`` maps lever names to scalars or (N,) arrays; ``lever`` is
    ``_foreign_levers(v)``, passed in when the caller walks every pattern."""
    lever = _foreign_levers(v) if lever is None else lever
    classes, capped, surge, regime = compiled.patterns[u]
    budget = lever["import_budget"] / 12.0 * (1.0 + lever["front_running_surge"] * surge)
    cap_units = lever["licensed_cap_chips"] * lever["national_share"] / 12.0 if capped else None

    def per_chip(position, default):  # (N, K) from each chip's lever in this regime, or the default
        columns = [np.asarray(v[r[position]] if r[position] else default, dtype=float).reshape(-1) for r in regime]
        n = max(x.size for x in columns)
        if n == 1:  # one lever set (lib.run): one row, no broadcasting per chip
            return np.array([x[0] for x in columns])[None, :]
        out = np.empty((n, len(columns)))
        for k, x in enumerate(columns):
            out[:, k] = x
        return out

    licensed, smuggled, spent = imp.walk(classes, compiled.orders[u], compiled.price[:compiled.buy_count], budget,
                                         lever["leakage"], per_chip(0, v["approval_share"]), cap_units,
                                         acceptance=per_chip(2, 1.0), fee=per_chip(1, 0.0),
                                         families=[r[2] or k for k, r in enumerate(regime)])
    total = (licensed + smuggled).sum(axis=1)
    scale = np.minimum(1.0, lever["foreign_supply_cap"] / 12.0 / np.maximum(total, 1e-12))
    return licensed * scale[:, None], smuggled * scale[:, None], spent * scale


def _foreign_levers(v: dict) -> dict:
    return {k: np.atleast_1d(np.asarray(v[k], dtype=float)) for k in FOREIGN_LEVERS}


def foreign_by_pattern(compiled, v: dict):
    """``foreign_for_pattern`` for every pattern: arrays (U, N, K), (U, N, K) and (U, N)."""
    lever = _foreign_levers(v)
    parts = [foreign_for_pattern(compiled, u, v, lever) for u in range(len(compiled.patterns))]
    return tuple(np.stack(x) for x in zip(*parts))


def project(compiled, values: dict, reading_index: int, *, detail: bool = False) -> Projection:
    """Project N lever sets at once [see ``Projection``]; every array is month-major, (T, N).

    ``values`` maps every lever name to a scalar or an (N,) array; ``reading_index`` is the scenario month
    the reading-year figures are read at (December of ``reading_year``, or the horizon).
    """
    c = compiled
    v, N = lever_arrays(values)

    def row(name):                                                    # a lever as (1, N): broadcasts over months
        return v[name][None, :]

    T, K = len(c.months), c.buy_count
    t = np.arange(T)[:, None]
    pattern = c.month_pattern
    dom_mask = c.is_domestic
    st, si = row("training_substitution"), row("inference_substitution")

    # 1. Foreign chips per rule pattern: (U, N) per pattern, spread over months only where a month is needed.
    lic_u, smug_u, spent_u = foreign_by_pattern(c, v)                 # (U, N, K), (U, N, K), (U, N)
    train_k, infer_k = c.train_rel[:K], c.infer_rel[:K]
    remote_on = (c.remote >= 0).astype(float)[:, None]                # (U, 1)
    remote_weight = np.where(c.remote >= 0, c.train_rel[np.maximum(c.remote, 0)], 0.0)[:, None]
    by_pattern = {
        "arrivals_licensed": lic_u.sum(axis=2), "arrivals_smuggled": smug_u.sum(axis=2),
        "h100e_arriving_licensed": lic_u @ train_k, "h100e_arriving_smuggled": smug_u @ train_k,
        "inference_licensed": lic_u @ infer_k, "inference_smuggled": smug_u @ infer_k, "spend": spent_u,
        "remote_access_chips_added": remote_on * (v["remote_access"] / 12.0),
    }
    by_pattern["h100e_arriving_remote"] = by_pattern["remote_access_chips_added"] * remote_weight
    months_in = np.bincount(pattern, minlength=len(c.patterns)).astype(float)

    def monthly(*names):                                              # Σ (U, N) → (T, N)
        return sum(by_pattern[n] for n in names)[pattern]

    # 2. Domestic output: the nation's, then the actor's share of it.
    nat = dom.national_output(v, c.national)                          # (M, N) each
    here = slice(c.national.offset, c.national.offset + T)
    pool = nat["pool"][here]
    demand = dom.actor_demand(T, v["domestic_supply"], v["domestic_growth"])
    available = row("national_share") * pool
    domestic = np.minimum(demand, available)                          # (T, N) [chips/month] from the pool
    # The pool's make-up shifts when HBM binds: its HBM chips fall short of the mix, its non-HBM chips do not.
    # The actor's own mix tilts the same way, group by group.
    nominal_h = (c.national.carries_hbm @ c.national.mix)[here][:, None]
    realised_h = np.divide(nat["hbm_made"][here], pool, out=np.array(nominal_h * np.ones_like(pool)), where=pool > 0)
    tilt_h = np.divide(realised_h, nominal_h, out=np.ones_like(pool), where=nominal_h > 0)
    tilt_g = np.divide(1.0 - realised_h, 1.0 - nominal_h, out=np.ones_like(pool), where=nominal_h < 1)
    d_mix = c.mix[dom_mask]
    hbm_d = c.carries_hbm[dom_mask]

    def per_package(weights):                                         # mix-weighted value per domestic package (T, N)
        return tilt_h * ((weights * hbm_d) @ d_mix)[:, None] + tilt_g * ((weights * ~hbm_d) @ d_mix)[:, None]

    ones = np.ones(int(dom_mask.sum()))
    packages = per_package(ones)
    scale = np.divide(d_mix.sum(axis=0)[:, None], packages, out=np.zeros_like(packages), where=packages > 0)
    weight = domestic * scale                                         # pool chips per unit of per-package value
    oi = c.other_index
    other = row("other_vendors_share") * nat["other"][here]           # the other vendors' row [chips/month]
    domestic_units = weight * packages + other
    domestic_train = (weight * per_package(c.train_rel[dom_mask]) + other * c.train_rel[oi]) / st
    domestic_infer = (weight * per_package(c.infer_rel[dom_mask]) + other * c.infer_rel[oi]) / si
    domestic_spend = weight * per_package(c.price[dom_mask])

    # Deliveries fixed in the scenario (ordered before the start).
    fixed = c.fixed_deliveries
    ordered_units = fixed.sum(axis=0)[:, None]
    ordered_train = (c.train_rel[~dom_mask] @ fixed[~dom_mask])[:, None] + (c.train_rel[dom_mask] @ fixed[dom_mask])[:, None] / st
    ordered_infer = (c.infer_rel[~dom_mask] @ fixed[~dom_mask])[:, None] + (c.infer_rel[dom_mask] @ fixed[dom_mask])[:, None] / si

    # 3. The fleet: each stream retires at end of life and fails meanwhile; the starting stock retires evenly.
    life = fleet.lifetime_months(v["lifetime_years"])
    q = fleet.monthly_survival(v["failure_rate"])
    s0 = fleet.initial_stock_survival(T, v["lifetime_years"], v["initial_stock_age_years"], q)   # (T, N)
    initial_train = float(c.initial[~dom_mask] @ c.train_rel[~dom_mask]) + float(
        c.initial[dom_mask] @ c.train_rel[dom_mask]) / st
    initial_infer = float(c.initial[~dom_mask] @ c.infer_rel[~dom_mask]) + float(
        c.initial[dom_mask] @ c.infer_rel[dom_mask]) / si

    # Every stream in one scan: stock is linear in arrivals, so each retires by the same survival. Scattered
    # rentals abroad (the best obtainable chip each month) retire like owned chips.
    parts = [
        (monthly("h100e_arriving_licensed", "h100e_arriving_smuggled"), domestic_train, ordered_train),
        (monthly("inference_licensed", "inference_smuggled"), domestic_infer, ordered_infer),
        (monthly("arrivals_licensed", "arrivals_smuggled"), domestic_units, ordered_units),
        (ordered_train,), (monthly("h100e_arriving_licensed"),),
        (monthly("remote_access_chips_added"),), (monthly("h100e_arriving_remote"),),
    ]
    if detail:  # for the evidence: smuggled stock, and the other vendors' (outside Epoch's chip-owner rows)
        parts += [(monthly("h100e_arriving_smuggled"),), (other * c.train_rel[oi] / st,)]
    streams = np.zeros((T, len(parts), N))
    for i, terms in enumerate(parts):
        for term in terms:
            streams[:, i] += term
    stocks = fleet.stock_by_month(streams, life, q)                   # (T, S, N)
    h_train, h_infer, stock_units, reserve_train, licensed_stock, remote_units, remote_h100e = (
        stocks[:, i] for i in range(7))
    h_train = h_train + initial_train * s0
    h_infer = h_infer + initial_infer * s0
    stock_units = stock_units + float(c.initial.sum()) * s0
    reserve_train = reserve_train + initial_train * s0                # the reserve: no new arrivals at all

    # 4. Clusters and 5. capability.
    cluster = clusters.largest_cluster_h100e(h_train, row("training_share"), row("lab_share"), row("cluster_share"),
                                             row("rented_cluster_h100e"))
    reserve_cluster = clusters.owned_cluster_h100e(reserve_train, row("training_share"), row("lab_share"),
                                                   row("cluster_share"))
    largest = cap.largest_run_flop(cluster, row("mfu"), row("run_window_days"))
    largest_reserve = cap.largest_run_flop(reserve_cluster, row("mfu"), row("run_window_days"))
    planned = cap.growth_path(row("planned_run_flop"), row("demand_growth"), t)
    frontier = cap.frontier_flop(row("frontier_anchor_flop"), row("frontier_growth"), row("frontier_ceiling_flop"),
                                 c.frontier_offset[:, None])
    # Both gaps read the largest run feasible to date, as Epoch compares the largest models trained so far [K72]:
    # a model once trained is not lost when its chips retire, so a fleet wearing out does not make a gap jump.
    largest_to_date = np.maximum.accumulate(largest, axis=0)
    log_ratio = cap.log_frontier_ratio(largest_to_date, frontier)
    compute_gap = cap.compute_gap_from_log_ratio(log_ratio, row("frontier_growth"))
    capability_gap = cap.capability_gap_from_log_ratio(log_ratio, row("frontier_growth"),
                                                       row("algorithmic_halving_months"), row("catch_up_lag_months"))
    tokens = cap.inference_tokens_per_day(h_infer, row("training_share"), row("tokens_per_second_per_h100e"))
    token_demand = cap.growth_path(row("inference_demand_tokens_per_day"), row("inference_demand_growth"), t)

    # 6. The US side.
    world_h100e = world.world_stock_h100e(world.months_from_world_reference(c.months)[:, None],
                                          row("world_compute_growth"))
    us_h100e = world.us_stock_h100e(world_h100e, row("us_share_of_world_compute"), licensed_stock,
                                    row("export_diversion_share"))
    ratio = world.ratio(us_h100e, h_train)

    series = {
        "h100e_training": h_train, "h100e_inference": h_infer, "stock_units": stock_units,
        "remote_access_chips": remote_units, "remote_access_h100e": remote_h100e,
        "cluster_h100e": cluster, "largest_run_flop": largest, "largest_run_flop_reserve": largest_reserve,
        "largest_run_flop_to_date": largest_to_date,
        "planned_run_flop": planned, "frontier_flop": frontier, "frontier_gap_years": compute_gap,
        "capability_gap_years": capability_gap, "inference_tokens_per_day": tokens,
        "inference_demand_tokens_per_day": token_demand, "arrivals_domestic": domestic_units,
        "h100e_arriving_domestic": domestic_train, "domestic_demand": demand, "domestic_available": available,
        "h100e_licensed_stock": licensed_stock, "world_h100e": world_h100e, "us_h100e": us_h100e,
        "us_china_compute_ratio": ratio,
    }
    totals = {name: months_in @ x for name, x in by_pattern.items()}  # (N,) over the horizon
    totals["spend"] = totals["spend"] + domestic_spend.sum(axis=0)
    if detail:  # the per-month channel columns of the capability table
        for name in ("arrivals_licensed", "arrivals_smuggled", "h100e_arriving_licensed", "h100e_arriving_smuggled",
                     "h100e_arriving_remote"):
            series[name] = monthly(name)
        series.update(arrivals_ordered=np.broadcast_to(ordered_units, (T, N)),
                      h100e_arriving_ordered=np.broadcast_to(ordered_train, (T, N)), h100e_smuggled_stock=stocks[:, 7],
                      h100e_other_vendors_stock=stocks[:, 8])
    summary = _summary(series, totals, nat, c, v, reading_index, ordered_units, ordered_train, pattern, by_pattern)
    chips = _chip_detail(c, v, lic_u, smug_u, weight, tilt_h, tilt_g, other) if detail else None
    return Projection(series=series, national=nat, summary=summary, chips=chips, by_pattern=by_pattern)


def _summary(s: dict, totals: dict, nat: dict, c, v: dict, r: int, ordered_units, ordered_train, pattern,
             by_pattern: dict) -> dict:
    """The per-sample headline figures (N,). Channel totals come from the per-pattern flows (``totals``)."""
    T = len(c.months)
    demand, served = s["inference_demand_tokens_per_day"], s["inference_tokens_per_day"]
    domestic_units, domestic_h100e = s["arrivals_domestic"].sum(axis=0), s["h100e_arriving_domestic"].sum(axis=0)
    # The reading year's additions: China's owned arrivals against what the US stock gains over the same months.
    year = int(c.labels[r][:4])
    first = next(i for i, label in enumerate(c.labels) if int(label[:4]) == year)
    in_year = np.bincount(pattern[first:r + 1], minlength=len(c.patterns)).astype(float)
    china_added = (in_year @ (by_pattern["h100e_arriving_licensed"] + by_pattern["h100e_arriving_smuggled"])
                   + s["h100e_arriving_domestic"][first:r + 1].sum(axis=0)
                   + ordered_train[first:r + 1].sum(axis=0))
    before = world.us_stock_h100e(
        world.world_stock_h100e(world.months_from_world_reference(c.months[first] - 1), v["world_compute_growth"]),
        v["us_share_of_world_compute"], 0.0, 0.0)
    # No retirements on the world path, so the US never loses compute; diversion can only slow its gain.
    us_added = np.maximum(s["us_h100e"][r] - (s["us_h100e"][first - 1] if first > 0 else before), 0.0)
    here = nat["output"][c.national.offset:]
    dom_ordered = float(c.fixed_deliveries[c.is_domestic].sum())
    N = served.shape[1]
    runway = partial(cap.runway_months, axis=0)
    return {
        "runway_months": runway(s["planned_run_flop"], s["largest_run_flop"]).astype(float),
        "runway_reserve_only_months": runway(s["planned_run_flop"], s["largest_run_flop_reserve"]).astype(float),
        "h100e_start": s["h100e_training"][0], "h100e_end": s["h100e_training"][-1],
        "h100e_inference_start": s["h100e_inference"][0], "h100e_inference_end": s["h100e_inference"][-1],
        "largest_run_flop_start": s["largest_run_flop"][0], "largest_run_flop_end": s["largest_run_flop"][-1],
        "planned_run_flop_end": np.broadcast_to(s["planned_run_flop"][-1], (N,)),
        "frontier_flop_end": np.broadcast_to(s["frontier_flop"][-1], (N,)),
        "frontier_gap_years_start": s["frontier_gap_years"][0], "frontier_gap_years_end": s["frontier_gap_years"][-1],
        "inference_tokens_per_day_end": served[-1],
        "stock_units_start": s["stock_units"][0], "stock_units_end": s["stock_units"][-1],
        "arrivals_foreign_total": totals["arrivals_licensed"] + totals["arrivals_smuggled"],
        "arrivals_leaked_total": totals["arrivals_smuggled"],
        "arrivals_domestic_total": domestic_units + dom_ordered,
        "spend_usd_total": totals["spend"], "months": np.full(N, float(T)),
        "arrivals_licensed_total": totals["arrivals_licensed"], "arrivals_smuggled_total": totals["arrivals_smuggled"],
        "arrivals_ordered_total": np.full(N, float(np.sum(ordered_units))),
        "h100e_licensed_total": totals["h100e_arriving_licensed"], "h100e_smuggled_total": totals["h100e_arriving_smuggled"],
        "h100e_domestic_total": domestic_h100e,
        "remote_access_chips_end": s["remote_access_chips"][-1], "remote_access_h100e_end": s["remote_access_h100e"][-1],
        "h100e_years_total": (s["h100e_training"] + s["remote_access_h100e"]).sum(axis=0) / 12.0,
        "h100e_reading": s["h100e_training"][r], "frontier_gap_years_reading": s["frontier_gap_years"][r],
        "largest_run_flop_reading": s["largest_run_flop"][r],
        "inference_runway_months": runway(demand, served).astype(float),
        "inference_coverage_end": np.where(demand[-1] > 0, served[-1] / np.maximum(demand[-1], 1e-300), 0.0),
        "national_output_total": here.sum(axis=0), "national_output_since_2023": nat["output"].sum(axis=0),
        # model 3.0
        "capability_gap_years_start": s["capability_gap_years"][0],
        "capability_gap_years_reading": s["capability_gap_years"][r],
        "capability_gap_years_end": s["capability_gap_years"][-1],
        "frontier_ratio_reading": s["frontier_flop"][r] / np.maximum(s["largest_run_flop_to_date"][r], 1.0),
        "cluster_h100e_reading": s["cluster_h100e"][r],
        "us_h100e_reading": s["us_h100e"][r],
        "us_china_compute_ratio_reading": s["us_china_compute_ratio"][r],
        "us_china_additions_ratio_reading": world.ratio(us_added, china_added),
        "china_additions_h100e_reading": china_added, "us_additions_h100e_reading": us_added,
    }


def _chip_detail(c, v: dict, lic_u, smug_u, weight, tilt_h, tilt_g, other) -> dict:
    """One sample's arrivals by channel, stock, retirements and H100e per chip, each (C, T)."""
    C, T, K = len(c.chips), len(c.months), c.buy_count
    by = {name: np.zeros((C, T)) for name in ("licensed", "smuggled")}
    by["licensed"][:K] = lic_u[c.month_pattern, 0, :].T
    by["smuggled"][:K] = smug_u[c.month_pattern, 0, :].T
    tilt = np.where(c.carries_hbm[:, None], tilt_h[:, 0], tilt_g[:, 0])
    by["domestic"] = weight[:, 0] * c.mix * np.where(c.is_domestic[:, None], tilt, 0.0)
    by["domestic"][c.other_index] += other[:, 0]
    by["ordered"] = c.fixed_deliveries
    arrivals = sum(by.values())
    one = {name: float(x[0]) for name, x in v.items()}
    stock, retirements = fleet.stock_and_retirements(arrivals, c.initial, one["lifetime_years"],
                                                     one["initial_stock_age_years"], one["failure_rate"])
    train = np.where(c.is_domestic, c.train_rel / one["training_substitution"], c.train_rel)
    infer = np.where(c.is_domestic, c.infer_rel / one["inference_substitution"], c.infer_rel)
    return {"arrivals_by": by, "arrivals": arrivals, "stock": stock, "retirements": retirements,
            "h100e_training": stock * train[:, None], "h100e_inference": stock * infer[:, None]}
