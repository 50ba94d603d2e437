"""sync_rows semantics on both backends: insert, update, delete, and nothing when nothing differs."""

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from credpath.storage.bulk import sync_rows
from credpath.storage.tables import Skill, SkillGroup


def _skill(n: int, label: str) -> dict[str, object]:
    return {"id": f"s{n}", "preferred_label": label, "alt_labels": [f"{label} alt"], "description": ""}


def test_sync_inserts_updates_and_skips_equal_rows(empty_engine: Engine) -> None:
    with Session(empty_engine) as session:
        first = sync_rows(session, Skill, [_skill(1, "a"), _skill(2, "b")])
        session.commit()
    assert (first.inserted, first.updated, first.unchanged) == (2, 0, 0)
    with Session(empty_engine) as session:
        second = sync_rows(session, Skill, [_skill(1, "a"), _skill(2, "b changed"), _skill(3, "c")])
        session.commit()
    assert (second.inserted, second.updated, second.unchanged) == (1, 1, 1)
    with Session(empty_engine) as session:
        again = sync_rows(session, Skill, [_skill(1, "a"), _skill(2, "b changed"), _skill(3, "c")])
        assert not again.changed
        labels = {row[0]: row[1] for row in session.execute(select(Skill.id, Skill.preferred_label))}
        skill = session.get(Skill, "s2")
    assert labels == {"s1": "a", "s2": "b changed", "s3": "c"}
    assert skill is not None
    assert skill.alt_labels == ["b changed alt"]


def test_delete_missing_only_within_scope(empty_engine: Engine) -> None:
    rows = [{"id": f"g{n}", "preferred_label": f"group {n}", "code": "x" if n < 3 else "y"} for n in range(5)]
    with Session(empty_engine) as session:
        sync_rows(session, SkillGroup, rows)
        counts = sync_rows(session, SkillGroup, rows[:1], scope=col(SkillGroup.code) == "x", delete_missing=True)
        session.commit()
        remaining = sorted(session.scalars(select(SkillGroup.id)))
    assert counts.deleted == 2
    assert remaining == ["g0", "g3", "g4"]
