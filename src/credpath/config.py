"""Runtime settings, read from the environment (prefix ``CREDPATH_``)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from credpath.vocabulary import VectorBackend

__all__ = ["Settings", "repository_root"]


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
    # SQL echo is an operator's debugging switch; never on by default (it logs every statement).
    echo_sql: bool = False
    # -- replicas (README "Running several replicas") ---------------------------------------------------
    # How often a replica checks models/ for a new index build and loads it (0 turns the check off).
    index_check_seconds: float = 5.0
    # Where nearest-neighbour search runs: in process (memory-mapped files) or in PostgreSQL (pgvector).
    vector_backend: VectorBackend = VectorBackend.MEMORY
