import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lib  # noqa: E402


@pytest.fixture(scope="session")
def baseline():
    return lib.load_scenario("baidu-2023")


@pytest.fixture(scope="session")
def china():
    return lib.load_scenario("china-2026")


# CI runs the property tests derandomized, so a landing never depends on the draw; local runs explore.
from hypothesis import settings as _hypothesis_settings  # noqa: E402
import os as _os  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if _os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")
