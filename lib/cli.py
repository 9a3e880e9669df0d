"""Command line: ``python -m lib run|classify|list|sensitivity|solve|evidence|brief|diff``.

Exit 0 on success; any bad input exits 2 with one line on stderr naming the field, an excerpt of the value
given and what is allowed. Notices (an older scenario file, a link's clamped value) go to stderr as
"note:" lines. Output carries no timestamps or timings, so the same input gives the same bytes.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys

from .catalog import CHIPS, custom_chip, get_chip
from .errors import ScenarioError
from .gate import clean_text, excerpt, parse_integer, parse_number
from .levers import LEVER_NAMES_HINT, LEVERS, get_lever
from .rules import RULE_LINE_LEVERS, RULE_NAMES, RULES, classify, custom_rule, get_rule
from .scenario import list_presets, load_scenario


class UsageError(ScenarioError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, as for every other bad input
        raise UsageError(f"{self.prog}: {excerpt(message, 300)[1:-1]}")


def _parse_sets(pairs) -> dict:
    overrides = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise UsageError(f"--set: {excerpt(pair)} is not LEVER=VALUE; allowed: LEVER=VALUE with LEVER "
                             f"{LEVER_NAMES_HINT}")
        key, value = pair.split("=", 1)
        lever = get_lever(key.strip(), "--set")
        overrides[lever.name] = lever.check(value.strip(), "--set ")
    return overrides


def _json(data) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False, allow_nan=False, default=_plain) + "\n"


def _plain(value):
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(type(value).__name__)


def _finite(value):
    """JSON has no infinity: an open bound is written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(frame) -> list:
    out = frame.copy()
    out["month"] = out["month"].dt.strftime("%Y-%m")
    return out.to_dict(orient="records")


def _notes(notices) -> None:
    for notice in notices:
        print(f"note: {notice}", file=sys.stderr)


def _scenario(args):
    scenario = load_scenario(args.scenario, _parse_sets(args.set))
    _notes(scenario.notices)
    return scenario


def cmd_run(args) -> str:
    scenario = _scenario(args)
    if args.samples is not None:
        from .uncertainty import run_monte_carlo

        mc = run_monte_carlo(scenario, samples=args.samples, seed=args.seed)
        if args.format == "csv":
            return mc.quantiles_frame().to_csv(index=False, lineterminator="\n")
        return _json({"samples": mc.samples, "seed": mc.seed, "summary": mc.summary,
                      "probabilities": mc.probabilities, "monthly": _records(mc.quantiles_frame()),
                      "scenario": scenario.to_dict()})
    from .model import MODEL_VERSION, run

    result = run(scenario)
    if args.format == "csv":
        frame = result.monthly.copy()
        frame["month"] = frame["month"].dt.strftime("%Y-%m")
        return frame.to_csv(index=False, lineterminator="\n")
    national = result.national.copy()
    national["month"] = national["month"].dt.strftime("%Y-%m")
    return _json({"model_version": MODEL_VERSION, "summary": result.summary, "monthly": _records(result.monthly),
                  "capability": _records(result.capability), "national": national.to_dict(orient="records"),
                  "scenario": scenario.to_dict()})


def cmd_classify(args) -> str:
    if args.chip and args.tpp is not None:
        raise UsageError("classify: give either --chip or --tpp, not both")
    if args.chip:
        chip = get_chip(args.chip, "--chip")
    elif args.tpp is not None:
        if args.die_area is None and not args.planar:
            raise UsageError("--die-area: required with --tpp (unless --planar); allowed: a positive area in mm²")
        chip = custom_chip(args.tpp, args.die_area, interconnect_gbps=args.interconnect,
                           memory_bandwidth_gbps=args.memory_bandwidth, datacenter=not args.non_datacenter,
                           us_commercial=not args.not_us_commercial, planar=args.planar)
    else:
        raise UsageError("classify: give --chip NAME or --tpp T --die-area MM2")
    sets = _parse_sets(args.set)
    if args.rule == "custom":
        for key in sets:
            if key not in RULE_LINE_LEVERS:
                raise UsageError(f"--set: {key} is not a rule line; allowed with --rule custom: {', '.join(RULE_LINE_LEVERS)}")
        baseline = load_scenario("baidu-2023")
        lines = {k: sets.get(k, baseline.lever(k)) for k in RULE_LINE_LEVERS}
        rule = custom_rule(args.base, lines.pop("tpp_threshold"), lines.pop("density_threshold"), **lines)
    else:
        if sets:
            raise UsageError(f"--set: moves a rule line only with --rule custom; got --rule {args.rule}")
        rule = get_rule(args.rule, "--rule")
    result = classify(chip, rule).to_dict()
    if args.format == "json":
        return _json({**result, "chip": chip.name, "rule": rule.name, "us_commercial": chip.us_commercial,
                      "planar": chip.planar})
    return f"{chip.name} under {rule.name}: {result['status']} ({result['eccn'] or 'no ECCN'}); {result['reason']}\n"


