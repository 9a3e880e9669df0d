"""The README's security review, checked where a test can check it."""

import re
import subprocess
import tomllib
from pathlib import Path

from lib.scenario import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "lib").glob("*.py"))]


def code(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_no_user_text_rendered_as_html():
    for path in SOURCES:
        text = code(path)
        assert "unsafe_allow_html" not in text, path.name
        assert "st.html(" not in text and "components.v1" not in text, path.name


def test_upload_size_is_limited():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] <= 1
    assert "max_upload_size=MAX_UPLOAD_MB" in code(ROOT / "app.py")
    assert MAX_FILE_BYTES <= 1024 * 1024


def test_xsrf_stays_on_and_errors_are_hidden():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["client"]["showErrorDetails"] == "none"


def test_no_file_written_from_user_input():
    pattern = re.compile(r"open\([^)]*['\"][wa]b?['\"]|\.write_text\(|\.write_bytes\(|to_csv\(['\"]|mkdir\(")
    for path in SOURCES:
        assert not pattern.search(code(path)), f"{path.name} writes a file"


def test_only_safe_parsers():
    banned = re.compile(r"\b(pickle|marshal|yaml|eval|exec|shelve)\b\s*[.(]")
    for path in SOURCES:
        assert not banned.search(code(path)), path.name
    assert "tomllib.loads" in code(ROOT / "lib" / "scenario.py") and "json.loads" in code(ROOT / "lib" / "scenario.py")


def test_no_secrets_in_repo():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert ".streamlit/secrets.toml" not in files
    secret = re.compile(r"(api[_-]?key|secret[_-]?key|password|BEGIN (RSA|OPENSSH) PRIVATE KEY|ghp_[A-Za-z0-9]{20,})",
                        re.IGNORECASE)
    for name in files:
        path = ROOT / name
        if path.suffix in {".py", ".toml", ".txt", ".md", ".json", ""} and path.is_file() and name != "tests/test_security.py":
            assert not secret.search(path.read_text(encoding="utf-8", errors="ignore")), name


def test_dependencies_pinned():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-r"):
                assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][0-9A-Za-z.]*", line), f"{name}: {line} is not pinned"
