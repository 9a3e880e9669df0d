"""The page: link handling, controls, caching, text and one module per view. Imported by ``app.py`` only."""
