"""Loading the published sources into the database: idempotent, transactional, with a progress bar."""

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel
from tqdm import tqdm

from credpath.errors import InvalidInputError
from credpath.sources.catalogs import CatalogData, read_catalog
from credpath.sources.crosswalk import read_crosswalk, resolve_onet_codes
from credpath.sources.csvfiles import file_digest
from credpath.sources.esco import read_esco
from credpath.sources.onet import read_onet
from credpath.storage.bulk import SyncCounts, sync_rows
from credpath.storage.db import session_scope
from credpath.storage.repositories import credentials as credential_repo
from credpath.storage.repositories import datasets as dataset_repo
from credpath.storage.repositories import occupations as occupation_repo
from credpath.storage.tables import (
    Credential,
    Crosswalk,
    IscoGroup,
    Occupation,
    OccupationBroader,
    OccupationSkill,
    OnetElement,
    OnetOccupationElement,
    OnetTechnologySkill,
    Skill,
    SkillBroader,
    SkillGroup,
    SkillRelation,
)
from credpath.vocabulary import Taxonomy

__all__ = [
    "DEFAULT_BUNDLE",
    "Bundle",
    "IngestReport",
    "ingest_catalog",
    "ingest_crosswalk",
    "ingest_default",
    "ingest_esco",
    "ingest_onet",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Bundle:
    """Where each default source sits inside the data directory."""

    esco: str = "esco_v1.1.1"
    onet: str = "onet_29.2"
    crosswalk: str = "esco_onet_crosswalk_nesta/esco_onet_crosswalk_Nov2020.csv"
    # source name -> (path, format)
    catalogs: tuple[tuple[str, str, str], ...] = (
        ("coursera-products", "catalog_coursera_products/Coursera.csv", "coursera"),
        ("coursera-certtypes", "catalog_coursera_certtypes/Coursera.csv", "coursera"),
        ("coursera-azrai99", "catalog_coursera_azrai99_v3/coursera_course_dataset_v3.csv", "coursera"),
        ("edx", "catalog_edx/edx.csv", "edx"),
    )


DEFAULT_BUNDLE = Bundle()


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest did, with counts per table.

    ``status`` is ``loaded`` (rows written), ``verified`` (re-applied with ``force`` and nothing differed)
    or ``unchanged`` (same files as the last load, skipped without reading the database).
    """

    dataset: str
    status: str
    tables: dict[str, SyncCounts] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for logs and the CLI."""
        parts = [f"{name}: +{c.inserted} ~{c.updated} -{c.deleted} ={c.unchanged}" for name, c in self.tables.items()]
        notes = "; ".join(f"{key}={value}" for key, value in self.notes.items())
        return (
            f"{self.dataset} {self.status} in {self.seconds:.1f}s"
            + (f" [{', '.join(parts)}]" if parts else "")
            + (f" ({notes})" if notes else "")
        )


Step = tuple[str, type[SQLModel], Sequence[Mapping[str, Any]], dict[str, Any]]


def _apply(
    engine: Engine,
    dataset: str,
    content_hash: str,
    version: str | None,
    steps: Sequence[Step],
    *,
    notes: dict[str, Any],
    show_progress: bool,
    started: float,
    after: Callable[[Session], dict[str, Any]] | None = None,
) -> IngestReport:
    """Sync every step's rows in one transaction and record the dataset; all or nothing."""
    tables: dict[str, SyncCounts] = {}
    total = sum(len(rows) for _, _, rows, _ in steps)
    with (
        session_scope(engine) as session,
        tqdm(total=total, desc=f"ingest {dataset}", unit="row", disable=not show_progress, leave=False) as bar,
    ):
        for name, model, rows, options in steps:
            bar.set_postfix_str(name)
            tables[name] = sync_rows(session, model, rows, **options)
            bar.update(len(rows))
        if after is not None:
            notes = {**notes, **after(session)}
        stats = {"rows": {name: len(rows) for name, _, rows, _ in steps}, **notes}
        dataset_repo.put_dataset(session, dataset, content_hash, version, stats)
    # A forced re-run that found nothing to write says so: that is the idempotency an operator checks.
    status = "loaded" if any(counts.changed for counts in tables.values()) else "verified"
    report = IngestReport(dataset, status, tables, notes, time.perf_counter() - started)
    log.info("%s", report.summary())
    return report


def _unchanged(engine: Engine, dataset: str, content_hash: str, force: bool, started: float) -> IngestReport | None:
    if force:
        return None
    with Session(engine) as session:
        current = dataset_repo.get_dataset(session, dataset)
        if current is None or current.content_hash != content_hash:
            return None
    report = IngestReport(dataset, "unchanged", seconds=time.perf_counter() - started)
    log.info("%s (same files as the last load; --force re-applies)", report.summary())
    return report


def ingest_esco(engine: Engine, directory: Path, *, force: bool = False, show_progress: bool = False) -> IngestReport:
    """Load an ESCO CSV export: skills, groups, hierarchy, relations and occupations.

    Skills and occupations absent from a newer export are kept (learners may reference them); the
    relation tables are replaced to match the export exactly.
    """
    started = time.perf_counter()
    data = read_esco(directory)
    if (report := _unchanged(engine, "esco", data.content_hash, force, started)) is not None:
        return report
    replace = {"delete_missing": True}
    steps: list[Step] = [
        ("skill", Skill, data.skills, {}),
        ("skill_group", SkillGroup, data.skill_groups, {}),
        ("isco_group", IscoGroup, data.isco_groups, {}),
        ("occupation", Occupation, data.occupations, {"scope": Occupation.taxonomy == Taxonomy.ESCO}),
        ("occupation_skill", OccupationSkill, data.occupation_skills, replace),
        ("skill_relation", SkillRelation, data.skill_relations, replace),
        ("skill_broader", SkillBroader, data.skill_broader, replace),
        ("occupation_broader", OccupationBroader, data.occupation_broader, replace),
    ]
    return _apply(
        engine, "esco", data.content_hash, directory.name, steps, notes={}, show_progress=show_progress, started=started
    )


def ingest_onet(engine: Engine, directory: Path, *, force: bool = False, show_progress: bool = False) -> IngestReport:
    """Load the O*NET occupations, titles, skill/knowledge ratings and technology skills."""
    started = time.perf_counter()
    data = read_onet(directory)
    if (report := _unchanged(engine, "onet", data.content_hash, force, started)) is not None:
        return report
    steps: list[Step] = [
        ("occupation", Occupation, data.occupations, {"scope": Occupation.taxonomy == Taxonomy.ONET}),
        ("onet_element", OnetElement, data.elements, {}),
        ("onet_occupation_element", OnetOccupationElement, data.ratings, {"delete_missing": True}),
        ("onet_technology_skill", OnetTechnologySkill, data.technology, {"delete_missing": True}),
    ]
    notes = {"merged_duplicate_alternate_titles": data.merged_alternate_titles}
    return _apply(
        engine,
        "onet",
        data.content_hash,
        directory.name,
        steps,
        notes=notes,
        show_progress=show_progress,
        started=started,
    )


def ingest_crosswalk(engine: Engine, path: Path, *, force: bool = False, show_progress: bool = False) -> IngestReport:
    """Load the ESCO↔O*NET crosswalk, resolving its codes against the loaded O*NET release.

    Raises:
        InvalidInputError: O*NET has not been ingested yet (codes could not be resolved).
    """
    started = time.perf_counter()
    data = read_crosswalk(path)
    with Session(engine) as session:
        onet = dataset_repo.get_dataset(session, "onet")
        if onet is None:
            raise InvalidInputError(
                "ingest O*NET before the crosswalk: its codes are resolved against the loaded release"
            )
        titles, alternates = occupation_repo.onet_titles(session)
    # The resolution depends on the O*NET release too, so both identify this load.
    content_hash = file_digest([path]) + ":" + onet.content_hash
    if (report := _unchanged(engine, "crosswalk", content_hash, force, started)) is not None:
        return report
    resolution = resolve_onet_codes(data.rows, titles, alternates)
    steps: list[Step] = [("crosswalk", Crosswalk, data.rows, {"delete_missing": True})]
    return _apply(
        engine,
        "crosswalk",
        content_hash,
        path.name,
        steps,
        notes={"resolution": resolution},
        show_progress=show_progress,
        started=started,
    )


def ingest_catalog(
    engine: Engine, path: Path, fmt: str, *, source: str | None = None, force: bool = False, show_progress: bool = False
) -> IngestReport:
    """Load one credential catalogue (``coursera``, ``edx`` or credpath ``csv`` layout).

    Credentials the catalogue no longer lists are retired (kept, never recommended), not deleted.
    """
    started = time.perf_counter()
    data: CatalogData = read_catalog(path, fmt, source=source)
    dataset = f"catalog:{data.source}"
    if (report := _unchanged(engine, dataset, data.content_hash, force, started)) is not None:
        return report
    rows = [{**row, "active": True} for row in data.credentials]
    keep = {row["id"] for row in rows}
    steps: list[Step] = [("credential", Credential, rows, {"touch": {"updated_at": datetime.now(UTC)}})]

    def retire(session: Session) -> dict[str, Any]:
        return {"retired": credential_repo.retire_credentials(session, data.source, keep)}

    return _apply(
        engine,
        dataset,
        data.content_hash,
        path.name,
        steps,
        notes=dict(data.notes),
        show_progress=show_progress,
        started=started,
        after=retire,
    )


def ingest_default(
    engine: Engine, data_dir: Path, *, force: bool = False, show_progress: bool = False
) -> list[IngestReport]:
    """Load the default bundle (ESCO, O*NET, crosswalk, the four catalogues) from ``data_dir``.

    Each source is skipped when its files are unchanged since the last load, so this is cheap to
    run at every start.
    """
    bundle = DEFAULT_BUNDLE
    reports = [
        ingest_esco(engine, data_dir / bundle.esco, force=force, show_progress=show_progress),
        ingest_onet(engine, data_dir / bundle.onet, force=force, show_progress=show_progress),
        ingest_crosswalk(engine, data_dir / bundle.crosswalk, force=force, show_progress=show_progress),
    ]
    for source, relative, fmt in bundle.catalogs:
        reports.append(
            ingest_catalog(engine, data_dir / relative, fmt, source=source, force=force, show_progress=show_progress)
        )
    return reports
