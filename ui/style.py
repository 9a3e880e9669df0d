"""The page's own layout rules, as one constant stylesheet.

Streamlit's main column starts 6 rem below the top, which on a 1280×800 screen pushes the headline chart's legend
below the fold. An HTML table (text that wraps, ``ui/tables.py``) sized for a 1280-px window scrolls inside its
own box on a narrower one, instead of pushing the page sideways. This is the app's only ``st.html``: the text is this module's constant, never anything from a user
(``tests/test_security.py`` checks both).
"""

import streamlit as st

PAGE_CSS = """
@media (min-width: 768px) { .stMainBlockContainer { padding-top: 3.75rem; } }
[data-testid=stTable] { overflow-x: auto; }
"""


def apply() -> None:
    st.html(f"<style>{PAGE_CSS}</style>")
