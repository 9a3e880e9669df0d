import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lib  # noqa: E402


@pytest.fixture(scope="module")
def server():
    """The app on a free port for one test module's browser tests (tests/browser_support.py)."""
    from browser_support import serve

    with serve() as (url, proc):
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian chromium through Playwright, one per module (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    from browser_support import launch

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


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
