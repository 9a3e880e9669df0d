"""The lever panel in headless Debian chromium at 1280 and 390 px, on the app's own page: the headline follows a
slider while it moves, and the page shows the exact run after release.

These check behaviour, not timing (bench/run.py measures the timings). Without chromium they skip locally and
fail in CI (REQUIRE_BROWSER=1).
"""

import os
from pathlib import Path

import pytest

import lib
from browser_support import DESKTOP, PHONE, charts_drawn, chromium_path, settled_metrics

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PRESET = "china-2026"
LEVER = "leakage"          # every position of its slider is a precomputed value: the preview is exact
PREVIEW = "[data-testid=lever-preview]"
pytestmark = pytest.mark.browser

if chromium_path() is None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError("chromium is required for the browser tests (REQUIRE_BROWSER=1) but was not found")
    pytest.skip("chromium not installed", allow_module_level=True)

pytest.importorskip("playwright.sync_api")
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}

# `server` (the app, one per module) and `browser` (Debian chromium) are tests/conftest.py's fixtures.


def open_panel(browser, server, kind, query=""):
    context = browser.new_context(**WIDTHS[kind])
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.problems = problems
    page.goto(f"{server}/?preset={PRESET}{query}")
    charts_drawn(page, 1, 60_000)
    if kind == "phone":  # on a phone the levers sit in an expander under the chart: one tap
        page.locator(".st-key-levers_box").get_by_text("Levers:", exact=False).first.click()
    page.locator(f"[data-lever={LEVER}] input").wait_for(timeout=30_000)
    story_figures(page)
    return context, page


def story_figures(page) -> list[str]:
    """The page's own headline figures (under the verdict), once the app has settled."""
    settled_metrics(page)
    return page.locator(".st-key-story_figures [data-testid=stMetricValue]").all_inner_texts()


def preview_figures(page) -> tuple:
    return tuple(page.locator(f"{PREVIEW} .figure .value").all_inner_texts())


def exact_figures(value: float) -> list[str]:
    """The headline figures of lib.run at this value, worded as the page words them."""
    from ui.lever_panel import figure_texts
    from ui.views.story import headline_keys

    scenario = lib.load_scenario(PRESET).with_levers(**{LEVER: value})
    result = lib.run(scenario)
    reference = lib.run(lib.load_scenario(lib.compare.reference_name(scenario)))
    keys = headline_keys(scenario)
    return [v for v, _ in figure_texts(keys, result.summary, reference.summary, len(result.capability))]


def check_settled_on_exact_run(page, before: list[str]) -> None:
    slider = page.locator(f"[data-lever={LEVER}] input")
    page.wait_for_function(f"() => document.querySelector('{PREVIEW}')?.dataset.state === 'hidden'", timeout=30_000)
    value = float(slider.get_attribute("aria-valuenow"))
    page.wait_for_function("(v) => location.search.includes(`leakage=${v}`)", arg=f"{value:g}", timeout=30_000)
    shown = story_figures(page)
    assert shown != before
    assert shown == exact_figures(value)


def drag_points(page, kind):
    slider = page.locator(f"[data-lever={LEVER}] input")
    slider.scroll_into_view_if_needed()
    page.wait_for_timeout(200)
    box = slider.bounding_box()
    start = box["x"] + 10 + (box["width"] - 20) * 0.2  # the thumb's travel is inset by half its width
    y = box["y"] + box["height"] / 2
    step = (box["width"] - 20) * 0.025
    return start, y, step


