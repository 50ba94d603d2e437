"""Checking (and, for samples and tests, making) the proofs of Open Badges 3.0 credentials, offline.

Two securing mechanisms are read:

* an embedded ``DataIntegrityProof`` with the ``eddsa-rdfc-2022`` cryptosuite (W3C VC Data Integrity
  EdDSA Cryptosuites v1.0): both the credential without its proof and the proof options are canonicalised
  with RDFC-1.0 (pyld), hashed with SHA-256, and the Ed25519 signature is checked over the two hashes;
* a compact VC-JWT (``EdDSA`` or ``ES256``, PyJWT): the payload's ``vc`` claim (VC-JWT 1.1, as OB 3.0
  publishes) or the payload itself (VC-JOSE-COSE) is the credential.

Keys are resolved offline only, from ``did:key`` identifiers. The outcome is *verified*, *unverifiable*
(a ``did:web`` or ``https`` key, an unknown context or cryptosuite, no proof: nothing here can check it,
so it counts as claimed), or a :class:`~credpath.errors.ProofError` (a signature that does not match,
a key that is not the issuer's, an expired or not-yet-valid credential).
"""

import copy
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import base58
import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from credpath.errors import ProofError
from credpath.standards.dids import did_key, is_did_key, resolve_did_key
from credpath.standards.documents import as_list
from credpath.standards.jsonld import InvalidJsonLdError, UnknownContextError, canonical_nquads

__all__ = [
    "CRYPTOSUITE",
    "Verification",
    "issuer_id",
    "sign_data_integrity",
    "sign_jwt",
    "verify_credential",
    "verify_jwt",
]

