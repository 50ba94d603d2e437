"""Malformed or truncated inputs: a clear error naming file and line, and the database exactly as it was."""

import gzip
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

from credpath.errors import IngestError
from credpath.pipeline import ingest as ingest_service
from credpath.pipeline.ingest import DEFAULT_BUNDLE, IngestReport, ingest_catalog, ingest_esco
from tests.pipeline.test_ingest import _snapshot

Loaded = tuple[Engine, list[IngestReport]]


@pytest.fixture
def esco_copy(tmp_path: Path, data_dir: Path) -> Path:
    target = tmp_path / "esco"
    shutil.copytree(data_dir / DEFAULT_BUNDLE.esco, target)
    return target


def test_truncated_gzip_names_file_and_line(loaded: Loaded, esco_copy: Path) -> None:
    engine, _ = loaded
    skills = esco_copy / "classification_en/skills_en.csv.gz"
    data = skills.read_bytes()
    skills.write_bytes(data[: len(data) // 2])
    before = _snapshot(engine)
    with pytest.raises(IngestError, match=r"skills_en\.csv\.gz, line \d+: damaged or truncated gzip") as info:
        ingest_esco(engine, esco_copy, force=True)
    assert info.value.line is not None
    assert info.value.line > 1000
    assert _snapshot(engine) == before


def test_unknown_skill_in_relations_names_the_line(loaded: Loaded, esco_copy: Path) -> None:
    engine, _ = loaded
    relations = esco_copy / "relations/occupationSkillRelations.csv.gz"
    with gzip.open(relations, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    lines[5] = lines[5].rsplit(",", 1)[0] + ",http://data.europa.eu/esco/skill/not-a-skill"
    with gzip.open(relations, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    before = _snapshot(engine)
    with pytest.raises(IngestError, match=r"occupationSkillRelations\.csv\.gz, line 6: unknown skill"):
        ingest_esco(engine, esco_copy, force=True)
    assert _snapshot(engine) == before


def test_catalogue_cut_mid_record(loaded: Loaded, data_dir: Path, tmp_path: Path) -> None:
    engine, _ = loaded
    text = (data_dir / "catalog_edx/edx.csv").read_text(encoding="utf-8")
    cut = tmp_path / "edx.csv"
    cut.write_text(text[: len(text) // 2].rsplit(",", 3)[0], encoding="utf-8")
    before = _snapshot(engine)
    with pytest.raises(IngestError, match=r"edx\.csv, line \d+: (expected 10 fields|malformed CSV)"):
        ingest_catalog(engine, cut, "edx", source="edx")
    assert _snapshot(engine) == before


def test_wrong_layout_is_rejected(loaded: Loaded, data_dir: Path) -> None:
    engine, _ = loaded
    with pytest.raises(IngestError, match=r"line 1: not a known Coursera layout"):
        ingest_catalog(engine, data_dir / "catalog_edx/edx.csv", "coursera", source="edx")


def test_failure_midway_rolls_everything_back(loaded: Loaded, esco_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fault after the skills table was written must leave no trace (one transaction per source)."""
    engine, _ = loaded
    skills = esco_copy / "classification_en/skills_en.csv.gz"
    with gzip.open(skills, "rt", encoding="utf-8") as handle:
        text = handle.read()
    # Edit a label so the skills step really writes before the fault.
    with gzip.open(skills, "wt", encoding="utf-8") as handle:
        handle.write(text.replace("manage musical staff", "manage musical staff EDITED", 1))
    real_sync = ingest_service.sync_rows
    calls = {"n": 0}

    def failing_sync(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("disk full")
        return real_sync(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_service, "sync_rows", failing_sync)
    before = _snapshot(engine)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_esco(engine, esco_copy, force=True)
    assert calls["n"] == 5
    assert _snapshot(engine) == before
