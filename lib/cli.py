"""Command line: ``python -m lib run|classify|list|sensitivity|solve``.

Exit 0 on success; any bad input exits 2 with one line on stderr naming the field, the value given
and what is allowed. Output carries no timestamps or timings, so the same input gives the same bytes.
"""

from __future__ import annotations

import argparse
import io
import json
import sys

from .catalog import CHIPS, custom_chip, get_chip
from .errors import ScenarioError
from .levers import LEVERS, get_lever
from .rules import RULE_NAMES, RULES, classify, custom_rule, get_rule
from .scenario import list_presets, load_scenario


class UsageError(ScenarioError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, as for every other bad input
        raise UsageError(f"{self.prog}: {message}")


def _parse_sets(pairs) -> dict:
    overrides = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise UsageError(f"--set: {pair!r} is not LEVER=VALUE; levers: {', '.join(LEVERS)}")
        key, value = pair.split("=", 1)
        lever = get_lever(key.strip(), "--set")
        overrides[lever.name] = lever.check(value.strip(), "--set ")
    return overrides


def _json(data) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False, allow_nan=False) + "\n"


def _records(frame) -> list:
    out = frame.copy()
    out["month"] = out["month"].dt.strftime("%Y-%m")
    return out.to_dict(orient="records")


def cmd_run(args) -> str:
    scenario = load_scenario(args.scenario, _parse_sets(args.set))
    if args.samples is not None:
        from .uncertainty import run_monte_carlo

        mc = run_monte_carlo(scenario, samples=args.samples, seed=args.seed)
        if args.format == "csv":
            return mc.quantiles_frame().to_csv(index=False, lineterminator="\n")
        return _json({"samples": mc.samples, "seed": mc.seed, "summary": mc.summary,
                      "probabilities": mc.probabilities, "monthly": _records(mc.quantiles_frame()),
                      "scenario": scenario.to_dict()})
    from .model import run

    result = run(scenario)
    if args.format == "csv":
        frame = result.monthly.copy()
        frame["month"] = frame["month"].dt.strftime("%Y-%m")
        return frame.to_csv(index=False, lineterminator="\n")
    return _json({"summary": result.summary, "monthly": _records(result.monthly), "scenario": scenario.to_dict()})


def cmd_classify(args) -> str:
    if args.chip and args.tpp is not None:
        raise UsageError("classify: give either --chip or --tpp, not both")
    if args.chip:
        chip = get_chip(args.chip, "--chip")
    elif args.tpp is not None:
        if args.die_area is None:
            raise UsageError("--die-area: required with --tpp; allowed: a positive area in mm²")
        chip = custom_chip(args.tpp, args.die_area, interconnect_gbps=args.interconnect,
                           memory_bandwidth_gbps=args.memory_bandwidth, datacenter=not args.non_datacenter)
    else:
        raise UsageError("classify: give --chip NAME or --tpp T --die-area MM2")
    if args.rule == "custom":
        sets = _parse_sets(args.set)
        baseline = load_scenario("baidu-2023")
        rule = custom_rule(args.base, sets.get("tpp_threshold", baseline.lever("tpp_threshold")),
                           sets.get("density_threshold", baseline.lever("density_threshold")))
    else:
        rule = get_rule(args.rule, "--rule")
    result = classify(chip, rule).to_dict()
    if args.format == "json":
        return _json({**result, "chip": chip.name, "rule": rule.name})
    return f"{chip.name} under {rule.name}: {result['status']} ({result['eccn'] or 'no ECCN'}); {result['reason']}\n"


def cmd_list(args) -> str:
    out = io.StringIO()
    if args.what == "presets":
        for name, path in list_presets().items():
            scenario = load_scenario(name)
            out.write(f"{name}\t{scenario.name}\t{path.name}\n")
    elif args.what == "rules":
        for rule in RULES.values():
            out.write(f"{rule.name}\teffective {rule.effective}\t{rule.summary}\t{rule.source}\n")
        out.write("custom\tfrom the what-if month\ta vintage with the tpp_threshold and density_threshold levers\tlevers\n")
    elif args.what == "chips":
        for chip in CHIPS:
            tpp = f"{chip.tpp:,.0f}" if chip.tpp else "unknown"
            pd = f"{chip.density:.2f}" if chip.density else "unknown"
            out.write(f"{chip.name}\t{chip.vendor}\t{chip.origin}\tTPP {tpp}\tPD {pd} TPP/mm²\t{chip.source}\n")
    else:
        for lever in LEVERS.values():
            out.write(f"{lever.name}\t[{lever.unit}]\tallowed {lever.allowed()}\t{lever.tier}\t{lever.label}\n")
    return out.getvalue()


def cmd_sensitivity(args) -> str:
    from .uncertainty import tornado

    scenario = load_scenario(args.scenario, _parse_sets(args.set))
    rows = tornado(scenario, args.output)
    if args.format == "json":
        return _json({"output": args.output, "base": rows.attrs["base"], "levers": rows.to_dict(orient="records")})
    return rows.to_csv(index=False, lineterminator="\n")


def cmd_solve(args) -> str:
    from .uncertainty import parse_target, solve

    scenario = load_scenario(args.scenario, _parse_sets(args.set))
    answer = solve(scenario, args.lever, parse_target(args.target), year=args.year)
    if args.format == "json":
        return _json(answer)
    return answer["message"] + "\n"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m lib", description="Chokepoint model library")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("run", help="project a scenario")
    p.add_argument("scenario", help="preset name or scenario file (.toml/.json)")
    p.add_argument("--set", action="append", metavar="LEVER=VALUE")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--samples", type=int, help="Monte Carlo samples (1 to 100,000)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("classify", help="classify a chip under a rule")
    p.add_argument("--chip")
    p.add_argument("--tpp", type=float)
    p.add_argument("--die-area", type=float)
    p.add_argument("--interconnect", type=float)
    p.add_argument("--memory-bandwidth", type=float)
    p.add_argument("--non-datacenter", action="store_true")
    p.add_argument("--rule", choices=RULE_NAMES, default="jan-2026")
    p.add_argument("--base", choices=tuple(RULES), default="oct-2023", help="base vintage of --rule custom")
    p.add_argument("--set", action="append", metavar="LEVER=VALUE", help="tpp_threshold/density_threshold for --rule custom")
    p.add_argument("--format", choices=("json", "text"), default="text")
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("list", help="list presets, rules, chips or levers")
    p.add_argument("what", choices=("presets", "rules", "chips", "levers"))
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("sensitivity", help="tornado: swing each uncertain lever low→high")
    p.add_argument("scenario")
    p.add_argument("--output", default="h100e_end")
    p.add_argument("--set", action="append", metavar="LEVER=VALUE")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(func=cmd_sensitivity)

    p = sub.add_parser("solve", help="goal-seek a lever value")
    p.add_argument("scenario")
    p.add_argument("--lever", required=True)
    p.add_argument("--target", required=True, help="KEY>=VALUE or KEY<=VALUE, e.g. frontier_gap_years>=3")
    p.add_argument("--year", type=int)
    p.add_argument("--set", action="append", metavar="LEVER=VALUE")
    p.add_argument("--format", choices=("json", "text"), default="text")
    p.set_defaults(func=cmd_solve)
    return parser


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        text = args.func(args)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0