CRYPTOSUITE = "eddsa-rdfc-2022"
JWT_ALGORITHMS = ["EdDSA", "ES256"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Verification:
    """What checking one credential's proof found: ``verified`` or not, by which method, and why not."""

    verified: bool
    method: str
    issuer: str | None
    reason: str | None = None


def issuer_id(credential: dict[str, Any]) -> str | None:
    """The issuer's id (``issuer`` is a string or a profile object)."""
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _moment(value: Any, path: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as error:
        raise ProofError(path, "not an ISO 8601 date-time") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_dates(credential: dict[str, Any], now: datetime, at: str = "$") -> None:
    """The credential's own validity period (VC 2.0 ``validFrom``/``validUntil``, VC 1.1 names too).

    Raises:
        ProofError: the credential has expired or is not valid yet.
    """
    for term in ("validUntil", "expirationDate"):
        until = _moment(credential.get(term), f"{at}.{term}")
        if until is not None and until < now:
            raise ProofError(f"{at}.{term}", f"the credential expired on {until.isoformat()}")
    for term in ("validFrom", "issuanceDate"):
        since = _moment(credential.get(term), f"{at}.{term}")
        if since is not None and since > now:
            raise ProofError(f"{at}.{term}", f"the credential is not valid before {since.isoformat()}")


def _hash_data(unsecured: dict[str, Any], options: dict[str, Any]) -> bytes:
    options = {**options, "@context": unsecured.get("@context")}
    config = hashlib.sha256(canonical_nquads(options).encode()).digest()
    document = hashlib.sha256(canonical_nquads(unsecured).encode()).digest()
    return config + document


def sign_data_integrity(
    credential: dict[str, Any], key: Ed25519PrivateKey, *, created: str, verification_method: str | None = None
) -> dict[str, Any]:
    """``credential`` with an ``eddsa-rdfc-2022`` DataIntegrityProof by ``key`` (for samples and tests)."""
    method = verification_method or _did_key_method(key.public_key())
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": method,
        "proofPurpose": "assertionMethod",
    }
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    signature = key.sign(_hash_data(unsecured, options))
    # OB 3.0's JSON Schema wants ``proof`` as an array, even of one.
    return {**unsecured, "proof": [{**options, "proofValue": "z" + base58.b58encode(signature).decode()}]}


def _did_key_method(public: Ed25519PublicKey | ec.EllipticCurvePublicKey) -> str:
    did = did_key(public)
    return f"{did}#{did.removeprefix('did:key:')}"


def sign_jwt(credential: dict[str, Any], key: Ed25519PrivateKey | ec.EllipticCurvePrivateKey) -> str:
    """A compact VC-JWT (VC-JWT 1.1 claims, as OB 3.0 publishes) of ``credential`` (for samples and tests)."""
    algorithm = "EdDSA" if isinstance(key, Ed25519PrivateKey) else "ES256"
    claims: dict[str, Any] = {"vc": credential, "iss": issuer_id(credential), "jti": credential.get("id")}
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and isinstance(subject.get("id"), str):
        claims["sub"] = subject["id"]
    if (since := _moment(credential.get("validFrom"), "$.validFrom")) is not None:
        claims["nbf"] = int(since.timestamp())
    if (until := _moment(credential.get("validUntil"), "$.validUntil")) is not None:
        claims["exp"] = int(until.timestamp())
    header = {"kid": _did_key_method(key.public_key()), "typ": "JWT"}
    return jwt.encode(claims, key, algorithm=algorithm, headers=header)


def _same_did(method: str, issuer: str | None, path: str) -> None:
    if issuer is None or method.split("#", 1)[0] != issuer.split("#", 1)[0]:
        raise ProofError(path, f"the signing key {method.split('#', 1)[0][:80]} is not the issuer's ({issuer})")


def verify_credential(credential: dict[str, Any], now: datetime, at: str = "$") -> Verification:
    """Check an embedded proof; the credential's dates are checked whatever the proof.

    Raises:
        ProofError: tampered (signature mismatch), signed with a key that is not the issuer's, or out of date.
    """
    check_dates(credential, now, at)
    issuer = issuer_id(credential)
    proofs = [p for p in as_list(credential.get("proof")) if isinstance(p, dict)]
    if not proofs:
        return Verification(verified=False, method="none", issuer=issuer, reason="the credential carries no proof")
    proof = proofs[0]
    where = f"{at}.proof" if isinstance(credential.get("proof"), dict) else f"{at}.proof[0]"
    suite = proof.get("cryptosuite") or proof.get("type")
    if proof.get("type") != "DataIntegrityProof" or suite != CRYPTOSUITE:
        return Verification(verified=False, method=str(suite), issuer=issuer, reason=f"{suite} is not checked here")
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not is_did_key(method):
        reason = f"the key {str(method)[:80]} cannot be resolved offline (only did:key can)"
        return Verification(verified=False, method=CRYPTOSUITE, issuer=issuer, reason=reason)
    _same_did(method, issuer, f"{where}.verificationMethod")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError(f"{where}.proofValue", "expected a base58btc multibase value (z...)")
    try:
        public = resolve_did_key(method)
        signature = base58.b58decode(value[1:])
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        unsecured = {k: v for k, v in copy.deepcopy(credential).items() if k != "proof"}
        data = _hash_data(unsecured, options)
    except UnknownContextError as error:
        reason = f"the context {error} is not available offline"
        return Verification(verified=False, method=CRYPTOSUITE, issuer=issuer, reason=reason)
    except InvalidJsonLdError as error:
        raise ProofError(at, f"not valid JSON-LD: {error}") from error
    except ValueError as error:
        raise ProofError(f"{where}.verificationMethod", str(error)) from error
    if not isinstance(public, Ed25519PublicKey):
        raise ProofError(f"{where}.verificationMethod", f"{CRYPTOSUITE} needs an Ed25519 key")
    try:
        public.verify(signature, data)
    except InvalidSignature as error:
        raise ProofError(f"{where}.proofValue", "the signature does not match the credential (tampered?)") from error
    return Verification(verified=True, method=CRYPTOSUITE, issuer=issuer)


def verify_jwt(token: str, now: datetime, at: str = "$") -> tuple[dict[str, Any], Verification]:
    """The credential inside a compact VC-JWT, and whether its signature verifies.

    Raises:
        ProofError: not a JWT holding a credential, a bad signature, a key that is not the issuer's, expired.
    """
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise ProofError(at, f"not a compact JWT: {error}") from error
    credential = claims.get("vc", claims)
    if not isinstance(credential, dict) or not credential.get("credentialSubject"):
        raise ProofError(at, "the JWT holds no verifiable credential (no vc claim or credentialSubject)")
    issuer = issuer_id(credential) or (claims.get("iss") if isinstance(claims.get("iss"), str) else None)
    algorithm = header.get("alg")
    kid = header.get("kid") if isinstance(header.get("kid"), str) else issuer
    method = f"vc-jwt-{algorithm}"
    if algorithm not in JWT_ALGORITHMS:
        raise ProofError(at, f"JWT algorithm {algorithm!r} is not accepted (EdDSA, ES256)")
    if not kid or not is_did_key(kid):
        check_dates(credential, now, at)
        reason = f"the key {str(kid)[:80]} cannot be resolved offline (only did:key can)"
        return credential, Verification(verified=False, method=method, issuer=issuer, reason=reason)
    _same_did(kid, issuer, f"{at}(header).kid")
    try:
        public = resolve_did_key(kid)
        jwt.decode(
            token,
            key=public,
            algorithms=[algorithm],
            options={"verify_aud": False, "require": []},
            leeway=0,
        )
    except ValueError as error:
        raise ProofError(f"{at}(header).kid", str(error)) from error
    except jwt.ExpiredSignatureError as error:
        raise ProofError(at, "the credential has expired (exp)") from error
    except jwt.ImmatureSignatureError as error:
        raise ProofError(at, "the credential is not valid yet (nbf)") from error
    except jwt.PyJWTError as error:
        raise ProofError(at, f"the JWT signature does not verify: {error}") from error
    check_dates(credential, now, at)
    return credential, Verification(verified=True, method=method, issuer=issuer)
