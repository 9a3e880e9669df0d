"""Run Chokepoint as it is deployed, on loopback: N `streamlit run app.py` processes behind nginx.

    .venv/bin/python deploy/run_local.py --processes 2 --port 8080      # then open http://127.0.0.1:8080, Ctrl-C stops
    .venv/bin/python deploy/run_local.py --processes 2 --probe           # measure the longest links, then stop

Every process gets the same STREAMLIT_SERVER_COOKIE_SECRET (from the environment, else a random one for this run).
nginx (Debian's package) runs in the foreground with a temporary prefix (-p): config, pid, logs, temp files and the
static cache all live in a fresh temp dir, nothing root-owned is touched. An app process that dies is started again
on its port (waiting longer after each quick death), while nginx sends its sessions to the others: they reconnect
and keep their scenario, which is in the link. Stops everything, by PID, on Ctrl-C or when nginx dies. `cluster()`
is the same thing as a context manager, for tests/test_deploy.py and bench/load.py.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
sys.path.insert(0, str(DEPLOY))

from render_nginx import render  # noqa: E402
from warm import warm  # noqa: E402

SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"
MAX_PROCESSES = 16
RESTART_DELAY_S = 1.0       # [s] wait before starting a dead app process again; doubled after each quick death
MAX_RESTART_DELAY_S = 30.0  # [s] Assumption: a process that keeps dying is retried at most this far apart
STABLE_S = 30.0             # [s] a process that ran this long before dying restarts after RESTART_DELAY_S again


def nginx_path() -> str | None:
    """Debian installs nginx in /usr/sbin, which is not on a normal user's PATH."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                          if os.access(p, os.X_OK)), None)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _tail(path: Path, chars: int = 2000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def rss_mib(pids: list[int]) -> float:
    """Summed resident memory of these processes, MiB (processes that are gone count 0)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


@dataclass
class Cluster:
    url: str                         # the proxy, e.g. http://127.0.0.1:8080
    backends: list[str]              # each app process, e.g. http://127.0.0.1:41234
    prefix: Path                     # nginx's -p: nginx.conf, logs/access.log, tmp/, cache/
    apps: list[subprocess.Popen] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    commands: list[list[str]] = field(default_factory=list)   # each app process's command, to start it again
    env: dict = field(default_factory=dict)
    restarts: list[str] = field(default_factory=list)         # one line per restart, for the log and the tests
    _started: list[float] = field(default_factory=list)       # monotonic start time of each app process
    _delay: list[float] = field(default_factory=list)         # its current restart delay [s]
    _due: dict = field(default_factory=dict)                  # index → monotonic time its restart is due
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def config(self) -> Path:
        return self.prefix / "nginx.conf"

    @property
    def access_log(self) -> Path:
        return self.prefix / "logs" / "access.log"

    def access_entries(self) -> list[dict]:
        """The access log so far, one dict per request (see log_format chokepoint in the template)."""
        if not self.access_log.exists():
            return []
        return [json.loads(line) for line in self.access_log.read_text().splitlines() if line.strip()]

    def app_pids(self) -> list[int]:
        return [p.pid for p in self.apps if p.poll() is None]

    def nginx_pids(self) -> list[int]:
        if self.nginx is None or self.nginx.poll() is not None:
            return []
        return [self.nginx.pid, *_children(self.nginx.pid)]

    def rss_mib(self) -> dict:
        return {"apps": rss_mib(self.app_pids()), "nginx": rss_mib(self.nginx_pids())}

    def start_app(self, index: int) -> subprocess.Popen:
        """Start app process ``index`` (its port and command are fixed for the cluster's life)."""
        with open(self.prefix / f"app-{index}.log", "ab") as log:  # the child keeps its own copy of the descriptor
            proc = subprocess.Popen(self.commands[index], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        if index < len(self.apps):
            self.apps[index] = proc
            self._started[index] = time.monotonic()
        else:
            self.apps.append(proc)
            self._started.append(time.monotonic())
            self._delay.append(RESTART_DELAY_S)
        return proc

    def restart_dead(self) -> list[str]:
        """Start again every app process that has exited, once its delay is over: the delay doubles after each death
        within STABLE_S of a start (a crash loop is retried ever more slowly) and resets after a stable run. nginx
        meanwhile sends the process's sessions to the others. Returns a line per process started."""
        done = []
        with self._lock:
            now = time.monotonic()
            for i, proc in enumerate(self.apps):
                if proc.poll() is None:
                    continue
                if i not in self._due:
                    quick = now - self._started[i] < STABLE_S
                    self._delay[i] = min(MAX_RESTART_DELAY_S, self._delay[i] * 2) if quick else RESTART_DELAY_S
                    self._due[i] = now + self._delay[i]
                    continue
                if now < self._due[i]:
                    continue
                del self._due[i]
                old = proc
                new = self.start_app(i)
                # Warmed in the background: the supervisor goes on watching the others meanwhile.
                threading.Thread(target=_warm_quietly, args=(self.backends[i],), daemon=True).start()
                line = (f"app {i} ({self.backends[i]}) exited {old.returncode}: started again as pid {new.pid} "
                        f"after {self._delay[i]:.0f} s")
                self.restarts.append(line)
                done.append(line)
        return done

    def dead(self) -> list[str]:
        """Processes that have exited, with the tail of their log."""
        out = [f"app {i} ({b}) exited {p.returncode}: {_tail(self.prefix / f'app-{i}.log')}"
               for i, (p, b) in enumerate(zip(self.apps, self.backends)) if p.poll() is not None]
        if self.nginx is not None and self.nginx.poll() is not None:
            out.append(f"nginx exited {self.nginx.returncode}: {_tail(self.prefix / 'logs' / 'nginx.stderr')}")
        return out


def _warm_quietly(backend: str) -> None:
    try:
        warm(backend)
    except RuntimeError:
        pass  # a process that fails its warm-up is a dead process: the supervisor restarts it


def _stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, wait: float = 10.0) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _supervise(state: Cluster, stop: threading.Event, every: float = 0.25) -> None:
    while not stop.wait(every):
        for line in state.restart_dead():
            print(line, file=sys.stderr, flush=True)


@contextmanager
def cluster(processes: int = 2, port: int | None = None, host: str = "127.0.0.1", app: Path = ROOT / "app.py",
            python: str = sys.executable, secret: str | None = None, timeout: float = 90.0, keep: bool = False,
            max_line_kb: int | None = None, restart: bool = True, **nginx_options):
    """Start ``processes`` Streamlit processes and nginx in front of them; yield a Cluster; stop all on exit.

    ``restart``: start a dead app process again (a thread checks every 0.25 s). ``nginx_options`` go to
    render_nginx.render (e.g. a low ``request_rate`` for a test)."""
    if not 1 <= processes <= MAX_PROCESSES:
        raise ValueError(f"processes must be 1 to {MAX_PROCESSES}")
    nginx = nginx_path()
    if nginx is None:
        raise RuntimeError("nginx not found: apt-get install nginx (Debian's package; it is not started as a service)")
    secret = secret or os.environ.get(SECRET_ENV) or secrets.token_urlsafe(32)
    prefix = Path(tempfile.mkdtemp(prefix="chokepoint-proxy-"))
    # When run as root, nginx's workers run as "nobody": they must reach tmp/ and cache/ (created and chowned by nginx).
    prefix.chmod(0o755)
    (prefix / "logs").mkdir()
    ports = []
    while len(ports) < processes:
        candidate = free_port(host)
        if candidate not in ports:
            ports.append(candidate)
    proxy_port = port or free_port(host)
    state = Cluster(url=f"http://{host}:{proxy_port}", backends=[f"http://{host}:{p}" for p in ports], prefix=prefix)
    state.env = {**os.environ, SECRET_ENV: secret, "PYTHONUNBUFFERED": "1"}
    stop_supervisor, supervisor = threading.Event(), None
    try:
        for i, p in enumerate(ports):
            state.commands.append(
                [python, "-m", "streamlit", "run", str(app), "--server.headless=true", f"--server.address={host}",
                 f"--server.port={p}", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"])
            state.start_app(i)
        kwargs = dict(nginx_options) if max_line_kb is None else {**nginx_options, "max_line_kb": max_line_kb}
        state.config.write_text(render([f"{host}:{p}" for p in ports], f"{host}:{proxy_port}", **kwargs))
        check = subprocess.run([nginx, "-t", "-q", "-p", f"{prefix}/", "-c", str(state.config), "-e", "stderr"],
                               capture_output=True, text=True, timeout=30)
        if check.returncode != 0:
            raise RuntimeError(f"nginx rejected {state.config}:\n{check.stderr}")
        deadline = time.monotonic() + timeout
        pending = set(state.backends)
        while pending:
            pending = {b for b in pending if not _healthy(b)}
            if state.dead():
                raise RuntimeError("an app process did not start:\n" + "\n".join(state.dead()))
            if pending and time.monotonic() > deadline:
                raise RuntimeError(f"app processes not healthy after {timeout:.0f} s: {sorted(pending)}")
            time.sleep(0.1)
        for backend in state.backends:  # the first visitor finds the caches warm
            warm(backend, timeout)
        with open(prefix / "logs" / "nginx.stderr", "wb") as err:
            state.nginx = subprocess.Popen([nginx, "-p", f"{prefix}/", "-c", str(state.config), "-e", "stderr"],
                                           stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL,
                                           start_new_session=True)
        while not _healthy(state.url):
            if state.dead():
                raise RuntimeError("nginx did not start:\n" + "\n".join(state.dead()))
            if time.monotonic() > deadline:
                raise RuntimeError(f"proxy not healthy after {timeout:.0f} s")
            time.sleep(0.05)
        if restart:
            supervisor = threading.Thread(target=_supervise, args=(state, stop_supervisor), daemon=True,
                                          name="chokepoint-supervisor")
            supervisor.start()
        yield state
    finally:
        stop_supervisor.set()           # first, so that nothing is started again while everything stops
        if supervisor is not None:
            supervisor.join(5)
        if state.nginx is not None:
            _stop(state.nginx)          # SIGTERM: fast shutdown (SIGQUIT would wait for every open websocket)
        for proc in state.apps:
            _stop(proc)
        if not keep:
            shutil.rmtree(prefix, ignore_errors=True)


# ---- the longest link ------------------------------------------------------------------------------------------

def request_status(base_url: str, target: str, timeout: float = 10.0, segment: int | None = None) -> int:
    """GET ``target`` (path + query) over HTTP/1.1; the status, or 0 if the server dropped the connection.

    ``segment``: send the request head in pieces of this many bytes, 2 ms apart, as a request crossing a real
    network arrives (loopback otherwise delivers even a 100 kB head in one read, which hides uvicorn's limit).
    """
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    head = (f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: chokepoint-probe\r\n"
            "Connection: close\r\n\r\n").encode("latin-1")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            step = segment or len(head)
            for start in range(0, len(head), step):
                sock.sendall(head[start:start + step])
                if segment:
                    time.sleep(0.002)
            response = http.client.HTTPResponse(sock)
            response.begin()
            response.read()
            return response.status
    except (OSError, http.client.HTTPException):
        return 0


def long_target(path: str, length: int) -> str:
    """``path?pad=xxxx`` exactly ``length`` characters long (the request target: path plus query string)."""
    head = f"{path}?pad="
    return head + "x" * max(0, length - len(head))


def longest_accepted(base_url: str, path: str = "/_stcore/health", low: int = 1_000, high: int = 262_144,
                     segment: int | None = None) -> int:
    """Binary search for the longest request target that still answers 200 (bounded: at most 20 requests)."""
    if request_status(base_url, long_target(path, low), segment=segment) != 200:
        return 0
    if request_status(base_url, long_target(path, high), segment=segment) == 200:
        return high
    for _ in range(18):
        if high - low <= 1:
            break
        mid = (low + high) // 2
        if request_status(base_url, long_target(path, mid), segment=segment) == 200:
            low = mid
        else:
            high = mid
    return low


NETWORK_SEGMENT = 1448  # bytes of TCP payload per segment on a 1500-byte-MTU network


def probe(state: Cluster) -> dict:
    """Longest request targets (path + query, bytes) answered with 200.

    uvicorn (h11) refuses a request head once more than 16 KiB of it is buffered incomplete, so what it accepts
    depends on how the bytes arrive: "segmented" sends them as a network would; "one write" is loopback's best case.
    Through nginx the page's query string never reaches uvicorn, so only nginx's large_client_header_buffers count.
    """
    backend = state.backends[0]
    return {
        "uvicorn_direct_segmented": longest_accepted(backend, "/", segment=NETWORK_SEGMENT),
        "uvicorn_direct_one_write": longest_accepted(backend, "/"),
        "proxy_page_segmented": longest_accepted(state.url, "/", segment=NETWORK_SEGMENT),
        "proxy_health_segmented": longest_accepted(state.url, "/_stcore/health", segment=NETWORK_SEGMENT),
        "proxy_page_status_over_limit": request_status(state.url, long_target("/", 200_000)),
    }


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2, help=f"app processes, 1 to {MAX_PROCESSES} (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="proxy port on --host (default 8080)")
    parser.add_argument("--host", default="127.0.0.1", help="address for the proxy and the apps (default loopback)")
    parser.add_argument("--keep", action="store_true", help="keep the temp prefix (config and logs) afterwards")
    parser.add_argument("--probe", action="store_true", help="measure the longest links accepted, print JSON, stop")
    args = parser.parse_args(argv)
    # Ctrl-C and SIGTERM both stop everything (a shell that started us in the background may ignore SIGINT).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    if not os.environ.get(SECRET_ENV):
        print(f"{SECRET_ENV} is not set: using a random secret shared by this run's processes", file=sys.stderr)
    try:
        with cluster(args.processes, args.port, args.host, keep=args.keep) as state:
            if args.probe:
                print(json.dumps(probe(state), indent=2))
                return 0
            print(f"Chokepoint on {state.url} ({args.processes} processes: {', '.join(state.backends)}); "
                  f"config and logs in {state.prefix}; a process that dies is started again; Ctrl-C stops",
                  flush=True)
            while state.nginx.poll() is None:  # the supervisor thread restarts app processes meanwhile
                time.sleep(0.5)
            print("stopping: " + "\n".join(state.dead()), file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 0
    except (RuntimeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
