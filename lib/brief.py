"""A one-page PDF brief of a scenario, made in memory.

It holds the scenario's name (saying when it was changed from its preset) and claim, the model's answer with its
range (both gaps, the US:China compute ratio and, for a runway claim, both runways), the headline figures against
the reference scenario, the levers changed, the two main charts, the binding constraints, the sources used, the
model version, the date, and the share link as a short clickable label with a QR code.

One page by construction: the page is drawn once on a canvas (never a second page), every text has a budget of
lines and is shortened with an ellipsis that says where the full text is, and ``layout`` reports the height the
body needs against the room it has (tested with hostile texts, uploads and base URLs). Should the budgets ever be
exceeded, the body is shrunk to fit rather than cut.

Made with reportlab (PDF layout, pure Python, ``invariant`` output so a brief is reproducible byte for byte),
matplotlib's Agg renderer for the charts (no browser is started, which matters on a shared host) and segno for the
QR code. Text prints in DejaVu Sans, which ships with matplotlib, so ≥, × and – print; characters DejaVu lacks
(Chinese, Japanese, Korean) print in WenQuanYi Zen Hei when Debian's ``fonts-wqy-zenhei`` is installed. Nothing
here writes a file: ``make_brief`` returns bytes; the CLI writes them to the one path the user names.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from .compare import STRUCTURE_FIELDS, reference_for
from .evidence import hindcast
from .explain import binding_sentences, domestic_binding, ratio_sentence, stock_alternatives, verdict
from .format import delta, label, month_name, number, number_range
from .gate import plain_number
from .levers import LEVERS
from .model import MODEL_VERSION, SUMMARY_UNITS, run
from .sources import load_sources, scenario_source_keys

HEADLINE_KEYS = ("capability_gap_years_reading", "frontier_gap_years_reading", "us_china_compute_ratio_reading",
                 "runway_reserve_only_months", "runway_months", "h100e_years_total", "h100e_end",
                 "largest_run_flop_reading", "inference_runway_months")
RUNWAY_ONLY_KEYS = ("runway_reserve_only_months",)  # rows shown only when the scenario's verdict is about a runway

# Fonts. reportlab embeds TrueType outlines only: OpenType/CFF files (Noto Sans CJK's .otf/.ttc) are refused, so
# the CJK font is WenQuanYi Zen Hei (Debian fonts-wqy-zenhei, TrueType; installed by .ci/run, the Dockerfile and
# packages.txt), or Micro Hei (fonts-wqy-microhei) where only that is installed.
CJK_FONT_FILES = (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
                  Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"))
CJK_FONT_PACKAGE = "fonts-wqy-zenhei"

# The link's QR code: error level L holds the most (2,953 bytes at version 40, ISO/IEC 18004); a larger
# link gets no code. Printed, a module should be at least ~0.33 mm to scan from paper (Assumption: common print
# guidance for phone cameras); the code's side grows with its modules up to QR_MAX_SIDE_MM, beyond which the
# largest codes are still printed (they scan from the PDF on a screen).
QR_MODULE_MM = 0.33      # [mm] Assumption: see above
QR_MIN_SIDE_MM = 22      # [mm] Assumption: a small code still finds a phone's focus
QR_MAX_SIDE_MM = 38      # [mm] Assumption: the most of the footer the code may take
QR_BORDER = 4            # [modules] the quiet zone ISO/IEC 18004 asks for
LINK_LABEL_CHARS = 100   # [characters] a link up to this long is printed whole; longer ones get a short label

# Budgets [lines] for each text on the page. Their sum, with the table and the charts, fits the body's room with
# every text at its longest (tests/test_brief.py); ``render`` shrinks the body rather than cut it should it ever not.
LINES = {"title": 2, "claim": 3, "lead": 5, "rest": 6, "alternatives": 3, "changed": 3, "binds": 9, "output": 2,
         "sources": 5, "link": 2, "link_note": 2, "notes": 3}
BODY_TEXTS = ("title", "claim", "lead", "rest", "alternatives", "changed", "binds", "output")
FOOTER_TEXTS = ("sources", "link", "link_note", "notes")
FOOTER_GAP_MM = 3  # [mm] between the body and the footer
ELLIPSIS = "…"

PAGE_MARGIN_MM = {"left": 12, "right": 12, "top": 10, "bottom": 8}
CHART_SIZE_IN = (3.6, 2.3)  # [inches] each chart's figure; drawn at 90 mm wide, keeping its aspect


# ---- the name of a changed scenario -------------------------------------------------------------

def _short_label(text: str) -> str:
    """'Leakage (smuggling)' → 'leakage'; 'US allows the H200' keeps its capitals."""
    text = re.sub(r"\s*\([^)]*\)", "", text).strip()
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first[1:].islower() or len(first) == 1 else text


def _lever_change(name: str, value: float) -> str:
    lever = LEVERS[name]
    if lever.unit.startswith("switch"):
        return f"{_short_label(lever.label)}: {'yes' if value else 'no'}"
    if lever.unit.startswith("share"):  # as the link writes it: 0.3, not 30%
        return f"{_short_label(lever.label)} {plain_number(value)}"
    return f"{_short_label(lever.label)} {number(value, lever.unit)}"


def _field_change(name: str, value) -> str:
    from .rules import RULES

    if name == "rule_vintage":
        return ("rules as in force each month" if value not in RULES
                else f"rules of {RULES[value].title.split(':')[0]}")
    if name == "hbm_control_from":
        return "no HBM control" if value == "never" else f"HBM control from {month_name(value)}"
    if name in ("what_if_from", "start", "horizon"):
        return f"{name.replace('_', ' ').replace('what if', 'what-if')} {month_name(value)}"
    if name == "reading_year":
        return f"reading year {value}"
    if name == "actor":
        return f"actor {value[:30]}{ELLIPSIS if len(value) > 30 else ''}"
    return f"{name.replace('_', ' ')} changed"


def modified_name(scenario, reference_scenario, limit: int = 4) -> str:
    """The scenario's name, saying what differs from ``reference_scenario`` (the preset or upload it was made from):
    'Baidu, Nov 2023 (modified: leakage 0.3, licence approval share 0.5)'. The name alone when nothing differs or
    ``reference_scenario`` is None; at most ``limit`` changes are named, then 'and N more'."""
    if reference_scenario is None:
        return scenario.name
    changes = [_lever_change(name, scenario.lever(name)) for name in LEVERS
               if scenario.lever(name) != reference_scenario.lever(name)]
    changes += [_field_change(name, getattr(scenario, name)) for name in STRUCTURE_FIELDS
                if getattr(scenario, name) != getattr(reference_scenario, name)]
    if not changes:
        return scenario.name
    more = len(changes) - limit
    named = ", ".join(changes[:limit]) + (f" and {more} more" if more > 0 else "")
    return f"{scenario.name} (modified: {named})"


# ---- fonts and text -------------------------------------------------------------------------------

@dataclass
class Fonts:
    """The fonts a brief prints in, and the characters of its texts that none of them has."""

    regular: str
    bold: str
    cjk: str | None                      # reportlab name of the CJK font, None when no CJK font file is installed
    regular_glyphs: frozenset
    cjk_glyphs: frozenset
    missing: set = field(default_factory=set)  # code points that print as blanks or boxes

    def markup(self, text: str) -> str:
        """Paragraph markup for plain ``text``: every character escaped (user text is never markup), runs DejaVu
        lacks set in the CJK font."""
        out, run, in_cjk = [], [], False
        for ch in text:
            code = ord(ch)
            cjk = bool(self.cjk) and code not in self.regular_glyphs and code in self.cjk_glyphs
            if code not in self.regular_glyphs and not cjk and not ch.isspace():
                self.missing.add(code)
            if cjk != in_cjk and run:
                out.append(self._run("".join(run), in_cjk))
                run = []
            run.append(ch)
            in_cjk = cjk
        if run:
            out.append(self._run("".join(run), in_cjk))
        return "".join(out)

    def _run(self, text: str, cjk: bool) -> str:
        return f'<font name="{self.cjk}">{escape(text)}</font>' if cjk else escape(text)


_FONT_CACHE: dict = {}


def fonts(cjk_files: tuple = None) -> Fonts:
    """Register DejaVu Sans (from matplotlib) and the first CJK font file found (``CJK_FONT_FILES``) with reportlab.
    Without a CJK font the brief still renders; the characters that cannot print are named on it."""
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    cjk_files = CJK_FONT_FILES if cjk_files is None else cjk_files
    cjk_path = next((path for path in cjk_files if Path(path).is_file()), None)
    key = str(cjk_path)
    if key not in _FONT_CACHE:
        registered = pdfmetrics.getRegisteredFontNames()
        folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        if "DejaVu" not in registered:
            pdfmetrics.registerFont(TTFont("DejaVu", str(folder / "DejaVuSans.ttf")))
            pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(folder / "DejaVuSans-Bold.ttf")))
        # A character either DejaVu face lacks goes to the CJK font (or is named as missing), so bold text prints too.
        regular = (frozenset(pdfmetrics.getFont("DejaVu").face.charToGlyph)
                   & frozenset(pdfmetrics.getFont("DejaVu-Bold").face.charToGlyph))
        cjk_name, cjk_glyphs = None, frozenset()
        if cjk_path is not None:
            cjk_name = "CJK-" + Path(cjk_path).stem
            if cjk_name not in registered:
                pdfmetrics.registerFont(TTFont(cjk_name, str(cjk_path), subfontIndex=0))
            cjk_glyphs = frozenset(pdfmetrics.getFont(cjk_name).face.charToGlyph)
        _FONT_CACHE[key] = (regular, cjk_name, cjk_glyphs)
    regular, cjk_name, cjk_glyphs = _FONT_CACHE[key]
    return Fonts("DejaVu", "DejaVu-Bold", cjk_name, regular, cjk_glyphs)


def _cut(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters, at a word's end when one is near."""
    cut = text[:length]
    space = cut.rfind(" ")
    if length < len(text) and space > length - 25:
        cut = cut[:space]
    return cut.rstrip(" ,;:—–-")


