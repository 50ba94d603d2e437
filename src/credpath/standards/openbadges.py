"""1EdTech Open Badges 3.0 ``Achievement`` objects → :class:`ImportedCredential` records.

A document is one ``Achievement``, an ``OpenBadgeCredential``/``AchievementCredential`` (its
``credentialSubject.achievement``), or a JSON list of either. Each achievement is validated against the
published OB 3.0 JSON Schema (``data/standards/ob_v3p0_achievementcredential_schema.json``, the
``Achievement`` definition), then against credpath's own rules (absolute alignment URLs, a name the
planner can show). The first problem is raised with its JSON path.

Read: ``id``, ``name``, ``description``, ``criteria.narrative``, ``creator`` (id, name), ``achievementType``,
``alignment[]`` (``targetUrl``, ``targetCode``, ``targetFramework``, ``targetName``), ``tag``, and two
schema.org extension terms issuers add for price and study time: ``timeRequired`` (ISO 8601 duration) and
``offers`` (``price``, ``priceCurrency``).
"""

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from credpath.config import repository_root
from credpath.errors import DocumentError
from credpath.standards.documents import as_list, is_absolute_uri, iso_duration_hours, json_path, require, text_value
from credpath.standards.records import DeclaredAlignment, ImportedCredential, classify_alignment

__all__ = ["SCHEMA_FILE", "achievement_paths", "read_achievement", "read_ob3"]

SCHEMA_FILE = repository_root() / "data" / "standards" / "ob_v3p0_achievementcredential_schema.json"
CREDENTIAL_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
# achievementType → credpath's credential kinds (the rest are "other").
KINDS = {
    "Badge": "badge",
    "MicroCredential": "badge",
    "Award": "badge",
    "Competency": "badge",
    "Certificate": "professional_certificate",
    "Certification": "professional_certificate",
    "CertificateOfCompletion": "professional_certificate",
    "License": "professional_certificate",
    "Course": "course",
    "LearningProgram": "course",
    "Module": "course",
    "Degree": "degree",
    "BachelorDegree": "degree",
    "MasterDegree": "degree",
    "AssociateDegree": "degree",
    "DoctoralDegree": "degree",
}


@cache
def _validator(path: Path = SCHEMA_FILE) -> Draft202012Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    return Draft202012Validator({"$ref": "#/$defs/Achievement", "$defs": schema["$defs"]})


