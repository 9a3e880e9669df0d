"""Write the nginx config for N Chokepoint processes from deploy/nginx.conf.template.

    python deploy/render_nginx.py --backends 127.0.0.1:8501,127.0.0.1:8502 --listen 127.0.0.1:8080 -o nginx.conf

Used by deploy/run_local.py (loopback), by deploy/proxy.Dockerfile (compose: app1:8501,app2:8501) and by the tests,
so there is one template for all three. Standard library only (it runs in a bare python image at build time).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
MIN_LINE_KB = 64            # the floor for the longest request line (links with scenarios in them)
DEFAULT_LINE_KB = 128
DEFAULT_BODY_MB = 2         # .streamlit/config.toml caps uploads at 1 MB; multipart adds a little
# Per client address, on the page and the websocket only. Assumption: a browser loads the page and opens one
# websocket per tab; bench/load.py opens up to 50 sessions from 127.0.0.1 at once (100 requests in a burst).
DEFAULT_REQUEST_RATE = "10r/s"      # [requests/s] sustained page loads and websocket opens
DEFAULT_REQUEST_BURST = 100         # [requests] taken at once above the rate, without delay
DEFAULT_CONNECTIONS_PER_CLIENT = 100  # [connections] open page and websocket connections at a time
_RATE = re.compile(r"^[1-9]\d{0,5}r/[sm]$")
_BACKEND = re.compile(r"^[A-Za-z0-9_.\-\[\]:]+:\d{1,5}$")


def render(backends: list[str], listen: str, *, access_log: str = "logs/access.log", worker_processes: str = "1",
           user: str | None = None, max_line_kb: int = DEFAULT_LINE_KB, max_body_mb: int = DEFAULT_BODY_MB,
           max_fails: int = 3, fail_timeout_s: int = 10, request_rate: str = DEFAULT_REQUEST_RATE,
           request_burst: int = DEFAULT_REQUEST_BURST,
           connections_per_client: int = DEFAULT_CONNECTIONS_PER_CLIENT) -> str:
    """The config text. ``backends`` are host:port; ``listen`` is nginx's listen argument (port or host:port).
    ``request_rate`` ('10r/s', '30r/m'), ``request_burst`` and ``connections_per_client`` limit each client address on
    the page and the websocket (tests set them low to see 429s)."""
    if not backends:
        raise ValueError("at least one backend (host:port) is required")
    for backend in backends:
        if not _BACKEND.match(backend):
            raise ValueError(f"backend {backend!r} is not host:port")
    if not re.match(r"^[A-Za-z0-9_.\-\[\]:]+$", str(listen)):
        raise ValueError(f"listen {listen!r} is not a port or host:port")
    if max_line_kb < MIN_LINE_KB:
        raise ValueError(f"max_line_kb must be at least {MIN_LINE_KB} (links carry scenarios)")
    if not re.match(r"^(auto|[1-9]\d*)$", str(worker_processes)):
        raise ValueError("worker_processes must be 'auto' or a positive integer")
    if not _RATE.match(str(request_rate)):
        raise ValueError(f"request_rate {request_rate!r} is not like '10r/s' or '30r/m'")
    if not (isinstance(request_burst, int) and 1 <= request_burst <= 100_000):  # nginx refuses burst=0
        raise ValueError("request_burst must be a whole number from 1 to 100000")
    if not (isinstance(connections_per_client, int) and 1 <= connections_per_client <= 100_000):
        raise ValueError("connections_per_client must be a whole number from 1 to 100000")
    servers = "\n".join(f"        server {b} max_fails={max_fails} fail_timeout={fail_timeout_s}s;" for b in backends)
    values = {
        "servers": servers,
        "listen": str(listen),
        "access_log": access_log,
        "worker_processes": str(worker_processes),
        "user_directive": f"user {user};\n" if user else "",
        "max_line_kb": str(max_line_kb),
        "max_body_mb": str(max_body_mb),
        "request_rate": str(request_rate),
        "request_burst": str(request_burst),
        "connections_per_client": str(connections_per_client),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    missing = set(re.findall(r"\{\{(\w+)\}\}", text)) - values.keys()
    if missing:
        raise KeyError(f"template placeholders without a value: {sorted(missing)}")
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", required=True, help="comma-separated host:port list, e.g. app1:8501,app2:8501")
    parser.add_argument("--listen", default="8080", help="nginx listen argument: port or host:port (default 8080)")
    parser.add_argument("--access-log", default="logs/access.log", help="path under the prefix, or /dev/stdout")
    parser.add_argument("--worker-processes", default="1")
    parser.add_argument("--user", default=None, help="worker user when the master runs as root (www-data in compose)")
    parser.add_argument("--max-line-kb", type=int, default=DEFAULT_LINE_KB)
    parser.add_argument("--max-body-mb", type=int, default=DEFAULT_BODY_MB)
    parser.add_argument("--request-rate", default=DEFAULT_REQUEST_RATE,
                        help=f"page and websocket requests per client address (default {DEFAULT_REQUEST_RATE})")
    parser.add_argument("--request-burst", type=int, default=DEFAULT_REQUEST_BURST,
                        help=f"requests taken at once above the rate (default {DEFAULT_REQUEST_BURST})")
    parser.add_argument("--connections-per-client", type=int, default=DEFAULT_CONNECTIONS_PER_CLIENT,
                        help=f"open page and websocket connections per address (default {DEFAULT_CONNECTIONS_PER_CLIENT})")
    parser.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    try:
        text = render([b.strip() for b in args.backends.split(",") if b.strip()], args.listen,
                      access_log=args.access_log, worker_processes=args.worker_processes, user=args.user,
                      max_line_kb=args.max_line_kb, max_body_mb=args.max_body_mb, request_rate=args.request_rate,
                      request_burst=args.request_burst, connections_per_client=args.connections_per_client)
    except (ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
