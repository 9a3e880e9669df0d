"""The one-page brief: it renders, its text holds the headline figures, and it is reproducible byte for byte."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import lib
from lib.brief import make_brief
from lib.uncertainty import HEADLINE_SAMPLES

ROOT = Path(__file__).resolve().parents[1]
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
if not POPPLER and os.environ.get("REQUIRE_BROWSER") == "1":
    raise RuntimeError("poppler-utils (pdftotext, pdftoppm) are required in CI to check the brief")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def brief(tmp_path_factory):
    scenario = lib.load_scenario("full-embargo")
    path = tmp_path_factory.mktemp("brief") / "brief.pdf"
    path.write_bytes(make_brief(scenario, date="2026-11-24", base_url="https://chokepoint.test"))
    return scenario, path


def test_brief_is_one_reproducible_pdf(brief):
    scenario, path = brief
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and data == make_brief(scenario, date="2026-11-24", base_url="https://chokepoint.test")


@needs_poppler
def test_brief_renders_and_holds_the_headline_figures(brief):
    scenario, path = brief
    pages = subprocess.run(["pdftoppm", "-png", "-r", "40", str(path), str(path.with_suffix(""))], capture_output=True)
    assert pages.returncode == 0 and len(list(path.parent.glob("*.png"))) == 1  # exactly one page
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    s = lib.run(scenario).summary
    assert scenario.name in text and scenario.claim[:40] in " ".join(text.split())
    assert f"{s['runway_months']} months" in text
    assert f"{s['frontier_gap_years_reading']:.1f} years" in text
    assert "Levers changed against the reference" in text and "Leakage (smuggling): 5% → 0%" in text
    assert "Model version 2.0" in text and "2026-11-24" in text and "https://chokepoint.test/?preset=full-embargo" in text
    flat = " ".join(text.split())
    assert "[K69]" in text and "What binds." in flat and "controlled by the TPP line (3A090.a)" in flat
    # The ranges are the page's: the same small Monte Carlo, same seed.
    q = lib.run_monte_carlo(scenario, samples=HEADLINE_SAMPLES, seed=0).summary["runway_months"]
    assert f"p10–p90 {q['p10']:.0f}–{q['p90']:.0f}" in flat


def test_cli_writes_only_the_named_path(tmp_path):
    before = set(tmp_path.iterdir())
    target = tmp_path / "out.pdf"
    out = subprocess.run([sys.executable, "-m", "lib", "brief", "baidu-2023", "-o", str(target), "--date", "2026-01-02",
                          "--base-url", "https://x.test"], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert set(tmp_path.iterdir()) - before == {target}
