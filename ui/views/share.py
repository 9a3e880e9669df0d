"""Share & brief: the link, downloads (CSV, JSON, TOML, a one-page PDF brief) and the diff of two links."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st

import lib
from lib import charts, link
from lib.compare import diff_scenarios
from lib.format import delta, label, number


from .. import link as page_link
from ..context import Page
from ..device import show_chart
from ..tables import table
from ..text import md


def _brief(scenario, base_url: str, query: str, original) -> bytes:
    from lib.brief import make_brief  # reportlab and matplotlib load only when a brief is asked for

    return make_brief(scenario, date=dt.date.today().isoformat(), base_url=base_url, query=query, original=original)


def _scenario_from_link(text: str, field: str):
    try:
        state, notes = link.read_link(text, field)
    except lib.ScenarioError as exc:  # say which box: "Link A: link: … has too many parameters"
        message = str(exc)
        raise lib.ScenarioError(message if message.startswith(f"{field}:") else f"{field}: {message}") from None
    # The notices name URL parameters; say they are about the pasted link, not the page's own address.
    return link.scenario_for(state), [f"{field}: {note}" for note in notes]


def _line_names(a, b, report) -> tuple[str, str]:
    """Chart names for two links; on the same preset, by the first input that differs ("A: Leakage 30%"), saying
    how many more differ."""
    if a.name != b.name or not report["inputs"]:
        return f"A: {a.name}", f"B: {b.name}"
    row = report["inputs"][0]

    def value(side):
        return number(row[side], row["unit"]) if row["unit"] else str(row[side])[:40]

    more = len(report["inputs"]) - 1
    # Naming one input when several differ would credit it with all of the change.
    tail = f" and {more} more input{'s' * (more != 1)}" if more else ""
    return f"A: {row['label']} {value('a')}{tail}", f"B: {row['label']} {value('b')}{tail}"


def scenario_file(scenario, pins: tuple) -> str:
    """The TOML download: the scenario, and the pins when there are any (an upload restores both)."""
    if not pins:
        return scenario.to_toml()
    return lib.scenario.to_toml({**scenario.to_dict(), "pins": list(pins)})


def summary_file(scenario, summary: dict, pins: tuple) -> str:
    """The JSON download: the summary, and the scenario and pins that made it (an upload restores both; the
    summary is recomputed, never read back)."""
    return json.dumps({"model_version": lib.MODEL_VERSION, "summary": summary, "scenario": scenario.to_dict(),
                       "pins": list(pins)}, indent=2, ensure_ascii=False)


def render(page: Page) -> None:
    scenario, result = page.scenario, page.result
    # The page's address is read now: the brief is made later, when the button is pressed, outside this run.
    base_url, query = page_link.base_url(), page.query
    original = link.base_scenario(page.key[0], page.key[1])  # an upload with changed levers is named as changed
    pins = tuple(st.session_state.get("pins", []))  # the downloads carry them, and an upload brings them back
    notice = st.session_state.get("link_notice", "")
    if query:
        st.markdown("**Share link** — the whole scenario is in it (preset, changed levers, pins, model version).")
        if notice:
            st.warning(md(notice), icon="⚠️")
        st.code(f"{base_url}/?{query}", language=None, wrap_lines=True)
    else:  # the scenario itself cannot travel in a link: the file can
        st.warning(md(notice), icon="⚠️")
        st.download_button("Scenario file (TOML), to upload instead of a link", key="dl_toml_instead",
                           file_name="chokepoint-scenario.toml", mime="application/toml",
                           data=lambda: scenario_file(scenario, pins), on_click="ignore")
    cols = st.columns(2)
    with cols[0]:
        st.download_button("Monthly results (CSV)", key="dl_csv", file_name="chokepoint-monthly.csv", mime="text/csv",
                           data=lambda: result.monthly.assign(month=result.monthly["month"].dt.strftime("%Y-%m"))
                           .to_csv(index=False), on_click="ignore")
        st.download_button("Summary (JSON)", key="dl_json", file_name="chokepoint-summary.json",
                           mime="application/json", on_click="ignore",
                           data=lambda: summary_file(scenario, result.summary, pins),
                           help="Uploads back: the scenario and the pins (the summary is recomputed).")
    with cols[1]:
        st.download_button("Scenario file (TOML, for upload or the CLI)", key="dl_toml",
                           file_name="chokepoint-scenario.toml", mime="application/toml",
                           data=lambda: scenario_file(scenario, pins), on_click="ignore",
                           help="Uploads back with the pins; the CLI reads the scenario and leaves the pins.")
        st.download_button("One-page brief (PDF)", key="dl_brief", file_name="chokepoint-brief.pdf",
                           mime="application/pdf", on_click="ignore",
                           data=lambda: _brief(scenario, base_url, query, original),
                           help="Made in memory on the server (reportlab and matplotlib, no browser): the claim, the "
                                "answer with its range, changes against the reference, two charts, binding "
                                "constraints, sources, model version, this link and today's date.")
    st.caption("CLI: `python -m lib run chokepoint-scenario.toml --format csv` · "
               "`python -m lib brief chokepoint-scenario.toml -o brief.pdf`")

    st.divider()
    st.markdown("**Diff two links.** Paste two share links, or one to compare with this page.")
    first = st.text_input("Link A", key="diff_a", max_chars=link.MAX_LINK_CHARS, placeholder="https://…/?preset=…")
    second = st.text_input("Link B (empty: this page)", key="diff_b", max_chars=link.MAX_LINK_CHARS)
    if not first:
        return
    try:
        a, notes_a = _scenario_from_link(first, "Link A")
        b, notes_b = _scenario_from_link(second, "Link B") if second else (scenario, [])
    except lib.ScenarioError as exc:
        st.error(md(str(exc)))
        return
    for note in [*notes_a, *notes_b]:
        st.warning(md(note))
    report = diff_scenarios(a, b)
    inputs = pd.DataFrame([{"Input": row["label"], "A": number(row["a"], row["unit"]) if row["unit"] else str(row["a"])[:200],
                            "B": number(row["b"], row["unit"]) if row["unit"] else str(row["b"])[:200]}
                           for row in report["inputs"]], columns=["Input", "A", "B"])
    st.markdown(f"**Inputs that differ** ({len(inputs)})")
    table(inputs, "table_diff_inputs")
    outputs = pd.DataFrame([{"Output": label(row["key"]), "A": number(row["a"], row["unit"]),
                             "B": number(row["b"], row["unit"]), "Change": delta(row["a"], row["b"], row["unit"])}
                            for row in report["outputs"]])
    st.markdown("**Every output**")
    table(outputs, "table_diff_outputs")
    name_a, name_b = _line_names(a, b, report)
    frames = {name_a: lib.run(a).capability, name_b: lib.run(b).capability}
    show_chart(charts.overlay_figure(frames, "largest_run_flop", "largest feasible run [FLOP] (log)", log=True),
               "chart_diff")

