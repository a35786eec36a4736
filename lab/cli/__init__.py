"""The terminal side: `python -m lab doctor|cluster|room|bundle|reset` (lab/__main__.py)."""
