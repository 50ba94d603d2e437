"""The domain's fixed vocabularies: string enums whose values are the wire strings, and ESCO identifiers.

Every layer may import this module (it imports nothing of credpath): the values are what the database
stores and what the API sends, so ``Evidence.VERIFIED == "verified"`` and a row read back as a plain
string compares equal to its member.

Example:
    >>> Evidence("verified") is Evidence.VERIFIED, Evidence.VERIFIED == "verified", f"{GapStatus.PARTIAL}"
    (True, True, 'partial')
    >>> is_esco_id("http://data.europa.eu/esco/skill/abc"), is_esco_id("15-2041.00")
    (True, False)
"""

from enum import StrEnum

__all__ = [
    "CREDENTIAL_KINDS",
    "DECLARED_BY_ISSUER",
    "ESCO_OCCUPATION_PREFIX",
    "ESCO_SKILL_PREFIX",
    "ESCO_URI_PREFIX",
    "AuditAction",
    "AuditEntity",
    "BadgeFormat",
    "BadgeStatus",
    "CatalogFormat",
    "Evidence",
    "GapStatus",
    "IndexStatus",
    "LinkingStatus",
    "MatchKind",
    "OrgKind",
    "PostingSkillSource",
    "PostingStatus",
    "PostingVisibility",
    "RelationType",
    "Scope",
    "TargetKind",
    "Taxonomy",
    "VectorBackend",
    "expand_esco_id",
    "is_esco_id",
]

ESCO_URI_PREFIX = "http://data.europa.eu/esco/"
ESCO_SKILL_PREFIX = ESCO_URI_PREFIX + "skill/"
ESCO_OCCUPATION_PREFIX = ESCO_URI_PREFIX + "occupation/"


class Evidence(StrEnum):
    """How credpath knows a skill is held (by a learner) or taught (by a credential), strongest first."""

    VERIFIED = "verified"
    DECLARED = "declared"
    INFERRED = "inferred"


# What a credential is, as stored and as named in a request's ``constraints.kinds``: every catalogue reader and
# standards importer maps its own type labels onto these ("other" when none fits).
CREDENTIAL_KINDS = frozenset(
    {
        "course",
        "specialization",
        "professional_certificate",
        "university_certificate",
        "graduate_certificate",
        "mastertrack",
        "degree",
        "postgraduate_diploma",
        "guided_project",
        "project",
        "micromasters",
        "xseries",
        "badge",
        "bootcamp",
        "other",
    }
)

# The evidence text of a skill an issuer aligned its credential to (an ESCO URI in OB 3.0 or CTDL).
DECLARED_BY_ISSUER = "declared_by_issuer"


class CatalogFormat(StrEnum):
    """The open standards a catalogue import reads."""

    OB3 = "ob3"  # 1EdTech Open Badges 3.0 Achievement / OpenBadgeCredential
    CTDL = "ctdl"  # Credential Engine CTDL JSON-LD


class LinkingStatus(StrEnum):
    """Whether an imported credential's free text has been linked to ESCO skills by the alignment scorer.

    ``pending``: the models are not built (or not loaded) yet; the next ``credpath build-index`` links it.
    """

    LINKED = "linked"
    PENDING = "pending"


class BadgeStatus(StrEnum):
    """What checking a learner's badge found: its proof verified, or it could not be checked offline."""

    VERIFIED = "verified"
    CLAIMED = "claimed"


class BadgeFormat(StrEnum):
    """How a badge was submitted: JSON with an embedded Data Integrity proof, or a compact VC-JWT."""

    JSON = "json"
    JWT = "jwt"


class RelationType(StrEnum):
    """How much a role (or a skill) needs a skill, as ESCO publishes it."""

    ESSENTIAL = "essential"
    OPTIONAL = "optional"


class PostingStatus(StrEnum):
    """Whether a job posting is still open (only open postings count as demand)."""

    OPEN = "open"
    CLOSED = "closed"


class PostingVisibility(StrEnum):
    """Who may target a posting: its own organisation's learners, or any learner (``public``)."""

    PRIVATE = "private"
    PUBLIC = "public"


