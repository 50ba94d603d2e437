"""Gap analysis and pathway planning (pure: plain data in, plain data out; no web, no database)."""

__all__: list[str] = []