def _list_rows(what: str) -> list[tuple[str, dict]]:
    """(text line, record) per row of ``python -m lib list WHAT``: the text is tab-separated, the record for JSON."""
    rows = []
    if what == "presets":
        for name, path in list_presets().items():
            scenario = load_scenario(name)
            reference = scenario.reference or name
            rows.append((f"{name}\t{scenario.name}\t{path.name}\treference {reference}",
                         {"preset": name, "name": scenario.name, "file": path.name, "reference": reference}))
    elif what == "rules":
        for rule in RULES.values():
            rows.append((f"{rule.name}\teffective {rule.effective}\t{rule.summary}\t{rule.source}",
                         {"rule": rule.name, "effective": rule.effective, "summary": rule.summary,
                          "source": rule.source}))
        rows.append(("custom\tfrom the what-if month\ta vintage with the rule-line levers\tlevers",
                     {"rule": "custom", "effective": "the what-if month",
                      "summary": "a vintage with the rule-line levers", "source": "levers"}))
    elif what == "chips":
        for chip in CHIPS:
            tpp = f"{chip.tpp:,.0f}" if chip.tpp else "unknown"
            density = f"{chip.density:.2f}" if chip.density else "unknown"
            rows.append((f"{chip.name}\t{chip.vendor}\t{chip.origin}\tTPP {tpp}\tPD {density} TPP/mm²\t{chip.source}",
                         {"chip": chip.name, "vendor": chip.vendor, "origin": chip.origin, "tpp": chip.tpp,
                          "density_tpp_per_mm2": chip.density, "source": chip.source}))
    elif what == "sources":
        from .sources import sources_table

        for s in sources_table():
            rows.append((f"{s.key}\t{s.author}\t{s.title}\t{s.date}\t{s.url}\t{s.quality}\t{s.link_status}",
                         {"key": s.key, "author": s.author, "title": s.title, "date": s.date, "url": s.url,
                          "quality": s.quality, "link_status": s.link_status}))
    elif what == "events":
        from .events import load_events

        for event in load_events():
            tokens = event_tokens(event)
            rows.append((f"{event.month}\t{tokens}\t{event.text}\t{event.source}",
                         {"month": event.month, "date": event.date, "kind": event.kind, "changes": tokens,
                          "event": event.text, "source": event.source}))
    else:
        for lever in LEVERS.values():
            rows.append((f"{lever.name}\t[{lever.unit}]\tallowed {lever.allowed()}\t{lever.tier}\t{lever.label}",
                         {"lever": lever.name, "unit": lever.unit, "minimum": _finite(lever.minimum),
                          "maximum": _finite(lever.maximum), "integer": lever.integer, "tier": lever.tier,
                          "label": lever.label}))
    return rows


def event_tokens(event) -> str:
    """An event's changes as written in data/events.csv ('rule:oct-2023', 'halt:A800|H800', 'context')."""
    if not event.changes:
        return "context"
    tokens = []
    for action, chips, arg in event.changes:
        if action == "rule":
            tokens.append(f"rule:{arg}")
        else:
            target = "|".join(chips)
            tokens.append(f"{action}{':' + target if target else ''}{'=' + arg if arg else ''}")
    return ";".join(tokens)


def cmd_list(args) -> str:
    rows = _list_rows(args.what)
    if args.format == "json":
        return _json([record for _, record in rows])
    return "".join(f"{line}\n" for line, _ in rows)


def cmd_reproduce(args) -> str:
    from .reproduce import main_text

    text = main_text(args.format)
    return text if text.endswith("\n") else text + "\n"


def cmd_sensitivity(args) -> str:
    from .uncertainty import tornado

    scenario = _scenario(args)
    if args.policy:
        rows = tornado(scenario, args.output, "policy")
        uncertain = tornado(scenario, args.output, "uncertain")
        if args.format == "json":
            return _json({"output": args.output, "base": rows.attrs["base"], "levers": uncertain.to_dict(orient="records"),
                          "policy_levers": rows.to_dict(orient="records")})
        import pandas as pd
        return pd.concat([uncertain, rows]).to_csv(index=False, lineterminator="\n")
    rows = tornado(scenario, args.output)
    if args.format == "json":
        return _json({"output": args.output, "base": rows.attrs["base"],
                      "levers": rows.drop(columns=["kind"]).to_dict(orient="records")})
    return rows.drop(columns=["kind"]).to_csv(index=False, lineterminator="\n")


