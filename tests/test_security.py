"""The README's security review, checked where a test can check it (app.py, the whole ui/ folder and lib/)."""

import re
import subprocess
import tomllib
from pathlib import Path

from lib.scenario import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py")), *sorted((ROOT / "lib").glob("*.py"))]
UI = [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]
WRITES = re.compile(r"open\([^)]*['\"][wax]b?['\"]|\.write_text\(|\.write_bytes\(|to_csv\(['\"]|mkdir\(|savefig\(['\"]")


def code(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_the_ui_is_a_package_and_app_py_is_the_pipeline():
    views = {p.stem for p in (ROOT / "ui" / "views").glob("*.py")} - {"__init__"}
    assert {"story", "projection", "channels", "rules", "uncertainty", "compare", "evidence", "share", "sources",
            "about"} <= views
    assert len(code(ROOT / "app.py").splitlines()) < 80
    for path in (ROOT / "lib").glob("*.py"):
        assert "streamlit" not in code(path), f"lib/{path.name} imports streamlit"


def test_no_user_text_rendered_as_html():
    for path in SOURCES:
        text = code(path)
        assert "unsafe_allow_html" not in text, path.name
        assert "components.v1" not in text, path.name
        # One st.html: the page's constant stylesheet (ui/style.py), with no value from anywhere else in it.
        assert "st.html(" not in text or path.name == "style.py", path.name
    style = code(ROOT / "ui" / "style.py")
    assert style.count("st.html(") == 1 and 'st.html(f"<style>{PAGE_CSS}</style>")' in style
    assert re.search(r'^PAGE_CSS = """[^"]*"""$', style, re.M | re.S), "PAGE_CSS must be a plain constant"


def test_user_text_passes_the_escapers():
    # Every markdown call in the views that shows a scenario's name, description or a message goes through md().
    for path in UI:
        for line in code(path).splitlines():
            if re.search(r"st\.(markdown|error|warning|info|success|caption)\(f?\"[^\"]*\{(scenario|page\.scenario)\.(name|description)", line):
                raise AssertionError(f"{path.name}: user text in markdown without md(): {line.strip()}")
    assert "def md(" in code(ROOT / "ui" / "text.py") and "def safe(" in code(ROOT / "lib" / "charts.py")


def test_upload_size_is_limited():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] <= 1
    assert "max_upload_size=MAX_UPLOAD_MB" in code(ROOT / "ui" / "controls.py")
    assert MAX_FILE_BYTES <= 1024 * 1024


def test_xsrf_stays_on_and_errors_are_hidden():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["client"]["showErrorDetails"] == "none"


def test_only_the_cli_writes_a_file_and_only_the_path_named():
    writers = {path.relative_to(ROOT).as_posix(): WRITES.findall(code(path)) for path in SOURCES}
    writers = {k: v for k, v in writers.items() if v}
    assert writers == {"lib/cli.py": ["open(args.output, \"wb\""]}, writers
    assert "make_brief(scenario" in code(ROOT / "ui" / "views" / "share.py")   # the app makes the brief in memory
    assert "return buffer.getvalue()" in code(ROOT / "lib" / "brief.py")


def test_only_safe_parsers():
    banned = re.compile(r"\b(pickle|marshal|yaml|eval|exec|shelve)\b\s*[.(]")
    for path in SOURCES:
        assert not banned.search(code(path)), path.name
    scenario = code(ROOT / "lib" / "scenario.py")
    assert "tomllib.loads" in scenario and "json.loads" in scenario and "tomli_w.dumps" in scenario


def test_monte_carlo_is_bounded_per_session_and_per_process():
    cache = code(ROOT / "ui" / "cache.py")
    assert "MAX_APP_SAMPLES = 5_000" in cache and "BoundedSemaphore(1)" in cache
    for line in cache.splitlines():
        if line.startswith("@st.cache_resource") or line.startswith("@st.cache_data"):
            assert "max_entries" in line or line.endswith("(show_spinner=False)"), line


def test_no_secrets_in_repo():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert ".streamlit/secrets.toml" not in files
    secret = re.compile(r"(api[_-]?key|secret[_-]?key|password|BEGIN (RSA|OPENSSH) PRIVATE KEY|ghp_[A-Za-z0-9]{20,})",
                        re.IGNORECASE)
    for name in files:
        path = ROOT / name
        if path.suffix in {".py", ".toml", ".txt", ".md", ".json", ".yaml", ".yml", ""} and path.is_file() \
                and name != "tests/test_security.py":
            assert not secret.search(path.read_text(encoding="utf-8", errors="ignore")), name


