"""Request bodies (msgspec): the limits here are enforced before any handler runs (400 on violation)."""

from typing import Annotated, Literal

import msgspec

__all__ = ["OccupationMatchRequest", "SkillExtractRequest", "SkillMatchRequest"]

# A request may carry at most 256 texts of at most 20,000 characters each (MAX_TEXTS, MAX_TEXT_CHARS).
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]
Texts = Annotated[list[Text], msgspec.Meta(min_length=1, max_length=256)]
TopK = Annotated[int, msgspec.Meta(ge=1, le=100)]


class SkillMatchRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Texts to link to ESCO skills."""

    texts: Texts
    top_k: TopK = 10


class SkillExtractRequest(msgspec.Struct, forbid_unknown_fields=True):
    """A longer text (job posting, CV, course description) to find skill mentions in."""

    text: Text
    threshold: Annotated[float, msgspec.Meta(ge=0.0, le=1.0)] | None = None


class OccupationMatchRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Job titles to normalise to occupations."""

    titles: Texts
    top_k: TopK = 10
    taxonomy: Literal["esco", "onet", "all"] = "all"
