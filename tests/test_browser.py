"""Real-browser flows in headless Debian chromium at 1280 and 390 px (never `playwright install`).

Without chromium these skip locally and fail in CI (REQUIRE_BROWSER=1).
"""

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

import lib
from lib import link as lib_link
from browser_support import CHART_DATA_JS, DESKTOP, PHONE, charts_drawn, chromium_path, settled_metrics

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
INTERNAL = re.compile(r"\b(" + "|".join(sorted((k for k in {*lib.SUMMARY_KEYS, *lib.LEVERS} if "_" in k),
                                               key=len, reverse=True)) + r")\b")
pytestmark = pytest.mark.browser

if chromium_path() is None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError("chromium is required for the browser tests (REQUIRE_BROWSER=1) but was not found")
    pytest.skip("chromium not installed", allow_module_level=True)

pytest.importorskip("playwright.sync_api")
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
FIRST_SCREEN = {"desktop": {**DESKTOP, "viewport": {"width": 1280, "height": 900}}, "phone": PHONE}

# `server` (the app, one per module) and `browser` (Debian chromium) are tests/conftest.py's fixtures.


def new_page(browser, kind="desktop"):
    context = browser.new_context(accept_downloads=True, **WIDTHS[kind])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return context, page


@pytest.fixture
def page(browser):
    context, page = new_page(browser)
    yield page
    context.close()


def box(locator):
    return locator.bounding_box()


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_first_screen_tells_the_story(server, browser, kind):
    """At 1280×900 the first screen holds the claim, the verdict, the whole headline chart with its legend and the
    levers beside it; at 390×844 the chart fits one screen height and the levers open under it."""
    context = browser.new_context(accept_downloads=True, **FIRST_SCREEN[kind])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(server)
    charts_drawn(page, 1)
    page.get_by_test_id("stMetricValue").first.wait_for(timeout=30_000)   # the whole first run has arrived
    page.wait_for_load_state("networkidle")
    height = FIRST_SCREEN[kind]["viewport"]["height"]
    claim = page.get_by_text("continue enhancing ERNIE", exact=False).first
    months = lib.run(lib.load_scenario("baidu-2023")).summary["runway_reserve_only_months"]
    answer = page.get_by_text(f"feasible for {months} months", exact=False).first
    chart = page.locator(".js-plotly-plot").first
    # The claim and the verdict on one screen, then the chart (the figures, which the verdict states, follow it).
    for element in (claim, answer):
        assert element.is_visible(), kind
        assert box(element)["y"] + box(element)["height"] <= height, (kind, box(element))
    assert box(chart)["y"] < height * 0.8, box(chart)  # the headline chart opens the page, above the fold
    whole = box(page.locator(".st-key-chart_headline"))  # the plot with its legend
    if kind == "desktop":
        assert whole["y"] + whole["height"] <= height, whole  # the whole chart, legend included, on the first screen
    else:
        assert whole["height"] <= height, whole  # one screen height
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{kind}-first-screen.png"), full_page=False)
    # The reference is always drawn.
    names = page.evaluate("() => document.querySelector('.js-plotly-plot').data.map(t => (t.name || '').trimEnd())")
    assert "reference" in names and "largest feasible run" in names
    # A lever and the chart are seen together: the first lever is within one screen of the chart's top. On a
    # phone the levers sit in an expander under the chart (one tap), so the page does not scroll inside itself.
    levers = page.locator(".st-key-levers_box")
    if kind == "phone":
        levers.get_by_text("Levers:", exact=False).first.click()
    slider = levers.get_by_role("slider").first
    slider.wait_for(timeout=30_000)
    chart_box = box(chart)
    if kind == "desktop":  # beside the chart, on the first screen, with no box that scrolls inside the page
        assert box(slider)["y"] + box(slider)["height"] <= height, box(slider)
        assert page.evaluate("""() => Array.from(document.querySelectorAll('.st-key-levers_box, .st-key-levers_box *'))
            .every(e => !['auto', 'scroll'].includes(getComputedStyle(e).overflowY) || e.scrollHeight <= e.clientHeight + 1)""")
    else:  # the figures, then the levers: opening them leaves the chart and the figures above, one screen away
        figures = box(page.locator(".st-key-story_figures"))
        assert figures["y"] >= chart_box["y"] + chart_box["height"] - 1
        assert box(slider)["y"] >= figures["y"] + figures["height"] - 1
        assert box(slider)["y"] - (chart_box["y"] + chart_box["height"]) < height, box(slider)
    # No internal key names in what a reader sees.
    text = page.evaluate("() => document.body.innerText")
    assert not INTERNAL.findall(text), INTERNAL.findall(text)[:5]
    # No chart toolbar over any heading.
    covered = page.evaluate("""() => {
        const bars = Array.from(document.querySelectorAll('.modebar')).filter(m => getComputedStyle(m).display !== 'none'
            && parseFloat(getComputedStyle(m.querySelector('.modebar-group') || m).opacity) > 0);
        const heads = Array.from(document.querySelectorAll('[data-testid=stMarkdownContainer]'));
        const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        return bars.some(m => heads.some(h => hit(m.getBoundingClientRect(), h.getBoundingClientRect())));
    }""")
    assert not covered
    if kind == "phone":
        assert page.locator(".modebar").count() == 0  # touch screens: no toolbar over the plot
    page.screenshot(path=str(ARTIFACTS / f"{kind}-levers.png"), full_page=False)
    assert page.errors == []
    context.close()


