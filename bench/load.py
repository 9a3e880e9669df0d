"""Bounded loopback load test: N headless browser sessions move sliders for a fixed time.

Run: `.venv/bin/python bench/load.py [--sessions 20] [--seconds 60] [--proxy N] [--samples K]`. The server listens
on 127.0.0.1 only and every loop is bounded in count and time. Reports errors (zero expected), update-latency
percentiles and the server's memory during and after the sessions; writes bench/results/load.json. Exit 1 if any
error occurred.

--proxy N: N app processes behind nginx (deploy/run_local.py) instead of one server; memory is then the summed RSS
of all app processes, and of nginx's. --samples K: open the page with ?samples=K, so every update runs Monte Carlo.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from contextlib import contextmanager  # noqa: E402

from browser_support import CHROMIUM_ARGS, chromium_path, serve  # noqa: E402
from run import KEY_JS, READ_JS, rss_mib, wait_js  # noqa: E402

# Under load an update counts when any chart shows new data: some sliders (planned-run growth) leave the
# stockpile chart unchanged, so waiting for every chart would never end.
WAIT_ANY_JS = wait_js(every=False)

MAX_PRESSES_PER_SESSION = 200  # bound on each session's loop, whatever the time limit
LOADING_AT_ONCE = 3            # pages loading at the same time: 20 Chromium renderers parsing 7 MB of JS at once on
                               # 2 cores measure the browser, not the server; sessions then move sliders together


async def session(browser, url: str, index: int, clock: dict, ready: list, go: asyncio.Event, latencies: list,
                  errors: list, loading: asyncio.Semaphore = None, lost: list = None) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"session {index}: page error {exc}"))
    lost = [] if lost is None else lost
    try:
        async with (loading or asyncio.Semaphore(1)):
            await page.goto(url, timeout=300_000)
            await page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3",
                                         timeout=300_000)
        names = ["^Leakage", "^Licence approval share", "^Useful life", "^Planned-run growth"]
        import re

        slider = page.get_by_role("slider", name=re.compile(names[index % len(names)]))
        await slider.focus()
        ready.append(index)
        await go.wait()  # every session moves sliders during the same window, after all have loaded
        key = "ArrowRight"
        for press in range(MAX_PRESSES_PER_SESSION):
            if time.monotonic() > clock["stop_at"]:
                break
            before = await page.evaluate(READ_JS)
            old_value = await slider.get_attribute("aria-valuenow")
            await page.evaluate(KEY_JS)
            await page.evaluate(WAIT_ANY_JS, before)
            await slider.focus()  # a rerun can redraw the slider; a person would click it again anyway
            await slider.press(key)
            try:
                latencies.append(await asyncio.wait_for(page.evaluate("() => window.__wait"), timeout=30))
            except asyncio.TimeoutError:
                if await slider.get_attribute("aria-valuenow") == old_value:
                    lost.append(f"session {index}: press {press} did not reach the slider")  # the harness, not the app
                else:
                    errors.append(f"session {index}: no chart update within 30 s after press {press}")
            value = await slider.get_attribute("aria-valuenow")
            maximum = await slider.get_attribute("aria-valuemax")
            minimum = await slider.get_attribute("aria-valuemin")
            if value == maximum:
                key = "ArrowLeft"
            elif value == minimum:
                key = "ArrowRight"
            await page.wait_for_timeout(500 + 37 * (index % 7))  # a person's pace, staggered
    except Exception as exc:  # any failure of a session is counted, the others go on
        errors.append(f"session {index}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
        ready.append(index)
    finally:
        await context.close()


@contextmanager
def server(proxy: int):
    """(url, app RSS [MiB] function, {apps, nginx} RSS function): one `streamlit run`, or N behind nginx (summed)."""
    if not proxy:
        with serve(ROOT / "app.py") as (url, proc):
            yield url, lambda: rss_mib(proc.pid), lambda: {}
        return
    sys.path.insert(0, str(ROOT / "deploy"))
    from run_local import cluster

    with cluster(processes=proxy) as state:
        yield state.url, lambda: state.rss_mib()["apps"], state.rss_mib


async def main_async(sessions: int, seconds: float, proxy: int = 0, samples: int | None = None) -> dict:
    from playwright.async_api import async_playwright

    latencies: list = []
    errors: list = []
    memory: list = []
    proxy_memory: list = []
    with server(proxy) as (url, app_rss, all_rss):
        if samples is not None:
            url = f"{url}/?samples={samples}"
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
            idle = app_rss()
            clock = {"stop_at": float("inf")}
            ready: list = []
            go = asyncio.Event()
            loading = asyncio.Semaphore(LOADING_AT_ONCE)
            lost: list = []
            tasks = [asyncio.create_task(session(browser, url, i, clock, ready, go, latencies, errors, loading, lost))
                     for i in range(sessions)]
            load_deadline = time.monotonic() + 900
            while len(ready) < sessions and time.monotonic() < load_deadline:
                await asyncio.sleep(0.5)
            loaded = app_rss()
            clock["stop_at"] = time.monotonic() + seconds
            go.set()
            while not all(t.done() for t in tasks):
                memory.append(app_rss())
                proxy_memory.append(all_rss())
                await asyncio.sleep(1)
            await asyncio.gather(*tasks)
            await browser.close()
        await asyncio.sleep(3)
        after = app_rss()
    lat = sorted(latencies)
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")  # noqa: E731
    result = {"sessions": sessions, "seconds": seconds, "updates": len(lat), "errors": errors, "presses_lost": lost,
              "latency_ms": {"p50": pct(0.5), "p95": pct(0.95), "max": lat[-1] if lat else None,
                             "mean": statistics.fmean(lat) if lat else None},
              "rss_mib": {"idle": idle, "all_loaded": loaded, "peak_during": max(memory) if memory else None,
                          "after": after}}
    if proxy:  # rss_mib is then the summed RSS of the N app processes
        nginx = [m["nginx"] for m in proxy_memory if m]
        total = [m["apps"] + m["nginx"] for m in proxy_memory if m]
        result.update(proxy_processes=proxy, nginx_rss_mib_peak=max(nginx) if nginx else None,
                      apps_and_nginx_rss_mib_peak=max(total) if total else None)
    if samples is not None:
        result["samples"] = samples
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--proxy", type=int, default=0, metavar="N",
                        help="N app processes behind nginx (deploy/run_local.py) instead of one server")
    parser.add_argument("--samples", type=int, default=None, metavar="K",
                        help="open the page with ?samples=K so Monte Carlo runs on every update")
    args = parser.parse_args()
    if not (1 <= args.sessions <= 50 and 1 <= args.seconds <= 600):
        print("error: --sessions must be 1 to 50 and --seconds 1 to 600", file=sys.stderr)
        return 2
    if not (0 <= args.proxy <= 16 and (args.samples is None or 0 <= args.samples <= 100_000)):
        print("error: --proxy must be 0 to 16 and --samples 0 to 100000", file=sys.stderr)
        return 2
    result = asyncio.run(main_async(args.sessions, args.seconds, args.proxy, args.samples))
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "load.json").write_text(json.dumps(result, indent=2))
    lat, rss = result["latency_ms"], result["rss_mib"]
    fmt = lambda x: "n/a" if x is None or x != x else f"{x:.0f}"  # noqa: E731
    where = f"{args.proxy} processes behind nginx" if args.proxy else "one server"
    what = f", samples={args.samples}" if args.samples is not None else ""
    servers = f"{args.proxy} app processes' summed RSS" if args.proxy else "server RSS"
    print(f"{result['sessions']} sessions × {result['seconds']:.0f} s ({where}{what}): {result['updates']} updates, "
          f"{len(result['errors'])} errors, {len(result['presses_lost'])} key presses that never reached a slider; "
          f"update latency p50 {fmt(lat['p50'])} ms, p95 {fmt(lat['p95'])} ms, "
          f"max {fmt(lat['max'])} ms; {servers} idle {fmt(rss['idle'])} MiB, all loaded {fmt(rss['all_loaded'])} MiB, "
          f"peak {fmt(rss['peak_during'])} MiB, after {fmt(rss['after'])} MiB"
          + (f"; nginx RSS peak {fmt(result['nginx_rss_mib_peak'])} MiB, apps + nginx peak "
             f"{fmt(result['apps_and_nginx_rss_mib_peak'])} MiB" if args.proxy else ""))
    for error in (result["errors"] + result["presses_lost"])[:20]:
        print("  " + error)
    return 1 if result["errors"] or not result["updates"] else 0


if __name__ == "__main__":
    sys.exit(main())
