"""
The public site has no tables of its own: it reads the board's business (``boards``) through ``selectors``,
which return only what the council publishes.
"""
