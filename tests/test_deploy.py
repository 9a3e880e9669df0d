"""deploy/: the reverse proxy, the compose file and the root Dockerfile stay in step, and the proxy works.

Static tests always run (Docker is not needed: the files are read, not built). Live tests (marked ``browser``) start
two app processes and Debian's nginx on loopback through deploy/run_local.py and drive headless chromium; without
nginx or chromium they skip locally and fail in CI (REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import ast
import fnmatch
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import lib

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
sys.path.insert(0, str(DEPLOY))

from render_nginx import DEFAULT_REQUEST_BURST, MIN_LINE_KB, render  # noqa: E402
from run_local import _healthy, cluster, long_target, nginx_path, request_status  # noqa: E402

SECRET = "STREAMLIT_SERVER_COOKIE_SECRET"
COMPOSE_BACKENDS = ["app1:8501", "app2:8501"]


# ---- what the app needs at run time, derived from its imports -------------------------------------------------

def _dockerignored(name: str) -> bool:
    patterns = [line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    return any(fnmatch.fnmatch(name, p) for p in patterns)


def _module_file(dotted: str) -> Path | None:
    """The repository file of a module named ``a.b.c`` (a local one), else None (stdlib or site-packages)."""
    base = ROOT.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_names(node: ast.AST, path: Path) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: resolve against the importing module's package (lib/x.py and lib/__init__.py: lib)
            package = path.relative_to(ROOT).with_suffix("").parts[:-1]
            package = package[:len(package) - (node.level - 1)]
            module = ".".join((*package, *([node.module] if node.module else [])))
        else:
            module = node.module or ""
        return [module, *(f"{module}.{alias.name}" for alias in node.names)]
    return []


def runtime_items() -> dict[str, str]:
    """Top-level repository items the running app needs → why. Follows ``import`` statements from app.py through
    every local module (lib/, ui/, ...), and string constants in those modules that name a top-level folder or file
    (``SCENARIO_DIR = ... / "scenarios"``, ``"data/..."``). ``.streamlit/`` is read by Streamlit itself at start."""
    candidates = {p.name for p in ROOT.iterdir() if not p.name.startswith(".") and not _dockerignored(p.name)}
    needed = {"app.py": "the entry point (streamlit run app.py)"}
    if (ROOT / ".streamlit").is_dir():
        needed[".streamlit"] = "Streamlit reads .streamlit/config.toml from the working directory"
    if (ROOT / "data").is_dir():
        needed["data"] = "the app's data folder"
    todo, seen = [ROOT / "app.py"], set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            for name in _imported_names(node, path):
                found = _module_file(name) if name else None
                if found is not None:
                    todo.append(found)
                    top = found.relative_to(ROOT).parts[0]
                    needed.setdefault(top, f"imported by {where}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                head = node.value.removeprefix("./").split("/")[0]
                if head in candidates and head not in needed:
                    needed[head] = f"named in {where} ({node.value[:40]!r})"
    return needed


def dockerfile_copies(text: str) -> tuple[set[str], str]:
    """Sources of the Dockerfile's COPY lines (normalised: no ./, no trailing /) and the flags the app.py COPY uses."""
    text = re.sub(r"\\\n", " ", text)
    sources, flags = set(), ""
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].upper() != "COPY":
            continue
        options = [w for w in words[1:] if w.startswith("--")]
        if any(o.startswith("--from") for o in options):
            continue
        rest = " ".join(w for w in words[1:] if not w.startswith("--"))
        args = json.loads(rest) if rest.startswith("[") else rest.split()
        for src in args[:-1]:
            src = src.removeprefix("./").rstrip("/") or "."
            sources.add(src)
            if src == "app.py":
                flags = " ".join(options)
    return sources, flags


def test_runtime_items_are_derived_from_the_code():
    items = runtime_items()
    assert {"app.py", "lib", "scenarios", ".streamlit"} <= items.keys(), items
    assert not {"tests", "bench", "deploy", "scripts"} & items.keys(), items


def test_dockerfile_copies_everything_the_app_imports_or_reads():
    sources, flags = dockerfile_copies((ROOT / "Dockerfile").read_text())
    flags = f"{flags} " if flags else ""
    if "." in sources:
        return
    missing = []
    for item, why in sorted(runtime_items().items()):
        if item in sources:
            continue
        line = f"COPY {flags}{item} ./{item}" if (ROOT / item).is_dir() else f"COPY {flags}{item} ./"
        missing.append(f"  {line}    # {why}")
    assert not missing, ("the root Dockerfile does not copy everything the app needs; add after the other COPY "
                         "lines:\n" + "\n".join(missing))


