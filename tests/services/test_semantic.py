"""The semantic service as a use case: skill matching, extraction, title normalisation, refusals."""

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from credpath.errors import ArtifactError, InvalidInputError
from credpath.services.semantic import EXTRACTION_THRESHOLD, MAX_TEXTS, SemanticService
from credpath.vocabulary import IndexStatus, Taxonomy, is_esco_id


def test_everything_is_ready(semantic: SemanticService) -> None:
    assert semantic.states == dict.fromkeys(("skills", "occupations", "credentials"), IndexStatus.READY)
    assert semantic.skill_parents


def test_match_skills_keeps_input_order_and_ranks(semantic: SemanticService) -> None:
    first, second = semantic.match_skills(["SQL", "  drive   a forklift "], 5).results
    assert first.matches[0].label == "SQL"
    assert any("forklift" in m.label for m in second.matches[:3])
    for result in (first, second):
        scores = [m.score for m in result.matches]
        assert scores == sorted(scores, reverse=True)
        assert len(result.matches) == 5
        assert all(m.label for m in result.matches)


def test_extraction_offsets_threshold_and_boilerplate(semantic: SemanticService) -> None:
    text = "Proficient in SQL.\nWe offer a competitive salary and benefits package."
    found = semantic.extract_skills(text)
    assert found.threshold == EXTRACTION_THRESHOLD
    assert "SQL" in {m.label for m in found.mentions}
    for mention in found.mentions:
        assert text[mention.start : mention.end] == mention.text
        assert "salary" not in mention.sentence
    assert semantic.extract_skills(text, threshold=1.0).mentions == []


def test_match_occupations_within_a_taxonomy(semantic: SemanticService) -> None:
    (esco,) = semantic.match_occupations(["data analyst"], 3, "esco").results
    (onet,) = semantic.match_occupations(["data analyst"], 3, "onet").results
    (both,) = semantic.match_occupations(["data analyst"], 10, "all").results
    assert all(is_esco_id(m.occupation_id) and m.taxonomy == Taxonomy.ESCO for m in esco.matches)
    assert all(not is_esco_id(m.occupation_id) and m.taxonomy == Taxonomy.ONET for m in onet.matches)
    assert esco.matches[0].label == "data analyst"
    assert {m.taxonomy for m in both.matches} == set(Taxonomy)
    with pytest.raises(InvalidInputError):
        semantic.match_occupations(["data analyst"], 3, "isco")


def test_skill_similarity(semantic: SemanticService, ids: dict[str, str]) -> None:
    matrix = np.array(semantic.skill_similarity([ids["sql"], ids["statistics"]], [ids["sql"], ids["statistics"]]))
    assert np.allclose(np.diag(matrix), 1.0, atol=1e-4)
    assert np.allclose(matrix, matrix.T, atol=1e-5)
    assert semantic.skill_similarity([ids["sql"]], []) == [[]]
    assert semantic.skill_similarity([ids["sql"], "unknown"], [ids["sql"]])[1] == [0.0]


@pytest.mark.parametrize(
    "texts",
    [[], ["   "], ["x" * 20_001], ["SQL"] * (MAX_TEXTS + 1)],
)
def test_bad_texts_are_refused(semantic: SemanticService, texts: list[str]) -> None:
    with pytest.raises(InvalidInputError):
        semantic.match_skills(texts, 3)


def test_without_built_indexes_every_query_is_refused(engine: Engine, tmp_path: Path) -> None:
    empty = SemanticService.load(engine, tmp_path)
    assert set(empty.states.values()) == {IndexStatus.ABSENT}
    with pytest.raises(ArtifactError):
        empty.match_skills(["SQL"], 3)
    with pytest.raises(ArtifactError):
        empty.extract_skills("Proficient in SQL.")
    with pytest.raises(ArtifactError):
        empty.match_occupations(["nurse"], 3, "all")
    assert empty.skill_similarity(["a"], ["b"]) == [[0.0]]


def test_skill_profile_is_the_mean_of_a_credentials_nearest_skills_of_those_given(
    semantic: SemanticService, engine: Engine, ids: dict[str, str]
) -> None:
    from sqlmodel import Session, select

    from credpath.storage.tables import Credential, OccupationSkill

    with Session(engine) as session:
        titles = dict(session.exec(select(Credential.title, Credential.id)).all())
        skills = list(
            session.exec(select(OccupationSkill.skill_id).where(OccupationSkill.occupation_id == ids["analyst"]))
        )
    data, music = titles["Data Analysis Using SQL"], titles["Music Production"]
    profile = semantic.skill_profile([data, music, "imported-since-the-build"], [*skills, "no-such-skill"], 3)
    # A course on the analyst's work sits nearer the analyst's skills than a music course; what the index does not
    # hold (a credential imported since the build, an unknown skill) is left out, not scored 0.
    assert set(profile) == {data, music}
    assert profile[data] > profile[music]
    vectors = semantic.indexes["skills"].canonical_vectors([semantic.indexes["skills"].position(s) for s in skills])
    own = semantic.indexes["credentials"].canonical_vectors([semantic.indexes["credentials"].position(data)])[0]
    assert profile[data] == pytest.approx(float(np.sort(vectors @ own)[-3:].mean()), abs=1e-4)
    assert semantic.skill_profile([data], skills, 1)[data] >= semantic.skill_profile([data], skills, 3)[data]
    assert semantic.skill_profile([data], [], 3) == {}


def test_in_field_keeps_credentials_written_for_the_target_occupation(
    semantic: SemanticService, engine: Engine, ids: dict[str, str]
) -> None:
    from sqlmodel import Session, select

    from credpath.storage.tables import Credential

    with Session(engine) as session:
        titles = dict(session.exec(select(Credential.title, Credential.id)).all())
    data, music = titles["Data Analysis Using SQL"], titles["Music Production"]
    kept = semantic.in_field(ids["analyst"], [data, music, "imported-since-the-build"], 50)
    # The SQL analysis course is for data analysts; a music production course is for other people entirely; a
    # credential the index does not hold cannot be judged and is kept.
    assert kept == {data, "imported-since-the-build"}
    assert semantic.in_field(ids["analyst"], [data, music], 3_007) == {data, music}
    assert semantic.in_field("http://data.europa.eu/esco/occupation/unknown", [data], 50) is None


def test_nearer_to_says_which_of_two_occupations_a_credential_is_written_for(
    semantic: SemanticService, engine: Engine, ids: dict[str, str]
) -> None:
    from sqlmodel import Session, select

    from credpath.services import taxonomy
    from credpath.storage.tables import Credential

    with Session(engine) as session:
        titles = dict(session.exec(select(Credential.title, Credential.id)).all())
        producer = taxonomy.list_occupations(session, "music producer", "esco", 1, 0).items[0].id
    data, music = titles["Data Analysis Using SQL"], titles["Music Production"]
    both = [data, music, "imported-since-the-build"]
    assert semantic.nearer_to(ids["analyst"], producer, both) == {data}
    assert semantic.nearer_to(producer, ids["analyst"], both) == {music}
    # Nothing to compare with: an unknown occupation, or the same one twice.
    assert semantic.nearer_to("http://data.europa.eu/esco/occupation/unknown", producer, both) == set()
    assert semantic.nearer_to(producer, producer, both) == set()
