"""Runtime settings, read from the environment (prefix ``CREDPATH_``)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from credpath.vocabulary import VectorBackend

__all__ = ["MAX_BODY_BYTES", "Settings", "repository_root"]

# Larger bodies are refused (413) before they are read: the largest legal body (match: 64,000 characters in
# all, JSON-escaped at worst 6 bytes each) fits well within it. The per-request work budgets (characters,
# texts to encode) bound what a body may ask for; this only bounds what the server reads.
MAX_BODY_BYTES = 1_000_000


def repository_root() -> Path:
    """Return the checkout the package runs from, or the working directory for a plain install.

    Defaults such as ``../shared/datasets`` are documented relative to the repository root, so an
    editable install (``src/credpath`` inside a checkout) resolves them there whatever the cwd is.
    """
    candidate = Path(__file__).resolve().parents[2]
    if (candidate / "pyproject.toml").is_file():
        return candidate
    return Path.cwd()


def _default_database_url() -> str:
    return f"sqlite:///{repository_root() / 'data' / 'credpath.db'}"


class Settings(BaseSettings):
    """Everything an operator can configure.

    Example:
        >>> settings = Settings(database_url="sqlite:///:memory:")
        >>> settings.database_url
        'sqlite:///:memory:'
    """

    model_config = SettingsConfigDict(env_prefix="CREDPATH_", extra="ignore", frozen=True)

    database_url: str = Field(default_factory=_default_database_url)
    data_dir: Path = Field(default_factory=lambda: repository_root().parent / "shared" / "datasets")
    models_dir: Path = Field(default_factory=lambda: repository_root() / "models")
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    # --- access (issue 11): keys, public reads, limits -------------------------------------------------
    # Taxonomy, catalogue and matching reads need no key unless this is false (then any valid key).
    public_reads: bool = True
    # Automation: the server ensures an admin key with exactly this value (at least 32 characters).
    bootstrap_admin_key: str | None = Field(default=None, repr=False)
    # Where the first start writes the admin key it creates when no key exists (mode 0600).
    admin_key_file: Path = Field(default_factory=lambda: repository_root() / "data" / "admin.key")
    # Requests per minute per API key (anonymous callers: per client address).
    rate_limit_per_minute: int = Field(default=600, ge=1)
    # How long a worker trusts a key it has looked up (api.auth.KeyCache): a key revoked through another
    # worker, replica or the command line stops working here within this many seconds (0: look up every request).
    key_cache_seconds: float = Field(default=1.0, ge=0, le=60)
    # The currency (ISO 4217) a request's max_cost is in when it names none; prices in another currency are
    # never summed with it (no exchange rates): they count as unknown for that budget.
    currency: str = Field(default="EUR", pattern="^[A-Z]{3}$")
    # Largest accepted request body; larger ones get 413 before they are read (issue 10: 1 MB).
    max_body_bytes: int = Field(default=MAX_BODY_BYTES, ge=1024)
    # Origins allowed by CORS (a JSON list in the environment); none by default.
    cors_origins: list[str] = Field(default_factory=list)
    # SQL echo is an operator's debugging switch; never on by default (it logs every statement).
    echo_sql: bool = False
    # -- replicas (README "Running several replicas") ---------------------------------------------------
    # How often a replica checks models/ for a new index build and loads it (0 turns the check off).
    index_check_seconds: float = 5.0
    # Where nearest-neighbour search runs: in process (memory-mapped files) or in PostgreSQL (pgvector).
    vector_backend: VectorBackend = VectorBackend.MEMORY