def test_keyboard_slider_updates_url_and_charts_and_reload_restores(server, page):
    page.goto(server)
    charts_drawn(page, 1)
    before_charts = page.evaluate(CHART_DATA_JS)
    before_metrics = settled_metrics(page)
    slider = page.get_by_role("slider", name=re.compile("^Leakage"))
    slider.focus()
    for _ in range(10):
        slider.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('leakage=0.15')", timeout=20_000)
    page.wait_for_function(f"(before) => ({CHART_DATA_JS})().join() !== before.join()", arg=before_charts,
                           timeout=20_000)
    page.wait_for_function("(b) => Array.from(document.querySelectorAll('[data-testid=stMetricValue]'))"
                           ".map(e => e.innerText).join() !== b.join()", arg=before_metrics, timeout=20_000)
    after = settled_metrics(page)
    url = page.url
    assert "v=3.0" in url and "preset=baidu-2023" in url
    page.goto(url)
    charts_drawn(page, 1)
    page.wait_for_function("(m) => Array.from(document.querySelectorAll('[data-testid=stMetricValue]'))"
                           ".map(e => e.innerText).join() === m.join()", arg=after, timeout=20_000)
    assert page.errors == []


def test_a_slider_keeps_the_keyboard_focus_when_the_first_change_redraws_the_page(server, page):
    page.goto(server)
    charts_drawn(page, 1)
    slider = page.get_by_role("slider", name=re.compile("^Leakage"))
    slider.focus()
    for expected in ("0.06", "0.07"):  # the first press turns on the deltas; the second must still reach the slider
        slider.press("ArrowRight")
        page.wait_for_function(f"() => location.search.includes('leakage={expected}')", timeout=20_000)
        settled_metrics(page)  # let the rerun finish redrawing
        # The lever panel draws in a shadow root: the focused slider is the host's shadow root's active element.
        focused = page.evaluate("""() => { let a = document.activeElement;
            while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
            return (a.closest('[data-lever]') || {dataset: {}}).dataset.lever || a.tagName; }""")
        assert focused == "leakage", focused
    assert page.errors == []


def test_bad_link_shows_notice(server, page):
    page.goto(f"{server}/?leakage=lots&tpp_threshold=2300")
    charts_drawn(page, 1)
    notice = page.get_by_text("leakage: 'lots' is not a number", exact=False).first
    notice.wait_for(timeout=20_000)
    assert notice.is_visible()
    assert page.errors == []


def test_brief_downloads_with_the_headline_figures(server, page, tmp_path):
    page.goto(f"{server}/?view={quote('Share & brief')}")
    charts_drawn(page, 1)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="One-page brief (PDF)").first.click()
    path = tmp_path / "brief.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
        s = lib.run(lib.load_scenario("baidu-2023")).summary
        assert f"{s['runway_months']} months" in text and f"{s['frontier_gap_years_reading']:.1f} years" in text
        assert "Model version 3.0" in text and "preset=baidu-2023" in text
        # The link is the page's own address (read while the page was drawn), without the Share view.
        assert server.split("//")[1] in text and "view=" not in text
    assert page.errors == []


