"""Alembic migrations (generated from ``storage.tables``, reviewed by hand)."""