class Touch:
    """Touch events through the DevTools protocol (Playwright's touchscreen only taps)."""

    def __init__(self, context, page):
        self.session = context.new_cdp_session(page)

    def send(self, kind, x=None, y=None):
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        self.session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_slow_drag_moves_the_headline_then_release_shows_the_exact_run(server, browser, kind):
    """Mouse (1280 px) or finger (390 px) down, wait for the range, 20 steps, up: the figures change at least 5
    times before the release, and after it the page's own figures are lib.run's at the released value."""
    context, page = open_panel(browser, server, kind)
    before = story_figures(page)
    start, y, step = drag_points(page, kind)
    touch = Touch(context, page) if kind == "phone" else None
    if touch:
        touch.send("touchStart", start, y)
    else:
        page.mouse.move(start, y)
        page.mouse.down()
    page.locator(f"[data-lever={LEVER}][data-range-ready=true]").wait_for(timeout=30_000)
    seen = []
    for i in range(20):
        x = start + (i + 1) * step
        if touch:
            touch.send("touchMove", x, y)
        else:
            page.mouse.move(x, y)
        page.wait_for_timeout(50)
        seen.append(preview_figures(page))
        if i in (0, 9, 19):
            page.screenshot(path=str(ARTIFACTS / f"{kind}-lever-drag-{i + 1:02d}.png"))
    assert page.locator(PREVIEW).get_attribute("data-state") == "preview"  # still held: nothing committed yet
    changes = sum(1 for a, b in zip(seen, seen[1:]) if a != b)
    assert changes >= 5, seen
    last_preview = list(seen[-1])
    if touch:
        touch.send("touchEnd")
    else:
        page.mouse.up()
    check_settled_on_exact_run(page, before)
    assert story_figures(page) == last_preview  # leakage's every position was precomputed: nothing jumps
    page.locator(".st-key-chart_headline").scroll_into_view_if_needed()  # on a phone the chart is above the levers
    page.screenshot(path=str(ARTIFACTS / f"{kind}-lever-drag-released.png"))
    assert page.problems == []
    context.close()


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_arrow_keys_move_the_headline_and_commit_after_the_last_press(server, browser, kind):
    context, page = open_panel(browser, server, kind)
    before = story_figures(page)
    slider = page.get_by_role("slider", name="Leakage (smuggling) [share 0–1]")
    slider.focus()  # a focus asks for the range, as a first touch does
    page.locator(f"[data-lever={LEVER}][data-range-ready=true]").wait_for(timeout=30_000)
    start = float(slider.get_attribute("aria-valuenow"))
    seen = []
    for _ in range(20):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(40)  # well under the commit delay: one burst, one commit
        seen.append(preview_figures(page))
    assert sum(1 for a, b in zip(seen, seen[1:]) if a != b) >= 5, seen
    assert float(slider.get_attribute("aria-valuenow")) == pytest.approx(start + 0.2)
    assert "share 0–1" in slider.get_attribute("aria-valuetext")
    check_settled_on_exact_run(page, before)
    focused = page.evaluate("() => document.querySelector('[data-testid=stBidiComponentIsolated]')"
                            ".shadowRoot.activeElement?.id")
    assert focused == f"lp-{LEVER}"  # the page reran around the slider: a keyboard user keeps their place
    assert page.problems == []
    context.close()


def test_sliders_are_named_with_units_and_bands_for_assistive_technology(server, browser):
    context, page = open_panel(browser, server, "desktop")
    slider = page.get_by_role("slider", name="Leakage (smuggling) [share 0–1]")
    assert slider.get_attribute("aria-valuenow") == "0.34"
    assert slider.get_attribute("aria-valuetext") == "0.34 share 0–1, named point China: Epoch 2024"
    described = page.locator(f"#{slider.get_attribute('aria-describedby')}").text_content()
    assert "Named points: 0.00 perfect enforcement" in described
    zones = page.locator(f"[data-lever={LEVER}] .lp-zone")
    assert zones.all_text_contents() == ["perfect enforcement", "Baidu default", "China: Epoch 2024", "Epoch's high"]
    switch = page.get_by_role("slider", name="US allows the H200 [switch 0/1]")
    assert switch.get_attribute("aria-valuetext") == "no, named point rule as in force"
    assert page.problems == []
    context.close()


