"""Domain errors. They carry no HTTP status: ``credpath.api.errors`` maps them to problem details."""

from typing import Any

__all__ = [
    "AbandonedError",
    "ArtifactError",
    "AuthenticationError",
    "ConflictError",
    "CredpathError",
    "DocumentError",
    "IngestError",
    "InvalidInputError",
    "LimitExceededError",
    "NotFoundError",
    "PermissionDeniedError",
    "ProofError",
    "UnresolvedTitleError",
]


class CredpathError(Exception):
    """Base of every expected credpath failure."""

    title = "credpath error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(CredpathError):
    """A requested entity does not exist."""

    title = "Not found"


class ConflictError(CredpathError):
    """The request conflicts with stored state (duplicate key, concurrent edit)."""

    title = "Conflict"


class InvalidInputError(CredpathError):
    """Well-formed input that breaks a domain rule."""

    title = "Invalid input"


class UnresolvedTitleError(InvalidInputError):
    """A typed job title that no occupation matches with confidence; carries the nearest ones to choose from."""

    def __init__(self, detail: str, candidates: list[dict[str, Any]]) -> None:
        super().__init__(detail)
        self.candidates = candidates


class LimitExceededError(CredpathError):
    """The request asks for more work than one request may (too many characters, phrases or sentences)."""

    title = "Request too large"


class AbandonedError(CredpathError):
    """The client went away, so the work for it was stopped before the end."""

    title = "Request abandoned"


class ArtifactError(CredpathError):
    """A built artifact (index, manifest) is missing or stale."""

    title = "Artifact unavailable"


class IngestError(CredpathError):
    """A source file is malformed, truncated or inconsistent; names the file and line."""

    title = "Ingest failed"

    def __init__(self, path: str, line: int | None, message: str) -> None:
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class AuthenticationError(CredpathError):
    """No API key, or one that is unknown, revoked or expired."""

    title = "Unauthorized"


class PermissionDeniedError(CredpathError):
    """A valid API key that lacks the scope the request needs."""

    title = "Forbidden"


class DocumentError(InvalidInputError):
    """A submitted standards document (OB 3.0, CTDL) is malformed; ``path`` is the JSON path of the first problem.

    Example:
        >>> DocumentError("$.alignment[2].targetUrl", "not an absolute URI").detail
        '$.alignment[2].targetUrl: not an absolute URI'
    """

    title = "Invalid document"

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class ProofError(InvalidInputError):
    """A signed credential whose proof does not verify (tampered, wrong key, expired); nothing is stored."""

    title = "Credential not verified"

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
