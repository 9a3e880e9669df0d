"""Benchmark what a user feels, against a bare Streamlit baseline measured in the same run.

Run: `.venv/bin/python bench/run.py` (after `scripts/test.sh` or `pip install -r requirements-dev.txt`).
Prints a table, writes it to bench/results/latest.json, and exits 1 if a budget is missed.
Not part of the test suite: tests never assert timings.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import lib  # noqa: E402
from lib.uncertainty import run_monte_carlo  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CHARTS = 5  # the default page: the headline chart and the Projection view's four
BARE = ROOT / "bench" / "bare_app.py"


def stats(samples: list[float]) -> dict:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples)}


def time_calls(fn, n: int, warmup: int = 2) -> dict:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return stats(out)


def bench_model() -> dict:
    from lib.brief import make_brief

    scenario = lib.load_scenario("baidu-2023")
    china = lib.load_scenario("china-2026")
    return {
        "lib.run [ms]": time_calls(lambda: lib.run(scenario), 200),
        "lib.run, china-2026 [ms]": time_calls(lambda: lib.run(china), 200),
        "run_monte_carlo 10,000 samples [ms]": time_calls(lambda: run_monte_carlo(scenario, samples=10_000, seed=0), 15),
        "run_monte_carlo 300 samples (headline range) [ms]": time_calls(
            lambda: run_monte_carlo(scenario, samples=300, seed=0), 30),
        "tornado, uncertain levers [ms]": time_calls(lambda: lib.uncertainty.tornado(scenario, "h100e_end"), 30),
        "tornado, policy levers [ms]": time_calls(lambda: lib.uncertainty.tornado(scenario, "h100e_end", "policy"), 10),
        "brief PDF [ms]": time_calls(lambda: make_brief(scenario, date="2026-01-01"), 5, warmup=1),
    }


def bench_apptest(path: Path, slider_key: str, start: float, step: float, n: int = 25) -> dict:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(path), default_timeout=60)
    at.run()
    at.run()
    out = []
    for i in range(n):
        at.slider(key=slider_key).set_value(round(start + step * (i + 1), 6))
        t = time.perf_counter()
        at.run()
        out.append((time.perf_counter() - t) * 1000)
        if at.exception:
            raise RuntimeError(f"{path.name} raised: {at.exception}")
    return stats(out)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


KEY_JS = """() => {
  window.__t0 = null;
  document.addEventListener('keydown', () => { window.__t0 = performance.now(); }, {capture: true, once: true});
}"""
def wait_js(every: bool = True) -> str:
    """JS that stores in window.__wait a promise resolving, after the key press, when every chart (or, with
    every=False, any chart) shows data different from before, with the elapsed milliseconds."""
    test = "every" if every else "some"
    return """(before) => { window.__wait = new Promise(resolve => {
  const read = () => Array.from(document.querySelectorAll('.js-plotly-plot'))
      .map(p => p.data ? JSON.stringify(p.data.map(t => t.y)) : '');
  const check = () => {
    const now = read();
    if (window.__t0 !== null && now.length === before.length && now.%s((v, i) => v !== before[i]))
      resolve(performance.now() - window.__t0);
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}); }""" % test


WAIT_JS = wait_js(every=True)
READ_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
      .map(p => p.data ? JSON.stringify(p.data.map(t => t.y)) : '')"""


def bench_browser(app: Path, slider_name: str, presses: int, sessions: int = 0) -> dict:
    import re

    from playwright.sync_api import sync_playwright

    from browser_support import charts_drawn, launch, serve

    out = {}
    with serve(app) as (url, proc), sync_playwright() as p:
        browser = launch(p)
        nav = []
        weights = []
        for i in range(5):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            sizes = []
            page.on("response", lambda r, s=sizes: s.append(int(r.headers.get("content-length") or 0)))
            t = time.perf_counter()
            page.goto(url)
            charts_drawn(page, 1, 60_000)
            nav.append((time.perf_counter() - t) * 1000)
            charts_drawn(page, CHARTS, 60_000)
            page.wait_for_load_state("networkidle")
            weights.append(sum(sizes))
            context.close()
        out["first chart [ms]"] = stats(nav[1:])  # the first visit also pays the server's cold imports
        out["page weight [MB]"] = weights[-1] / 1e6
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(url)
        charts_drawn(page, CHARTS, 60_000)
        slider = page.get_by_role("slider", name=re.compile(slider_name))
        slider.focus()
        times = []
        for _ in range(presses):
            before = page.evaluate(READ_JS)
            page.evaluate(KEY_JS)
            page.evaluate(WAIT_JS, before)  # stores the promise; evaluating it here would block before the press
            slider.press("ArrowRight")
            times.append(page.evaluate("() => window.__wait"))
            page.wait_for_timeout(400)  # let the rerun finish streaming before the next press
        out["keyboard to charts [ms]"] = stats(times)
        if sessions:
            time.sleep(1)
            one = rss_mib(proc.pid)
            contexts = [context]
            for _ in range(sessions - 1):
                c = browser.new_context(viewport={"width": 1280, "height": 800})
                pg = c.new_page()
                pg.goto(url)
                charts_drawn(pg, CHARTS, 60_000)
                contexts.append(c)
            time.sleep(2)
            many = rss_mib(proc.pid)
            out["RSS 1 session [MiB]"] = one
            out[f"RSS {sessions} sessions [MiB]"] = many
            out["RSS per extra session [MiB]"] = (many - one) / (sessions - 1)
            for c in contexts:
                c.close()
        browser.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=24)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    rows = {}
    rows.update(bench_model())
    rows["AppTest rerun, app.py [ms]"] = bench_apptest(ROOT / "app.py", "leakage", 0.05, 0.01)
    rows["AppTest rerun, bare [ms]"] = bench_apptest(BARE, "lever_0", 0.05, 0.01)
    if not args.skip_browser:
        ours = bench_browser(ROOT / "app.py", "^Leakage", args.presses, sessions=10)
        bare = bench_browser(BARE, "^Lever 0", args.presses)
        rows.update({f"{k}, app.py": v for k, v in ours.items()})
        rows.update({f"{k}, bare": v for k, v in bare.items() if "RSS" not in k})
    med = lambda k: rows[k]["median"] if isinstance(rows[k], dict) else rows[k]  # noqa: E731
    budgets = [
        ("lib.run median ≤ 5 ms", med("lib.run [ms]") <= 5),
        ("Monte Carlo 10k median ≤ 250 ms", med("run_monte_carlo 10,000 samples [ms]") <= 250),
        ("AppTest rerun ≤ 80 ms", med("AppTest rerun, app.py [ms]") <= 80),
        ("AppTest rerun ≤ 1.5 × bare", med("AppTest rerun, app.py [ms]") <= 1.5 * med("AppTest rerun, bare [ms]")),
    ]
    if not args.skip_browser:
        budgets += [
            ("first chart ≤ 3 s", med("first chart [ms], app.py") <= 3000),
            ("keyboard to charts ≤ 250 ms", med("keyboard to charts [ms], app.py") <= 250),
            ("keyboard to charts ≤ 1.3 × bare",
             med("keyboard to charts [ms], app.py") <= 1.3 * med("keyboard to charts [ms], bare")),
            ("each extra session ≤ 5 MiB", rows["RSS per extra session [MiB], app.py"] <= 5),
        ]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [f"Chokepoint benchmark, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {machine}", "",
             "| measurement | median | min | max | n |", "|---|---|---|---|---|"]
    for name, value in rows.items():
        if isinstance(value, dict):
            lines.append(f"| {name} | {value['median']:.1f} | {value['min']:.1f} | {value['max']:.1f} | {value['n']} |")
        else:
            lines.append(f"| {name} | {value:.2f} | | | |")
    lines += ["", "| budget | met |", "|---|---|"] + [f"| {name} | {'yes' if ok else '**NO**'} |" for name, ok in budgets]
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps({"machine": machine, "rows": rows,
                                                      "budgets": dict(budgets)}, indent=2))
    (RESULTS / "latest.md").write_text(text + "\n")
    return 0 if all(ok for _, ok in budgets) else 1


if __name__ == "__main__":
    sys.exit(main())