def test_dependencies_pinned():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-r"):
                assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][0-9A-Za-z.]*", line), f"{name}: {line} is not pinned"


def test_user_text_never_becomes_a_link():
    from ui.text import md

    shown = md("Log in at http://evil.example/x, HTTPS://EVIL.EXAMPLE, www.evil.example or help@evil.example")
    plain = shown.replace("\\", "")
    assert "://" not in plain and "www." not in plain.lower() and "@evil" not in plain  # GFM autolinks need these
    assert plain.replace("\u2060", "") == "Log in at http://evil.example/x, HTTPS://EVIL.EXAMPLE, www.evil.example or help@evil.example"


def test_every_decoded_structure_from_a_link_or_a_file_is_type_checked_first():
    """Types before values: JSON and TOML from outside are decoded in few places, each followed by the one type gate
    (``lib.gate.check_types``). A new place that decodes must be added here, with its gate."""
    import ast

    decoders = {"loads", "unpack"}
    found = set()
    for path in SOURCES:
        tree = ast.parse(code(path))
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for call in [n for n in ast.walk(function) if isinstance(n, ast.Call)]:
                name = getattr(call.func, "attr", None) or getattr(call.func, "id", None)
                if name in decoders:
                    found.add((path.relative_to(ROOT).as_posix(), function.name, name))
    assert found == {
        ("lib/scenario.py", "parse_scenario_text", "loads"),  # files, uploads, custom=: load_scenario checks types
        ("lib/evidence.py", "meta", "loads"),                 # data/evidence-meta.toml, the project's own file
        ("lib/link.py", "unpack", "loads"),                   # every link payload: the callers below
        ("lib/link.py", "decode_custom", "unpack"),           # → parse_scenario_text → load_scenario
        ("lib/link.py", "parse_params", "unpack"),            # pins → pin_state_from
        ("lib/link.py", "decode_pin", "unpack"),              # → pin_state_from
        ("lib/link.py", "link_pins", "unpack"),               # the session's own pins; reads one text field, typed
    }, found
    scenario, link = code(ROOT / "lib" / "scenario.py"), code(ROOT / "lib" / "link.py")
    assert re.search(r"def load_scenario\(.*?\n    check_types\(raw, SCENARIO_TYPES, \"\"\)\n    raw, notices = migrate",
                     scenario, re.S)
    assert re.search(r"def pin_state_from\(.*?\"\"\"\n    try:\n        check_types\(data, PIN_TYPES, \"\"\)", link, re.S)
    assert re.search(r"custom = data\.get\(\"custom\"\)\n        if not isinstance\(custom, str\)", link)


def test_any_value_under_any_scenario_key_is_one_message_never_a_crash():
    """Files, uploads and custom= share the scenario loader: whatever types a file holds, a ScenarioError or a
    scenario, never another exception (the type gate runs before any value is read)."""
    import json

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    import lib
    from lib.scenario import TOP_LEVEL_KEYS, load_scenario, parse_scenario_text

    leaf = (st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=6)
            | st.sampled_from(["2024-01", "A800", "H20", "Ascend 910B", "K1", "leakage", "never", "timeline"]))
    value = st.recursive(leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["A800", "from", "shares", "month", "chip", "units", "leakage", "x"]), inner, max_size=3),
        max_leaves=8)

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from((*TOP_LEVEL_KEYS, "domestic_flagship")), value, st.booleans())
    def check(key, item, schema_1):
        data = {"name": "x", key: item, **({"schema_version": 1} if schema_1 else {})}
        try:
            load_scenario(parse_scenario_text(json.dumps(data)))
        except lib.ScenarioError as exc:
            assert "\n" not in str(exc) and len(str(exc)) < 1_200

    check()


def test_one_custom_component_and_data_only():
    """The lever panel is the one custom component (st.components.v2, no iframe); its script never builds HTML."""
    uses = [p for p in UI if "st.components.v2.component(" in code(p)]
    assert [p.relative_to(ROOT).as_posix() for p in uses] == ["ui/lever_panel/__init__.py"]
    js = (ROOT / "ui" / "lever_panel" / "panel.js").read_text(encoding="utf-8")
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", js)
