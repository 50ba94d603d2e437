"""Persistence: SQLModel tables, the engine, repositories (all SQL lives here) and bulk sync."""

__all__: list[str] = []