def cmd_solve(args) -> str:
    from .uncertainty import parse_target, solve

    scenario = _scenario(args)
    answer = solve(scenario, args.lever, parse_target(args.target), year=args.year)
    if args.format == "json":
        return _json(answer)
    return answer["message"] + "\n"


def cmd_evidence(args) -> str:
    from .evidence import hindcast, meta
    from .model import run

    scenario = _scenario(args)
    table = hindcast(run(scenario))
    if args.format == "json":
        records = [{k: _finite(v) if not (isinstance(v, float) and math.isnan(v)) else None for k, v in row.items()}
                   for row in table.to_dict(orient="records")]
        return _json({"scenario": scenario.name, "as_of": meta()["as_of"], "estimates": records})
    out = io.StringIO()
    out.write(f"Model vs evidence for {scenario.name} (estimates ending before {meta()['as_of']})\n")
    for row in table.itertuples():
        model = "—" if row.model is None or (isinstance(row.model, float) and math.isnan(row.model)) else f"{row.model:.4g}"
        high = "∞" if not math.isfinite(row.high) else f"{row.high:.4g}"
        miss = "" if row.miss is None or (isinstance(row.miss, float) and math.isnan(row.miss)) else f" ({row.miss:+.0%})"
        reason = f" — {row.reason}" if row.reason else ""
        out.write(f"{row.id}\t{row.period}\t{row.status}{miss}\testimate {row.estimate:.4g} [{row.low:.4g}, {high}]"
                  f"\tmodel {model}\t[{row.source}]{reason}\n")
    return out.getvalue()


def cmd_brief(args) -> str:
    from .brief import make_brief

    date = _date(args.date) if args.date is not None else None
    base_url = _base_url(args.base_url)
    scenario = _scenario(args)
    data = make_brief(scenario, date=date, base_url=base_url)
    try:
        with open(args.output, "wb") as f:  # the only file the CLI writes: the path the user named
            f.write(data)
    except OSError as exc:
        raise ScenarioError(f"-o: cannot write {excerpt(args.output)} ({exc.strerror})") from None
    return f"wrote {args.output} ({len(data):,} bytes)\n"


def _date(text: str) -> str:
    """A calendar date, 'YYYY-MM-DD' (2026-13-45 is refused, not printed)."""
    import datetime as dt
    import re

    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text, re.ASCII):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise UsageError(f"--date: {excerpt(text)} is not a date; allowed: a calendar date YYYY-MM-DD")


MAX_BASE_URL_CHARS = 300  # [characters] Assumption: a host and path; the link after it must fit MAX_LINK_CHARS


def _base_url(text: str) -> str:
    """The address printed before the brief's link: text through the gate (no control or bidi characters), then an
    http(s) address with no spaces or quotes, so it cannot break the PDF's link or a terminal."""
    import re

    text = clean_text(text, "--base-url", MAX_BASE_URL_CHARS)
    if not re.fullmatch(r"https?://[^\s\"'<>\\^`{|}]+", text, re.ASCII):
        raise UsageError(f"--base-url: {excerpt(text)} is not allowed; allowed: an http:// or https:// address "
                         "(ASCII, no spaces or quotes)")
    return text


def cmd_diff(args) -> str:
    from .compare import diff_scenarios
    from .link import read_link_or_file

    first, notes_a = read_link_or_file(args.first)
    second, notes_b = read_link_or_file(args.second)
    _notes([*notes_a, *notes_b])
    report = diff_scenarios(first, second)
    if args.format == "json":
        return _json(report)
    out = io.StringIO()
    out.write(f"A: {first.name}\nB: {second.name}\n\nInputs that differ\n")
    for row in report["inputs"]:
        out.write(f"{row['name']}\t{row['a']}\t→\t{row['b']}\n")
    if not report["inputs"]:
        out.write("(none)\n")
    out.write("\nOutputs\n")
    for row in report["outputs"]:
        out.write(f"{row['key']}\t{row['a']}\t{row['b']}\t{row['delta']}\n")
    return out.getvalue()


def _number(name, integer=False, minimum=-1e12, maximum=1e12, unit=""):
    def parse(text):
        try:
            if integer:  # exact, however large: a seed of 2^63-1 stays 2^63-1
                return parse_integer(text, name, minimum, maximum, unit=unit)
            value, _ = parse_number(text, name, minimum, maximum)
        except ScenarioError as exc:
            raise argparse.ArgumentTypeError(str(exc).split(": ", 1)[-1]) from None
        return value
    parse.__name__ = "number"
    return parse