class PostingSkillSource(StrEnum):
    """Where a posting's skill comes from; ``corrected`` (by the employer) survives re-extraction."""

    EXTRACTED = "extracted"
    EXPLICIT = "explicit"
    CORRECTED = "corrected"


class GapStatus(StrEnum):
    """How well a learner covers one requirement."""

    COVERED = "covered"
    PARTIAL = "partial"
    MISSING = "missing"


class MatchKind(StrEnum):
    """Which held skill covers a requirement: the same one, a narrower or broader one, or a similar one."""

    EXACT = "exact"
    NARROWER = "narrower"
    BROADER = "broader"
    SEMANTIC = "semantic"


class IndexStatus(StrEnum):
    """An embedding index compared with the database: ``unknown`` only when the database is unreachable."""

    READY = "ready"
    STALE = "stale"
    ABSENT = "absent"
    UNKNOWN = "unknown"


class VectorBackend(StrEnum):
    """Where nearest-neighbour search runs (``CREDPATH_VECTOR_BACKEND``)."""

    MEMORY = "memory"  # memory-mapped files under models/, HNSW in process
    PGVECTOR = "pgvector"  # PostgreSQL tables with pgvector HNSW indexes


class Taxonomy(StrEnum):
    """Where an occupation comes from."""

    ESCO = "esco"
    ONET = "onet"


class TargetKind(StrEnum):
    """What a gap analysis or a pathway was asked for."""

    OCCUPATION = "occupation"
    TITLE = "title"
    POSTING = "posting"
    SKILLS = "skills"


class OrgKind(StrEnum):
    """What an organisation holding API keys is; ``operator`` is the built-in owner of the bootstrap admin key."""

    PORTAL = "portal"
    EMPLOYER = "employer"
    ISSUER = "issuer"
    OPERATOR = "operator"


class Scope(StrEnum):
    """What an API key may do; ``admin`` implies every other scope and sees every organisation's records."""

    ADMIN = "admin"
    LEARNERS_READ = "learners:read"
    LEARNERS_WRITE = "learners:write"
    POSTINGS_READ = "postings:read"
    POSTINGS_WRITE = "postings:write"
    CATALOG_WRITE = "catalog:write"


class AuditEntity(StrEnum):
    """What kind of record an audited write touched."""

    LEARNER = "learner"
    POSTING = "posting"
    KEY = "key"
    ORGANISATION = "organisation"
    CREDENTIAL = "credential"


class AuditAction(StrEnum):
    """What an audited write did."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REVOKE = "revoke"


def is_esco_id(item_id: str) -> bool:
    """Whether an id is an ESCO URI (skills, occupations and groups) rather than an O*NET-SOC code.

    Example:
        >>> is_esco_id("http://data.europa.eu/esco/occupation/258e46f9"), is_esco_id("11-1011.00")
        (True, False)
    """
    return item_id.startswith(ESCO_URI_PREFIX)


def expand_esco_id(identifier: str, prefix: str) -> str:
    """Accept a full ESCO URI or just its UUID tail (shorter, and needs no URL-encoding).

    Args:
        identifier: a URI, a UUID tail, or another id (an O*NET-SOC code), which is returned as given.
        prefix: ``ESCO_SKILL_PREFIX`` or ``ESCO_OCCUPATION_PREFIX``, prepended to a UUID tail.

    Example:
        >>> expand_esco_id("ccd0a1d9-afda-43d9-b901-96344886e14d", ESCO_SKILL_PREFIX)
        'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d'
        >>> expand_esco_id("http:/data.europa.eu/esco/skill/x", ESCO_SKILL_PREFIX), expand_esco_id("15-2041.00", "")
        ('http://data.europa.eu/esco/skill/x', '15-2041.00')
    """
    identifier = identifier.strip().lstrip("/")
    if identifier.startswith(("http://", "https://")):
        return identifier
    # Some clients collapse the double slash of an un-encoded URI in a path ("http:/data...").
    if identifier.startswith(("http:/", "https:/")):
        scheme, rest = identifier.split(":/", 1)
        return f"{scheme}://{rest}"
    return prefix + identifier if _looks_like_uuid(identifier) else identifier


def _looks_like_uuid(text: str) -> bool:
    parts = text.split("-")
    return len(parts) == 5 and all(part.isalnum() for part in parts)