def test_diff_of_two_links_shows_the_changed_lever(server, page):
    page.goto(f"{server}/?view={quote('Share & brief')}")
    charts_drawn(page, 1)
    field = page.get_by_label("Link A")
    field.fill(f"{server}/?preset=baidu-2023&leakage=0.3")
    field.press("Enter")
    page.get_by_text("Inputs that differ (1)").wait_for(timeout=20_000)
    grid = page.get_by_test_id("stDataFrame").first
    grid.wait_for(timeout=20_000)
    charts_drawn(page, 2, timeout_ms=20_000)  # the overlay of A and B on the main chart
    assert page.errors == []


LABELS_COLLIDE_JS = r"""(key) => {
  const plot = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const texts = Array.from(plot.querySelectorAll('.annotation-text-g')).filter(g => g.textContent.trim());
  const boxes = texts.map(g => ({t: g.textContent.trim(), r: g.getBoundingClientRect()}));
  const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const points = Array.from(plot.querySelectorAll('.scatterlayer .point')).map(p => p.getBoundingClientRect())
    .filter(r => r.width > 0);
  const out = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++)
      if (hit(boxes[i].r, boxes[j].r)) out.push(`${boxes[i].t} on ${boxes[j].t}`);
    if (points.some(p => hit(boxes[i].r, p))) out.push(`${boxes[i].t} on a marker`);
  }
  return {labels: boxes.length, collisions: out};
}"""


@pytest.mark.parametrize("kind", ["desktop", "phone"])
@pytest.mark.parametrize("view, charts", [("Export rule", 2), ("Channels & domestic", 4), ("Evidence", 1)])
def test_views_render_without_errors(server, browser, kind, view, charts):
    context, page = new_page(browser, kind)
    page.goto(f"{server}/?view={quote(view)}")
    charts_drawn(page, charts)  # the headline chart and the view's own
    if view == "Evidence":
        page.get_by_text("Model vs evidence").wait_for(timeout=30_000)
    if view == "Export rule":  # every chip labelled on the chart itself, and no drawn label on another or a marker
        page.wait_for_timeout(800)
        found = page.evaluate(LABELS_COLLIDE_JS, "chart_rule")
        assert found["labels"] >= 20 and found["collisions"] == [], found  # ~25 chip groups and the lines' labels
        assert "Not labelled for space" not in page.evaluate("() => document.body.innerText")
    text = page.evaluate("() => document.body.innerText")
    assert not INTERNAL.findall(text), INTERNAL.findall(text)[:5]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{kind}-{view.split()[0].lower()}.png"), full_page=False)
    assert page.errors == []
    context.close()


