"""Credential Engine CTDL JSON-LD (a ``@graph`` or a single resource) → :class:`ImportedCredential` records.

Credentials read: ``ceterms:Badge``, ``OpenBadge``, ``DigitalBadge``, ``MicroCredential``, ``Certificate``,
``Certification`` and the learning opportunities ``ceterms:Course``, ``LearningProgram`` and
``LearningOpportunityProfile``. Other resources in the graph (``ceterms:CredentialOrganization``,
``ceasn:Competency``) are read only to resolve references by ``@id``.

Read per credential: ``ceterms:name``, ``description``, ``subjectWebpage``, ``ctid``/``@id``,
``ownedBy``/``offeredBy`` (the organisation's name when the graph holds it), ``estimatedDuration``
(``DurationProfile``: ``exactDuration``, else the midpoint of ``minimumDuration``/``maximumDuration``),
``estimatedCost`` (``CostProfile``: ``price``, ``currency``), the competencies of ``ceterms:teaches``,
``ceterms:assesses`` and ``ceterms:requires`` (``ConditionProfile.targetCompetency``): a
``CredentialAlignmentObject``'s ``targetNode`` (an ESCO skill URI is a declared alignment) or its text
(``ceasn:competencyText`` of the node it points to, else ``targetNodeName``), and ``occupationType``
(an O*NET-SOC code is a declared alignment).
"""

from typing import Any

from credpath.errors import DocumentError
from credpath.standards.documents import as_list, is_absolute_uri, iso_duration_hours, json_path, require, text_value
from credpath.standards.records import AlignmentTarget, DeclaredAlignment, ImportedCredential, classify_alignment

__all__ = ["CREDENTIAL_TYPES", "read_ctdl"]

Path = list[str | int]

# CTDL class → credpath's credential kind.
CREDENTIAL_TYPES = {
    "ceterms:Badge": "badge",
    "ceterms:OpenBadge": "badge",
    "ceterms:DigitalBadge": "badge",
    "ceterms:MicroCredential": "badge",
    "ceterms:Certificate": "professional_certificate",
    "ceterms:Certification": "professional_certificate",
    "ceterms:Course": "course",
    "ceterms:LearningProgram": "course",
    "ceterms:LearningOpportunityProfile": "course",
}
# Currencies spelled out by some publishers (the Credential Engine ingest examples write "US Dollar").
CURRENCY_NAMES = {"us dollar": "USD", "us dollars": "USD", "dollar": "USD", "euro": "EUR", "euros": "EUR"}


def _types(node: dict[str, Any]) -> list[str]:
    return [t for t in as_list(node.get("@type")) if isinstance(t, str)]


def _resources(document: Any) -> list[tuple[Path, dict[str, Any]]]:
    require(isinstance(document, dict), [], "expected a CTDL JSON-LD object (a resource or a @graph)")
    if "@graph" in document:
        graph = document["@graph"]
        require(isinstance(graph, list) and bool(graph), ["@graph"], "@graph must be a non-empty list")
        for i, node in enumerate(graph):
            require(isinstance(node, dict), ["@graph", i], "every @graph entry must be an object")
        return [(["@graph", i], node) for i, node in enumerate(graph)]
    return [([], document)]


def _currency(value: Any, at: Path) -> str:
    text = value.strip() if isinstance(value, str) else ""
    code = CURRENCY_NAMES.get(text.casefold(), text.upper())
    require(len(code) == 3 and code.isalpha(), at, "currency must be an ISO 4217 code such as USD")
    return code


def _cost(node: dict[str, Any], at: Path) -> tuple[float | None, str | None]:
    total: float | None = None
    currency: str | None = None
    for i, profile in enumerate(as_list(node.get("ceterms:estimatedCost"))):
        where = [*at, "ceterms:estimatedCost", i]
        require(isinstance(profile, dict), where, "expected a ceterms:CostProfile object")
        price = profile.get("ceterms:price")
        if price is None:
            continue
        require(
            isinstance(price, int | float) and not isinstance(price, bool) and 0 <= price < 1e12,
            [*where, "ceterms:price"],
            "price must be a number from 0 to 10^12",
        )
        code = _currency(profile.get("ceterms:currency"), [*where, "ceterms:currency"])
        require(currency in (None, code), [*where, "ceterms:currency"], f"costs mix currencies ({currency}, {code})")
        currency = code
        total = (total or 0.0) + float(price)
    return total, currency


def _duration(node: dict[str, Any], at: Path) -> tuple[float | None, str | None]:
    for i, profile in enumerate(as_list(node.get("ceterms:estimatedDuration"))):
        where = [*at, "ceterms:estimatedDuration", i]
        require(isinstance(profile, dict), where, "expected a ceterms:DurationProfile object")
        spans: dict[str, float] = {}
        for term in ("ceterms:exactDuration", "ceterms:minimumDuration", "ceterms:maximumDuration"):
            value = profile.get(term)
            if value is None:
                continue
            hours = iso_duration_hours(value) if isinstance(value, str) else None
            require(hours is not None, [*where, term], "expected an ISO 8601 duration such as PT40H or P6W")
            spans[term] = hours or 0.0
        text = text_value(profile.get("ceterms:description"))
        if "ceterms:exactDuration" in spans:
            return spans["ceterms:exactDuration"], text or profile["ceterms:exactDuration"]
        if spans:
            return round(sum(spans.values()) / len(spans), 2), text
    return None, None


