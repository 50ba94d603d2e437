"""Taxonomy text representations and linking of free text to skills and occupations (pure: numpy only)."""

__all__: list[str] = []
