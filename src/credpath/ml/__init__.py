"""Numeric core: text encoders and vector indexes. Imports no web or ORM code."""

__all__: list[str] = []