def test_dockerignore_does_not_drop_runtime_items():
    dropped = [item for item in runtime_items() if _dockerignored(item)]
    assert not dropped, f".dockerignore excludes {dropped}, which the app needs at run time"


# ---- compose ------------------------------------------------------------------------------------------------------

def _strip_comment(line: str) -> str:
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def _scalar(text: str):
    text = text.strip()
    if text.startswith("["):
        return json.loads(text)  # flow sequences in compose.yaml are written as JSON arrays
    if text[:1] == '"':
        return json.loads(text)
    if text[:1] == "'":
        return text[1:-1].replace("''", "'")
    if text[:1] in "&*|>{!":
        raise ValueError(f"compose.yaml uses YAML this reader does not support: {text[:40]}")
    return text


def read_block_yaml(text: str):
    """Block-style YAML (mappings, sequences, scalars, JSON flow arrays): enough for compose.yaml, no library."""
    lines = [(len(raw) - len(raw.lstrip(" ")), raw.strip()) for raw in map(_strip_comment, text.splitlines())
             if raw.strip() and raw.strip() != "---"]

    def block(i: int, indent: int):
        if lines[i][1].startswith("- "):
            out = []
            while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
                out.append(_scalar(lines[i][1][2:]))
                i += 1
            return out, i
        out = {}
        while i < len(lines) and lines[i][0] == indent:
            key, sep, value = lines[i][1].partition(":")
            if not sep or (value and not value.startswith(" ")):
                raise ValueError(f"compose.yaml: cannot read line {lines[i][1]!r}")
            if value.strip():
                out[key.strip()] = _scalar(value)
                i += 1
            elif i + 1 < len(lines) and lines[i + 1][0] > indent:
                out[key.strip()], i = block(i + 1, lines[i + 1][0])
            elif i + 1 < len(lines) and lines[i + 1][0] == indent and lines[i + 1][1].startswith("- "):
                out[key.strip()], i = block(i + 1, indent)
            else:
                out[key.strip()] = None
                i += 1
        return out, i

    data, end = block(0, lines[0][0])
    if end != len(lines):
        raise ValueError(f"compose.yaml: unexpected indentation at {lines[end][1]!r}")
    return data


@pytest.fixture(scope="module")
def compose():
    return read_block_yaml((DEPLOY / "compose.yaml").read_text())


def _app_services(compose: dict) -> dict:
    return {name: s for name, s in compose["services"].items()
            if (s.get("build") or {}).get("dockerfile") == "Dockerfile"}


def test_compose_builds_the_root_dockerfile_and_the_proxy_dockerfile(compose):
    apps = _app_services(compose)
    assert len(apps) >= 2, "compose.yaml must run at least two app services built from ./Dockerfile"
    for name, service in apps.items():
        assert (DEPLOY / service["build"]["context"]).resolve() == ROOT, f"{name}: build context must be the repo root"
    proxies = [s for s in compose["services"].values()
               if (s.get("build") or {}).get("dockerfile") == "deploy/proxy.Dockerfile"]
    assert len(proxies) == 1, "compose.yaml must build exactly one proxy from deploy/proxy.Dockerfile"
    proxy = proxies[0]
    context = (DEPLOY / proxy["build"]["context"]).resolve()
    assert (context / proxy["build"]["dockerfile"]).is_file() and (context / "Dockerfile").is_file()
    assert "8080:8080" in [str(p) for p in proxy["ports"]]
    # The proxy's upstream list is the compose app services (what render_nginx.py gets at build time).
    backends = proxy["build"]["args"]["BACKENDS"].split(",")
    assert sorted(b.split(":")[0] for b in backends) == sorted(apps), (backends, sorted(apps))
    assert sorted(proxy["depends_on"]) == sorted(apps)
    assert all(d["condition"] == "service_healthy" for d in proxy["depends_on"].values())


def test_compose_shares_one_required_cookie_secret(compose):
    values = {name: (s.get("environment") or {}).get(SECRET) for name, s in _app_services(compose).items()}
    assert all(values.values()), f"every app service must set {SECRET}: {values}"
    assert len(set(values.values())) == 1, f"{SECRET} differs between app services: {values}"
    value = next(iter(values.values()))
    assert re.fullmatch(r"\$\{" + SECRET + r":\?[^}]+\}", value), \
        f"{SECRET} must come from the environment / deploy/.env with a clear error if missing, not {value!r}"
    assert (DEPLOY / ".gitignore").read_text().split().count(".env") == 1, "deploy/.env must be git-ignored"
    if shutil.which("git") and (ROOT / ".git").exists():
        tracked = subprocess.run(["git", "ls-files", "--", "*.env", ".env", "deploy/.env"], cwd=ROOT,
                                 capture_output=True, text=True).stdout.split()
        assert tracked == [], f"a .env file is committed: {tracked}"


