"""SQLModel tables: the only schema definition (Alembic migrations are generated from it).

No ``from __future__ import annotations`` here: SQLModel reads the annotations at class creation.
Multi-valued fields (alternative labels, published tags) are JSON lists: they are read with their
owner and never joined on, so a side table would only add joins.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, String
from sqlmodel import Field, SQLModel

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Credential",
    "CredentialAlignment",
    "CredentialSkill",
    "Crosswalk",
    "Dataset",
    "Employer",
    "IscoGroup",
    "JobPosting",
    "Learner",
    "LearnerBadge",
    "LearnerCredential",
    "LearnerSkill",
    "Occupation",
    "OccupationBroader",
    "OccupationLink",
    "OccupationSkill",
    "OnetElement",
    "OnetOccupationElement",
    "OnetTechnologySkill",
    "Organisation",
    "PostingSkill",
    "ServerSecret",
    "Skill",
    "SkillBroader",
    "SkillGroup",
    "SkillRelation",
]


def _now() -> datetime:
    return datetime.now(UTC)


def _fk(target: str, *, primary_key: bool = False, index: bool = False) -> Any:
    """A string foreign key; deleting the parent deletes dependants (link rows are meaningless alone)."""
    return Field(
        sa_column=Column(
            String, ForeignKey(target, ondelete="CASCADE"), primary_key=primary_key, index=index, nullable=False
        )
    )


class Dataset(SQLModel, table=True):
    """One ingested source (``esco``, ``onet``, ``crosswalk``, ``catalog:<name>``) and the hash of its files."""

    name: str = Field(primary_key=True)
    version: str | None = None
    content_hash: str
    loaded_at: datetime = Field(default_factory=_now)
    stats: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


# --- ESCO skills pillar -------------------------------------------------------------------------------


class Skill(SQLModel, table=True):
    """An ESCO skill or knowledge concept; ``id`` is its ESCO URI."""

    id: str = Field(primary_key=True)
    preferred_label: str = Field(index=True)
    alt_labels: list[str] = Field(default_factory=list, sa_type=JSON)
    hidden_labels: list[str] = Field(default_factory=list, sa_type=JSON)
    description: str = ""
    definition: str | None = None
    scope_note: str | None = None
    skill_type: str | None = None
    reuse_level: str | None = None
    collections: list[str] = Field(default_factory=list, sa_type=JSON)
    # Lower-cased preferred + alternative labels, one per line: what lexical search scans.
    search_text: str = ""


class SkillGroup(SQLModel, table=True):
    """An ESCO skill group (the upper levels of the skills hierarchy)."""

    __tablename__ = "skill_group"

    id: str = Field(primary_key=True)
    preferred_label: str
    code: str | None = None
    description: str = ""


class SkillBroader(SQLModel, table=True):
    """ESCO broader relation: ``concept_id`` (skill or group) sits under ``broader_id`` (skill or group)."""

    __tablename__ = "skill_broader"
    __table_args__ = (Index("ix_skill_broader_broader", "broader_id"),)

    concept_id: str = Field(primary_key=True)
    broader_id: str = Field(primary_key=True)
    concept_type: str
    broader_type: str


class SkillRelation(SQLModel, table=True):
    """ESCO skill–skill relation (``essential``/``optional``), e.g. knowledge a skill relies on."""

    __tablename__ = "skill_relation"

    skill_id: str = _fk("skill.id", primary_key=True)
    related_skill_id: str = _fk("skill.id", primary_key=True, index=True)
    relation_type: str


# --- occupations ---------------------------------------------------------------------------------------


class IscoGroup(SQLModel, table=True):
    """An ISCO-08 group as published with ESCO."""

    __tablename__ = "isco_group"

    id: str = Field(primary_key=True)
    code: str = Field(index=True)
    preferred_label: str
    description: str = ""


class Occupation(SQLModel, table=True):
    """An occupation from ESCO (``id`` = ESCO URI) or O*NET (``id`` = O*NET-SOC code).

    For O*NET, ``alt_labels`` holds the alternate titles and ``hidden_labels`` their short forms
    (e.g. ``LMHC``), mirroring ESCO's alternative and hidden labels.
    """

    id: str = Field(primary_key=True)
    taxonomy: str = Field(index=True)
    preferred_label: str = Field(index=True)
    alt_labels: list[str] = Field(default_factory=list, sa_type=JSON)
    hidden_labels: list[str] = Field(default_factory=list, sa_type=JSON)
    description: str = ""
    code: str | None = None
    isco_group: str | None = None
    job_zone: int | None = None
    search_text: str = ""


class OccupationBroader(SQLModel, table=True):
    """ESCO occupation hierarchy: an occupation under a parent occupation or an ISCO group."""

    __tablename__ = "occupation_broader"

    occupation_id: str = Field(primary_key=True)
    broader_id: str = Field(primary_key=True, index=True)
    concept_type: str
    broader_type: str


class OccupationSkill(SQLModel, table=True):
    """ESCO occupation–skill relation, ``essential`` or ``optional``.

    ``occupation_id`` has no foreign key on purpose: ESCO v1.1.1's relation file names one occupation
    (67 rows) that its English classification file lacks, and those rows are kept as published.
    """

    __tablename__ = "occupation_skill"

    occupation_id: str = Field(primary_key=True)
    skill_id: str = _fk("skill.id", primary_key=True, index=True)
    relation_type: str
    skill_type: str | None = None


class OnetElement(SQLModel, table=True):
    """An O*NET content-model element rated per occupation (a skill such as ``2.A.1.a`` or a knowledge area)."""

    __tablename__ = "onet_element"

    id: str = Field(primary_key=True)
    name: str
    domain: str
    description: str = ""


class OnetOccupationElement(SQLModel, table=True):
    """O*NET rating of one element for one occupation: importance (1–5) and level (0–7) kept as numbers."""

    __tablename__ = "onet_occupation_element"

    occupation_id: str = _fk("occupation.id", primary_key=True)
    element_id: str = _fk("onet_element.id", primary_key=True, index=True)
    importance: float | None = None
    level: float | None = None
    not_relevant: bool = False
    recommend_suppress: bool = False


class OnetTechnologySkill(SQLModel, table=True):
    """A software example O*NET lists for an occupation (e.g. ``Microsoft Excel``)."""

    __tablename__ = "onet_technology_skill"

    occupation_id: str = _fk("occupation.id", primary_key=True)
    example: str = Field(primary_key=True)
    commodity_code: str | None = None
    commodity_title: str | None = None
    hot_technology: bool = False
    in_demand: bool = False


class Crosswalk(SQLModel, table=True):
    """Nesta's ESCO→O*NET mapping, with the published code resolved against the loaded O*NET release."""

    esco_occupation_id: str = Field(primary_key=True)
    onet_code: str = Field(index=True)
    onet_title: str = ""
    onet_occupation_id: str | None = Field(default=None, index=True)
    # How onet_code was resolved: exact, title, alternate_title, soc_prefix; None when it could not be.
    resolution: str | None = None
    confidence: float | None = None
    semantic_similarity: float | None = None
    matching_job_titles: list[str] = Field(default_factory=list, sa_type=JSON)