def build_parser() -> argparse.ArgumentParser:
    from .uncertainty import MAX_SAMPLES

    parser = _Parser(prog="python -m lib", description="Chokepoint model library")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("run", help="project a scenario")
    p.add_argument("scenario", help="preset name or scenario file (.toml/.json)")
    p.add_argument("--set", action="append", metavar="LEVER=VALUE")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--samples", type=_number("--samples", True, 1, MAX_SAMPLES),
                   help=f"Monte Carlo samples, 1 to {MAX_SAMPLES:,} (memory stays under 300 MB)")
    p.add_argument("--seed", type=_number("--seed", True, 0, 2**63 - 1), default=0,
                   help="Monte Carlo seed, a whole number from 0 to 2^63-1 (9,223,372,036,854,775,807)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("classify", help="classify a chip under a rule")
    p.add_argument("--chip")
    p.add_argument("--tpp", type=_number("--tpp", minimum=0, maximum=1e9))
    p.add_argument("--die-area", type=_number("--die-area", minimum=0, maximum=1e9))
    p.add_argument("--interconnect", type=_number("--interconnect", minimum=0, maximum=1e9))
    p.add_argument("--memory-bandwidth", type=_number("--memory-bandwidth", minimum=0, maximum=1e9))
    p.add_argument("--non-datacenter", action="store_true")
    p.add_argument("--not-us-commercial", action="store_true",
                   help="the chip is not sold in the US (a China-only SKU): outside the Jan 2026 case-by-case window")
    p.add_argument("--planar", action="store_true", help="made on a planar node: no performance density")
    p.add_argument("--rule", choices=RULE_NAMES, default="jan-2026")
    p.add_argument("--base", choices=tuple(RULES), default="oct-2023", help="base vintage of --rule custom")
    p.add_argument("--set", action="append", metavar="LEVER=VALUE", help="rule lines for --rule custom")
    p.add_argument("--format", choices=("json", "text"), default="text")
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("list", help="list presets, rules, chips, levers, sources or the dated events")
    p.add_argument("what", choices=("presets", "rules", "chips", "levers", "sources", "events"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("reproduce", help="published analyses reproduced as presets: one row per published figure")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_reproduce)

    p = sub.add_parser("sensitivity", help="tornado: swing each uncertain lever low→high")
    p.add_argument("scenario")
    p.add_argument("--output", default="h100e_end")
    p.add_argument("--policy", action="store_true", help="also swing the policy levers over their policy ranges")
    p.add_argument("--set", action="append", metavar="LEVER=VALUE")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(func=cmd_sensitivity)

    p = sub.add_parser("solve", help="goal-seek a lever value")
    p.add_argument("scenario")
    p.add_argument("--lever", required=True)
    p.add_argument("--target", required=True, help="KEY>=VALUE or KEY<=VALUE, e.g. frontier_gap_years>=3")
    p.add_argument("--year", type=_number("--year", True, 2000, 2100, unit="year"))
    p.add_argument("--set", action="append", metavar="LEVER=VALUE")
    p.add_argument("--format", choices=("json", "text"), default="text")
    p.set_defaults(func=cmd_solve)

    p = sub.add_parser("evidence", help="model vs outside estimates (the hindcast)")
    p.add_argument("scenario")
    p.add_argument("--set", action="append", metavar="LEVER=VALUE")
    p.add_argument("--format", choices=("json", "text"), default="text")
    p.set_defaults(func=cmd_evidence)

    p = sub.add_parser("brief", help="a one-page PDF brief")
    p.add_argument("scenario")
    p.add_argument("-o", "--output", required=True, help="the PDF file to write (the only file written)")
    p.add_argument("--date", help="the date printed on the brief, YYYY-MM-DD (default: today)")
    p.add_argument("--base-url", default="https://chokepoint.example", help="host of the share link in the brief")
    p.add_argument("--set", action="append", metavar="LEVER=VALUE")
    p.set_defaults(func=cmd_brief)

    p = sub.add_parser("diff", help="compare two share links or scenario files")
    p.add_argument("first", help="a share link, a preset name or a scenario file")
    p.add_argument("second")
    p.add_argument("--format", choices=("json", "text"), default="text")
    p.set_defaults(func=cmd_diff)
    return parser


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        text = args.func(args)
    except ScenarioError as exc:
        message = " ".join(str(exc).split())  # one line, whatever the input held
        print(f"error: {message}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0
