"""Real-browser flows in headless Debian chromium (never `playwright install`).

Without chromium these skip locally and fail in CI (REQUIRE_BROWSER=1).
"""

import os
import re
from pathlib import Path

import pytest

from browser_support import CHART_DATA_JS, charts_drawn, chromium_path, launch, serve

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
pytestmark = pytest.mark.browser

if chromium_path() is None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError("chromium is required for the browser tests (REQUIRE_BROWSER=1) but was not found")
    pytest.skip("chromium not installed", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server():
    with serve() as (url, proc):
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    context.close()


def metric_values(page):
    return page.get_by_test_id("stMetricValue").all_inner_texts()


def test_open_and_see_charts(server, page):
    page.goto(server)
    charts_drawn(page, 3)
    assert page.get_by_test_id("stMetricValue").first.inner_text() == "19 months"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desktop-1280x800.png"), full_page=False)
    assert page.errors == []


def test_keyboard_slider_updates_url_and_charts_and_reload_restores(server, page):
    page.goto(server)
    charts_drawn(page, 3)
    before_charts = page.evaluate(CHART_DATA_JS)
    before_metrics = metric_values(page)
    slider = page.get_by_role("slider", name=re.compile("^Leakage"))
    slider.focus()
    for _ in range(10):
        slider.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('leakage=0.15')", timeout=20_000)
    page.wait_for_function(f"(before) => ({CHART_DATA_JS})().join() !== before.join()", arg=before_charts,
                           timeout=20_000)
    page.wait_for_function("(b) => Array.from(document.querySelectorAll('[data-testid=stMetricValue]'))"
                           ".map(e => e.innerText).join() !== b.join()", arg=before_metrics, timeout=20_000)
    after = metric_values(page)
    url = page.url
    assert "v=1.0" in url and "preset=baidu-2023" in url
    page.goto(url)
    charts_drawn(page, 3)
    page.wait_for_function("(m) => Array.from(document.querySelectorAll('[data-testid=stMetricValue]'))"
                           ".map(e => e.innerText).join() === m.join()", arg=after, timeout=20_000)
    assert page.errors == []


def test_bad_link_shows_notice(server, page):
    page.goto(f"{server}/?leakage=lots&tpp_threshold=2300")
    charts_drawn(page, 3)
    assert page.get_by_text("'leakage': 'lots' is not a number").is_visible()
    assert page.errors == []


def test_phone_width_screenshot(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server)
    charts_drawn(page, 3)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-390.png"), full_page=False)
    assert errors == []
    context.close()


def test_export_rule_view_in_browser(server, page):
    page.goto(f"{server}/?view=Export+rule")
    charts_drawn(page, 1)
    assert page.get_by_text("Classify your own chip").is_visible()
    page.screenshot(path=str(ARTIFACTS / "export-rule.png"), full_page=False)
    assert page.errors == []
