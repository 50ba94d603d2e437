"""Readers for the published source layouts (ESCO CSV export, O*NET database, crosswalk, catalogues).

Pure: they read files and return frozen records; they know nothing of the database.
"""

__all__: list[str] = []