class OccupationLink(SQLModel, table=True):
    """An O*NET occupation's ESCO counterpart, whose skill profile it borrows.

    ``method`` is ``crosswalk`` (Nesta's mapping; ``score`` = its confidence) or ``nearest`` (the most
    similar ESCO occupation by title, where the crosswalk has no row; ``score`` = cosine).
    """

    __tablename__ = "occupation_link"

    onet_id: str = _fk("occupation.id", primary_key=True)
    esco_id: str = _fk("occupation.id", primary_key=True, index=True)
    method: str
    score: float | None = None


# --- credentials ---------------------------------------------------------------------------------------


class Credential(SQLModel, table=True):
    """A micro-credential offering (course, specialization, certificate, badge, …) from one catalogue."""

    __table_args__ = (
        Index("ix_credential_source_key", "source", "source_key", unique=True),
        # Covering indexes for the catalogue's version check and the listing's substring scan (migration 0011).
        Index("ix_credential_version", "active", "updated_at", "aligned_hash"),
        Index("ix_credential_search", "active", "search_text", "title", "id").ddl_if(dialect="sqlite"),
    )

    id: str = Field(primary_key=True)
    source: str = Field(index=True)
    source_key: str
    # Same offering listed by several catalogues shares this key, so callers can collapse duplicates.
    canonical_key: str = Field(index=True)
    title: str
    provider: str = Field(index=True)
    platform: str | None = None
    kind: str = Field(index=True)
    level: str | None = Field(default=None, index=True)
    duration_hours: float | None = None
    duration_text: str | None = None
    cost: float | None = None
    currency: str | None = None
    language: str | None = None
    # How the language was decided: marker, catalogue, detected or default (sources.languages).
    language_source: str | None = None
    url: str | None = None
    description: str | None = None
    subjects: list[str] = Field(default_factory=list, sa_type=JSON)
    skill_tags: list[str] = Field(default_factory=list, sa_type=JSON)
    programs: list[str] = Field(default_factory=list, sa_type=JSON)
    rating: float | None = None
    review_count: int | None = None
    enrolled: int | None = None
    credit_eligible: bool | None = None
    search_text: str = ""
    content_hash: str = ""
    # False once the catalogue no longer lists it: kept for learners who hold it, never recommended.
    active: bool = Field(default=True, index=True)
    # content_hash at the time skills were last inferred for it; differs -> re-align only this one.
    aligned_hash: str | None = None
    updated_at: datetime = Field(default_factory=_now)
    # Imported through the API or CLI (OB 3.0, CTDL): the organisation that owns it (only it may change it)
    # and the issuer's own id (the OB 3.0 creator, the CTDL ownedBy). None for the CSV catalogues.
    org_id: str | None = Field(default=None, index=True)
    issuer_id: str | None = None


