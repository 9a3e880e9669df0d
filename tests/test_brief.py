"""The one-page brief: it renders, its text holds the headline figures, and it is reproducible byte for byte.
Whatever the texts, uploads, pins or base URL, it is exactly one page; user text is never markup; CJK prints."""

import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import lib
from lib.brief import layout, make_brief, modified_name
from lib.link import share_query
from lib.scenario import LIMITS, MAX_ITEMS
from lib.sources import load_sources
from lib.uncertainty import HEADLINE_SAMPLES

ROOT = Path(__file__).resolve().parents[1]
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
if not POPPLER and os.environ.get("REQUIRE_BROWSER") == "1":
    raise RuntimeError("poppler-utils (pdftotext, pdftoppm) are required in CI to check the brief")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
if not CJK_FONT.is_file() and os.environ.get("REQUIRE_BROWSER") == "1":
    raise RuntimeError("fonts-wqy-zenhei is required in CI to check that the brief prints CJK text")
needs_cjk_font = pytest.mark.skipif(not CJK_FONT.is_file(), reason="fonts-wqy-zenhei not installed")
DATE, BASE = "2026-11-24", "https://chokepoint.test"


@pytest.fixture(scope="module")
def brief(tmp_path_factory):
    scenario = lib.load_scenario("full-embargo")
    path = tmp_path_factory.mktemp("brief") / "brief.pdf"
    path.write_bytes(make_brief(scenario, date="2026-11-24", base_url="https://chokepoint.test"))
    return scenario, path


def pages(path: Path) -> int:
    out = path.parent / f"{path.stem}-page"
    done = subprocess.run(["pdftoppm", "-png", "-r", "30", str(path), str(out)], capture_output=True)
    assert done.returncode == 0, done.stderr
    return len(list(path.parent.glob(f"{path.stem}-page*.png")))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    return path


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
    assert "Model version 3.0" in text and "2026-11-24" in text and "https://chokepoint.test/?preset=full-embargo" in text
    flat = " ".join(text.split())
    assert "[K69]" in text and "What binds." in flat and "controlled by the TPP line (3A090.a)" in flat
    # The ranges are the page's: the same small Monte Carlo, same seed.
    q = lib.run_monte_carlo(scenario, samples=HEADLINE_SAMPLES, seed=0).summary["runway_months"]
    assert f"p10–p90 {q['p10']:.0f}–{q['p90']:.0f}" in flat


@needs_poppler
def test_the_brief_states_the_model_3_headline(tmp_path):
    # Both gaps at the reading month, the US:China compute ratio, and for a runway claim both runways.
    scenario = lib.load_scenario("baidu-2023")
    assert scenario.verdict == "runway"
    s = lib.run(scenario).summary
    flat = " ".join(pdf_text(write(tmp_path, "baidu", make_brief(scenario, date=DATE, base_url=BASE))).split())
    assert f"Capability gap, Dec 2027 {s['capability_gap_years_reading']:.1f} years" in flat
    assert f"Compute gap, Dec 2027 {s['frontier_gap_years_reading']:.1f} years" in flat
    assert f"{s['frontier_gap_years_reading']:.1f} years behind in compute" in flat
    assert f"US:China compute, Dec 2027 {s['us_china_compute_ratio_reading']:,.0f}×" in flat
    assert "The US holds" not in flat  # a national ratio against one firm is a table row, not a sentence
    assert f"Runway on the reserve alone {s['runway_reserve_only_months']} months" in flat
    assert f"Runway with new supply {s['runway_months']} months" in flat
    assert f"reserve alone (held or on order in Nov 2023) keeps its planned training run feasible for " \
           f"{s['runway_reserve_only_months']} months" in flat
    # A gap scenario leads with the gaps and has no reserve-alone row.
    gap = lib.load_scenario("china-2026")
    assert gap.verdict == "gap"
    flat = " ".join(pdf_text(write(tmp_path, "gap", make_brief(gap, date=DATE, base_url=BASE))).split())
    g = lib.run(gap).summary
    assert f"Model answer: China's largest feasible training run" in flat and "Runway on the reserve alone" not in flat
    assert f"{g['capability_gap_years_reading']:.1f} years" in flat
    assert f"{g['us_china_compute_ratio_reading']:,.0f}×" in flat
    assert f"The US holds {g['us_china_compute_ratio_reading']:,.0f}× China's AI compute" in flat