CLIPPED_JS = r"""(phone) => {
  const out = [];
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const width = document.documentElement.clientWidth;
  if (phone)  // a phone's tables are HTML whose text wraps: no canvas grid
    for (const g of document.querySelectorAll('[data-testid=stMain] [data-testid=stDataFrame]'))
      if (shown(g)) out.push('grid: a canvas table on a phone');
  for (const t of document.querySelectorAll('[data-testid=stMain] [data-testid=stTable]')) {
    // A phone's table fits the screen; a desktop's wide table may scroll sideways, but only inside its own box.
    const r = (phone ? t.querySelector('table') : t).getBoundingClientRect();
    if (shown(t) && (r.right > width + 1 || (phone && t.scrollWidth > t.clientWidth + 1)))
      out.push(`table ${Math.round(r.width)} px wide: ${t.innerText.trim().slice(0, 40)}`);
  }
  for (const e of document.querySelectorAll('[data-testid=stMain] *')) {  // text cut by its own box
    if (!shown(e) || e.closest('.js-plotly-plot') || e.closest('[data-testid=stDataFrame]')) continue;
    if (!Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const style = getComputedStyle(e);
    const clips = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
    if (clips && e.scrollWidth > e.clientWidth + 1) out.push(`text: ${e.textContent.trim().slice(0, 60)}`);
  }
  for (const legend of document.querySelectorAll('.js-plotly-plot .legend')) {  // a legend entry cut by the next
    const bg = legend.querySelector('rect.bg');
    const items = Array.from(legend.querySelectorAll('g.traces')).map(g => ({
      box: g.getBoundingClientRect(), text: g.querySelector('.legendtext')})).filter(i => i.text && i.box.width > 0);
    for (const item of items) {
      // The drawn glyphs' right edge, line by line, without the trailing no-break spaces ui.device pads names with.
      const lines = item.text.querySelectorAll('tspan.line').length ? item.text.querySelectorAll('tspan.line') : [item.text];
      const right = Math.max(...Array.from(lines).map(line => {
        const n = line.textContent.replace(/[\s\u00a0]+$/, '').length;
        return line.getBoundingClientRect().left + (n ? line.getSubStringLength(0, n) : 0);
      }));
      const next = items.find(o => o !== item && Math.abs(o.box.top - item.box.top) < 3 && o.box.left > item.box.left
                               && o.box.left < right - 1);
      if (next || (bg && right > bg.getBoundingClientRect().right + 1))
        out.push(`legend: ${item.text.textContent.trim().slice(0, 60)}`);
    }
  }
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {  // chart text outside its chart
    if (!shown(plot)) continue;
    const box = plot.getBoundingClientRect();
    for (const t of plot.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (!t.textContent.trim() || r.width === 0) continue;
      // A legend name's trailing no-break spaces (ui.device pads names with them) are no text to cut.
      const n = t.textContent.replace(/[\s\u00a0]+$/, '').length;
      const right = n < t.textContent.length && !t.querySelector('tspan.line') ? r.left + t.getSubStringLength(0, n) : r.right;
      if (r.left < box.left - 1 || right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        out.push(`chart: ${t.textContent.trim().slice(0, 60)}`);
    }
  }
  return out;
}"""
from ui.link import VIEWS as ALL_VIEWS  # noqa: E402


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_no_text_is_cut_on_any_view(server, browser, kind):
    """No element's text overflows its box, and no chart's text (ticks, legends, notes) falls outside its chart,
    on every view at 1280×900 and 390×844, with every expander open. A phone's tables are HTML that fits the
    screen (no column cut off, no sideways scroll); a desktop's wide HTML table scrolls only inside its own box. A
    desktop keeps a canvas grid only for a table without long text (AppTest checks no cell exceeds 60 characters)."""
    context = browser.new_context(**FIRST_SCREEN[kind])
    cut = {}
    # Compare draws its tables once a scenario is pinned: one pin, against a changed leakage.
    pin = lib_link.encode_pin(lib_link.LinkState(preset="china-2026", levers=(("leakage", 0.5),), label="leaky"))
    for view in ALL_VIEWS:
        page = context.new_page()
        extra = f"&pin={pin}" if view == "Compare" else ""
        page.goto(f"{server}/?preset=china-2026&view={quote(view)}{extra}")
        charts_drawn(page, 1, 60_000)
        settled_metrics(page)
        closed = page.locator("[data-testid=stMain] details:not([open]) > summary")
        for _ in range(closed.count()):  # the list shrinks as each opens
            closed.first.click()
        page.wait_for_timeout(1_000)  # the charts' own layout passes
        found = page.evaluate(CLIPPED_JS, kind == "phone")
        if found:
            cut[view] = found[:5]
        page.close()
    context.close()
    assert cut == {}, cut



@pytest.mark.parametrize("download", ["Summary (JSON)", "Scenario file (TOML, for upload or the CLI)"])
def test_a_download_uploads_back_with_its_pins(server, browser, tmp_path, download):
    """Download the summary JSON (or the TOML) of a changed, pinned scenario; upload it on a fresh page: the same
    headline figures and the same pins."""
    context, page = new_page(browser)
    page.goto(f"{server}/?preset=china-2026&leakage=0.5&view=Compare")
    charts_drawn(page, 1)
    page.get_by_role("button", name="Pin this scenario").click()
    page.wait_for_function("() => location.search.includes('pin=')", timeout=20_000)
    figures = settled_metrics(page)[:4]
    page.get_by_text("Share & brief", exact=True).first.click()
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=download).first.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    context.close()
    context, page = new_page(browser)
    page.goto(f"{server}/?view=Compare")
    charts_drawn(page, 1)
    assert settled_metrics(page)[:4] != figures
    page.get_by_text("Upload a scenario file").click()
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(path))
    page.get_by_text("Loaded:", exact=False).first.wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('pin=')", timeout=20_000)
    assert settled_metrics(page)[:4] == figures
    assert page.errors == []
    context.close()
