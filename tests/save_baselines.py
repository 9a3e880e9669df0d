"""Refresh tests/baselines/*.json after an intended model change: `python tests/save_baselines.py`.

Not a test: pytest never runs it. Review the diff of the JSON files before committing.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lib  # noqa: E402

OUT = Path(__file__).resolve().parent / "baselines"


def save_baselines() -> None:
    OUT.mkdir(exist_ok=True)
    for preset in lib.list_presets():
        summary = lib.run(lib.load_scenario(preset)).summary
        (OUT / f"{preset}.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{preset}: runway {summary['runway_months']} months, h100e_end {summary['h100e_end']:,.0f}, "
              f"gap_end {summary['frontier_gap_years_end']:.2f} years")


if __name__ == "__main__":
    save_baselines()
