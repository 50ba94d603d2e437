"""Write the Open Badges 3.0 and CTDL samples under ``data/samples/`` (run from the repository root).

    .venv/bin/python scripts/make_standards_samples.py

Keys are derived from fixed seeds, so every run writes the same keys, the same catalogue documents and the
same Ed25519 signatures (Data Integrity ``eddsa-rdfc-2022`` and EdDSA VC-JWTs are deterministic). ES256
signatures are randomised by ECDSA, so ``credential_es256*.jwt`` differ between runs while staying valid.
The seeds are public: these keys sign samples and nothing else.
"""

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credpath.standards.dids import did_key
from credpath.standards.proofs import sign_data_integrity, sign_jwt

ROOT = Path(__file__).resolve().parents[1] / "data" / "samples"
ESCO = "http://data.europa.eu/esco/skill/"
CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
CREATED = "2026-01-15T09:00:00Z"
VALID_FROM = "2026-01-15T00:00:00Z"
VALID_UNTIL = "2036-01-15T00:00:00Z"

ED25519 = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"credpath sample issuer: ed25519").digest())
P256_SEED = int.from_bytes(hashlib.sha256(b"credpath sample issuer: p-256").digest(), "big")
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P256 = ec.derive_private_key(P256_SEED % (P256_ORDER - 1) + 1, ec.SECP256R1())
ISSUER = did_key(ED25519.public_key())
ISSUER_P256 = did_key(P256.public_key())
LEARNER = "did:example:learner-ada"


def _esco(uuid: str, name: str) -> dict[str, Any]:
    return {"type": ["Alignment"], "targetUrl": ESCO + uuid, "targetName": name, "targetFramework": "ESCO v1.1.1"}


def achievements() -> list[dict[str, Any]]:
    """Three achievements of one issuer, with ESCO, O*NET and free-text alignments, prices and study time."""
    creator = {"id": ISSUER, "type": ["Profile"], "name": "Northwind Data Academy"}
    return [
        {
            "id": "https://badges.northwind.example/achievements/data-mining-essentials",
            "type": ["Achievement"],
            "achievementType": "Badge",
            "name": "Data Analyst Foundations: Data Mining",
            "description": "Find patterns in business data with clustering, association rules and decision trees.",
            "criteria": {"narrative": "Pass the proctored project: mine a retail data set and report three findings."},
            "creator": creator,
            "alignment": [
                _esco("4216e465-7baa-4884-a241-54b197bb9278", "perform data mining"),
                _esco("25f0ea33-b4a2-4f31-b7b4-7d20e827b180", "data mining"),
            ],
            "tag": ["data mining", "analytics"],
            "timeRequired": "PT20H",
            "offers": {"price": 120, "priceCurrency": "EUR"},
        },
        {
            "id": "https://badges.northwind.example/achievements/data-cleansing-practitioner",
            "type": ["Achievement"],
            "achievementType": "MicroCredential",
            "name": "Data Analyst Foundations: Data Cleansing",
            "description": "Profile, clean and validate data sets before analysis.",
            "criteria": {"narrative": "Clean three supplied data sets and document the quality rules applied."},
            "creator": creator,
            "alignment": [
                _esco("50b100ea-74fd-4706-99db-3e4ca55e51b8", "perform data cleansing"),
                _esco("cc7370dd-69fa-4c67-a96f-d4d135d38700", "data quality assessment"),
                {
                    "type": ["Alignment"],
                    "targetUrl": "https://case.northwind.example/frameworks/analytics/DQ-3",
                    "targetName": "Profile a data set and fix its quality issues",
                    "targetCode": "DQ-3",
                    "targetFramework": "Northwind analytics competencies",
                },
            ],
            "tag": ["data quality"],
            "timeRequired": "PT15H",
            "offers": {"price": 90, "priceCurrency": "EUR"},
        },
        {
            "id": "https://badges.northwind.example/achievements/database-querying",
            "type": ["Achievement"],
            "achievementType": "Course",
            "name": "Database Querying for Data Analysts",
            "description": "Query relational databases with SQL: joins, aggregation, window functions.",
            "criteria": {"narrative": "Complete twelve graded query exercises."},
            "creator": creator,
            "alignment": [
                _esco("4463a721-69f3-413d-8321-43e3af13a4f1", "use databases"),
                _esco("9cf681c7-89ec-470c-b651-7fe03786f586", "query languages"),
                {
                    "type": ["Alignment"],
                    "targetUrl": "https://www.onetonline.org/link/summary/15-2051.01",
                    "targetName": "Business Intelligence Analysts",
                    "targetCode": "15-2051.01",
                    "targetFramework": "O*NET-SOC 2019",
                },
            ],
            "timeRequired": "PT30H",
            "offers": {"price": 450, "priceCurrency": "EUR"},
        },
    ]


