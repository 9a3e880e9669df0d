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
