"""Copy a whole credpath database into another one (e.g. a built SQLite file into PostgreSQL).

How a single-process deployment moves to several replicas over PostgreSQL without re-running the
build: ``credpath copy-database --to postgresql://…`` (README "Running several replicas"). Rows go
table by table in foreign-key order through PostgreSQL's ``COPY``, in one transaction.
"""

import json
import logging
from typing import Any

from sqlalchemy import Engine, MetaData, Table, select
from sqlalchemy import types as sa_types

__all__ = ["copy_database"]

log = logging.getLogger(__name__)


def _convert(value: Any, *, boolean: bool, document: bool) -> Any:
    if value is None:
        return None
    if boolean:
        return bool(value)
    if document:
        return json.dumps(value)
    return value


def _advance_sequences(cursor: Any, table: Table) -> None:
    """Move each id sequence past the copied ids.

    COPY writes the ids but leaves the sequence at 1, so the first insert afterwards (an audit event, a
    key) would collide with a copied row.
    """
    for column in table.primary_key.columns:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", (table.name, column.name))
        found = cursor.fetchone()
        if found is None or found[0] is None:
            continue
        cursor.execute(
            # Names come from the reflected schema, never from a request.
            f'SELECT setval(%s, COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, false)',  # noqa: S608
            (found[0],),
        )


def copy_database(source: Engine, target: Engine) -> dict[str, int]:
    """Copy every table of ``source`` into the (migrated, empty) PostgreSQL database ``target``.

    Args:
        source: any credpath database at the same schema revision.
        target: a migrated PostgreSQL database whose tables are empty.

    Returns:
        Rows copied per table.
    """
    if target.dialect.name != "postgresql":
        raise ValueError("the target of a database copy must be PostgreSQL")
    target_tables = MetaData()
    target_tables.reflect(target)
    source_tables = MetaData()
    source_tables.reflect(source)
    copied: dict[str, int] = {}
    raw = target.raw_connection()
    try:
        cursor = raw.cursor()
        for table in target_tables.sorted_tables:
            if table.name == "alembic_version" or table.name not in source_tables.tables:
                continue
            columns = [column.name for column in table.columns]
            # SQLite stores booleans as integers and JSON as text read back into lists; COPY wants real booleans
            # and JSON documents.
            booleans = [column.type.python_type is bool for column in table.columns]
            documents = [isinstance(column.type, sa_types.JSON) for column in table.columns]
            origin = source_tables.tables[table.name]
            names = ", ".join(f'"{name}"' for name in columns)
            count = 0
            with source.connect() as connection:
                rows = connection.execute(select(*(origin.c[name] for name in columns))).yield_per(10_000)
                with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(
                            [
                                _convert(value, boolean=flag, document=document)
                                for flag, document, value in zip(booleans, documents, row, strict=True)
                            ]
                        )
                        count += 1
            copied[table.name] = count
            _advance_sequences(cursor, table)
        raw.commit()
    finally:
        raw.close()
    log.info("copied %d rows in %d tables", sum(copied.values()), len(copied))
    return copied