def ctdl_catalogue() -> dict[str, Any]:
    """A CTDL graph: an organisation, a competency, a badge and a course with costs, durations, alignments."""
    org = "https://credentials.contoso.example/org/contoso-institute"
    competency = "https://credentials.contoso.example/competencies/dashboards"
    return {
        "@context": "https://credreg.net/ctdl/schema/context/json",
        "@graph": [
            {
                "@id": org,
                "@type": "ceterms:CredentialOrganization",
                "ceterms:ctid": "ce-3f4b7c1e-6a0f-4a55-9a53-0c1f3a4d5e01",
                "ceterms:name": {"en-US": "Contoso Institute"},
                "ceterms:subjectWebpage": "https://contoso.example/",
            },
            {
                "@id": competency,
                "@type": "ceasn:Competency",
                "ceasn:competencyText": {"en-US": "Build dashboards that present findings to decision makers"},
            },
            {
                "@id": "https://credentials.contoso.example/badges/bi-dashboards",
                "@type": "ceterms:Badge",
                "ceterms:ctid": "ce-0b8e0e55-2f1c-4d3e-8f57-5a1a6c2b9d02",
                "ceterms:name": {"en-US": "Data Analyst Dashboards and Business Intelligence"},
                "ceterms:description": {"en-US": "Design business intelligence dashboards and visual reports."},
                "ceterms:subjectWebpage": "https://contoso.example/badges/bi-dashboards",
                "ceterms:ownedBy": [org],
                "ceterms:offeredBy": [org],
                "ceterms:estimatedDuration": [
                    {"@type": "ceterms:DurationProfile", "ceterms:exactDuration": "PT12H"}
                ],
                "ceterms:estimatedCost": [
                    {
                        "@type": "ceterms:CostProfile",
                        "ceterms:price": 80,
                        "ceterms:currency": "EUR",
                        "ceterms:description": {"en-US": "Assessment fee"},
                    }
                ],
                "ceterms:teaches": [
                    {
                        "@type": "ceterms:CredentialAlignmentObject",
                        "ceterms:targetNode": ESCO + "143769cb-b61e-47d8-a61e-eedfbec1016c",
                        "ceterms:targetNodeName": {"en-US": "business intelligence"},
                        "ceterms:framework": "http://data.europa.eu/esco/concept-scheme/skills",
                    },
                    {
                        "@type": "ceterms:CredentialAlignmentObject",
                        "ceterms:targetNode": ESCO + "348b74cd-49ce-4844-8bdf-ec188b497213",
                        "ceterms:targetNodeName": {"en-US": "visual presentation techniques"},
                    },
                    {"@type": "ceterms:CredentialAlignmentObject", "ceterms:targetNode": competency},
                ],
            },
            {
                "@id": "https://credentials.contoso.example/courses/statistics-for-analysts",
                "@type": "ceterms:Course",
                "ceterms:ctid": "ce-9d6c1a7b-3e2f-4b8a-9c0d-1e2f3a4b5c03",
                "ceterms:name": {"en-US": "Statistics for Data Analysts"},
                "ceterms:description": {"en-US": "Descriptive and inferential statistics for everyday analysis."},
                "ceterms:subjectWebpage": "https://contoso.example/courses/statistics-for-analysts",
                "ceterms:ownedBy": [org],
                "ceterms:estimatedDuration": [
                    {"@type": "ceterms:DurationProfile", "ceterms:exactDuration": "P3W"}
                ],
                "ceterms:estimatedCost": [
                    {"@type": "ceterms:CostProfile", "ceterms:price": 45, "ceterms:currency": "EUR"},
                    {"@type": "ceterms:CostProfile", "ceterms:price": 15, "ceterms:currency": "EUR"},
                ],
                "ceterms:teaches": [
                    {
                        "@type": "ceterms:CredentialAlignmentObject",
                        "ceterms:targetNode": ESCO + "382c11ed-20d5-4ae7-b60e-15fec527fa6c",
                        "ceterms:targetNodeName": {"en-US": "apply statistical analysis techniques"},
                    }
                ],
                "ceterms:requires": [
                    {
                        "@type": "ceterms:ConditionProfile",
                        "ceterms:targetCompetency": [
                            {
                                "@type": "ceterms:CredentialAlignmentObject",
                                "ceterms:targetNodeName": {"en-US": "Interpret descriptive statistics"},
                            }
                        ],
                    }
                ],
                "ceterms:occupationType": [
                    {
                        "@type": "ceterms:CredentialAlignmentObject",
                        "ceterms:framework": "https://www.onetcenter.org/taxonomy.html",
                        "ceterms:frameworkName": {"en-US": "O*NET-SOC"},
                        "ceterms:codedNotation": "15-2041.00",
                        "ceterms:targetNodeName": {"en-US": "Statisticians"},
                    }
                ],
            },
        ],
    }


