"""``did:key`` identifiers (Ed25519 and P-256): the public key is in the identifier itself, so it resolves offline.

Example:
    >>> from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    >>> key = Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key()
    >>> did = did_key(key)
    >>> did
    'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'
    >>> isinstance(resolve_did_key(did), type(key))
    True
"""

import base58
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = ["PublicKey", "did_key", "is_did_key", "resolve_did_key"]

PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey
# Multicodec prefixes (unsigned varints) of the two key types: ed25519-pub 0xed, p256-pub 0x1200.
ED25519 = b"\xed\x01"
P256 = b"\x80\x24"


def is_did_key(did: str) -> bool:
    """Whether ``did`` (optionally with a ``#fragment``) is a ``did:key``."""
    return did.startswith("did:key:z")


def did_key(key: PublicKey) -> str:
    """The ``did:key`` of a public key (base58btc multibase of the multicodec-prefixed key)."""
    if isinstance(key, Ed25519PublicKey):
        raw = ED25519 + key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    else:
        raw = P256 + key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    return "did:key:z" + base58.b58encode(raw).decode()


def resolve_did_key(did: str) -> PublicKey:
    """The public key a ``did:key`` (or one of its verification method URLs) names.

    Raises:
        ValueError: not a ``did:key``, or an encoding or key type credpath does not read.
    """
    identifier = did.split("#", 1)[0]
    if not is_did_key(identifier):
        raise ValueError(f"not a did:key: {did[:80]}")
    raw = base58.b58decode(identifier.removeprefix("did:key:z"))
    if raw.startswith(ED25519) and len(raw) == 34:
        return Ed25519PublicKey.from_public_bytes(raw[2:])
    if raw.startswith(P256) and len(raw) == 35:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:])
    raise ValueError("did:key of an unsupported key type (Ed25519 and P-256 are read)")