class CredentialAlignment(SQLModel, table=True):
    """An alignment the issuer declared (OB 3.0 ``alignment``, CTDL ``teaches``/``occupationType``), kept as given.

    ``target_type`` says what it names: ``esco_skill`` (also a declared ``credential_skill``),
    ``esco_occupation``, ``onet_occupation`` or ``other`` (free text, linked by credpath).
    """

    __tablename__ = "credential_alignment"

    credential_id: str = _fk("credential.id", primary_key=True)
    position: int = Field(primary_key=True)
    target_type: str
    target_url: str | None = None
    target_code: str | None = None
    target_name: str | None = None
    target_framework: str | None = None


class CredentialSkill(SQLModel, table=True):
    """An ESCO skill a credential teaches: ``declared`` by its publisher or ``inferred`` by credpath."""

    __tablename__ = "credential_skill"

    credential_id: str = _fk("credential.id", primary_key=True)
    skill_id: str = _fk("skill.id", primary_key=True, index=True)
    source: str
    confidence: float
    evidence: str = ""


# --- learners and employers ------------------------------------------------------------------------------


class Organisation(SQLModel, table=True):
    """A portal, employer or issuer (or the operator) that owns API keys and the records its keys create."""

    id: str = Field(primary_key=True)
    name: str = Field(unique=True)
    kind: str
    created_at: datetime = Field(default_factory=_now)


