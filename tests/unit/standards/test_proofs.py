"""Proof checks of the signed samples: Data Integrity eddsa-rdfc-2022 and VC-JWT (EdDSA, ES256), offline."""

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from jsonschema import Draft201909Validator

from credpath.errors import ProofError
from credpath.standards.dids import resolve_did_key
from credpath.standards.jsonld import UnknownContextError, canonical_nquads
from credpath.standards.proofs import verify_credential, verify_jwt
from tests.standards_samples import OB3, load

NOW = datetime(2026, 11, 29, tzinfo=UTC)
ISSUERS = load(OB3 / "issuers.json")


def test_signed_sample_verifies_and_names_its_did_key_issuer() -> None:
    result = verify_credential(load(OB3 / "credential_eddsa.json"), NOW)
    assert (result.verified, result.method, result.issuer) == (True, "eddsa-rdfc-2022", ISSUERS["ed25519"])


def test_any_change_after_signing_breaks_the_proof() -> None:
    with pytest.raises(ProofError) as raised:
        verify_credential(load(OB3 / "credential_eddsa_tampered.json"), NOW)
    assert raised.value.path == "$.proof[0].proofValue"
    signed = load(OB3 / "credential_eddsa.json")
    moved = copy.deepcopy(signed)
    moved["credentialSubject"]["achievement"]["alignment"][0]["targetUrl"] += "x"
    with pytest.raises(ProofError):
        verify_credential(moved, NOW)


def test_a_key_that_is_not_the_issuers_is_refused() -> None:
    signed = load(OB3 / "credential_eddsa.json")
    signed["issuer"]["id"] = ISSUERS["p256"]
    with pytest.raises(ProofError, match="not the issuer's"):
        verify_credential(signed, NOW)


def test_did_web_cannot_be_checked_offline_so_it_is_unverified_not_rejected() -> None:
    result = verify_credential(load(OB3 / "credential_did_web.json"), NOW)
    assert result.verified is False
    assert "did:web" in (result.reason or "")


def test_expired_credential_is_refused() -> None:
    with pytest.raises(ProofError) as raised:
        verify_credential(load(OB3 / "credential_eddsa_expired.json"), NOW)
    assert raised.value.path == "$.validUntil"


@pytest.mark.parametrize(
    ("sample", "method"), [("credential_eddsa.jwt", "vc-jwt-EdDSA"), ("credential_es256.jwt", "vc-jwt-ES256")]
)
def test_vc_jwt_verifies(sample: str, method: str) -> None:
    credential, result = verify_jwt(load(OB3 / sample), NOW)
    assert (result.verified, result.method) == (True, method)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_a_jwt_with_another_payload_is_refused() -> None:
    with pytest.raises(ProofError, match="signature"):
        verify_jwt(load(OB3 / "credential_es256_tampered.jwt"), NOW)


def test_keys_resolve_from_the_did_alone() -> None:
    assert isinstance(resolve_did_key(ISSUERS["ed25519"]), Ed25519PublicKey)
    p256 = resolve_did_key(ISSUERS["p256"])
    assert isinstance(p256, ec.EllipticCurvePublicKey)
    assert p256.curve.name == "secp256r1"
    with pytest.raises(ValueError, match="did:key"):
        resolve_did_key(ISSUERS["did_web"])


def test_nothing_is_fetched_unknown_contexts_are_reported() -> None:
    document = {"@context": "https://example.org/context.json", "name": "x"}
    with pytest.raises(UnknownContextError):
        canonical_nquads(document)


@pytest.mark.parametrize("sample", ["credential_eddsa.json", "credential_did_web.json", "achievement_credential.json"])
def test_samples_follow_the_published_ob3_schema(sample: str, data_dir: Path) -> None:
    # The schema 1EdTech publishes now (VC 2.0 names: validFrom), read from the datasets (IMS licence: not copied).
    published = data_dir / "ob3_examples" / "spec_json_schema" / "achievementcredential.json"
    schema = json.loads(published.read_text(encoding="utf-8"))
    errors = [e.message for e in Draft201909Validator(schema).iter_errors(load(OB3 / sample))]
    assert errors == []
