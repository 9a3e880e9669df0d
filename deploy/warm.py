"""Warm an app process's caches at server start, so that the first visitor does not pay for them.

Streamlit runs the page once for ``/_stcore/script-health-check`` (``server.scriptHealthCheckEnabled`` in
``.streamlit/config.toml``): the imports, the default scenario's run, its reference, the headline's Monte Carlo and
the charts land in the process-wide caches (``st.cache_resource``/``st.cache_data``). The proxy refuses that path
from outside (each hit runs the whole page); the start scripts call it on each process directly.

Run: ``python deploy/warm.py http://127.0.0.1:8501`` (waits for the process to answer, then warms it).
"""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request

WARM_PATH = "/_stcore/script-health-check"


def warm(base_url: str, timeout: float = 120.0) -> float:
    """Wait until ``base_url`` is healthy, run the page once; return the run's seconds. Raises RuntimeError on
    a failed run or a timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2):
                break
        except (OSError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{base_url} did not answer within {timeout:.0f} s") from None
            time.sleep(0.2)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{base_url}{WARM_PATH}", timeout=max(1.0, deadline - started)) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"{base_url}: the page's warm-up run failed ({exc.code})") from None
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].startswith(("http://", "https://")):
        print("usage: python deploy/warm.py http://127.0.0.1:PORT", file=sys.stderr)
        return 2
    try:
        seconds = warm(args[0].rstrip("/"))
    except RuntimeError as exc:
        print(f"warm-up: {exc}", file=sys.stderr)
        return 1
    print(f"warm-up: {args[0]} ran the page in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