def fitted_paragraph(text: str, style, width: float, lines: int, font: Fonts, tail: str = ""):
    """(Paragraph, shortened): ``text`` in at most ``lines`` lines of ``width``; when longer, cut with an ellipsis
    followed by ``tail`` (where the full text is)."""
    from reportlab.platypus import Paragraph

    room = lines * style.leading + 0.01

    def paragraph(plain: str):
        return Paragraph(font.markup(plain), style)

    def height(plain: str) -> float:
        return paragraph(plain).wrap(width, 1e9)[1]

    if height(text) <= room:
        return paragraph(text), False
    low, high = 0, len(text)
    while low < high:  # the longest cut that fits
        middle = (low + high + 1) // 2
        if height(_cut(text, middle) + ELLIPSIS + tail) <= room:
            low = middle
        else:
            high = middle - 1
    shortened = _cut(text, low) + ELLIPSIS + tail
    while low > 0 and height(shortened) > room:  # a word-end cut can be longer than the length searched
        low -= 1
        shortened = _cut(text, low) + ELLIPSIS + tail
    return paragraph(shortened if low else ELLIPSIS + tail), True


# ---- charts (no user text) ------------------------------------------------------------------------

def _chart_png(draw) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=CHART_SIZE_IN, dpi=160)
    ax = fig.add_subplot(1, 1, 1)
    draw(ax)
    ax.grid(True, color="#e6e6e6", linewidth=0.6)
    ax.tick_params(labelsize=6.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout(pad=0.4)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _runs_chart(result, reference, fans) -> bytes:
    cap, ref = result.capability, reference.capability

    def draw(ax):
        x = cap["month"].to_numpy()
        if fans:
            ax.fill_between(x, fans["largest_run_flop"]["p10"], fans["largest_run_flop"]["p90"], color="#1565c0",
                            alpha=0.15, linewidth=0, label="p10–p90")
        ax.plot(x, cap["largest_run_flop"], color="#1565c0", linewidth=1.6, label="largest feasible run")
        ax.plot(ref["month"].to_numpy(), ref["largest_run_flop"], color="#1565c0", linewidth=0.9, linestyle="--",
                label="reference")
        ax.plot(x, cap["planned_run_flop"], color="#6d4c41", linewidth=1.2, label="planned run")
        ax.plot(x, cap["frontier_flop"], color="#7b1fa2", linewidth=1.2, linestyle=":", label="frontier")
        ax.set_yscale("log")
        ax.set_title("Training runs [FLOP]", fontsize=8, loc="left")
        ax.legend(fontsize=5.5, frameon=False, loc="upper left")

    return _chart_png(draw)


def _compute_chart(result, reference) -> bytes:
    cap, ref = result.capability, reference.capability

    def draw(ax):
        x = cap["month"].to_numpy()
        ax.plot(x, cap["h100e_training"], color="#1565c0", linewidth=1.6, label="training H100e (owned)")
        ax.plot(ref["month"].to_numpy(), ref["h100e_training"], color="#1565c0", linewidth=0.9, linestyle="--",
                label="training, reference")
        ax.plot(x, cap["h100e_inference"], color="#ef6c00", linewidth=1.4, label="inference H100e")
        ax.plot(x, cap["remote_access_h100e"], color="#00897b", linewidth=1.0, label="rented abroad")
        ax.set_title("Effective compute [H100e]", fontsize=8, loc="left")
        ax.legend(fontsize=5.5, frameon=False, loc="upper left")

    return _chart_png(draw)


# ---- the link and its QR code ---------------------------------------------------------------------

def qr_code(link: str):
    """The link's QR code (segno, error level L), or None when the link is too long for one (~2,900 bytes)."""
    import segno

    try:
        return segno.make(link, error="l", micro=False)
    except segno.DataOverflowError:
        return None


def _qr_flowable(code):
    from reportlab.lib.colors import black
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable

    rows = [tuple(bool(v) for v in row) for row in code.matrix_iter(scale=1, border=QR_BORDER)]
    side = min(QR_MAX_SIDE_MM, max(QR_MIN_SIDE_MM, len(rows) * QR_MODULE_MM)) * mm

    class QRCode(Flowable):
        def wrap(self, *_):
            return side, side

        def draw(self):
            module = side / len(rows)
            self.canv.setFillColor(black)
            for y, row in enumerate(rows):  # one rectangle per run of dark modules
                x = 0
                while x < len(row):
                    if not row[x]:
                        x += 1
                        continue
                    start = x
                    while x < len(row) and row[x]:
                        x += 1
                    self.canv.rect(start * module, side - (y + 1) * module, (x - start) * module, module * 1.02,
                                   stroke=0, fill=1)

    return QRCode()


def link_label(link: str) -> str:
    """What the brief prints for its link: the link itself when short, else its address and preset, then how long
    it is (the label is clickable; the full link sits behind it)."""
    if len(link) <= LINK_LABEL_CHARS:
        return link
    parts = urlsplit(link)
    base = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")
    base = base if len(base) <= 40 else base[:39] + ELLIPSIS
    preset = (parse_qs(parts.query).get("preset") or [""])[0][:40]
    return f"{base}/?preset={preset}{ELLIPSIS} (the full link, {len(link):,} characters, opens on a click)"


def _link_for(scenario, base_url: str, query: str | None) -> str:
    """The share link, or "" when the scenario cannot travel in one (the page passes ``query=""`` then)."""
    from .link import MAX_CUSTOM_CHARS, MAX_LINK_CHARS, share_query

    if query is None:
        query = share_query(scenario)
    if not query:
        return ""
    link = f"{base_url.rstrip('/')}/?{query}"
    payloads = [v for key in ("custom", "pin") for v in parse_qs(query).get(key, [])]
    if len(link) > MAX_LINK_CHARS or any(len(v) > MAX_CUSTOM_CHARS for v in payloads):
        return ""
    return link


# ---- the page -------------------------------------------------------------------------------------

@dataclass
class Layout:
    """A brief laid out: the body (top), the footer (bottom, beside the QR code), and how the body fits."""

    title: str
    body: list
    footer: object
    footer_height: float
    body_height: float    # [pt] the body's natural height, spaces included
    body_room: float      # [pt] the height left for it above the footer
    body_limit: float     # [pt] the body's height with every text at its budget of lines
    body_room_least: float  # [pt] the room left above the tallest footer the budgets allow
    shortened: tuple      # which texts were cut to their budget
    link: str             # "" when the scenario is too large for a link
    has_qr: bool
    missing_characters: tuple  # code points no installed font has


def layout(scenario, *, date: str | None = None, base_url: str = "https://chokepoint.example",
           query: str | None = None, original=None, cjk_files: tuple = None) -> Layout:
    """The brief's page, laid out but not drawn. See ``make_brief`` for the arguments."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, Spacer, Table, TableStyle

    from .scenario import list_presets, load_scenario
    from .uncertainty import HEADLINE_SAMPLES, run_monte_carlo

    font = fonts(cjk_files)
    date = date or dt.date.today().isoformat()
    if original is None and scenario.preset in list_presets():
        original = load_scenario(scenario.preset)
    name = modified_name(scenario, original)
    result = run(scenario)
    reference_scenario = reference_for(scenario)
    reference = run(reference_scenario)
    mc = run_monte_carlo(scenario, samples=HEADLINE_SAMPLES, seed=0)  # the page's ranges
    s, r, q = result.summary, reference.summary, mc.summary

    width = A4[0] - (PAGE_MARGIN_MM["left"] + PAGE_MARGIN_MM["right"]) * mm
    base = ParagraphStyle("base", fontName=font.regular, fontSize=8.2, leading=10.4, spaceBefore=2)
    small = ParagraphStyle("small", parent=base, fontSize=6.8, leading=8.4, spaceBefore=1,
                           textColor=colors.HexColor("#444444"))
    bold = ParagraphStyle("bold", parent=base, fontName=font.bold, fontSize=8.8, leading=11, spaceBefore=4)
    title_style = ParagraphStyle("title", parent=base, fontName=font.bold, fontSize=13, leading=16, spaceBefore=0)
    cell = ParagraphStyle("cell", parent=base, fontSize=7.4, leading=8.8, spaceBefore=0)
    shortened, budgeted = [], []

    def fit(key, text, style=base, tail="", column=width, lines=None):
        paragraph, cut = fitted_paragraph(text, style, column, lines or LINES[key], font, tail)
        budgeted.append(paragraph)
        if cut:
            shortened.append(key)
        return paragraph

    page_top = " (in full: the top of the app's page)"
    body = [fit("title", f"Chokepoint brief: {name}", title_style)]
    from .reproduce import citation  # a reproduction preset names the analysis and its source

    analysis = citation(scenario.preset) if scenario.preset else ""
    if analysis:
        body.append(fit("claim", f"{analysis} {scenario.claim}", tail=page_top))
    elif scenario.claim and scenario.claim_runway_months:
        body.append(fit("claim", f"Claim tested: {scenario.claim} — {scenario.claim_source}", tail=page_top))
    elif scenario.claim:
        body.append(fit("claim", f"Question: {scenario.claim} Starting points: {scenario.claim_source}", tail=page_top))
    checks = hindcast(result)
    lead, rest = verdict(result, q, checks if scenario.verdict == "hindcast" else None)
    # The runway verdict leaves the US:China ratio out; the brief states it where the actor is China (against one
    # firm, a national ratio says little).
    if scenario.verdict == "runway" and scenario.actor.startswith("China"):
        rest = f"{rest} {ratio_sentence(result, q.get('us_china_compute_ratio_reading'))}"
    body.append(fit("lead", f"Model answer: {lead}", bold, page_top))
    body.append(fit("rest", f"{rest} Reference: {reference_scenario.name}.", tail=page_top))
    alternatives = " ".join(stock_alternatives(result, checks))
    if alternatives:
        body.append(fit("alternatives", alternatives, tail=page_top))

    body.append(Spacer(1, 3))
    body.append(_headline_table(scenario, s, r, q, font, cell, mm))

    changed = [f"{LEVERS[n].label}: {number(reference_scenario.lever(n), LEVERS[n].unit)} → "
               f"{number(scenario.lever(n), LEVERS[n].unit)}" for n in LEVERS
               if scenario.lever(n) != reference_scenario.lever(n)]
    others = [n.replace("_", " ") for n in STRUCTURE_FIELDS if getattr(scenario, n) != getattr(reference_scenario, n)]
    text = "Levers changed against the reference: " + ("; ".join(changed) + "." if changed else "none.")
    if others:
        text += " Other inputs that differ: " + ", ".join(others) + "."
    body.append(fit("changed", text, tail=" (all of them: the app's Compare view)"))

    chart_w = (width - 6 * mm) / 2
    chart_h = chart_w * CHART_SIZE_IN[1] / CHART_SIZE_IN[0]
    charts = Table([[Image(io.BytesIO(_runs_chart(result, reference, mc.monthly)), width=chart_w, height=chart_h),
                     Image(io.BytesIO(_compute_chart(result, reference)), width=chart_w, height=chart_h)]],
                   colWidths=[width / 2, width / 2])
    charts.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    body.append(charts)

    channels = " (in full: the app's Channels & domestic view)"
    body.append(fit("binds", "What binds. " + " ".join(binding_sentences(result)), tail=channels))
    binding = domestic_binding(result, since_start=True)
    years = [f"{int(row.year)}: {number(row.output, 'accelerators')}" for row in binding.itertuples()]
    body.append(fit("output", "China's domestic output by year: " + "; ".join(years) + ".", tail=channels))

    # The footer: sources, version, date, the link and notes, beside the QR code.
    link = _link_for(scenario, base_url, query)
    code = qr_code(link) if link else None
    qr = _qr_flowable(code) if code else None
    qr_side = qr.wrap(0, 0)[0] if qr else 0
    text_width = width - (qr_side + 3 * mm if qr else 0)

    sources = load_sources()
    cited = [f"[{k}] {sources[k].author}, {sources[k].date}{'' if sources[k].verified else ' (link unverified)'}"
             for k in scenario_source_keys(scenario) if k in sources]
    toml = "download the scenario file (TOML) from the app's Share & brief view and upload it"
    if link:
        href = escape(link, {'"': "&quot;"})
        stamp = escape(f"Model version {MODEL_VERSION} · {date} · Link: ")
        for text in (link_label(link), f"open this scenario (the full link, {len(link):,} characters)"):
            link_line = Paragraph(f'{stamp}<a href="{href}" color="#1565c0">{font.markup(text)}</a>', small)
            if link_line.wrap(text_width, A4[1])[1] <= LINES["link"] * small.leading + 0.01:
                break  # else a label of wide letters: the plain one, which always fits
        note = ("The QR code holds the same link." if code else
                f"The link ({len(link):,} characters) is too long for a QR code: click it in the PDF, or {toml}.")
    else:
        link_line = Paragraph(escape(f"Model version {MODEL_VERSION} · {date}"), small)
        note = f"This scenario is too large for a link: {toml} to open it again."
    disclaimer = Paragraph("Results are conditional what-ifs, not forecasts. Assumptions are flagged in the app.",
                           small)

    def footer_for(source_lines: int):
        """The footer with ``source_lines`` for the sources, and its height."""
        texts = [fit("sources", "Sources used: " + ("; ".join(cited) if cited else "none") + ".", small,
                     " (all of them, with titles and links: the app's Sources & assumptions view)", text_width,
                     source_lines), link_line, fit("link_note", note, small, column=text_width)]
        notes = []
        if "title" in shortened:
            notes.append("The name is shortened; the full name is in the scenario file (TOML).")
        if font.missing:
            shown = ", ".join(f"U+{code_point:04X}" for code_point in sorted(font.missing)[:8])
            more = f" and {len(font.missing) - 8} more" if len(font.missing) > 8 else ""
            hint = "" if font.cjk else f" (Chinese, Japanese and Korean need the {CJK_FONT_PACKAGE} package)"
            notes.append(f"Some characters have no glyph in the installed fonts{hint} and print as blanks or boxes: "
                         f"{shown}{more}.")
        if notes:
            texts.append(fit("notes", " ".join(notes), small, column=text_width))
        texts.append(disclaimer)
        table = Table([[texts, qr]] if qr else [[texts]], colWidths=[text_width, qr_side + 3 * mm] if qr else [width])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 0), ("ALIGN", (-1, 0), (-1, 0), "RIGHT")]))
        return table, table.wrap(width, A4[1])[1]

    page_height = A4[1] - (PAGE_MARGIN_MM["top"] + PAGE_MARGIN_MM["bottom"]) * mm
    footer_table, footer_height = footer_for(LINES["sources"])
    body_height = sum(f.wrap(width, page_height)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in body)
    # Room the body leaves is given to the sources: each extra line adds at most one line to the footer.
    spare = int((page_height - FOOTER_GAP_MM * mm - footer_height - body_height) // small.leading)
    if spare > 0 and "sources" in shortened:
        shortened.remove("sources")
        footer_table, footer_height = footer_for(LINES["sources"] + spare)
    body_room = page_height - footer_height - FOOTER_GAP_MM * mm

    def height(flowable) -> float:
        return flowable.wrap(width, page_height)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()

    def budget(keys, styles) -> float:  # every budgeted text at its full budget, present or not
        return sum(LINES[k] * styles.get(k, base).leading + styles.get(k, base).spaceBefore for k in keys)

    fixed = sum(height(f) for f in body if f not in budgeted)  # the table, the charts, the spacer
    body_limit = fixed + budget(BODY_TEXTS, {"title": title_style, "lead": bold})
    # The tallest footer: its texts at their budgets and the one-line disclaimer, or the largest QR code.
    footer_limit = max(budget(FOOTER_TEXTS, {k: small for k in FOOTER_TEXTS}) + small.leading + small.spaceBefore,
                       QR_MAX_SIDE_MM * mm)
    return Layout(title=f"Chokepoint brief: {name}"[:300], body=body, footer=footer_table, footer_height=footer_height,
                  body_height=body_height, body_room=body_room, body_limit=body_limit,
                  body_room_least=page_height - footer_limit - FOOTER_GAP_MM * mm,
                  shortened=tuple(dict.fromkeys(shortened)), link=link, has_qr=bool(code),
                  missing_characters=tuple(sorted(font.missing)))


def _headline_table(scenario, s, r, q, font, cell, mm):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    month = month_name(scenario.reading_month)
    runway = scenario.verdict == "runway"
    names = {"capability_gap_years_reading": f"Capability gap, {month}",
             "frontier_gap_years_reading": f"Compute gap, {month}",
             "us_china_compute_ratio_reading": f"US:China compute, {month}",
             "runway_months": "Runway with new supply" if runway else label("runway_months"),
             "largest_run_flop_reading": f"Largest run, {month}"}
    rows = [["Headline", "This scenario", "Reference", "Change", "Range p10–p90"]]
    for key in HEADLINE_KEYS:
        if key in RUNWAY_ONLY_KEYS and not runway:
            continue
        unit = SUMMARY_UNITS.get(key, "")
        rows.append([Paragraph(font.markup(names.get(key, label(key))), cell), number(s[key], unit),
                     number(r[key], unit), delta(r[key], s[key], unit),
                     number_range(q[key]["p10"], q[key]["p90"], unit)])
    table = Table(rows, colWidths=[56 * mm, 30 * mm, 30 * mm, 26 * mm, 44 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font.regular, 7.4),
                               ("FONT", (0, 0), (-1, 0), font.bold, 7.4),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2), ("TOPPADDING", (0, 0), (-1, -1), 1.2),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def render(page: Layout) -> bytes:
    """Draw a laid-out brief: one canvas page, drawn once, so the PDF never has a second page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame, KeepInFrame

    width = A4[0] - (PAGE_MARGIN_MM["left"] + PAGE_MARGIN_MM["right"]) * mm
    left, bottom = PAGE_MARGIN_MM["left"] * mm, PAGE_MARGIN_MM["bottom"] * mm
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setTitle(page.title)
    canvas.setAuthor("Chokepoint")
    canvas.setCreator("Chokepoint")
    canvas.setProducer("Chokepoint")
    page.footer.drawOn(canvas, left, bottom)
    body = page.body
    if page.body_height > page.body_room:  # budgets exceeded: shrink the body rather than lose its end
        body = [KeepInFrame(width, page.body_room, body, mode="shrink")]
        # Shrinking can miss (reportlab's search is a model, not exact): clip the end then rather than leave it off.
        if body[0].wrapOn(canvas, width, page.body_room)[1] > page.body_room:
            body = [KeepInFrame(width, page.body_room, page.body, mode="truncate")]
    frame = Frame(left, bottom + page.footer_height + FOOTER_GAP_MM * mm, width, page.body_room, leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    frame.addFromList(list(body), canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def make_brief(scenario, *, date: str | None = None, base_url: str = "https://chokepoint.example",
               query: str | None = None, original=None, cjk_files: tuple = None) -> bytes:
    """The brief as PDF bytes: always exactly one A4 page.

    ``date`` (YYYY-MM-DD, default today) and ``base_url`` make it reproducible. ``query`` is the share link's
    query (default: the scenario's own link); "" says the scenario is too large for a link. ``original`` is the
    scenario the page started from (default: the scenario's preset), so a changed one is named as changed.
    ``cjk_files`` overrides ``CJK_FONT_FILES`` (tests)."""
    return render(layout(scenario, date=date, base_url=base_url, query=query, original=original, cjk_files=cjk_files))
