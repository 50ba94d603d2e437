"""Independent readings of the source files, so tests compare the database with the files, not with the code."""

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path


def records(path: Path) -> Iterator[dict[str, str]]:
    """Every CSV record of a plain or gzipped file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def count(path: Path) -> int:
    """Number of CSV records (not lines: cells may hold newlines)."""
    return sum(1 for _ in records(path))
