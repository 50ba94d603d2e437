"""CSV reading that turns every malformation into an :class:`IngestError` naming the file and line."""

import csv
import gzip
import hashlib
import io
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from credpath.errors import IngestError

__all__ = ["NULL_TOKENS", "file_digest", "find_file", "is_null", "read_csv"]

# What the scraped sources write in a cell that holds nothing (compared case-insensitively).
NULL_TOKENS: frozenset[str] = frozenset({"none", "nan", "null", "n/a", "na", "-"})

# Some ESCO descriptions run to several KB; the stdlib default (128 KiB) is plenty but explicit is better.
csv.field_size_limit(16 * 1024 * 1024)


def is_null(cell: str) -> bool:
    """Whether a cell is empty or one of the :data:`NULL_TOKENS`.

    Example:
        >>> [is_null(cell) for cell in ("", "  ", "None", "N/A", " nan ", "-", "0", "Nano")]
        [True, True, True, True, True, True, False, False]
    """
    return " ".join(cell.split()).casefold() in NULL_TOKENS or not cell.strip()


def find_file(directory: Path, name: str) -> Path:
    """Return ``directory/name`` or its gzipped twin ``name.gz``, whichever exists.

    Raises:
        IngestError: neither exists.
    """
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise IngestError(str(directory / name), None, "file not found (looked for it and its .gz)")


def file_digest(paths: Iterable[Path]) -> str:
    """SHA-256 over the bytes of ``paths`` (in the order given): the identity of an ingest input."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return path.open("r", encoding="utf-8", newline="")


def read_csv(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line, row)`` for each record of a CSV file, plain or gzipped.

    ``line`` is the physical line where the record ends (records may span lines: ESCO puts newlines
    inside quoted cells). Every record must have exactly the header's number of fields, so a file cut
    short mid-record is caught rather than loaded half-empty.

    Args:
        path: the file.
        required: columns that must be present in the header.

    Raises:
        IngestError: missing columns, a malformed or truncated record, bad UTF-8, or a damaged gzip stream.
    """
    name = str(path)
    line = 0
    try:
        with _open_text(path) as handle:
            reader = csv.reader(handle, strict=True)
            try:
                header = next(reader)
            except StopIteration:
                raise IngestError(name, 1, "file is empty (no header row)") from None
            header = [column.lstrip("\ufeff").strip() for column in header]
            missing = [column for column in required if column not in header]
            if missing:
                raise IngestError(name, 1, f"header lacks required column(s) {missing}; found {header}")
            width = len(header)
            for record in reader:
                line = reader.line_num
                if not record:
                    continue
                if len(record) != width:
                    raise IngestError(
                        name, line, f"expected {width} fields, found {len(record)} (truncated or shifted?)"
                    )
                yield line, dict(zip(header, record, strict=True))
    except IngestError:
        raise
    except csv.Error as exc:
        raise IngestError(name, line + 1, f"malformed CSV: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise IngestError(name, line + 1, f"not valid UTF-8: {exc.reason}") from exc
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise IngestError(name, line + 1, f"damaged or truncated gzip stream: {exc}") from exc
