"""Use cases: ingest, catalogue browsing, and (later) matching and recommendations. No web imports."""

__all__: list[str] = []