# ---- one page, whatever the inputs ----------------------------------------------------------------

def _text(length: int, word: str) -> str:
    out = ""
    while len(out) < length:
        out += word + " "
    return out[:length]


def hostile(verdict: str = "runway", word: str = "WWWWWWM", deliveries: int = 0) -> lib.Scenario:
    """An upload with every text at its longest, in wide letters, every foreign chip on the buy list, every source
    cited, many levers changed and (optionally) enough deliveries that its link outgrows a QR code."""
    data = lib.load_scenario("baidu-2023").to_dict()
    data.update(name=_text(LIMITS["name"], "W" * 200), claim=_text(LIMITS["claim"], word),
                claim_source=_text(LIMITS["claim_source"], word),
                claim_runway_by=_text(LIMITS["claim_runway_by"], word), actor=_text(LIMITS["actor"], "Ｗ" * 80),
                verdict=verdict, description=_text(LIMITS["description"], word))
    data["import_chips"] = [c.name for c in lib.CHIPS if c.origin == "foreign"][:MAX_ITEMS["import_chips"]]
    data["sources"] = sorted(load_sources())[:MAX_ITEMS["sources"]]
    for name, lever in list(lib.LEVERS.items())[:30]:  # a long "levers changed" line
        if not lever.integer and lever.name not in ("planned_run_flop",):
            data["levers"][name] = lever.minimum + (lever.maximum - lever.minimum) * 0.37
    rng = random.Random(7)
    chips = ["A100", "H100", "H20", "Ascend 910B", "Kunlun II"]
    data["deliveries"] = [{"month": f"{2024 + i % 6}-{i % 12 + 1:02d}", "chip": rng.choice(chips),
                           "units": rng.randrange(1, 10**6)} for i in range(deliveries)]
    return lib.load_scenario(data)


def test_the_line_budgets_fit_one_page_by_construction():
    # Every text at its budget, the tallest footer the budgets allow and the most headline rows (a runway verdict)
    # still fit the page, for every preset: no input can need a second page or a shrunk body.
    for name in lib.list_presets():
        page = layout(lib.load_scenario(name), date=DATE, base_url=BASE)
        assert page.body_height <= page.body_limit <= page.body_room_least, name
        assert page.body_height <= page.body_room, name  # with the sources given the room the body leaves


HOSTILE = [  # (verdict, word in the long texts, deliveries, base URL, query)
    ("runway", "WWWWWWM", 0, BASE + "/" + "x" * 280, None),
    ("gap", "百度文心一言百度文心一言百度", 0, BASE, None),
    ("hindcast", "W" * 700, 200, BASE + "/p", None),
    ("runway", "WWWWWWM", 200, BASE, ""),  # the page passes "" when the scenario cannot travel in a link
]


@needs_poppler
@pytest.mark.parametrize("verdict, word, deliveries, base_url, query", HOSTILE)
def test_every_brief_is_one_page_whatever_the_texts(tmp_path, verdict, word, deliveries, base_url, query):
    scenario = hostile(verdict, word, deliveries)
    page = layout(scenario, date=DATE, base_url=base_url, query=query)
    assert page.body_height <= page.body_room, "the line budgets no longer fit: the body would be shrunk"
    assert page.body_limit <= page.body_room_least
    assert {"title", "claim", "sources"} <= set(page.shortened)
    path = write(tmp_path, "hostile", make_brief(scenario, date=DATE, base_url=base_url, query=query))
    assert pages(path) == 1
    flat = " ".join(pdf_text(path).split())
    # Nothing fell off the page: the body's last line and the footer's are there, and each cut says so.
    assert "China's domestic output by year" in flat and "not forecasts" in flat
    assert "… (in full: the top of the app's page)" in flat and "the app's Sources & assumptions view)" in flat
    assert "The name is shortened; the full name is in the scenario file (TOML)." in flat


