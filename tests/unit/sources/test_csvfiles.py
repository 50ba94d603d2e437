"""CSV reading: every malformation becomes an IngestError naming the file and the line."""

import gzip
from pathlib import Path

import pytest

from credpath.errors import IngestError
from credpath.sources.csvfiles import find_file, is_null, read_csv


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_multiline_cells_with_line_numbers(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", 'id,labels\n1,"x\ny"\n2,z\n')
    rows = list(read_csv(path, ["id"]))
    assert rows == [(3, {"id": "1", "labels": "x\ny"}), (4, {"id": "2", "labels": "z"})]


def test_missing_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "id,name\n1,x\n")
    with pytest.raises(IngestError, match=r"a\.csv, line 1: header lacks required column\(s\) \['label'\]"):
        list(read_csv(path, ["id", "label"]))


def test_short_record(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "id,name,kind\n1,x,y\n2,x\n")
    with pytest.raises(IngestError, match=r"line 3: expected 3 fields, found 2"):
        list(read_csv(path, ["id"]))


def test_unterminated_quote_at_end(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", 'id,name\n1,"never closed\n')
    with pytest.raises(IngestError, match=r"a\.csv, line \d+: malformed CSV"):
        list(read_csv(path, ["id"]))


def test_bad_utf8(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"id,name\n1,caf\xe9\n")
    with pytest.raises(IngestError, match="not valid UTF-8"):
        list(read_csv(path, ["id"]))


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="file is empty"):
        list(read_csv(_write(tmp_path / "a.csv", ""), ["id"]))


def test_truncated_gzip(tmp_path: Path) -> None:
    path = tmp_path / "a.csv.gz"
    payload = gzip.compress(("id,name\n" + "".join(f"{i},name {i}\n" for i in range(5000))).encode())
    path.write_bytes(payload[: len(payload) // 2])
    with pytest.raises(IngestError, match=r"a\.csv\.gz, line \d+: damaged or truncated gzip"):
        list(read_csv(path, ["id"]))


def test_find_file_prefers_plain_then_gz(tmp_path: Path) -> None:
    (tmp_path / "x.csv.gz").write_bytes(gzip.compress(b"id\n1\n"))
    assert find_file(tmp_path, "x.csv").name == "x.csv.gz"
    with pytest.raises(IngestError, match="file not found"):
        find_file(tmp_path, "y.csv")


@pytest.mark.parametrize("cell", ["", "  ", "None", "NaN", "null", "N/A", "na", "-", " none "])
def test_null_tokens_are_empty(cell: str) -> None:
    assert is_null(cell)


@pytest.mark.parametrize("cell", ["0", "Nano", "None of the above", "--", "n"])
def test_values_are_not_null(cell: str) -> None:
    assert not is_null(cell)
