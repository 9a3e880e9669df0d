"""Baseline regression: each preset's summary against the stored one (refresh with tests/save_baselines.py)."""

import json
from pathlib import Path

import pytest

import lib

STORED = Path(__file__).resolve().parent / "baselines"


def test_every_preset_has_a_baseline():
    assert {p.stem for p in STORED.glob("*.json")} == set(lib.list_presets())


@pytest.mark.parametrize("preset", sorted(lib.list_presets()))
def test_preset_matches_baseline(preset):
    stored = json.loads((STORED / f"{preset}.json").read_text(encoding="utf-8"))
    summary = lib.run(lib.load_scenario(preset)).summary
    assert set(summary) == set(stored)
    for key, value in stored.items():
        if isinstance(value, float):
            assert summary[key] == pytest.approx(value, rel=1e-6, abs=1e-9), key
        else:
            assert summary[key] == value, key