@needs_poppler
def test_a_body_over_its_budgets_is_shrunk_onto_the_one_page(tmp_path, monkeypatch):
    # The safety net under the budgets: with them lifted, hostile texts overflow the room, and the page shrinks the
    # body rather than dropping its end or starting a second page.
    import lib.brief

    for key in ("title", "claim", "lead", "rest", "binds"):
        monkeypatch.setitem(lib.brief.LINES, key, 60)
    scenario = hostile()
    page = layout(scenario, date=DATE, base_url=BASE)
    assert page.body_height > page.body_room
    path = write(tmp_path, "shrunk", make_brief(scenario, date=DATE, base_url=BASE))
    assert pages(path) == 1
    flat = " ".join(pdf_text(path).split())
    assert "China's domestic output by year" in flat and "not forecasts" in flat


# ---- the link: a short label, a QR code when it fits one ------------------------------------------

@needs_poppler
def test_the_link_is_a_short_label_with_a_qr_code_that_reads_back(tmp_path):
    import numpy as np
    import zxingcpp
    from PIL import Image

    scenario = lib.load_scenario("baidu-2023").with_levers(leakage=0.3)
    page = layout(scenario, date=DATE, base_url=BASE)
    link = f"{BASE}/?{share_query(scenario)}"
    assert page.link == link and page.has_qr
    path = write(tmp_path, "qr", make_brief(scenario, date=DATE, base_url=BASE))
    assert link in pdf_text(path)
    subprocess.run(["pdftoppm", "-png", "-r", "200", str(path), str(tmp_path / "qr")], check=True)
    image = np.asarray(Image.open(next(tmp_path.glob("qr*.png"))).convert("L"))
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [link]


@needs_poppler
def test_a_link_too_long_for_a_qr_code_gets_a_label_and_no_code(tmp_path):
    scenario = hostile(deliveries=200)
    link = f"{BASE}/?{share_query(scenario)}"
    assert len(link) > 2953  # more than a QR code holds (version 40, level L)
    page = layout(scenario, date=DATE, base_url=BASE)
    assert page.link == link and not page.has_qr
    data = make_brief(scenario, date=DATE, base_url=BASE)
    flat = " ".join(pdf_text(write(tmp_path, "long", data)).split())
    assert f"(the full link, {len(link):,} characters, opens on a click)" in flat and "custom=" not in flat
    assert f"The link ({len(link):,} characters) is too long for a QR code" in flat and "scenario file (TOML)" in flat
    assert f"/URI ({link})".encode() in data  # the label opens the whole link


@needs_poppler
def test_a_scenario_too_large_for_a_link_names_the_toml_download(tmp_path):
    scenario = lib.load_scenario("baidu-2023")
    page = layout(scenario, date=DATE, base_url=BASE, query="")
    assert page.link == "" and not page.has_qr
    data = make_brief(scenario, date=DATE, base_url=BASE, query="")
    flat = " ".join(pdf_text(write(tmp_path, "none", data)).split())
    assert ("This scenario is too large for a link: download the scenario file (TOML) from the app's Share & brief "
            "view and upload it to open it again.") in flat
    assert b"/URI" not in data and "?preset=" not in flat


# ---- CJK, escaping ---------------------------------------------------------------------------------

@needs_poppler
@needs_cjk_font
def test_cjk_text_prints_as_itself(tmp_path):
    scenario = lib.load_scenario("baidu-2023").with_fields(name="百度 文心一言 scenario",
                                                            claim="文心一言 还能训练两年吗?")
    page = layout(scenario, date=DATE, base_url=BASE)
    assert page.missing_characters == ()
    text = pdf_text(write(tmp_path, "cjk", make_brief(scenario, date=DATE, base_url=BASE)))
    assert "Chokepoint brief: 百度 文心一言 scenario" in text and "文心一言 还能训练两年吗?" in text
    assert "no glyph" not in text


