"""Lookup engine: Vietnamese folding, datasets and fuzzy matching. No web framework in here."""
