"""Read models returned by the services and serialised as-is by the API (snake_case JSON), one module per area.

msgspec Structs, never table objects: the wire format stays stable when the schema moves. Every struct
is keyword-only, so a field can never be filled by position; domain values are ``credpath.vocabulary``
enums, which encode as their wire strings.
"""

from credpath.services.views.access import (
    ApiKeyView,
    AuditEventView,
    AuditPage,
    CreatedKey,
    OrganisationPage,
    OrganisationView,
)
from credpath.services.views.credentials import CredentialDetail, CredentialPage, CredentialSkillView, CredentialSummary
from credpath.services.views.health import DatasetState, Health, IndexState, Liveness, Readiness
from credpath.services.views.learners import LearnerSkillView, LearnerView
from credpath.services.views.matching import (
    ExtractionResponse,
    OccupationMatch,
    OccupationMatchResponse,
    OccupationMatchResult,
    SkillMatch,
    SkillMatchResponse,
    SkillMatchResult,
    SkillMention,
)
from credpath.services.views.recommendations import (
    GapItem,
    GapResponse,
    NextCredential,
    Pathway,
    PathwayStep,
    RecommendationResponse,
    StepSkill,
    TargetEcho,
    UncoveredSkill,
)
from credpath.services.views.taxonomy import (
    ConceptRef,
    CrosswalkLink,
    EscoProfile,
    OccupationDetail,
    OccupationPage,
    OccupationSkillEntry,
    OccupationSummary,
    OnetRating,
    ProfileLink,
    ProfileSkill,
    RelatedSkill,
    SkillDetail,
    SkillPage,
    SkillSummary,
    TechnologySkillView,
)

__all__ = [
    "ApiKeyView",
    "AuditEventView",
    "AuditPage",
    "ConceptRef",
    "CreatedKey",
    "CredentialDetail",
    "CredentialPage",
    "CredentialSkillView",
    "CredentialSummary",
    "CrosswalkLink",
    "DatasetState",
    "EscoProfile",
    "ExtractionResponse",
    "GapItem",
    "GapResponse",
    "Health",
    "IndexState",
    "LearnerSkillView",
    "LearnerView",
    "Liveness",
    "NextCredential",
    "OccupationDetail",
    "OccupationMatch",
    "OccupationMatchResponse",
    "OccupationMatchResult",
    "OccupationPage",
    "OccupationSkillEntry",
    "OccupationSummary",
    "OnetRating",
    "OrganisationPage",
    "OrganisationView",
    "Pathway",
    "PathwayStep",
    "ProfileLink",
    "ProfileSkill",
    "Readiness",
    "RecommendationResponse",
    "RelatedSkill",
    "SkillDetail",
    "SkillMatch",
    "SkillMatchResponse",
    "SkillMatchResult",
    "SkillMention",
    "SkillPage",
    "SkillSummary",
    "StepSkill",
    "TargetEcho",
    "TechnologySkillView",
    "UncoveredSkill",
]