def test_a_link_sets_the_sliders(server, browser):
    context, page = open_panel(browser, server, "phone", "&leakage=0.5&us_allows_h200=1&remote_access=200000")
    role = page.get_by_role
    assert role("slider", name="Leakage (smuggling) [share 0–1]").get_attribute("aria-valuenow") == "0.5"
    assert role("slider", name="US allows the H200 [switch 0/1]").get_attribute("aria-valuetext") == "allowed, named point allowed"
    remote = role("slider", name="Remote access (rented abroad) [chips per year]")
    assert remote.get_attribute("aria-valuetext") == "200k chips per year, named point CNAS high"
    assert page.problems == []
    context.close()


def test_the_filter_box_finds_a_lever_by_name(server, browser):
    context, page = open_panel(browser, server, "desktop")
    levers = page.locator("[data-lever]")
    total = levers.count()
    box = page.get_by_role("searchbox", name="Find a lever by name")
    box.fill("hbm")
    shown = [n for n in levers.evaluate_all("els => els.filter(e => !e.hidden).map(e => e.dataset.lever)")]
    assert shown and len(shown) < total
    assert all("hbm" in lib.LEVERS[n].label.lower() or "hbm" in lib.LEVERS[n].group.lower() for n in shown), shown
    headings = page.locator(".lp-group").evaluate_all("els => els.filter(e => !e.hidden).map(e => e.textContent)")
    assert len(headings) >= 1 and all(h for h in headings)
    box.fill("no such lever")
    assert page.locator("[data-lever]:not([hidden])").count() == 0
    assert page.get_by_text("No lever matches", exact=False).is_visible()
    box.fill("")
    assert page.locator("[data-lever]:not([hidden])").count() == total
    assert page.problems == []
    context.close()


def test_advanced_and_expert_levers_are_one_click_away_and_move_the_page(server, browser):
    """One panel: the expert section opens with one click (or by the filter), its sliders drag and commit like
    the basic ones, and each lever's "?" says where its value comes from, with links to its sources."""
    context, page = open_panel(browser, server, "desktop")
    expert = page.locator("details.lp-tier[data-tier=expert]")
    mfu = page.locator("[data-lever=mfu] input")
    assert expert.get_attribute("open") is None and not mfu.is_visible()
    box = page.get_by_role("searchbox", name="Find a lever by name")
    box.fill("utilisation")
    assert expert.get_attribute("open") is not None and mfu.is_visible()
    assert page.locator("details.lp-tier[data-tier=advanced]").is_hidden()  # no match there
    box.fill("")
    assert expert.get_attribute("open") is None  # back as the reader left it
    expert.locator("summary").click()
    assert mfu.is_visible()
    before = story_figures(page)
    start = float(mfu.get_attribute("aria-valuenow"))
    mfu.focus()
    page.locator("[data-lever=mfu][data-range-ready=true]").wait_for(timeout=30_000)
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
        page.wait_for_timeout(40)
    value = round(start - 0.05, 2)
    page.wait_for_function("(v) => location.search.includes(`mfu=${v}`)", arg=f"{value:g}", timeout=30_000)
    shown = story_figures(page)
    assert shown != before
    scenario = lib.load_scenario(PRESET).with_levers(mfu=value)
    from ui.lever_panel import figure_texts
    from ui.views.story import headline_keys

    reference = lib.run(lib.load_scenario(lib.compare.reference_name(scenario)))
    result = lib.run(scenario)
    assert shown == [v for v, _ in figure_texts(headline_keys(scenario), result.summary, reference.summary,
                                                len(result.capability))]
    why = page.get_by_role("button", name="About Leakage (smuggling)")
    why.click()
    about = page.locator("#lp-leakage-about")
    assert about.is_visible() and "This preset's value" in about.inner_text()
    hrefs = about.locator("a").evaluate_all("els => els.map(a => a.href)")
    assert hrefs and all(h.startswith("https://") for h in hrefs)
    assert page.problems == []
    context.close()
