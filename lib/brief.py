"""A one-page PDF brief of a scenario, made in memory.

It holds the scenario's name and claim, the model's answer with its range, the levers changed against
the reference scenario, the headline figures with deltas and ranges, the two main charts, the binding
constraints, the sources used, the model version, the share link and the date.

Made with reportlab (PDF layout, pure Python, ``invariant`` output so a brief is reproducible byte for
byte) and matplotlib's Agg renderer for the charts: no browser is started, which matters on a shared
host. Both render DejaVu Sans, which ships with matplotlib, so ≥, × and – print. Nothing here writes a
file: ``make_brief`` returns bytes; the CLI writes them to the one path the user names.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from xml.sax.saxutils import escape

from .compare import reference_for
from .evidence import hindcast
from .explain import binding_sentences, domestic_binding, stock_alternatives, verdict
from .format import delta, label, number, number_range
from .levers import LEVERS
from .model import MODEL_VERSION, SUMMARY_UNITS, run
from .sources import load_sources, scenario_source_keys

HEADLINE_KEYS = ("runway_months", "frontier_gap_years_reading", "h100e_years_total", "h100e_end",
                 "largest_run_flop_end", "inference_runway_months")


def _fonts():
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(folder / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(folder / "DejaVuSans-Bold.ttf")))


def _chart_png(draw) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3.6, 2.3), dpi=160)
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


def make_brief(scenario, *, date: str | None = None, base_url: str = "https://chokepoint.example",
               query: str | None = None) -> bytes:
    """The brief as PDF bytes. ``date`` (YYYY-MM-DD, default today) and ``base_url`` make it reproducible."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from .link import share_query
    from .uncertainty import HEADLINE_SAMPLES, run_monte_carlo

    _fonts()
    date = date or dt.date.today().isoformat()
    result = run(scenario)
    reference_scenario = reference_for(scenario)
    reference = run(reference_scenario)
    mc = run_monte_carlo(scenario, samples=HEADLINE_SAMPLES, seed=0)  # the page's ranges
    s, r = result.summary, reference.summary

    base = ParagraphStyle("base", fontName="DejaVu", fontSize=8.2, leading=10.4, spaceBefore=2)
    small = ParagraphStyle("small", parent=base, fontSize=6.8, leading=8.4, textColor=colors.HexColor("#444444"))
    head = ParagraphStyle("head", parent=base, fontName="DejaVu-Bold", fontSize=8.8, leading=11, spaceBefore=4)
    title = ParagraphStyle("title", parent=base, fontName="DejaVu-Bold", fontSize=13, leading=16)

    def p(text, style=base):
        return Paragraph(escape(text), style)

    cell = ParagraphStyle("cell", parent=base, fontSize=7.4, leading=8.8, spaceBefore=0)
    q = mc.summary
    story = [p(f"Chokepoint brief: {scenario.name}", title)]
    if scenario.claim:
        story.append(p(f"Claim tested: {scenario.claim} — {scenario.claim_source}", base))
    checks = hindcast(result)
    lead, rest = verdict(result, q, checks if scenario.verdict == "hindcast" else None)
    story.append(p(f"Model answer: {lead} {rest} Reference: {reference_scenario.name}.", head))
    for sentence in stock_alternatives(result, checks):
        story.append(p(sentence, base))

    rows = [["Headline", "This scenario", "Reference", "Change", "Range p10–p90"]]
    for key in HEADLINE_KEYS:
        unit = SUMMARY_UNITS.get(key, "")
        rows.append([Paragraph(escape(label(key)), cell), number(s[key], unit), number(r[key], unit), delta(r[key], s[key], unit),
                     number_range(q[key]['p10'], q[key]['p90'], unit)])
    table = Table(rows, colWidths=[50 * mm, 32 * mm, 32 * mm, 26 * mm, 46 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "DejaVu", 7.4), ("FONT", (0, 0), (-1, 0), "DejaVu-Bold", 7.4),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.2)]))
    story += [Spacer(1, 3), table]

    changed = [f"{LEVERS[n].label}: {number(reference_scenario.lever(n), LEVERS[n].unit)} → "
               f"{number(scenario.lever(n), LEVERS[n].unit)}" for n in LEVERS
               if scenario.lever(n) != reference_scenario.lever(n)]
    for name in ("rule_vintage", "what_if_from", "hbm_control_from", "reading_year", "import_chips", "allowed_chips",
                 "initial_stock"):
        if getattr(scenario, name) != getattr(reference_scenario, name):
            changed.append(f"{name.replace('_', ' ')} differs from the reference")
    story.append(p("Levers changed against the reference: " + ("; ".join(changed) if changed else "none."), base))

    charts = Table([[Image(io.BytesIO(_runs_chart(result, reference, mc.monthly)), width=90 * mm, height=62 * mm),
                     Image(io.BytesIO(_compute_chart(result, reference)), width=90 * mm, height=62 * mm)]])
    story += [Spacer(1, 2), charts]

    story.append(p("What binds. " + " ".join(binding_sentences(result)), base))
    binding = domestic_binding(result, since_start=True)
    years = [f"{int(row.year)}: {number(row.output, 'accelerators')}" for row in binding.itertuples()]
    story.append(p("China's domestic output by year: " + "; ".join(years) + ".", base))

    sources = load_sources()
    keys = scenario_source_keys(scenario)
    cited = [f"[{k}] {sources[k].author}, {sources[k].date}{'' if sources[k].verified else ' (link unverified)'}"
             for k in keys if k in sources]
    story.append(p("Sources used: " + "; ".join(cited) + ". Full titles and links: data/sources.csv and the app's "
                   "Sources view.", small))
    link = f"{base_url.rstrip('/')}/?{query or share_query(scenario)}"
    story.append(p(f"Model version {MODEL_VERSION} · {date} · Share link: {link}", small))
    story.append(p("Results are conditional what-ifs, not forecasts. Assumptions are flagged in the app.", small))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=10 * mm,
                            bottomMargin=8 * mm, title=f"Chokepoint brief: {scenario.name}", author="Chokepoint",
                            invariant=1, creator="Chokepoint", producer="Chokepoint")
    doc.build(story)
    return buffer.getvalue()
