"""One module per view, named as the page names it; each has ``render(page)``."""