class ApiKey(SQLModel, table=True):
    """An API key, stored only as the SHA-256 of the key; ``prefix`` is its public, unique lookup handle."""

    __tablename__ = "api_key"

    prefix: str = Field(primary_key=True)
    org_id: str = _fk("organisation.id", index=True)
    key_hash: str
    scopes: list[str] = Field(default_factory=list, sa_type=JSON)
    created_at: datetime = Field(default_factory=_now)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class AuditEvent(SQLModel, table=True):
    """One write to learners, postings, keys or organisations: who (key prefix, or ``cli``) and when."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=_now, index=True)
    actor: str
    org_id: str | None = None
    action: str
    entity: str
    entity_id: str


class Learner(SQLModel, table=True):
    """A learner profile; ``discoverable`` is consent to appear (pseudonymously) as any employer's candidate.

    ``org_id`` owns it (None: admin only); ``discoverable_since`` records when consent was given.
    """

    id: str = Field(primary_key=True)
    org_id: str | None = Field(default=None, index=True)
    name: str | None = None
    discoverable: bool = Field(default=False, index=True)
    discoverable_since: datetime | None = None
    # ISO 639-1 codes the learner studies in (empty: the request decides) and their level, if they said.
    languages: list[str] = Field(default_factory=list, sa_type=JSON)
    level: str | None = None
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)


class LearnerSkill(SQLModel, table=True):
    """A skill a learner holds, with the strength of its evidence and an optional proficiency (0–1)."""

    __tablename__ = "learner_skill"

    learner_id: str = _fk("learner.id", primary_key=True)
    skill_id: str = _fk("skill.id", primary_key=True, index=True)
    evidence: str
    proficiency: float | None = None
    source_credential_id: str | None = None


class LearnerCredential(SQLModel, table=True):
    """A credential a learner already holds."""

    __tablename__ = "learner_credential"

    learner_id: str = _fk("learner.id", primary_key=True)
    credential_id: str = _fk("credential.id", primary_key=True)
    verified: bool = False


class LearnerBadge(SQLModel, table=True):
    """A signed Open Badges credential a learner holds, as submitted, and what checking its proof found.

    ``status`` is ``verified`` (its skills are the learner's verified skills) or ``claimed`` (it could not be
    checked offline; its skills count as declared). ``skills`` are the ESCO skills it supports.
    ``superseded``: skill → the learner's own evidence this badge replaced (``evidence``, ``proficiency``,
    ``source``: the row's source credential), restored when the badge is deleted and no other badge supports the skill.
    """

    __tablename__ = "learner_badge"
    __table_args__ = (Index("ix_learner_badge_digest", "learner_id", "digest", unique=True),)

    id: str = Field(primary_key=True)
    learner_id: str = _fk("learner.id", index=True)
    digest: str
    format: str
    status: str
    method: str
    reason: str | None = None
    issuer: str | None = None
    achievement_id: str | None = None
    achievement_name: str | None = None
    credential_id: str | None = None
    skills: list[str] = Field(default_factory=list, sa_type=JSON)
    superseded: dict[str, dict[str, Any]] | None = Field(default=None, sa_type=JSON)
    document: str
    created_at: datetime = Field(default_factory=_now)


class Employer(SQLModel, table=True):
    """An organisation that posts skill needs."""

    id: str = Field(primary_key=True)
    name: str
    created_at: datetime = Field(default_factory=_now)


class JobPosting(SQLModel, table=True):
    """A job posting (``text`` is its description), owned by the employer organisation ``org_id``.

    ``occupation_id`` is the nearest ESCO occupation (or the one the employer gave, ``occupation_given``),
    ``onet_occupation_id`` the nearest O*NET one, each with its cosine score.
    """

    __tablename__ = "job_posting"
    __table_args__ = (Index("ix_job_posting_org_ref", "org_id", "external_ref", unique=True),)

    id: str = Field(primary_key=True)
    # The pre-tenancy owner (issue 1's ``employer`` table); postings made through the API have none.
    employer_id: str | None = Field(
        default=None,
        sa_column=Column(String, ForeignKey("employer.id", ondelete="CASCADE"), index=True, nullable=True),
    )
    org_id: str | None = Field(default=None, index=True)
    title: str
    text: str = ""
    location: str | None = None
    url: str | None = None
    status: str = Field(default="open", index=True)
    visibility: str = "private"
    occupation_id: str | None = Field(default=None, index=True)
    occupation_score: float | None = None
    occupation_given: bool = False
    onet_occupation_id: str | None = None
    onet_score: float | None = None
    # A caller's idempotency handle (the demo loader's sample id, an ATS's requisition number), unique per org.
    external_ref: str | None = None
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)


class PostingSkill(SQLModel, table=True):
    """A skill a job posting asks for: ``relation_type`` is its importance (essential or optional).

    ``source`` is extracted (from the description, with the phrase, offsets and score), explicit (given by
    the employer) or corrected (the employer changed or removed it; ``removed`` rows are kept as tombstones
    so that re-extraction does not bring a removed skill back).
    """

    __tablename__ = "posting_skill"

    posting_id: str = _fk("job_posting.id", primary_key=True)
    skill_id: str = _fk("skill.id", primary_key=True, index=True)
    relation_type: str = "essential"
    source: str = "extracted"
    score: float | None = None
    phrase: str | None = None
    start: int | None = None
    end: int | None = None
    removed: bool = False


class ServerSecret(SQLModel, table=True):
    """A random secret the server generates once and every replica shares (e.g. for candidate pseudonyms)."""

    __tablename__ = "server_secret"

    name: str = Field(primary_key=True)
    value: str
    created_at: datetime = Field(default_factory=_now)