def credential(achievement: dict[str, Any], issuer: str, number: int, **dates: str) -> dict[str, Any]:
    """An OpenBadgeCredential awarding ``achievement`` to the sample learner (no catalogue extension terms)."""
    plain = {k: v for k, v in achievement.items() if k not in {"timeRequired", "offers"}}
    plain["creator"] = {**plain["creator"], "id": issuer}
    return {
        "@context": CONTEXT,
        "id": f"urn:uuid:6f1c2a9e-0000-4000-8000-{number:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Northwind Data Academy"},
        "name": plain["name"],
        "validFrom": dates.get("valid_from", VALID_FROM),
        "validUntil": dates.get("valid_until", VALID_UNTIL),
        "credentialSubject": {"id": LEARNER, "type": ["AchievementSubject"], "achievement": plain},
    }


def _write(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def main() -> None:
    """Write every sample."""
    ob3, ctdl = ROOT / "ob3", ROOT / "ctdl"
    items = achievements()
    _write(ob3 / "achievements.json", items)
    _write(ob3 / "achievement_credential.json", credential(items[0], ISSUER, 100))
    broken = copy.deepcopy(items)
    broken[2]["alignment"][2]["targetUrl"] = "onetonline 15-2051.01"
    _write(ob3 / "broken_alignment_url.json", broken)
    nameless = {k: v for k, v in copy.deepcopy(items[0]).items() if k != "name"}
    _write(ob3 / "broken_missing_name.json", nameless)
    unknown = copy.deepcopy(items[1])
    unknown["alignment"][0]["targetUrl"] = ESCO + "00000000-0000-4000-8000-000000000000"
    _write(ob3 / "broken_unknown_esco.json", unknown)

    _write(ctdl / "catalogue.json", ctdl_catalogue())
    bad_cost = ctdl_catalogue()
    bad_cost["@graph"][2]["ceterms:estimatedCost"][0]["ceterms:price"] = "eighty"
    _write(ctdl / "broken_cost.json", bad_cost)

    signed = sign_data_integrity(credential(items[0], ISSUER, 1), ED25519, created=CREATED)
    _write(ob3 / "credential_eddsa.json", signed)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Data Analyst Expert: Data Mining"
    _write(ob3 / "credential_eddsa_tampered.json", tampered)
    expired = credential(items[0], ISSUER, 2, valid_from="2024-01-01T00:00:00Z", valid_until="2025-01-01T00:00:00Z")
    _write(ob3 / "credential_eddsa_expired.json", sign_data_integrity(expired, ED25519, created=CREATED))
    web = "did:web:badges.northwind.example"
    unresolvable = sign_data_integrity(
        credential(items[1], web, 3), ED25519, created=CREATED, verification_method=f"{web}#key-1"
    )
    _write(ob3 / "credential_did_web.json", unresolvable)
    _write(ob3 / "credential_eddsa.jwt", sign_jwt(credential(items[1], ISSUER, 4), ED25519))
    es256 = sign_jwt(credential(items[2], ISSUER_P256, 5), P256)
    _write(ob3 / "credential_es256.jwt", es256)
    header, _payload, signature = es256.split(".")
    other = sign_jwt(credential(items[0], ISSUER_P256, 6), P256).split(".")[1]
    _write(ob3 / "credential_es256_tampered.jwt", f"{header}.{other}.{signature}")
    _write(ob3 / "issuers.json", {"ed25519": ISSUER, "p256": ISSUER_P256, "did_web": web})


if __name__ == "__main__":
    main()
