"""JSON-LD processing with pyld, offline: the contexts credpath knows are served from ``data/standards``.

Nothing is fetched at run time. A document naming any other context cannot be canonicalised here, and
:class:`UnknownContextError` says which (a credential using it is then *unverifiable offline*).
"""

import json
from functools import cache
from typing import Any

from pyld import jsonld

from credpath.config import repository_root

__all__ = ["CONTEXT_FILES", "InvalidJsonLdError", "UnknownContextError", "canonical_nquads", "document_loader"]

STANDARDS_DIR = repository_root() / "data" / "standards"
# Context URL → file under data/standards (copies from 1EdTech's Apache-2.0 validator, see its README there).
CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
}


class UnknownContextError(Exception):
    """A JSON-LD context that is not stored locally (fetching it is not allowed)."""


class InvalidJsonLdError(ValueError):
    """A document that JSON-LD processing rejects (a malformed ``@context``, an invalid keyword value)."""


@cache
def _context(url: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((STANDARDS_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8"))
    return document


def document_loader(url: str, _options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Pyld's document loader: local copies of the known contexts, an error for anything else.

    Raises:
        UnknownContextError: the context is not one credpath stores.
    """
    if url not in CONTEXT_FILES:
        raise UnknownContextError(url)
    return {"contextUrl": None, "documentUrl": url, "document": _context(url)}


def canonical_nquads(document: dict[str, Any]) -> str:
    """RDF Dataset Canonicalization (RDFC-1.0, pyld's ``URDNA2015``) of a JSON-LD document as N-Quads.

    Raises:
        UnknownContextError: the document names a context that is not stored locally.
        InvalidJsonLdError: JSON-LD processing rejects the document.
    """
    try:
        result = jsonld.normalize(
            document, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader}
        )
    except UnknownContextError:
        raise
    except Exception as error:
        cause: BaseException | None = error
        seen = 0
        while cause is not None and seen < 20:
            if isinstance(cause, UnknownContextError):
                raise cause from error
            cause = cause.__cause__ or getattr(cause, "cause", None)
            seen += 1
        raise InvalidJsonLdError(str(error)[:300]) from error
    return str(result)
