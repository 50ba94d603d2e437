"""The whole default bundle on SQLite and PostgreSQL: counts equal the files, re-runs are no-ops."""

from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from credpath.pipeline.ingest import DEFAULT_BUNDLE, IngestReport, ingest_default
from credpath.storage.tables import (
    Credential,
    Crosswalk,
    Dataset,
    Occupation,
    OccupationBroader,
    OccupationSkill,
    OnetOccupationElement,
    OnetTechnologySkill,
    Skill,
    SkillBroader,
    SkillGroup,
    SkillRelation,
)
from tests.sourcefiles import count, records

Loaded = tuple[Engine, list[IngestReport]]


def _count(engine: Engine, model: type, *where: object) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(model)
        for clause in where:
            query = query.where(clause)  # type: ignore[arg-type]
        return int(session.scalar(query) or 0)


def test_esco_counts_equal_the_files(loaded: Loaded, data_dir: Path) -> None:
    engine, _ = loaded
    esco = data_dir / DEFAULT_BUNDLE.esco
    assert _count(engine, Skill) == count(esco / "classification_en/skills_en.csv.gz") == 13_896
    assert _count(engine, Occupation, col(Occupation.taxonomy) == "esco") == 3_007
    assert count(esco / "classification_en/occupations_en.csv.gz") == 3_007
    assert _count(engine, OccupationSkill) == count(esco / "relations/occupationSkillRelations.csv.gz") == 123_855
    assert _count(engine, SkillRelation) == count(esco / "relations/skillSkillRelations.csv.gz")
    assert _count(engine, SkillBroader) == count(esco / "relations/broaderRelationsSkillPillar.csv.gz")
    assert _count(engine, OccupationBroader) == count(esco / "relations/broaderRelationsOccPillar.csv.gz")
    assert _count(engine, SkillGroup) == count(esco / "classification_en/skillGroups_en.csv.gz")
    essential = sum(
        1 for r in records(esco / "relations/occupationSkillRelations.csv.gz") if r["relationType"] == "essential"
    )
    assert _count(engine, OccupationSkill, col(OccupationSkill.relation_type) == "essential") == essential


def test_onet_counts_equal_the_files(loaded: Loaded, data_dir: Path) -> None:
    engine, _ = loaded
    onet = data_dir / DEFAULT_BUNDLE.onet
    assert (
        _count(engine, Occupation, col(Occupation.taxonomy) == "onet")
        == count(onet / "Occupation_Data.csv.gz")
        == 1_016
    )
    # Skills and Knowledge hold one row per scale (IM, LV); credpath keeps one row per (occupation, element).
    pairs = {
        (r["O*NET-SOC Code"], r["Element ID"])
        for name in ("Skills", "Knowledge")
        for r in records(onet / f"{name}.csv.gz")
    }
    assert _count(engine, OnetOccupationElement) == len(pairs)
    assert _count(engine, OnetTechnologySkill) == count(onet / "Technology_Skills.csv.gz") == 32_627
    titles = {(r["O*NET-SOC Code"], r["Alternate Title"]) for r in records(onet / "Alternate_Titles.csv.gz")}
    with Session(engine) as session:
        stored = session.scalars(select(Occupation.alt_labels).where(col(Occupation.taxonomy) == "onet"))
        assert sum(len(labels) for labels in stored) == len(titles)


def test_onet_ratings_keep_importance_and_level_as_numbers(loaded: Loaded) -> None:
    engine, _ = loaded
    with Session(engine) as session:
        rating = session.get(OnetOccupationElement, ("11-1011.00", "2.A.1.a"))
    assert rating is not None
    assert (rating.importance, rating.level) == (4.12, 4.62)


def test_crosswalk_and_catalogue_counts(loaded: Loaded, data_dir: Path) -> None:
    engine, reports = loaded
    assert _count(engine, Crosswalk) == count(data_dir / DEFAULT_BUNDLE.crosswalk) == 1_680
    by_name = {report.dataset: report for report in reports}
    for source, relative, _fmt in DEFAULT_BUNDLE.catalogs:
        notes = by_name[f"catalog:{source}"].notes
        assert notes["rows_read"] == count(data_dir / relative)
        rejected = sum(value for key, value in notes.items() if key.startswith("rejected_"))
        assert notes["accepted"] == notes["rows_read"] - notes.get("merged_duplicates", 0) - rejected
        assert _count(engine, Credential, col(Credential.source) == source) == notes["accepted"]
    # The known-bad rows of each SOURCE.md, as measured when the rules were written.
    assert by_name["catalog:edx"].notes["rejected_missing_title_or_provider"] == 32
    assert by_name["catalog:edx"].notes["fixed_truncated_institution"] == 80
    assert by_name["catalog:coursera-certtypes"].notes["rejected_placeholder"] == 23
    azrai = by_name["catalog:coursera-azrai99"].notes
    assert azrai["dropped_misaligned_description"] + azrai["dropped_non_english_description"] == 181


def _snapshot(engine: Engine) -> dict[str, object]:
    """Row counts plus an order-independent digest of every table's contents, timestamps excluded."""
    from sqlmodel import SQLModel

    digest: dict[str, object] = {}
    with engine.connect() as connection:
        for name, table in SQLModel.metadata.tables.items():
            columns = [c for c in table.columns if c.name not in {"loaded_at", "updated_at"}]
            rows = connection.execute(select(*columns)).all()
            digest[name] = (len(rows), hash(frozenset(repr(tuple(row)) for row in rows)))
    return digest


def test_second_ingest_is_a_no_op(loaded: Loaded, data_dir: Path) -> None:
    engine, _ = loaded
    before = _snapshot(engine)
    skipped = ingest_default(engine, data_dir)
    assert {report.status for report in skipped} == {"unchanged"}
    forced = ingest_default(engine, data_dir, force=True)
    assert {report.status for report in forced} == {"verified"}
    for report in forced:
        for counts in report.tables.values():
            assert (counts.inserted, counts.updated, counts.deleted) == (0, 0, 0)
    assert _snapshot(engine) == before
    assert _count(engine, Dataset) == 7


def test_data_analyst_profile_matches_the_relation_file(loaded: Loaded, data_dir: Path) -> None:
    engine, _ = loaded
    with Session(engine) as session:
        analyst = session.scalars(select(Occupation).where(col(Occupation.preferred_label) == "data analyst")).one()
        stored = set(
            session.execute(
                select(OccupationSkill.skill_id, OccupationSkill.relation_type).where(
                    col(OccupationSkill.occupation_id) == analyst.id
                )
            ).all()
        )
    relations = data_dir / DEFAULT_BUNDLE.esco / "relations/occupationSkillRelations.csv.gz"
    expected = {(r["skillUri"], r["relationType"]) for r in records(relations) if r["occupationUri"] == analyst.id}
    assert stored == expected
    assert len(expected) > 20
