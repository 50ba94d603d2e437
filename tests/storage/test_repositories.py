"""The repository modules on SQLite and PostgreSQL: reads on the whole bundle, writes on a small seeded database."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from credpath.pipeline.ingest import IngestReport
from credpath.planning.offers import CredentialOffer
from credpath.storage.db import session_scope
from credpath.storage.repositories import credentials as credential_repo
from credpath.storage.repositories import datasets as dataset_repo
from credpath.storage.repositories import index_rows
from credpath.storage.repositories import learners as learner_repo
from credpath.storage.repositories import occupations as occupation_repo
from credpath.storage.repositories import postings as posting_repo
from credpath.storage.repositories import skills as skill_repo
from credpath.storage.repositories.credentials import AlignmentInput, CredentialFilters, InferredSkill
from credpath.storage.repositories.learners import LearnerSkillRow
from credpath.storage.tables import (
    Credential,
    CredentialSkill,
    JobPosting,
    Learner,
    LearnerCredential,
    LearnerSkill,
    PostingSkill,
    Skill,
    SkillRelation,
)
from credpath.storage.tenancy import TenantScope
from credpath.vocabulary import ESCO_OCCUPATION_PREFIX, is_esco_id

Loaded = tuple[Engine, list[IngestReport]]

OWNER = TenantScope(org_id="o1")
OTHER = TenantScope(org_id="o2")
ADMIN = TenantScope(org_id=None, sees_all=True)


# --- reads on the whole default bundle -------------------------------------------------------------------


def test_datasets(loaded: Loaded) -> None:
    engine, _ = loaded
    with Session(engine) as session:
        names = [d.name for d in dataset_repo.list_datasets(session)]
        hashes = dataset_repo.dataset_hashes(session)
        esco = dataset_repo.get_dataset(session, "esco")
        assert dataset_repo.get_dataset(session, "nothing") is None
        assert dataset_repo.count_rows(session, Skill) == 13_896
        assert dataset_repo.count_rows(session, Credential, col(Credential.source) == "edx") == 784
    assert names == sorted(names)
    assert {"esco", "onet", "crosswalk", "catalog:edx"} <= set(names)
    assert esco is not None
    assert hashes["esco"] == esco.content_hash


def test_skill_search_ranks_exact_labels_first_and_pages(loaded: Loaded) -> None:
    engine, _ = loaded
    with Session(engine) as session:
        page = skill_repo.search_skills(session, "sql", 5, 0)
        second = skill_repo.search_skills(session, "sql", 5, 5)
        past_end = skill_repo.search_skills(session, "sql", 5, 10_000)
        everything = skill_repo.search_skills(session, None, 3, 0)
        nothing = skill_repo.search_skills(session, "%_%", 5, 0)
    assert page.items[0].preferred_label == "SQL"
    assert page.total == second.total == past_end.total > 5
    assert past_end.items == []
    assert not {s.id for s in page.items} & {s.id for s in second.items}
    assert everything.total == 13_896
    assert [s.preferred_label for s in everything.items] == sorted(s.preferred_label for s in everything.items)
    assert nothing.total == 0


def test_skill_hierarchy_relations_and_labels(loaded: Loaded) -> None:
    engine, _ = loaded
    with Session(engine) as session:
        sql = skill_repo.search_skills(session, "sql", 1, 0).items[0]
        broader = skill_repo.skill_broader(session, sql.id)
        for parent in broader:
            assert sql.id in {child.id for child in skill_repo.skill_narrower(session, parent.id)}
        relation = session.scalars(
            select(SkillRelation).where(col(SkillRelation.relation_type) == "essential").limit(1)
        ).one()
        outgoing = skill_repo.skill_relations(session, relation.skill_id)
        incoming = skill_repo.skill_relations(session, relation.related_skill_id)
        prerequisites = skill_repo.skill_prerequisites(session, [relation.skill_id])
        labels = skill_repo.skill_labels(session, [sql.id, "nope"])
        existing = skill_repo.existing_skill_ids(session, [sql.id, "nope"])
        counts = skill_repo.skill_occupation_count(session, sql.id)
        parents = skill_repo.skill_parents(session)
        assert skill_repo.get_skill(session, sql.id) is not None
        assert skill_repo.skill_labels(session, []) == {}
        assert skill_repo.skill_prerequisites(session, []) == {}
    assert broader
    assert {node.kind for node in broader} <= {"skill", "skill_group"}
    assert ("outgoing", relation.related_skill_id) in {(r.direction, r.id) for r in outgoing}
    assert ("incoming", relation.skill_id) in {(r.direction, r.id) for r in incoming}
    assert [r.direction for r in outgoing] == sorted(r.direction for r in outgoing)
    assert relation.related_skill_id in prerequisites[relation.skill_id]
    assert labels == {sql.id: "SQL"}
    assert existing == {sql.id}
    assert set(counts) <= {"essential", "optional"}
    assert sum(counts.values()) > 0
    assert len(parents) > 1000
    assert all(isinstance(values, frozenset) for values in parents.values())


def test_occupation_search_profiles_and_crosswalk(loaded: Loaded) -> None:
    engine, _ = loaded
    with Session(engine) as session:
        analyst = occupation_repo.search_occupations(session, "data analyst", "esco", 1, 0).items[0]
        onet = occupation_repo.search_occupations(session, "data analyst", "onet", 3, 0)
        profile = occupation_repo.occupation_esco_skills(session, analyst.id)
        relations = occupation_repo.esco_skill_relations(session, [analyst.id])
        crosswalk = occupation_repo.crosswalk_for_esco(session, analyst.id)
        onet_titles = occupation_repo.onet_occupation_titles(session)
        titles, alternates = occupation_repo.onet_titles(session)
        pairs = occupation_repo.crosswalk_pairs(session)
        confidence = occupation_repo.crosswalk_confidence(session)
        esco_ids = occupation_repo.esco_occupation_ids(session)
        broader = occupation_repo.occupation_broader(session, analyst.id)
        assert occupation_repo.esco_skill_relations(session, []) == []
        assert occupation_repo.get_occupation(session, "nope") is None
        software = occupation_repo.get_occupation(session, "15-1252.00")
        assert software is not None
        ratings = occupation_repo.occupation_onet_ratings(session, software.id)
        technology = occupation_repo.occupation_technology(session, software.id)
        mapped = occupation_repo.crosswalk_for_onet(session, pairs[0][1])
    assert analyst.preferred_label == "data analyst"
    assert all(o.taxonomy == "onet" for o in onet.items)
    relations_in_profile = [relation for _, relation in profile]
    assert relations_in_profile == sorted(relations_in_profile)  # essential before optional
    assert {(r.skill_id, r.relation_type) for r in relations} == {(s.id, rel) for s, rel in profile}
    assert all(r.occupation_id == analyst.id and r.skill_label for r in relations)
    assert crosswalk is not None
    assert len(onet_titles) == len(titles) == 1_016
    assert onet_titles == sorted(onet_titles)
    assert all(codes <= set(titles) for codes in alternates.values())
    assert all(is_esco_id(esco) and not is_esco_id(onet_id) for esco, onet_id in pairs)
    assert set(confidence) >= {esco for esco, _ in pairs}
    assert len(esco_ids) == 3_007
    assert esco_ids == sorted(esco_ids)
    assert broader
    importance = [rating.importance or 0.0 for _, rating in ratings]
    assert importance == sorted(importance, reverse=True)
    assert technology
    assert technology[0].hot_technology >= technology[-1].hot_technology
    assert pairs[0][0] in {row.esco_occupation_id for row, _ in mapped}


def test_credential_search_and_filters(loaded: Loaded) -> None:
    engine, _ = loaded
    with Session(engine) as session:
        page = credential_repo.search_credentials(session, "data analytics", CredentialFilters(), 10, 0)
        google = credential_repo.search_credentials(
            session, None, CredentialFilters(provider="GOOGLE", max_hours=200), 50, 0
        )
        edx = credential_repo.search_credentials(session, None, CredentialFilters(source="edx", level="beginner"), 5, 0)
        existing = credential_repo.existing_credential_ids(session, [page.items[0].id, "nope"])
    assert page.total > 0
    assert all("data" in c.search_text and "analytics" in c.search_text for c in page.items)
    assert google.items
    assert all(c.provider.casefold() == "google" for c in google.items)
    assert all(c.duration_hours is not None and c.duration_hours <= 200 for c in google.items)
    assert all(c.source == "edx" and c.level == "beginner" for c in edx.items)
    assert existing == {page.items[0].id}


def test_index_rows(loaded: Loaded) -> None:
    engine, _ = loaded
    with Session(engine) as session:
        skills = index_rows.skill_text_rows(session)
        occupations = index_rows.occupation_text_rows(session)
        credentials = index_rows.credential_text_rows(session)
        hashes = index_rows.credential_content_hashes(session)
        essential = index_rows.essential_relations(session)
        products = index_rows.technology_products(session)
    assert len(skills) == 13_896
    assert [row["id"] for row in skills] == sorted(row["id"] for row in skills)
    assert set(skills[0]) == {"id", "preferred_label", "alt_labels", "description", "skill_type"}
    assert len(occupations) == 3_007 + 1_016
    assert {row["taxonomy"] for row in occupations} == {"esco", "onet"}
    assert [(row["id"], row["content_hash"]) for row in credentials] == hashes
    # 64,946 essential relations, less the 55 of the one occupation the English file lacks (no label to join).
    assert len(essential) == 64_891
    assert [(r.occupation_id, r.skill_id) for r in essential] == sorted(
        (r.occupation_id, r.skill_id) for r in essential
    )
    assert all(names == sorted(set(names)) for names in products.values())


# --- writes on a small seeded database ---------------------------------------------------------------------


def _seed(engine: Engine) -> None:
    with session_scope(engine) as session:
        for skill in ("sql", "excel", "python"):
            session.add(Skill(id=f"http://data.europa.eu/esco/skill/{skill}", preferred_label=skill))
        session.flush()
        for n, (key, hours) in enumerate([("a", 10.0), ("a", 20.0), ("b", None)]):
            session.add(
                Credential(
                    id=f"c{n}",
                    source="test",
                    source_key=f"k{n}",
                    canonical_key=key,
                    title=f"Course {n}",
                    provider="Uni",
                    kind="course",
                    duration_hours=hours,
                    content_hash=f"h{n}",
                )
            )


def _skill(name: str) -> str:
    return f"http://data.europa.eu/esco/skill/{name}"


def test_inferred_alignments_offers_and_retirement(empty_engine: Engine) -> None:
    _seed(empty_engine)
    with Session(empty_engine) as session:
        pending = credential_repo.credentials_to_align(session, everything=False)
        before = credential_repo.offers_version(session)
    assert [row.id for row in pending] == ["c0", "c1", "c2"]
    assert pending[0] == AlignmentInput(
        id="c0", title="Course 0", skill_tags=[], description=None, content_hash="h0", hours=10.0
    )
    # The judged pairs the scorer is fitted on are read by id; they must carry the same features as serving.
    with Session(empty_engine) as session:
        assert credential_repo.credentials_by_id(session, ["c1", "c0"]) == [pending[0], pending[1]]
    alignments = {
        "c0": [InferredSkill(_skill("sql"), 0.9, "title"), InferredSkill(_skill("excel"), 0.5, "tag")],
        "c1": [InferredSkill(_skill("sql"), 0.8, "title")],
    }
    with session_scope(empty_engine) as session:
        written = credential_repo.replace_inferred_skills(session, alignments, {"c0": "h0", "c1": "h1"})
    assert written == 3
    with Session(empty_engine) as session:
        assert [row.id for row in credential_repo.credentials_to_align(session, everything=False)] == ["c2"]
        assert len(credential_repo.credentials_to_align(session, everything=True)) == 3
        assert credential_repo.offers_version(session) != before
        offers = {offer.id: offer for offer in credential_repo.credential_offers(session)}
        only_excel = credential_repo.credential_offers(session, [_skill("excel")])
        held = credential_repo.credential_offers(session, None, credential_ids=["c1"])
        skills = credential_repo.credential_skills(session, "c0")
    assert set(offers) == {"c0", "c1"}
    assert offers["c0"] == CredentialOffer(
        id="c0",
        title="Course 0",
        provider="Uni",
        kind="course",
        level=None,
        hours=10.0,
        cost=None,
        reviews=None,
        canonical_key="a",
        url=None,
        teaches={_skill("sql"): 0.9, _skill("excel"): 0.5},
        text="Course 0",
    )
    assert [(o.id, dict(o.teaches)) for o in only_excel] == [("c0", {_skill("excel"): 0.5})]
    assert [o.id for o in held] == ["c1"]
    assert [(row.skill_id, row.source, label) for row, label in skills] == [
        (_skill("sql"), "inferred", "sql"),
        (_skill("excel"), "inferred", "excel"),
    ]
    # Re-alignment replaces a credential's inferred skills, it does not add to them.
    with session_scope(empty_engine) as session:
        credential_repo.replace_inferred_skills(session, {"c0": [InferredSkill(_skill("python"), 0.7, "x")]}, {})
        retired = credential_repo.retire_credentials(session, "test", keep={"c0"})
    assert retired == 2
    with Session(empty_engine) as session:
        assert [row.skill_id for row, _ in credential_repo.credential_skills(session, "c0")] == [_skill("python")]
        assert [o.id for o in credential_repo.credential_offers(session)] == ["c0"]  # c1 retired
        assert session.scalar(select(CredentialSkill).where(col(CredentialSkill.credential_id) == "c1")) is not None
        assert credential_repo.search_credentials(session, None, CredentialFilters(), 10, 0).total == 1


def test_learner_profiles(empty_engine: Engine) -> None:
    _seed(empty_engine)
    with session_scope(empty_engine) as session:
        learner_repo.add_learner(session, OWNER, Learner(id="l1", name="Ada"))
        learner_repo.put_learner_skills(
            session,
            OWNER,
            "l1",
            [LearnerSkillRow(_skill("sql"), "declared", 0.5), LearnerSkillRow(_skill("excel"), "inferred")],
        )
        learner_repo.add_learner_credentials(session, OWNER, "l1", ["c0", "c1"])
        learner_repo.add_learner_credentials(session, OWNER, "l1", ["c0"])
    with session_scope(empty_engine) as session:
        # Overwrites what it is given (the evidence rule is the caller's), leaves the rest.
        learner_repo.put_learner_skills(session, OWNER, "l1", [LearnerSkillRow(_skill("sql"), "verified", 0.9, "c0")])
        stored = {row.skill_id: row for row, _ in learner_repo.learner_skills(session, OWNER, "l1")}
        labels = [label for _, label in learner_repo.learner_skills(session, OWNER, "l1")]
        assert sorted(learner_repo.learner_credentials(session, OWNER, "l1")) == ["c0", "c1"]
        assert learner_repo.delete_learner_skill(session, OWNER, "l1", _skill("excel"))
        assert not learner_repo.delete_learner_skill(session, OWNER, "l1", _skill("excel"))
    sql = stored[_skill("sql")]
    assert (sql.evidence, sql.proficiency, sql.source_credential_id) == ("verified", 0.9, "c0")
    assert stored[_skill("excel")].evidence == "inferred"
    assert labels == ["excel", "sql"]
    with session_scope(empty_engine) as session:
        assert learner_repo.delete_learner(session, OWNER, "l1")
    with Session(empty_engine) as session:
        assert learner_repo.get_learner(session, ADMIN, "l1") is None
        assert learner_repo.learner_skills(session, ADMIN, "l1") == []
        assert session.scalar(select(LearnerCredential)) is None


def test_learner_writes_from_what_the_transaction_read(empty_engine: Engine) -> None:
    # The write path of the API: the learner loaded through the scope, its evidence read once, then one
    # INSERT for new skills and one UPDATE for held ones; credentials already held are skipped.
    _seed(empty_engine)
    with session_scope(empty_engine) as session:
        learner = Learner(id="l1", name="Ada")
        learner_repo.add_learner(session, OWNER, learner)
        learner_repo.write_learner_skills(session, learner, [LearnerSkillRow(_skill("sql"), "declared", 0.5)], ())
        learner_repo.write_learner_credentials(session, learner, ["c0"])
    with session_scope(empty_engine) as session:
        learner = learner_repo.get_learner(session, OWNER, "l1")
        assert learner is not None
        existing = learner_repo.learner_evidence(session, learner)
        assert existing == {_skill("sql"): "declared"}
        learner_repo.write_learner_skills(
            session,
            learner,
            [LearnerSkillRow(_skill("sql"), "verified", 0.9, "c0"), LearnerSkillRow(_skill("excel"), "inferred")],
            existing,
        )
        learner_repo.write_learner_credentials(session, learner, ["c0", "c1"])
    with Session(empty_engine) as session:
        stored = {row.skill_id: row for row, _ in learner_repo.learner_skills(session, OWNER, "l1")}
        assert sorted(learner_repo.learner_credentials(session, OWNER, "l1")) == ["c0", "c1"]
    sql = stored[_skill("sql")]
    assert (sql.evidence, sql.proficiency, sql.source_credential_id) == ("verified", 0.9, "c0")
    assert (stored[_skill("excel")].evidence, stored[_skill("excel")].proficiency) == ("inferred", None)


def test_learners_are_invisible_to_another_tenant(empty_engine: Engine) -> None:
    _seed(empty_engine)
    with session_scope(empty_engine) as session:
        learner_repo.add_learner(session, OWNER, Learner(id="l1", name="Ada"))
        learner_repo.put_learner_skills(session, OWNER, "l1", [LearnerSkillRow(_skill("sql"), "declared")])
        learner_repo.add_learner_credentials(session, OWNER, "l1", ["c0"])
        session.add(Learner(id="legacy", name="no owner"))  # a row from before tenancy: admin only
    with session_scope(empty_engine) as session:
        assert learner_repo.get_learner(session, OTHER, "l1") is None
        assert learner_repo.learner_skills(session, OTHER, "l1") == []
        assert learner_repo.learner_credentials(session, OTHER, "l1") == []
        assert not learner_repo.delete_learner_skill(session, OTHER, "l1", _skill("sql"))
        assert not learner_repo.delete_learner(session, OTHER, "l1")
        with pytest.raises(LookupError):
            learner_repo.put_learner_skills(session, OTHER, "l1", [LearnerSkillRow(_skill("excel"), "declared")])
        assert learner_repo.get_learner(session, OWNER, "legacy") is None
        assert learner_repo.get_learner(session, TenantScope(org_id=None), "l1") is None
    with Session(empty_engine) as session:
        admin_view = learner_repo.get_learner(session, ADMIN, "l1")
        assert admin_view is not None
        assert admin_view.org_id == "o1"
        assert learner_repo.get_learner(session, ADMIN, "legacy") is not None
        assert [row.skill_id for row, _ in learner_repo.learner_skills(session, OWNER, "l1")] == [_skill("sql")]


def test_posting_skills_are_tenant_scoped_and_public_ones_targetable(empty_engine: Engine) -> None:
    _seed(empty_engine)
    with session_scope(empty_engine) as session:
        session.add(JobPosting(id="p1", org_id="o1", title="Analyst", created_at=datetime.now(UTC)))
        session.add(JobPosting(id="p2", org_id="o1", title="Empty", visibility="public"))
        session.add(JobPosting(id="p3", org_id="o2", title="Closed", status="closed"))
        session.flush()
        session.add(PostingSkill(posting_id="p1", skill_id=_skill("sql")))
        session.add(PostingSkill(posting_id="p1", skill_id=_skill("excel"), relation_type="optional"))
        session.add(PostingSkill(posting_id="p1", skill_id=_skill("python"), removed=True))
        session.add(PostingSkill(posting_id="p3", skill_id=_skill("sql")))
    with Session(empty_engine) as session:
        found = posting_repo.target_posting_skills(session, OWNER, "p1")
        assert found is not None
        assert sorted(found[1]) == [(_skill("excel"), "optional"), (_skill("sql"), "essential")]
        # Another organisation's private posting is not found; its public one is, with no skills.
        assert posting_repo.target_posting_skills(session, OTHER, "p1") is None
        assert posting_repo.target_posting_skills(session, OTHER, "p2") == (
            posting_repo.get_posting(session, ADMIN, "p2"),
            [],
        )
        assert posting_repo.get_posting(session, OTHER, "p1") is None
        assert posting_repo.get_posting(session, OWNER, "p1") is not None
        assert posting_repo.target_posting_skills(session, OWNER, "nope") is None
        rows, total = posting_repo.list_postings(session, OTHER, status=None, occupation_id=None, limit=10, offset=0)
        assert ([p.id for p in rows], total) == (["p3"], 1)
        assert posting_repo.posting_skill_rows(session, OTHER, ["p1"]) == {"p1": []}
        # Demand counts open postings only, removed skills not at all.
        demand, open_postings = posting_repo.demand_counts(session, occupation_id=None, limit=10)
        assert open_postings == 2
        # Ties in count are ordered by label ("excel" before "sql").
        assert [(row.skill_id, row.postings, row.essential) for row in demand] == [
            (_skill("excel"), 1, 0),
            (_skill("sql"), 1, 1),
        ]
    with session_scope(empty_engine) as session:
        assert posting_repo.delete_posting(session, OTHER, "p1") is False
        assert posting_repo.delete_posting(session, OWNER, "p1") is True
    with Session(empty_engine) as session:
        assert posting_repo.get_posting(session, ADMIN, "p1") is None


def test_only_discoverable_learners_of_any_organisation_are_candidates(empty_engine: Engine) -> None:
    _seed(empty_engine)
    with session_scope(empty_engine) as session:
        session.add(Learner(id="shown", org_id="o1", discoverable=True))
        session.add(Learner(id="elsewhere", org_id="o2", discoverable=True))
        session.add(Learner(id="hidden", org_id="o1"))
        session.flush()
        for learner in ("shown", "elsewhere", "hidden"):
            session.add(LearnerSkill(learner_id=learner, skill_id=_skill("sql"), evidence="declared"))
        session.add(LearnerSkill(learner_id="shown", skill_id=_skill("excel"), evidence="verified"))
    with Session(empty_engine) as session:
        found = {c.learner_id: c for c in learner_repo.discoverable_holders(session, [_skill("sql")])}
        assert set(found) == {"shown", "elsewhere"}
        assert sorted(s for s, _evidence, _p in found["shown"].skills) == sorted([_skill("sql"), _skill("excel")])
        assert learner_repo.discoverable_holders(session, [_skill("python")]) == []


@pytest.mark.parametrize("version", [None, "v1"])
def test_put_dataset_records_and_replaces(empty_engine: Engine, version: str | None) -> None:
    with session_scope(empty_engine) as session:
        dataset_repo.put_dataset(session, "esco", "hash-1", version, {"rows": 1})
    with session_scope(empty_engine) as session:
        dataset_repo.put_dataset(session, "esco", "hash-2", version, {"rows": 2})
    with Session(empty_engine) as session:
        row = dataset_repo.get_dataset(session, "esco")
        assert row is not None
        assert (row.content_hash, row.version, row.stats) == ("hash-2", version, {"rows": 2})
        assert dataset_repo.dataset_hashes(session) == {"esco": "hash-2"}


def test_esco_prefix_is_what_the_bundle_uses(loaded: Loaded) -> None:
    engine, _ = loaded
    with Session(engine) as session:
        ids = occupation_repo.esco_occupation_ids(session)
    assert all(i.startswith(ESCO_OCCUPATION_PREFIX) for i in ids)