def test_compose_has_healthchecks(compose):
    for name, service in compose["services"].items():
        check = service.get("healthcheck")
        assert check and check.get("test"), f"{name} has no healthcheck"
        assert any("/_stcore/health" in str(part) for part in check["test"]), f"{name}: {check['test']}"
        port = "8080" if name not in _app_services(compose) else str(service["environment"].get("PORT", "8501"))
        assert any(f":{port}/_stcore/health" in str(part) for part in check["test"]), f"{name} checks another port"


def test_proxy_dockerfile_renders_the_same_template():
    text = (DEPLOY / "proxy.Dockerfile").read_text()
    froms = re.findall(r"^FROM\s+(\S+)", text, re.M)
    assert froms[-1] in ("debian:12-slim", "debian:bookworm-slim", "debian:12", "debian:bookworm"), froms
    assert re.search(r"apt-get install[^\n]*\bnginx\b", text)
    assert "deploy/render_nginx.py" in text and "deploy/nginx.conf.template" in text
    assert re.search(r"render_nginx\.py --backends \"\$\{BACKENDS\}\" --listen 8080", text)
    assert re.search(r"COPY --from=\w+ \S+ /etc/nginx/chokepoint\.conf", text)
    assert re.search(r'CMD \["nginx", "-p", "[^"]+", "-c", "/etc/nginx/chokepoint\.conf"', text)


# ---- the nginx config ---------------------------------------------------------------------------------------------

def parse_nginx(text: str) -> list:
    """nginx config → [(directive, [args], children or None)] (comments dropped, quotes kept as written)."""
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|#[^\n]*|[{};]|[^\s{};]+', text)
    stack, current, words = [], [], []
    for token in tokens:
        if token.startswith("#"):
            continue
        if token == ";":
            current.append((words[0], words[1:], None))
            words = []
        elif token == "{":
            node = (words[0], words[1:], [])
            current.append(node)
            stack.append(current)
            current, words = node[2], []
        elif token == "}":
            assert not words, f"nginx config: unterminated directive {words}"
            current = stack.pop()
        else:
            words.append(token)
    assert not stack and not words, "nginx config: unbalanced braces"
    return current


def find(tree: list, name: str, *args: str) -> list:
    """Every directive called ``name`` (whose first arguments are ``args``), at any depth."""
    out = []
    for directive, arguments, children in tree:
        if directive == name and arguments[:len(args)] == list(args):
            out.append((directive, arguments, children))
        if children:
            out.extend(find(children, name, *args))
    return out


def _seconds(value: str) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = re.fullmatch(r"(\d+)(ms|s|m|h|d)?", value).groups()
    return int(number) * units[unit or "s"]


