"""Stored learner profiles."""

from datetime import datetime

import msgspec

from credpath.vocabulary import Evidence

__all__ = ["LearnerSkillView", "LearnerView"]


class LearnerSkillView(msgspec.Struct, frozen=True, kw_only=True):
    """A skill a learner holds, with its evidence."""

    skill_id: str
    label: str
    evidence: Evidence
    proficiency: float | None
    source_credential_id: str | None


class LearnerView(msgspec.Struct, frozen=True, kw_only=True):
    """A stored learner profile."""

    id: str
    name: str | None
    discoverable: bool
    discoverable_since: datetime | None
    languages: list[str]
    level: str | None
    skills: list[LearnerSkillView]
    credentials: list[str]
    created_at: datetime
    updated_at: datetime