@needs_poppler
def test_without_a_cjk_font_the_brief_says_which_characters_cannot_print(tmp_path):
    scenario = lib.load_scenario("baidu-2023").with_fields(name="百度 文心一言")
    absent = (tmp_path / "absent.ttc",)
    page = layout(scenario, date=DATE, base_url=BASE, cjk_files=absent)
    assert ord("百") in page.missing_characters
    path = write(tmp_path, "nocjk", make_brief(scenario, date=DATE, base_url=BASE, cjk_files=absent))
    assert pages(path) == 1
    flat = " ".join(pdf_text(path).split())
    assert "Some characters have no glyph in the installed fonts (Chinese, Japanese and Korean need the " \
           "fonts-wqy-zenhei package) and print as blanks or boxes: U+4E00" in flat


@needs_poppler
def test_user_text_is_never_markup(tmp_path):
    name = '<b>bold</b> & <font size="40">big</font> <a href="javascript:alert(1)">x</a> &amp;'
    scenario = lib.load_scenario("baidu-2023").with_fields(
        name=name, claim="<para>claim</para> <img src='x'/> 1 < 2 > 0", claim_source="<br/>K69 & co")
    data = make_brief(scenario, date=DATE, base_url=BASE)
    flat = " ".join(pdf_text(write(tmp_path, "markup", data)).split())
    assert f"Chokepoint brief: {name}" in flat
    assert "<para>claim</para> <img src='x'/> 1 < 2 > 0 — <br/>K69 & co" in flat
    # The only link annotation is the share link's: none from the name's <a>.
    assert re.findall(rb"/URI \(([^)]*)\)", data) == [f"{BASE}/?{share_query(scenario)}".encode()]


# ---- a changed scenario is named as changed ----------------------------------------------------------

def test_a_changed_scenario_is_named_as_changed():
    preset = lib.load_scenario("baidu-2023")
    assert modified_name(preset, preset) == "Baidu, Nov 2023" and modified_name(preset, None) == "Baidu, Nov 2023"
    changed = preset.with_levers(leakage=0.3, approval_share=0.5)
    assert modified_name(changed, preset) == "Baidu, Nov 2023 (modified: leakage 0.3, licence approval share 0.5)"
    fields = preset.with_fields(reading_year=2028, hbm_control_from="never", rule_vintage="oct-2022")
    assert modified_name(fields, preset) == ("Baidu, Nov 2023 (modified: rules of Oct 2022, no HBM control, "
                                             "reading year 2028)")
    many = preset.with_levers(leakage=0.3, approval_share=0.5, us_allows_h200=1, import_budget=2e10,
                              mfu=0.5)
    assert modified_name(many, preset) == ("Baidu, Nov 2023 (modified: leakage 0.3, US allows the H200: yes, "
                                           "licence approval share 0.5, import budget $20B per year and 1 more)")


@needs_poppler
def test_the_brief_names_a_changed_scenario(tmp_path):
    scenario = lib.load_scenario("baidu-2023").with_levers(leakage=0.3, approval_share=0.5)
    flat = " ".join(pdf_text(write(tmp_path, "changed", make_brief(scenario, date=DATE, base_url=BASE))).split())
    assert "Chokepoint brief: Baidu, Nov 2023 (modified: leakage 0.3, licence approval share 0.5)" in flat


def test_cli_writes_only_the_named_path(tmp_path):
    before = set(tmp_path.iterdir())
    target = tmp_path / "out.pdf"
    out = subprocess.run([sys.executable, "-m", "lib", "brief", "baidu-2023", "-o", str(target), "--date", "2026-01-02",
                          "--base-url", "https://x.test"], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert set(tmp_path.iterdir()) - before == {target}
