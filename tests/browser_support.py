"""Start the app on loopback and drive Debian's chromium through Playwright (shared by tests and bench)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(app: Path = ROOT / "app.py", timeout: float = 60.0, warm: bool = False):
    """Run ``streamlit run app`` on 127.0.0.1 and a free port; yield (base URL, process); stop it by its PID.
    ``warm``: run the page once before yielding (``deploy/warm.py``, as the deploy scripts do at start)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless=true", "--server.address=127.0.0.1",
         f"--server.port={port}", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.05)
        if warm:
            sys.path.insert(0, str(ROOT / "deploy"))
            from warm import warm as warm_up

            warm_up(url, timeout)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/156.0.0.0 Mobile Safari/537.36")
PHONE = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True,
             user_agent=PHONE_AGENT)
DESKTOP = dict(viewport={"width": 1280, "height": 800})


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)


CHART_DATA_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .map(p => p.data ? JSON.stringify(p.data.map(t => t.y)) : '')"""


def charts_drawn(page, count: int, timeout_ms: int = 30_000) -> None:
    """Wait until `count` Plotly charts have drawn (a chart has several `.main-svg` layers, so count the charts)."""
    page.wait_for_function("(n) => Array.from(document.querySelectorAll('.js-plotly-plot'))"
                           ".filter(p => p.querySelector('.main-svg')).length >= n", arg=count, timeout=timeout_ms)


IDLE_JS = """() => !document.querySelector('[data-testid=stStatusWidgetRunningIcon], [data-testid=stStatusWidgetRunningManIcon]')
    && !document.querySelector('[data-stale=true]')"""


def settled_metrics(page, quiet_ms: int = 1_500, timeout_ms: int = 30_000) -> list[str]:
    """The headline figures once the app has stopped rerunning: idle, nothing stale, and unchanged for `quiet_ms`.

    A key press queues a rerun per press and fast reruns interrupt the stale ones, so the URL can already show the
    last value while the figures on screen still come from an earlier run.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    last = None
    while True:
        page.wait_for_function(IDLE_JS, timeout=timeout_ms)
        values = page.get_by_test_id("stMetricValue").all_inner_texts()
        if values == last:
            return values
        if time.monotonic() > deadline:
            raise TimeoutError(f"the headline figures kept changing: {values}")
        last = values
        page.wait_for_timeout(quiet_ms)