def _kilobytes(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", value).groups()
    return int(number) * {"": 1 / 1024, "k": 1, "m": 1024}[unit.lower()]


@pytest.fixture(scope="module", params=["compose", "loopback"])
def nginx_conf(request):
    if request.param == "compose":
        return render(COMPOSE_BACKENDS, "8080", access_log="/dev/stdout", worker_processes="auto", user="www-data")
    return render(["127.0.0.1:18501", "127.0.0.1:18502"], "127.0.0.1:18080")


def test_nginx_sticky_by_cookie_hash(nginx_conf):
    tree = parse_nginx(nginx_conf)
    upstreams = find(tree, "upstream")
    assert len(upstreams) == 1
    upstream = upstreams[0][2]
    assert find(upstream, "hash") == [("hash", ["$route", "consistent"], None)]
    route_map = find(tree, "map", "$cookie_chokepoint_route", "$route")
    assert route_map, "map $cookie_chokepoint_route $route { ... } is missing"
    assert find(route_map[0][2], '""', "$request_id"), "a request without the cookie must be routed by $request_id"
    assert find(route_map[0][2], "default", "$cookie_chokepoint_route")
    cookie_map = find(tree, "map", "$cookie_chokepoint_route", "$route_set_cookie")[0][2]
    assert any("chokepoint_route=$request_id" in " ".join(args) for _, args, _ in cookie_map)
    set_cookie = find(tree, "add_header", "Set-Cookie")
    assert set_cookie and all(args[1] == "$route_set_cookie" for _, args, _ in set_cookie)
    # Every location proxies to that one upstream, so the websocket, uploads and pages share a process; no location
    # has its own add_header (it would silently drop the server's Set-Cookie).
    passes = {args[0] for _, args, _ in find(tree, "proxy_pass")}
    assert passes == {f"http://{upstreams[0][1][0]}"}, passes
    for _, args, children in find(tree, "location"):
        assert not find(children, "add_header"), f"location {args} has add_header"
    servers = find(upstream, "server")
    assert len(servers) == 2
    for _, args, _ in servers:
        assert any(a.startswith("max_fails=") for a in args) and any(a.startswith("fail_timeout=") for a in args)


def test_nginx_websocket_upgrade(nginx_conf):
    tree = parse_nginx(nginx_conf)
    server = [node for node in find(tree, "server") if node[2] is not None][0][2]
    assert find(server, "proxy_http_version", "1.1")
    assert find(server, "proxy_set_header", "Upgrade", "$http_upgrade")
    assert find(server, "proxy_set_header", "Connection", "$connection_upgrade")
    assert find(tree, "map", "$http_upgrade", "$connection_upgrade")
    assert _seconds(find(server, "proxy_read_timeout")[0][1][0]) >= 600
    assert _seconds(find(server, "proxy_send_timeout")[0][1][0]) >= 600
    locations = [args for _, args, _ in find(tree, "location")]
    assert ["/_stcore/"] in locations, locations
    stcore = find(tree, "location", "/_stcore/")[0][2]
    assert not find(stcore, "proxy_set_header"), "proxy_set_header in a location drops the server's Upgrade headers"


def test_nginx_gzip_on_static(nginx_conf):
    tree = parse_nginx(nginx_conf)
    static = find(tree, "location", "/static/")
    assert static, "no location /static/"
    assert find(static[0][2], "gzip", "on")
    assert find(tree, "gzip_proxied", "any")
    types = find(tree, "gzip_types")[0][1]
    assert "application/javascript" in types and "text/css" in types


def test_nginx_long_request_lines(nginx_conf):
    tree = parse_nginx(nginx_conf)
    buffers = find(tree, "large_client_header_buffers")
    assert buffers, "large_client_header_buffers is missing"
    number, size = buffers[0][1]
    assert int(number) >= 2 and _kilobytes(size) >= MIN_LINE_KB, buffers
    # The page's query string is dropped before uvicorn (which refuses request heads over 16 KiB).
    page = find(tree, "location", "/")[0][2]
    assert find(page, "rewrite", "^", "$uri?", "break")


def test_nginx_health_through_proxy(nginx_conf):
    tree = parse_nginx(nginx_conf)
    health = find(tree, "location", "=", "/_stcore/health")
    assert health and find(health[0][2], "proxy_pass")


def test_nginx_limits_only_the_page_and_the_websocket_with_a_burst(nginx_conf):
    tree = parse_nginx(nginx_conf)
    zones = find(tree, "limit_req_zone")
    assert len(zones) == 1 and zones[0][1][0] == "$binary_remote_addr" and re.search(r"rate=\d+r/[sm]", zones[0][1][2])
    assert find(tree, "limit_conn_zone", "$binary_remote_addr")
    assert find(tree, "limit_req_status", "429") and find(tree, "limit_conn_status", "429")
    limited = {" ".join(args): children for _, args, children in find(tree, "location")
               if find(children, "limit_req") or find(children, "limit_conn")}
    assert set(limited) == {"/", "= /_stcore/stream"}, limited  # not /static/, health, uploads or host config
    for where, children in limited.items():
        (_, args, _), = find(children, "limit_req")
        burst = int(next(a for a in args if a.startswith("burst=")).split("=")[1])
        assert burst >= 50 and "nodelay" in args, (where, args)  # bench/load.py opens 50 sessions from 127.0.0.1
        assert find(children, "limit_conn")
    stream = find(tree, "location", "=", "/_stcore/stream")[0][2]
    assert find(stream, "proxy_buffering", "off") and not find(stream, "proxy_set_header")


def test_render_refuses_bad_limits():
    for options in ({"request_rate": "10"}, {"request_rate": "10r/s; evil"}, {"request_burst": 0},
                    {"connections_per_client": 0}, {"request_burst": "5"}):
        with pytest.raises(ValueError):
            render(["127.0.0.1:1"], "8080", **options)


def test_render_refuses_short_lines_and_bad_backends():
    with pytest.raises(ValueError):
        render(["127.0.0.1:1"], "8080", max_line_kb=16)
    with pytest.raises(ValueError):
        render(["127.0.0.1:1; evil"], "8080")
    with pytest.raises(ValueError):
        render([], "8080")


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


@pytest.mark.skipif(nginx_path() is None, reason="nginx not installed")
def test_nginx_accepts_the_rendered_configs(tmp_path):
    for name, text in {"loopback": render(["127.0.0.1:18501", "127.0.0.1:18502"], "127.0.0.1:18080"),
                       "low limits": render(["127.0.0.1:18501"], "127.0.0.1:18080", request_rate="30r/m",
                                            request_burst=1, connections_per_client=1),
                       "compose-like": render(["127.0.0.1:18501", "127.0.0.1:18502"], "127.0.0.1:18080",
                                              access_log="/dev/stdout", worker_processes="auto",
                                              user="www-data" if _user_exists("www-data") else None)}.items():
        prefix = tmp_path / name
        (prefix / "logs").mkdir(parents=True)
        prefix.chmod(0o755)
        (prefix / "nginx.conf").write_text(text)
        check = subprocess.run([nginx_path(), "-t", "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"), "-e",
                                "stderr"], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, f"{name}: {check.stderr}"


# ---- live: two processes behind nginx, a real browser --------------------------------------------------------------

def _require(what: str, found: bool) -> None:
    if found:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{what} is required for the deploy tests (REQUIRE_BROWSER=1) but was not found")
    pytest.skip(f"{what} not installed")


@pytest.fixture(scope="module")
def proxy():
    from browser_support import chromium_path

    _require("nginx (apt-get install nginx)", nginx_path() is not None)
    _require("chromium (apt-get install chromium)", chromium_path() is not None)
    with cluster(processes=2) as state:
        yield state


@pytest.fixture(scope="module")
def browser(proxy):
    sync_api = pytest.importorskip("playwright.sync_api")
    from browser_support import launch

    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def record():
    """Numbers measured by the live tests, written to tests/artifacts/deploy.json and printed (-s) at the end."""
    numbers: dict = {}
    yield numbers
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "deploy.json"
    try:  # a run of some of the tests updates their numbers and keeps the others'
        earlier = json.loads(path.read_text()) if path.exists() else {}
    except ValueError:
        earlier = {}
    path.write_text(json.dumps({**earlier, **numbers}, indent=2))
    print("\ndeploy measurements: " + json.dumps(numbers))


def _open(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.errors = []
    page.bad_responses = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("response", lambda r: r.status >= 400 and page.bad_responses.append(f"{r.status} {r.url[:120]}"))
    page.goto(url)
    return context, page


def _route_cookie(context) -> str:
    values = [c["value"] for c in context.cookies() if c["name"] == "chokepoint_route"]
    assert len(values) == 1, context.cookies()
    return values[0]


def _entries_for(proxy, route: str, wait_for_uri: str | None = None, timeout: float = 10.0) -> list[dict]:
    """The access-log entries of one route cookie (a websocket is logged when it closes, so wait for it)."""
    deadline = time.monotonic() + timeout
    while True:
        entries = [e for e in proxy.access_entries() if e["route"] == route]
        if wait_for_uri is None or any(e["uri"] == wait_for_uri for e in entries) or time.monotonic() > deadline:
            return entries
        time.sleep(0.1)


PERF_JS = """() => performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname.startsWith('/static/'))
    .map(e => ({url: e.name, encoded: e.encodedBodySize, decoded: e.decodedBodySize}))"""


@pytest.mark.browser
def test_static_assets_arrive_gzipped(proxy, browser, record):
    context, page = _open(browser, proxy.url)
    from browser_support import charts_drawn

    charts_drawn(page, 3)
    assets = page.evaluate(PERF_JS)
    context.close()
    assert assets, "the page loaded no /static/ assets"
    js_css = [a for a in assets if re.search(r"\.(js|css)$", a["url"].split("?")[0])]
    assert js_css
    decoded = sum(a["decoded"] for a in assets)
    encoded = sum(a["encoded"] for a in assets)
    js_css_decoded = sum(a["decoded"] for a in js_css)
    js_css_encoded = sum(a["encoded"] for a in js_css)
    # One large JS asset checked outside the browser too: gzip through the proxy, identity without Accept-Encoding.
    biggest = max(js_css, key=lambda a: a["decoded"])["url"]
    request = urllib.request.Request(biggest, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers.get("Content-Encoding") == "gzip", dict(response.headers)
        assert "Accept-Encoding" in response.headers.get("Vary", "")
        plain = gzip.decompress(response.read())
    with urllib.request.urlopen(biggest, timeout=10) as response:
        assert response.headers.get("Content-Encoding") is None
        assert response.read() == plain
    record["static_assets"] = len(assets)
    record["static_bytes_uncompressed"] = decoded
    record["static_bytes_through_proxy"] = encoded
    record["js_css_bytes_uncompressed"] = js_css_decoded
    record["js_css_bytes_gzip"] = js_css_encoded
    print(f"\n/static/ through the proxy: {len(assets)} assets, {decoded / 2**20:.2f} MiB uncompressed, "
          f"{encoded / 2**20:.2f} MiB sent (JS+CSS {js_css_decoded / 2**20:.2f} → {js_css_encoded / 2**20:.2f} MiB)")
    assert js_css_encoded < 0.4 * js_css_decoded, (js_css_encoded, js_css_decoded)


@pytest.mark.browser
def test_a_session_stays_on_one_process_and_the_app_works(proxy, browser, record):
    from browser_support import charts_drawn

    context, page = _open(browser, proxy.url)
    charts_drawn(page, 3)
    url_before = page.url
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("ArrowRight")
    page.wait_for_function("(before) => location.href !== before", arg=url_before, timeout=20_000)
    charts_drawn(page, 3)
    route = _route_cookie(context)
    errors, bad = page.errors, page.bad_responses
    other_context, other_page = _open(browser, proxy.url)
    charts_drawn(other_page, 3)
    other_route = _route_cookie(other_context)
    other_context.close()
    context.close()  # closes the websocket, which nginx then logs
    assert errors == [] and bad == [], (errors, bad)
    assert other_page.errors == [] and other_page.bad_responses == []
    assert other_route != route, "a second browser got the same route cookie"

    entries = _entries_for(proxy, route, wait_for_uri="/_stcore/stream")
    proxied = [e for e in entries if e["upstream"]]
    upstreams = {e["upstream"] for e in proxied}
    assert any(e["uri"] == "/_stcore/stream" and e["status"] == 101 for e in entries), \
        f"no websocket through the proxy: {[(e['uri'], e['status']) for e in entries]}"
    assert entries[0]["route_cookie"] == "" and all(e["route_cookie"] == route for e in entries[1:]), \
        "the first request sets the cookie and every later one sends it"
    assert len(upstreams) == 1, f"one session reached several processes: {upstreams}"
    record["session_requests_proxied"] = len(proxied)
    record["session_upstream"] = upstreams.pop()
    # Without a cookie, requests spread over both processes (so one process for a session is stickiness, not luck).
    for _ in range(30):
        request_status(proxy.url, "/_stcore/health")
    spread = {e["upstream"] for e in proxy.access_entries() if e["uri"] == "/_stcore/health" and e["upstream"]}
    assert spread == {b.removeprefix("http://") for b in proxy.backends}, spread


def _is_upload(entry: dict) -> bool:
    """Streamlit 1.67 uploads with PUT /_stcore/upload_file/<session>/<file> (older versions POSTed)."""
    return entry["method"] in ("PUT", "POST") and entry["uri"].startswith("/_stcore/upload_file/")


@pytest.mark.browser
def test_an_upload_reaches_the_sessions_process(proxy, browser):
    from browser_support import charts_drawn

    context, page = _open(browser, proxy.url)
    charts_drawn(page, 3)
    inputs = page.locator("input[type=file]")
    try:
        inputs.first.wait_for(state="attached", timeout=10_000)
    except Exception:  # playwright's TimeoutError
        context.close()
        pytest.skip("the app's first view has no file uploader")
    inputs.first.set_input_files(str(sorted((ROOT / "scenarios").glob("*.toml"))[-1]))
    route = _route_cookie(context)
    deadline = time.monotonic() + 20
    while not any(_is_upload(e) for e in _entries_for(proxy, route)) and time.monotonic() < deadline:
        time.sleep(0.1)
    page.wait_for_timeout(500)
    errors = page.errors
    context.close()
    entries = _entries_for(proxy, route, wait_for_uri="/_stcore/stream")
    uploads = [e for e in entries if _is_upload(e)]
    stream = [e for e in entries if e["uri"] == "/_stcore/stream"]
    assert uploads, [(e["method"], e["uri"], e["status"]) for e in entries]
    assert all(200 <= e["status"] < 300 for e in uploads), uploads
    assert {e["upstream"] for e in uploads} == {e["upstream"] for e in stream}, (uploads, stream)
    assert errors == []


@pytest.mark.browser
def test_a_long_link_is_accepted(proxy, browser, record):
    from browser_support import charts_drawn

    padding = os.urandom(24_000).hex()[:30_000]  # a link's query string of 30 kB and more, like a big custom scenario
    target = f"/?preset=baidu-2023&pad={padding}"
    assert len(target) > 30_000
    # Plain HTTP, sent in network-sized segments, through nginx: 200, not 414 or 400, at 30 kB and at the 64 kB floor.
    for length in (len(target), MIN_LINE_KB * 1024 - 100):
        status = request_status(proxy.url, long_target("/", length), segment=1448)
        assert status == 200, f"proxy answered {status} to a {length}-byte link"
    record["direct_uvicorn_30kB_segmented_status"] = request_status(proxy.backends[0], target, segment=1448)
    # A real browser through the proxy: the page loads, connects and draws.
    context, page = _open(browser, proxy.url + target)
    charts_drawn(page, 3)
    errors, bad = page.errors, page.bad_responses
    route = _route_cookie(context)
    context.close()
    assert errors == [] and bad == [], (errors, bad)
    first = _entries_for(proxy, route)[0]
    assert first["uri"] == "/" and first["status"] == 200 and first["request_length"] > 30_000, first
    record["long_link_bytes_browser"] = len(target)


@pytest.mark.browser
def test_every_process_has_the_same_cookie_secret(proxy):
    def secret_of(pid: int) -> str | None:
        for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
            name, _, value = item.partition(b"=")
            if name.decode() == SECRET:
                return value.decode()
        return None

    values = [secret_of(pid) for pid in proxy.app_pids()]
    assert len(values) == 2 and values[0] and len(set(values)) == 1


# ---- live: a dead process is started again; limits answer 429 ------------------------------------------------------

def _wait(condition, timeout: float, what: str, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(step)


@pytest.fixture(scope="module")
def restarting():
    """Two app processes behind nginx, for tests that kill one (the shared ``proxy`` stays whole)."""
    _require("nginx (apt-get install nginx)", nginx_path() is not None)
    with cluster(processes=2) as state:
        yield state


def _all_healthy(state) -> None:
    _wait(lambda: all(p.poll() is None for p in state.apps) and all(_healthy(b) for b in state.backends), 60,
          "every app process healthy")


def test_a_dead_app_process_is_started_again_while_the_proxy_keeps_serving(restarting, record):
    state = restarting
    _all_healthy(state)
    victim = state.apps[0]
    restarts = len(state.restarts)
    os.kill(victim.pid, 9)  # SIGKILL: a crash, not a shutdown; a process this test's cluster started
    victim.wait(10)
    killed, back, statuses = time.monotonic(), None, []
    # Meanwhile, and for at least 3 s: pages and health through the proxy, each request a new browser (no cookie).
    while back is None or time.monotonic() - killed < 3:
        statuses += [request_status(state.url, "/"), request_status(state.url, "/_stcore/health")]
        if back is None and state.apps[0] is not victim and _healthy(state.backends[0]):
            back = time.monotonic()
        assert time.monotonic() - killed < 60, "the dead process was not started again within 60 s"
        time.sleep(0.05)
    assert set(statuses) == {200}, sorted(set(statuses))
    assert state.nginx.poll() is None and state.apps[1].poll() is None          # nothing else stopped
    assert len(state.restarts) == restarts + 1 and "exited -9: started again as pid" in state.restarts[-1]
    record["restart_seconds"] = round(back - killed, 1)
    record["requests_while_restarting"] = len(statuses)

    def both_serve() -> bool:  # nginx skips a failed process for fail_timeout (10 s), then tries it again
        for _ in range(10):
            request_status(state.url, "/_stcore/health")
        recent = state.access_entries()[-20:]
        return {e["upstream"] for e in recent if e["uri"] == "/_stcore/health" and e["upstream"]} == \
            {b.removeprefix("http://") for b in state.backends}

    _wait(both_serve, 30, "both processes serve again", step=0.5)


def _kill_the_pages_process(state, context) -> tuple:
    """Kill the app process that serves the page of ``context`` and wait until the page reconnects through nginx to
    a live one (nginx tries the next: "a, b" in the log), a new session that reads the scenario from the link.
    Returns (the process's index, the killed process, the log entries of the reconnection)."""
    route = _route_cookie(context)
    served = {e["upstream"] for e in _entries_for(state, route) if e["uri"] == "/" and e["upstream"]}
    assert len(served) == 1, served
    index = [b.removeprefix("http://") for b in state.backends].index(served.pop())
    victim = state.apps[index]
    os.kill(victim.pid, 9)
    victim.wait(10)
    seen = len(_entries_for(state, route))

    def reconnected() -> list:
        return [e for e in _entries_for(state, route)[seen:]
                if e["uri"] == "/_stcore/host-config" and e["status"] == 200]

    _wait(reconnected, 60, "the page reconnects")
    return index, victim, reconnected()


@pytest.mark.browser
def test_a_session_on_a_dead_process_reconnects_to_another_and_keeps_its_scenario(restarting, browser, record):
    from browser_support import charts_drawn, settled_metrics

    state = restarting
    _all_healthy(state)
    context, page = _open(browser, state.url + "/?preset=baidu-2023&leakage=0.3")
    charts_drawn(page, 3)
    before = settled_metrics(page)
    index, victim, reconnected = _kill_the_pages_process(state, context)
    record["reconnected_via"] = reconnected[0]["upstream"]
    slider = page.get_by_role("slider", name=re.compile("^Leakage"))
    assert slider.input_value() == "0.3" and settled_metrics(page) == before
    # The new session first runs on the next move, and seeds its controls from the link, so that first move may
    # be undone (0.3 again) or kept (0.31); a lost scenario would show the preset's 0.05 or 0.06.
    slider.focus()
    slider.press("ArrowRight")
    page.wait_for_timeout(1_000)
    settled_metrics(page)
    value = slider.input_value()
    assert value in ("0.3", "0.31"), value
    record["first_move_after_reconnect"] = "kept" if value == "0.31" else "undone (the link's value)"
    slider.focus()
    slider.press("ArrowRight")  # the new session works from there
    expected = f"{float(value) + 0.01:.2f}"
    page.wait_for_function(f"() => location.search.includes('leakage={expected}')", timeout=30_000)
    errors = page.errors
    context.close()
    assert errors == []
    _wait(lambda: state.apps[index] is not victim and _healthy(state.backends[index]), 60, "the process started again")


@pytest.mark.browser
def test_an_upload_after_the_process_restarted_is_applied(restarting, browser, record, tmp_path):
    """A page left open while its app process dies reconnects to another; a file uploaded then is read, though the
    new session had not drawn the uploader (its callback never ran before the fix: silently not applied)."""
    from browser_support import charts_drawn, settled_metrics

    state = restarting
    _all_healthy(state)
    context, page = _open(browser, state.url + "/?preset=baidu-2023")
    charts_drawn(page, 3)
    before = settled_metrics(page)
    index, victim, _ = _kill_the_pages_process(state, context)
    scenario = lib.load_scenario("baidu-2023", {"leakage": 0.6}).with_fields(name="After the restart")
    path = tmp_path / "after-restart.toml"
    path.write_text(scenario.to_toml())
    page.get_by_text("Upload a scenario file").click()
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(path))
    page.get_by_text("Loaded: After the restart", exact=False).first.wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('custom=')", timeout=30_000)
    after = settled_metrics(page)
    assert after != before
    record["upload_after_restart"] = "applied"
    errors = page.errors
    context.close()
    assert errors == []
    _wait(lambda: state.apps[index] is not victim and _healthy(state.backends[index]), 60, "the process started again")


@pytest.fixture(scope="module")
def limited():
    """One app process behind nginx with test-only limits: 1 request a second, a burst of 5, 2 connections."""
    _require("nginx (apt-get install nginx)", nginx_path() is not None)
    with cluster(processes=1, request_rate="1r/s", request_burst=5, connections_per_client=2) as state:
        yield state


def _websocket(url: str):
    """Open a websocket handshake to /_stcore/stream and keep the socket; (status, socket)."""
    import base64
    import socket

    host, port = url.removeprefix("http://").rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Protocol: streamlit\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.1 ") else 0
    return status, sock


def test_a_burst_over_the_limits_gets_429_and_the_proxy_keeps_serving(limited, record):
    state = limited
    pages = [request_status(state.url, "/") for _ in range(15)]
    assert set(pages) <= {200, 429, 503} and pages[:5] == [200] * 5, pages      # the burst is allowed, then refused
    assert pages.count(429) + pages.count(503) >= 5, pages
    # Static files, health and uploads are not limited: a first visit fetches dozens of them.
    health = [request_status(state.url, "/_stcore/health") for _ in range(15)]
    assert set(health) == {200}, health
    record["burst_statuses"] = pages
    time.sleep(6)  # the bucket drains at 1 request a second
    assert request_status(state.url, "/") == 200
    # Open websockets per client address: two, then 429.
    time.sleep(3)
    sockets = []
    try:
        statuses = []
        for _ in range(3):
            status, sock = _websocket(state.url)
            statuses.append(status)
            sockets.append(sock)
        assert statuses[:2] == [101, 101] and statuses[2] in (429, 503), statuses
    finally:
        for sock in sockets:
            sock.close()
    assert state.nginx.poll() is None and state.apps[0].poll() is None and _healthy(state.url)
    assert not [line for line in _nginx_stderr(state) if "emerg" in line or "crit" in line or "alert" in line]


def _nginx_stderr(state) -> list[str]:
    path = state.prefix / "logs" / "nginx.stderr"
    return path.read_text(errors="replace").splitlines() if path.exists() else []
