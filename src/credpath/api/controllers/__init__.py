"""Route handlers grouped by resource."""

__all__: list[str] = []