def _alignment(target: dict[str, Any], at: Path, nodes: dict[str, dict[str, Any]]) -> tuple[DeclaredAlignment, str]:
    url = target.get("ceterms:targetNode")
    if url is not None:
        require(is_absolute_uri(url), [*at, "ceterms:targetNode"], "targetNode must be an absolute URI")
    code = target.get("ceterms:codedNotation") if isinstance(target.get("ceterms:codedNotation"), str) else None
    framework = target.get("ceterms:framework") or text_value(target.get("ceterms:frameworkName"))
    referenced = nodes.get(url, {}) if isinstance(url, str) else {}
    text = (
        text_value(target.get("ceasn:competencyText"))
        or text_value(referenced.get("ceasn:competencyText"))
        or text_value(target.get("ceterms:targetNodeName"))
        or text_value(referenced.get("ceterms:name"))
    )
    kind = classify_alignment(url, code, framework if isinstance(framework, str) else None)
    declared = DeclaredAlignment(
        path=json_path(at),
        url_path=json_path([*at, "ceterms:targetNode"]),
        target_type=kind,
        target_url=url,
        target_code=code,
        target_name=text,
        target_framework=framework if isinstance(framework, str) else None,
    )
    return declared, text or ""


def _competency_targets(node: dict[str, Any], at: Path) -> list[tuple[Path, Any]]:
    found: list[tuple[Path, Any]] = []
    for term in ("ceterms:teaches", "ceterms:assesses"):
        found += [([*at, term, i], item) for i, item in enumerate(as_list(node.get(term)))]
    for i, condition in enumerate(as_list(node.get("ceterms:requires"))):
        where = [*at, "ceterms:requires", i]
        require(isinstance(condition, dict), where, "expected a ceterms:ConditionProfile object")
        targets = as_list(condition.get("ceterms:targetCompetency"))
        found += [([*where, "ceterms:targetCompetency", j], item) for j, item in enumerate(targets)]
    return found


def _credential(node: dict[str, Any], at: Path, kind: str, nodes: dict[str, dict[str, Any]]) -> ImportedCredential:
    found = node.get("@id") or node.get("ceterms:ctid")
    key = found.strip() if isinstance(found, str) else ""
    require(bool(key), [*at, "@id"], "a credential needs an @id or a ceterms:ctid")
    name = text_value(node.get("ceterms:name"))
    require(name is not None, [*at, "ceterms:name"], "a credential needs a ceterms:name")
    alignments: list[DeclaredAlignment] = []
    competencies: list[str] = []
    for where, target in _competency_targets(node, at):
        if isinstance(target, str):
            # A bare reference: a competency resource elsewhere in the graph, or an ESCO URI.
            require(is_absolute_uri(target), where, "a competency reference must be an absolute URI")
            target = {"ceterms:targetNode": target}
        require(isinstance(target, dict), where, "expected a ceterms:CredentialAlignmentObject")
        declared, text = _alignment(target, where, nodes)
        alignments.append(declared)
        if declared.target_type == AlignmentTarget.OTHER and text:
            competencies.append(text)
    for i, target in enumerate(as_list(node.get("ceterms:occupationType"))):
        where = [*at, "ceterms:occupationType", i]
        require(isinstance(target, dict), where, "expected a ceterms:CredentialAlignmentObject")
        declared, _text = _alignment(target, where, nodes)
        if declared.target_type != AlignmentTarget.OTHER:
            alignments.append(declared)
    owners = [o for o in as_list(node.get("ceterms:ownedBy")) + as_list(node.get("ceterms:offeredBy")) if o]
    owner = owners[0] if owners else None
    owner_ref = owner.get("@id") if isinstance(owner, dict) else owner
    owner_id = owner_ref if isinstance(owner_ref, str) else None
    owner_node = owner if isinstance(owner, dict) else nodes.get(owner_id or "", {})
    url = node.get("ceterms:subjectWebpage")
    hours, duration_text = _duration(node, at)
    cost, currency = _cost(node, at)
    keywords = [text_value(k) for k in as_list(node.get("ceterms:keyword"))]
    return ImportedCredential(
        path=json_path(at),
        key=key,
        title=name or "",
        kind=kind,
        provider=text_value(owner_node.get("ceterms:name")) or owner_id or "unknown issuer",
        issuer_id=owner_id,
        description=text_value(node.get("ceterms:description")),
        url=url if is_absolute_uri(url) else None,
        duration_hours=hours,
        duration_text=duration_text,
        cost=cost,
        currency=currency,
        competencies=tuple(dict.fromkeys(competencies)),
        tags=tuple(k for k in keywords if k),
        alignments=tuple(alignments),
    )


def read_ctdl(document: Any) -> list[ImportedCredential]:
    """Every credential or learning opportunity of a CTDL document; the first problem raises with its JSON path.

    Raises:
        DocumentError: the document is not CTDL, holds no credential, or one of them is invalid.
    """
    resources = _resources(document)
    nodes = {node["@id"]: node for _at, node in resources if isinstance(node.get("@id"), str)}
    out: list[ImportedCredential] = []
    for at, node in resources:
        kinds = [CREDENTIAL_TYPES[t] for t in _types(node) if t in CREDENTIAL_TYPES]
        if kinds:
            out.append(_credential(node, at, kinds[0], nodes))
    require(bool(out), [], "no ceterms credential or learning opportunity found (e.g. ceterms:Badge, ceterms:Course)")
    keys = [item.key for item in out]
    duplicate = next((i for i, key in enumerate(keys) if key in keys[:i]), None)
    if duplicate is not None:
        raise DocumentError(out[duplicate].path, "the same credential @id appears twice in one document")
    return out
