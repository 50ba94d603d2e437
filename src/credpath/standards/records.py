"""What a catalogue document says about one credential, whichever standard it came in.

Example:
    >>> classify_alignment("http://data.europa.eu/esco/skill/abc", None, None)
    'esco_skill'
    >>> classify_alignment(None, "15-2051.00", "O*NET-SOC"), classify_alignment("https://example.org/x", "A1", "CASE")
    ('onet_occupation', 'other')
"""

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from credpath.sources.labels import search_text
from credpath.vocabulary import ESCO_OCCUPATION_PREFIX, ESCO_SKILL_PREFIX

__all__ = [
    "ONET_CODE",
    "AlignmentTarget",
    "DeclaredAlignment",
    "ImportedCredential",
    "classify_alignment",
    "credential_row",
]

ONET_CODE = re.compile(r"^\d{2}-\d{4}(\.\d{2})?$")
_ONET_URL = re.compile(r"onet(online|center)\.org/.*?(\d{2}-\d{4}(\.\d{2})?)")


class AlignmentTarget:
    """What a declared alignment names (plain strings, stored as given)."""

    ESCO_SKILL = "esco_skill"
    ESCO_OCCUPATION = "esco_occupation"
    ONET_OCCUPATION = "onet_occupation"
    OTHER = "other"


def classify_alignment(url: str | None, code: str | None, framework: str | None) -> str:
    """Whether an alignment names an ESCO skill, an ESCO occupation, an O*NET occupation, or something else."""
    if url and url.startswith(ESCO_SKILL_PREFIX):
        return AlignmentTarget.ESCO_SKILL
    if url and url.startswith(ESCO_OCCUPATION_PREFIX):
        return AlignmentTarget.ESCO_OCCUPATION
    onet_framework = bool(framework) and "o*net" in (framework or "").casefold().replace("onet", "o*net")
    if code and ONET_CODE.match(code.strip()) and (onet_framework or not url):
        return AlignmentTarget.ONET_OCCUPATION
    if url and _ONET_URL.search(url):
        return AlignmentTarget.ONET_OCCUPATION
    return AlignmentTarget.OTHER


def onet_code_of(url: str | None, code: str | None) -> str | None:
    """The O*NET-SOC code an O*NET alignment names (``15-2051.00``), from its code or its URL."""
    if code and ONET_CODE.match(code.strip()):
        found = code.strip()
    elif url and (match := _ONET_URL.search(url)):
        found = match.group(2)
    else:
        return None
    return found if "." in found else f"{found}.00"


@dataclass(frozen=True, slots=True, kw_only=True)
class DeclaredAlignment:
    """One alignment the issuer declared, exactly as published, and where it sits in the document."""

    path: str
    url_path: str
    target_type: str
    target_url: str | None = None
    target_code: str | None = None
    target_name: str | None = None
    target_framework: str | None = None

    @property
    def onet_code(self) -> str | None:
        """The O*NET-SOC code, for an O*NET alignment."""
        return onet_code_of(self.target_url, self.target_code) if self.target_type == "onet_occupation" else None


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedCredential:
    """One credential read from an OB 3.0 or CTDL document.

    ``key`` is the issuer's own identifier (the achievement's ``id``, the CTDL ``@id``/CTID); ``competencies``
    are free-text skills (linked by credpath), ``alignments`` the targets the issuer declared.
    """

    path: str
    key: str
    title: str
    kind: str
    provider: str
    issuer_id: str | None = None
    description: str | None = None
    url: str | None = None
    duration_hours: float | None = None
    duration_text: str | None = None
    cost: float | None = None
    currency: str | None = None
    competencies: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    alignments: tuple[DeclaredAlignment, ...] = field(default_factory=tuple)


def credential_row(item: ImportedCredential, *, fmt: str, org_id: str) -> dict[str, Any]:
    """The ``credential`` table row for an imported credential, owned by ``org_id``.

    The id hashes the owner with the issuer's key: two organisations importing the same achievement id
    get two rows, so one import can never overwrite another organisation's credential.
    """
    digest = hashlib.sha256(f"{fmt}\x00{org_id}\x00{item.key}".encode()).hexdigest()[:20]
    tags = list(dict.fromkeys([*item.competencies, *item.tags]))
    row: dict[str, Any] = {
        "id": f"{fmt}-{digest}",
        "source": f"{fmt}:{org_id}",
        "source_key": item.key,
        "canonical_key": f"{fmt}:{item.key}",
        "org_id": org_id,
        "issuer_id": item.issuer_id,
        "title": item.title,
        "provider": item.provider,
        "platform": fmt,
        "kind": item.kind,
        "duration_hours": item.duration_hours,
        "duration_text": item.duration_text,
        "cost": item.cost,
        "currency": item.currency,
        "url": item.url,
        "description": item.description,
        "skill_tags": tags,
        "search_text": search_text([item.title, item.provider, *tags]),
        "active": True,
    }
    alignments = [
        (a.target_type, a.target_url, a.target_code, a.target_name, a.target_framework) for a in item.alignments
    ]
    row["content_hash"] = hashlib.sha256(repr((sorted(row.items()), alignments)).encode()).hexdigest()[:16]
    return row