def _schema_error(error: ValidationError, at: Sequence[str | int]) -> DocumentError:
    parts: list[str | int] = [*at, *error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing:
            return DocumentError(json_path([*parts, missing[0]]), "required property is missing")
    return DocumentError(json_path(parts), error.message[:300])


def _types(node: dict[str, Any]) -> set[str]:
    return {t for t in as_list(node.get("type")) if isinstance(t, str)}


def achievement_paths(document: Any) -> list[tuple[list[str | int], dict[str, Any]]]:
    """Every achievement in a document, with its path: a list, a credential, or an achievement.

    Raises:
        DocumentError: the document holds no achievement, or something else where one is expected.
    """
    items: list[tuple[list[str | int], Any]] = (
        [([i], item) for i, item in enumerate(document)] if isinstance(document, list) else [([], document)]
    )
    require(bool(items), [], "an empty list holds no achievement")
    found: list[tuple[list[str | int], dict[str, Any]]] = []
    for at, item in items:
        require(isinstance(item, dict), at, "expected an Achievement or an OpenBadgeCredential object")
        if _types(item) & CREDENTIAL_TYPES:
            subject = item.get("credentialSubject")
            require(isinstance(subject, dict), [*at, "credentialSubject"], "a credential needs a credentialSubject")
            achievement = subject.get("achievement")
            where = [*at, "credentialSubject", "achievement"]
            require(isinstance(achievement, dict), where, "the credential subject names no achievement object")
            found.append((where, achievement))
        else:
            require("Achievement" in _types(item), [*at, "type"], "expected type Achievement or OpenBadgeCredential")
            found.append((at, item))
    return found


def _alignment(node: dict[str, Any], at: list[str | int]) -> DeclaredAlignment:
    url = node.get("targetUrl")
    require(is_absolute_uri(url), [*at, "targetUrl"], "targetUrl must be an absolute URI")
    code = node.get("targetCode") if isinstance(node.get("targetCode"), str) else None
    framework = node.get("targetFramework") if isinstance(node.get("targetFramework"), str) else None
    return DeclaredAlignment(
        path=json_path(at),
        url_path=json_path([*at, "targetUrl"]),
        target_type=classify_alignment(url, code, framework),
        target_url=url,
        target_code=code,
        target_name=text_value(node.get("targetName")),
        target_framework=framework,
    )


def _price(node: dict[str, Any], at: list[str | int]) -> tuple[float | None, str | None]:
    offers = as_list(node.get("offers"))
    if not offers:
        return None, None
    offer = offers[0]
    where = [*at, "offers"] if not isinstance(node.get("offers"), list) else [*at, "offers", 0]
    require(isinstance(offer, dict), where, "offers must be an object with price and priceCurrency")
    price, currency = offer.get("price"), offer.get("priceCurrency")
    require(
        isinstance(price, int | float) and not isinstance(price, bool) and 0 <= price < 1e12,
        [*where, "price"],
        "price must be a number from 0 to 10^12",
    )
    require(
        isinstance(currency, str) and len(currency) == 3 and currency.isalpha(),
        [*where, "priceCurrency"],
        "priceCurrency must be an ISO 4217 code such as EUR",
    )
    return float(price), currency.upper()


def read_achievement(node: dict[str, Any], at: list[str | int]) -> ImportedCredential:
    """One validated achievement as an :class:`ImportedCredential`.

    Raises:
        DocumentError: the achievement breaks the OB 3.0 schema or credpath's rules (the path says where).
    """
    error = best_match(_validator().iter_errors(node))
    if error is not None:
        raise _schema_error(error, at)
    require(is_absolute_uri(node["id"]), [*at, "id"], "an achievement id must be an absolute URI")
    name = text_value(node.get("name"))
    require(name is not None, [*at, "name"], "name must not be empty")
    creator: dict[str, Any] = node["creator"] if isinstance(node.get("creator"), dict) else {}
    creator_id = creator.get("id") if isinstance(creator.get("id"), str) else None
    alignments = tuple(_alignment(item, [*at, "alignment", i]) for i, item in enumerate(as_list(node.get("alignment"))))
    hours: float | None = None
    duration = node.get("timeRequired")
    if duration is not None:
        require(isinstance(duration, str), [*at, "timeRequired"], "timeRequired must be an ISO 8601 duration")
        hours = iso_duration_hours(duration)
        require(hours is not None, [*at, "timeRequired"], "timeRequired must be an ISO 8601 duration such as PT40H")
    cost, currency = _price(node, at)
    kinds = [k for k in as_list(node.get("achievementType")) if isinstance(k, str)]
    criteria: dict[str, Any] = node["criteria"] if isinstance(node.get("criteria"), dict) else {}
    description = text_value(node.get("description"))
    narrative = text_value(criteria.get("narrative"))
    return ImportedCredential(
        path=json_path(at),
        key=node["id"],
        title=name or "",
        kind=KINDS.get(kinds[0], "other") if kinds else "badge",
        provider=text_value(creator.get("name")) or creator_id or "unknown issuer",
        issuer_id=creator_id,
        description="\n\n".join(part for part in (description, narrative) if part) or None,
        url=criteria.get("id") if is_absolute_uri(criteria.get("id")) else None,
        duration_hours=hours,
        duration_text=duration if isinstance(duration, str) else None,
        cost=cost,
        currency=currency,
        competencies=tuple(a.target_name for a in alignments if a.target_type == "other" and a.target_name),
        tags=tuple(t.strip() for t in as_list(node.get("tag")) if isinstance(t, str) and t.strip()),
        alignments=alignments,
    )


def read_ob3(document: Any) -> list[ImportedCredential]:
    """Every achievement of an OB 3.0 document, validated; the first problem raises with its JSON path.

    Raises:
        DocumentError: the document, or one of its achievements, is invalid.
    """
    out = [read_achievement(node, at) for at, node in achievement_paths(document)]
    keys = [item.key for item in out]
    duplicate = next((i for i, key in enumerate(keys) if key in keys[:i]), None)
    if duplicate is not None:
        raise DocumentError(f"{out[duplicate].path}.id", "the same achievement id appears twice in one document")
    return out
