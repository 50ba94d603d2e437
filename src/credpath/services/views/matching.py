"""Semantic matching: ranked skills and occupations for texts, and skill mentions in a document."""

import msgspec

from credpath.vocabulary import Taxonomy

__all__ = [
    "ExtractionResponse",
    "OccupationMatch",
    "OccupationMatchResponse",
    "OccupationMatchResult",
    "SkillMatch",
    "SkillMatchResponse",
    "SkillMatchResult",
    "SkillMention",
]


class SkillMatch(msgspec.Struct, frozen=True, kw_only=True):
    """A ranked skill."""

    skill_id: str
    label: str
    score: float


class SkillMatchResult(msgspec.Struct, frozen=True, kw_only=True):
    """Ranked skills for one input text."""

    matches: list[SkillMatch]


class SkillMatchResponse(msgspec.Struct, frozen=True, kw_only=True):
    """One result per input text, in input order."""

    results: list[SkillMatchResult]


class SkillMention(msgspec.Struct, frozen=True, kw_only=True):
    """A skill found in a text: the phrase that names it, its sentence, offsets, score."""

    skill_id: str
    label: str
    score: float
    text: str
    start: int
    end: int
    sentence: str


class ExtractionResponse(msgspec.Struct, frozen=True, kw_only=True):
    """Skill mentions in reading order; ``threshold`` is the calibrated minimum score applied."""

    mentions: list[SkillMention]
    threshold: float


class OccupationMatch(msgspec.Struct, frozen=True, kw_only=True):
    """A ranked occupation.

    ``via_onet``: the O*NET occupation whose title the text is, word for word, when the ESCO–O*NET crosswalk
    put this occupation first (``skills.title_crosswalk``); ``score`` stays the embedding's.
    """

    occupation_id: str
    label: str
    taxonomy: Taxonomy
    score: float
    via_onet: str | None = None


class OccupationMatchResult(msgspec.Struct, frozen=True, kw_only=True):
    """Ranked occupations for one input title."""

    matches: list[OccupationMatch]


class OccupationMatchResponse(msgspec.Struct, frozen=True, kw_only=True):
    """One result per input title, in input order."""

    results: list[OccupationMatchResult]
