"""About: what the model is, what it is not, how to cite it."""

from __future__ import annotations

import streamlit as st

import lib

from ..context import Page


HOW = """Monthly. The rule in force decides each foreign chip's status and the prong that decides it;
every dated change (rules, vendor halts, licence windows, ends of sale, fees, China's measures) is a row of the
ledger of events (Export rule view). A chip arrives through two gates: the US side (the rule, the vendor's halt,
the approval share and fee for its family, or a "US allows" switch) and China's side (the share its gate lets in).
The import budget goes to the best chip on the list; demand the US blocks is smuggled at the leakage share once,
demand China refuses turns to another family. China's domestic output is the smaller of what SMIC's wafers and the
TSMC die bank (logic) and HBM stacks allow, on sourced paths; chips without HBM are outside the HBM bound. The
largest run is the largest cluster (training share × lab share × cluster share of the owned fleet, plus a rented
cluster) × peak × MFU × window. Two gaps read the largest run feasible to date against the frontier's (Epoch's
4–5×/yr, slowing smoothly towards ~2e29 FLOP): the **compute gap** (years of the frontier's growth) and the
**capability gap** (on effective compute: the frontier's algorithms halve the compute needed every ~8 months and
China adopts them after a catch-up lag). The US side is one sourced world path (Epoch's ~15M H100e in Jan 2026,
2.25×/yr) × the US share; exports to China come out of it at the diversion share."""

CHANGED = """The training share now means the training-vs-inference split (China presets 0.5; was
0.05, "the share one run uses", now the lab and cluster shares); leakage on the China presets 0.34, from Epoch's
smuggling estimate; the HBM draw-down 18 months (SemiAnalysis); the planned run's growth 3×/yr (Epoch's Chinese
rate, was 4) and Baidu's planned run 5e23 FLOP in Nov 2023 (Epoch's ERNIE 4.5 estimate taken back at 3×/yr, was
5e24); frontier growth at least 2×/yr. Older scenario files load with a note."""

SIMPLIFICATIONS = """Prices do not respond to scarcity (a fee is passed on in full); there is no
second-hand market; the "other vendors" row (T-Head, Hygon and the rest) is one sourced path; proxy fabrication is
not a channel; stockpiles of dies and HBM are drawn over a set number of months; the China aggregate's largest run is
one lab's cluster, not a national pool; the US side is a path, not a model; an actor takes its share month by month
and what it does not take goes to other buyers. An actor's starting stock is a scenario input with no lever and no
Monte Carlo range (Baidu's is derived, not reported): where an outside estimate of it disagrees, the page says what
the runway would be with that estimate instead. Results are conditional what-ifs, not forecasts."""

# Each section: a lead the reader takes in at a glance, and the whole text one click away.
SECTIONS = (
    ("How it works",
     "Monthly: the rule decides each chip's status; a chip passes the US gate, then China's; domestic output is "
     "the smaller of what logic and HBM allow; two gaps read the largest feasible run against the frontier's.",
     HOW),
    ("Changed in model 3.0",
     "The training share, leakage, the HBM draw-down and Baidu's planned run changed; older scenario files load "
     "with a note.",
     CHANGED),
    ("Simplifications, said plainly",
     "Results are conditional what-ifs, not forecasts: prices do not respond to scarcity, there is no second-hand "
     "market, and the US side is a path, not a model.",
     SIMPLIFICATIONS),
)


def render(page: Page) -> None:
    st.markdown("**Chokepoint** couples US export thresholds to chip status, chip flows by channel, China's domestic "
                "output, stockpiles and capability in one loop. Model version "
                f"**{lib.MODEL_VERSION}**.")
    for title, lead, whole in SECTIONS:
        st.markdown(f"*{title}.* {lead}")
        with st.expander(f"{title}, in full", key=f"about_{title.split()[0].lower()}"):
            st.markdown(whole)
    st.markdown(f"*How to cite.* Chokepoint, model version {lib.MODEL_VERSION}, with the share link of the scenario "
                "you used. The command line (`python -m lib`) reproduces every figure byte for byte.")
