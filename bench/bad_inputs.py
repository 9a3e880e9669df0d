"""Time and memory of every malformed-scenario case: `.venv/bin/python bench/bad_inputs.py`.

Prints one row per case: what it is, the one-line message it gives, wall time and peak Python memory.
Exit 1 if any case takes a second or more, or gives no ScenarioError.
"""

import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lib  # noqa: E402
from lib.scenario import parse_scenario_text  # noqa: E402

CASES = {
    "empty file": b"",
    "binary": b"\x00\x01\x02\xff",
    "not UTF-8": b"\xff\xfe\x00garbage",
    "byte-order mark + bad horizon": b"\xef\xbb\xbfname = 'x'\nhorizon = '2020-01'",
    "wrong type (text lever)": b"name = 'x'\n[levers]\nleakage = 'lots'",
    "NaN": b"name = 'x'\n[levers]\nleakage = nan",
    "inf": b"name = 'x'\n[levers]\nleakage = inf",
    "1e308": b"name = 'x'\n[levers]\nimport_budget = 1e308",
    "negative count": b"name = 'x'\n[initial_stock]\nA800 = -5",
    "unknown key": b"name = 'x'\ncolour = 'red'",
    "typo of a real key": b"name = 'x'\n[levers]\nlifetme_years = 3",
    "lever at top level": b"name = 'x'\nleakage = 0.2",
    "deep nesting": b"a = " + b"[" * 5000 + b"]" * 5000,
    "10 MB file": b"name = 'x'\n" + b"#" * 10_000_000,
    "duplicate key": b"name = 'x'\nname = 'y'",
    "table defined twice": b"name = 'x'\n[levers]\nleakage = 0.1\n[levers]\nmfu = 0.3",
    "JSON with NaN": b'{"name": "x", "levers": {"leakage": NaN}}',
    "JSON list at top": b"[1, 2, 3]",
    "shares not summing to 1": b"name = 'x'\n[[domestic_mix]]\nfrom = '2023-11'\nshares = { 'Kunlun II' = 0.5 }",
    "future schema": b"name = 'x'\nschema_version = 2",
}


def main() -> int:
    bad = 0
    print("| case | message | ms | peak MiB |\n|---|---|---|---|")
    for name, data in CASES.items():
        tracemalloc.start()
        t = time.perf_counter()
        try:
            lib.load_scenario(parse_scenario_text(data))
            message, ok = "(accepted)", False
        except lib.ScenarioError as exc:
            message, ok = str(exc), True
        elapsed = (time.perf_counter() - t) * 1000
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        bad += (not ok) or elapsed >= 1000
        print(f"| {name} | {message[:110]} | {elapsed:.1f} | {peak:.1f} |")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
