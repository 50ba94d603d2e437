"""The ``credpath`` command: the offline pipeline (ingest, tune, build-index, eval), migrate, serve, and keys."""

import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import click

from credpath.config import Settings
from credpath.errors import CredpathError

__all__ = ["main"]

log = logging.getLogger("credpath")


def _settings() -> Settings:
    return Settings()


def _engine(settings: Settings):  # type: ignore[no-untyped-def]  # noqa: ANN202 - sqlalchemy imported lazily
    from credpath.services.resources import open_engine

    return open_engine(settings)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Debug logging.")
def main(verbose: bool) -> None:
    """credpath: skills-matching recommender for micro-credentials."""
    level = logging.DEBUG if verbose else getattr(logging, _settings().log_level.upper(), logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Alembic logs every no-op upgrade at INFO; an operator only needs to hear about real migrations.
    logging.getLogger("alembic").setLevel(logging.WARNING)


@main.group()
def ingest() -> None:
    """Load published sources into the database (idempotent; unchanged files are skipped)."""


def _run(action: str, fn: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    try:
        result = fn(*args, **kwargs)
    except CredpathError as exc:
        click.echo(f"error: {exc.detail}", err=True)
        click.echo(f"{action} failed: that source's transaction was rolled back, nothing of it was written.", err=True)
        sys.exit(1)
    # The service already logged each report's summary (stderr); stdout stays quiet for scripts.
    del result


_force = click.option(
    "--force", is_flag=True, help="Re-apply even if the files are unchanged (still writes only differences)."
)
_progress = click.option(
    "--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal)."
)


def _show(progress: bool | None) -> bool:
    return sys.stderr.isatty() if progress is None else progress


@ingest.command("esco")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_force
@_progress
def ingest_esco_cmd(directory: Path, force: bool, progress: bool | None) -> None:
    """Load an ESCO CSV download (classification_en/ + relations/)."""
    from credpath.pipeline.ingest import ingest_esco

    _run("ingest esco", ingest_esco, _engine(_settings()), directory, force=force, show_progress=_show(progress))


@ingest.command("onet")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_force
@_progress
def ingest_onet_cmd(directory: Path, force: bool, progress: bool | None) -> None:
    """Load an O*NET database release (text/CSV files, plain or gzipped)."""
    from credpath.pipeline.ingest import ingest_onet

    _run("ingest onet", ingest_onet, _engine(_settings()), directory, force=force, show_progress=_show(progress))


@ingest.command("crosswalk")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_force
@_progress
def ingest_crosswalk_cmd(path: Path, force: bool, progress: bool | None) -> None:
    """Load the ESCO↔O*NET occupation crosswalk (after O*NET)."""
    from credpath.pipeline.ingest import ingest_crosswalk

    _run("ingest crosswalk", ingest_crosswalk, _engine(_settings()), path, force=force, show_progress=_show(progress))


@ingest.command("catalog")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["coursera", "edx", "csv", "ob3", "ctdl"]),
    required=True,
    help="Catalogue layout: CSV scrapes, or an Open Badges 3.0 / CTDL JSON document.",
)
@click.option("--source", default=None, help="Source name of a CSV catalogue (default: derived from the file).")
@click.option(
    "--org",
    "org_name",
    default=None,
    help="ob3/ctdl: the issuing organisation that owns the credentials (registered on first use; default operator).",
)
@_force
@_progress
def ingest_catalog_cmd(
    path: Path, fmt: str, source: str | None, org_name: str | None, force: bool, progress: bool | None
) -> None:
    """Load a credential catalogue (an OB 3.0 or CTDL document is one all-or-nothing batch)."""
    if fmt in {"ob3", "ctdl"}:
        _import_standard(path, fmt, org_name)
        return
    from credpath.pipeline.ingest import ingest_catalog

    _run(
        "ingest catalog",
        ingest_catalog,
        _engine(_settings()),
        path,
        fmt,
        source=source,
        force=force,
        show_progress=_show(progress),
    )


def _import_standard(path: Path, fmt: str, org_name: str | None) -> None:
    from credpath.services.catalog_imports import import_catalog_file
    from credpath.vocabulary import CatalogFormat

    try:
        settings = _settings()
        report = import_catalog_file(
            _engine(settings), path, CatalogFormat(fmt), org_name=org_name, models_dir=settings.models_dir
        )
    except CredpathError as exc:
        click.echo(f"error: {exc.detail}", err=True)
        click.echo("ingest catalog failed: the document's transaction was rolled back, nothing was written.", err=True)
        sys.exit(1)
    for item in report.credentials:
        click.echo(f"{item.status}\t{item.id}\t{item.title}")
        for skill in item.skills:
            click.echo(f"\t{skill.source}\t{skill.confidence:.3f}\t{skill.skill_id}\t{skill.label}")
    click.echo(
        f"{path.name}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged "
        f"(organisation {report.org_id}); free text {report.linking}",
        err=True,
    )
    if report.linking_detail:
        click.echo(report.linking_detail, err=True)


@ingest.command("default")
@_force
@_progress
def ingest_default_cmd(force: bool, progress: bool | None) -> None:
    """Load the default bundle from CREDPATH_DATA_DIR (ESCO, O*NET, crosswalk, catalogues)."""
    from credpath.pipeline.ingest import ingest_default

    settings = _settings()
    if not settings.data_dir.is_dir():
        click.echo(f"error: data directory {settings.data_dir} does not exist (set CREDPATH_DATA_DIR)", err=True)
        sys.exit(1)
    _run(
        "ingest default",
        ingest_default,
        _engine(settings),
        settings.data_dir,
        force=force,
        show_progress=_show(progress),
    )


@main.command("build-index")
@click.option(
    "--force", is_flag=True, help="Rebuild even if the indexes match the database (vectors are still reused)."
)
@click.option(
    "--only", type=click.Choice(["skills", "occupations", "credentials"]), multiple=True, help="Build only these."
)
@click.option(
    "--before-tuning",
    is_flag=True,
    help="When fine-tuning is still to come (make run tunes in the background), build the indexes only: "
    "the tuned build aligns the credentials.",
)
@_progress
def build_index_cmd(force: bool, only: tuple[str, ...], progress: bool | None, before_tuning: bool) -> None:
    """Export the encoder to ONNX if needed and build the embedding indexes that are missing or stale."""
    from credpath.pipeline.background import tuning_is_current
    from credpath.pipeline.build import build_all

    settings = _settings()
    engine = _engine(settings)
    # Aligning every credential takes ~2 of the ~5 minutes of a first build on 2 cores, and the tuned build
    # minutes later redoes it with the tuned model: a first run serves sooner without it.
    align = not (before_tuning and not tuning_is_current(engine, settings.models_dir))
    if not align:
        log.info("alignments deferred to the tuned build that follows in the background")
    try:
        build_all(
            engine, settings.models_dir, names=only or None, force=force, show_progress=_show(progress), align=align
        )
    except (CredpathError, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


@main.command("tune")
@click.option("--force", is_flag=True, help="Retrain even if a model for this data and recipe exists.")
@click.option("--steps", default=None, type=int, help="Training steps (default: the shipped recipe's).")
@_progress
def tune_cmd(force: bool, steps: int | None, progress: bool | None) -> None:
    """Fine-tune the encoder on ESCO/O*NET label pairs (cached; `build-index` then re-embeds with it)."""
    from dataclasses import replace

    from tqdm import tqdm

    from credpath.pipeline.tuning import TUNING_RECIPE, tune

    settings = _settings()
    recipe = TUNING_RECIPE if steps is None else replace(TUNING_RECIPE, steps=steps)
    if recipe.steps < 1:
        click.echo("error: --steps must be at least 1", err=True)
        sys.exit(2)
    show = _show(progress)
    with tqdm(total=recipe.steps, desc="fine-tune", unit="step", disable=not show) as bar:

        def advance(step: int, loss: float) -> None:
            bar.update(step - bar.n)
            bar.set_postfix(loss=f"{loss:.3f}")
            # Without a terminal (make run under a supervisor, CI logs) the log says how far it got.
            if not show and (step % 100 == 0 or step == recipe.steps):
                log.info("fine-tune step %d/%d, loss %.3f", step, recipe.steps, loss)

        try:
            tune(_engine(settings), settings.models_dir, recipe=recipe, force=force, progress=advance)
        except (CredpathError, ValueError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


@main.command("eval")
@click.option("--sample", default=2000, show_default=True, help="Queries per generated dev set.")
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write JSON results here."
)
def eval_cmd(sample: int, output: Path | None) -> None:
    """Measure linking quality on the dev sets (baseline vs credpath) and print the table."""
    from credpath.pipeline.alignment_eval import alignment_quality
    from credpath.pipeline.build import evaluate

    settings = _settings()
    engine = _engine(settings)
    report = evaluate(engine, settings.models_dir, sample=sample, output=output)
    click.echo(report.table())
    quality = alignment_quality(engine, settings.models_dir)
    click.echo(f"alignments served: {quality['served_pairs']}; judged half B, what is served now:")
    rows = {"all of B": quality.get("served_b"), "uniform (eligible)": quality.get("served_b_uniform")}
    rows |= {f"  {k}": v for k, v in (quality.get("served_b_by_stratum") or {}).items()}
    click.echo(f"{'pairs':24} {'judged':>6} {'served':>6} {'precision':>9} {'95% CI':>13} {'lenient':>7} {'recall':>6}")
    for name, row in rows.items():
        if row:
            ci = "-".join(f"{v:.2f}" for v in row["precision_95ci"])
            click.echo(
                f"{name:24} {row['judged']:>6} {row['served']:>6} {row['precision'] or 0:>9.3f} {ci:>13} "
                f"{row['precision_lenient'] or 0:>7.3f} {row['recall'] or 0:>6.3f}"
            )


@main.command("eval-public")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write JSON results here."
)
@click.option(
    "--baseline/--no-baseline",
    default=True,
    show_default=True,
    help="Also score the plain MiniLM baseline (re-embeds every skill label: 1-2 min on 2 cores).",
)
def eval_public_cmd(directory: Path, output: Path | None, baseline: bool) -> None:
    """Measure skill linking on public job-ad sentence sets in DIRECTORY (baseline vs credpath; none shipped)."""
    from credpath.pipeline.build import evaluate_public

    settings = _settings()
    payload = evaluate_public(_engine(settings), settings.models_dir, directory, output=output, with_baseline=baseline)
    click.echo(f"{'set':16} {'method':28} {'n':>5} {'MRR':>6} {'RP@5':>6} {'RP@10':>6}")
    for name, row in payload["sets"].items():
        for method, m in row.get("methods", {}).items():
            click.echo(f"{name:16} {method:28} {m['n']:>5} {m['mrr']:>6.3f} {m['rp@5']:>6.3f} {m['rp@10']:>6.3f}")
        gain = row.get("served_vs_baseline", {}).get("rp@5")
        if gain:
            click.echo(
                f"{name:16} RP@5 gain over the baseline {gain['mean']:+.3f} [{gain['low']:+.3f}, {gain['high']:+.3f}]"
            )
        if row["unknown_labels"]:
            click.echo(f"{name:16} labels not in this ESCO bundle: {', '.join(row['unknown_labels'])}")


@main.command("migrate")
def migrate_cmd() -> None:
    """Bring the database schema up to date."""
    _engine(_settings())
    click.echo("schema is up to date")


@main.command("copy-database")
@click.option("--to", "target", required=True, help="URL of an empty PostgreSQL database.")
def copy_database_cmd(target: str) -> None:
    """Copy the configured database (data, alignments, learners) into PostgreSQL, for several replicas."""
    from credpath.services.resources import copy_to

    copied = copy_to(_settings(), target)
    click.echo(f"copied {sum(copied.values()):,} rows in {len(copied)} tables")


# Seconds an idle HTTP connection stays open (see serve_cmd): above the 60 s of common proxies and clients.
KEEP_ALIVE_S = 75


@main.command("serve")
@click.option("--host", default=None, help="Bind address (default CREDPATH_HOST or 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default CREDPATH_PORT or 8000).")
@click.option("--workers", default=1, show_default=True, help="Worker processes.")
@click.option(
    "--tune-in-background",
    is_flag=True,
    help="Serve the indexes at hand now; fine-tune and rebuild in the background, swapped in when built.",
)
@click.option(
    "--tune-steps", default=None, type=int, help="Training steps for --tune-in-background (default: shipped)."
)
def serve_cmd(
    host: str | None, port: int | None, workers: int, tune_in_background: bool, tune_steps: int | None
) -> None:
    """Serve the HTTP API with uvicorn."""
    # Background tuning trains on every core (it runs niced): it must not inherit the server's one-thread pools.
    tuning_env = dict(os.environ)
    # One thread per numeric pool: on a small box competing OpenMP/BLAS pools cost 10-20x latency.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    from credpath.api.observability import install_request_id_records
    from credpath.pipeline.background import BackgroundTuning, tuning_is_current

    settings = _settings()
    install_request_id_records()
    background = None
    if tune_in_background and not tuning_is_current(_engine(settings), settings.models_dir, tune_steps):
        background = BackgroundTuning(tuning_env, steps=tune_steps)
        background.start()
        # uvicorn shuts down on SIGTERM and then raises it again with the handler that was there before it:
        # the default one would end the process at once and leave the chain running. Exit through Python.
        signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        _serve(settings, host, port, workers)
    finally:
        if background is not None:
            background.stop()


def _exit_on_signal(signum: int, _frame: FrameType | None) -> NoReturn:
    raise SystemExit(128 + signum)


def _serve(settings: Settings, host: str | None, port: int | None, workers: int) -> None:
    import uvicorn

    from credpath.api.observability import json_log_config

    uvicorn.run(
        "credpath.api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level.lower(),
        # JSON lines with the request id; credpath writes its own access line (route template, no query).
        log_config=json_log_config(settings.log_level),
        access_log=False,
        server_header=False,  # no "Server: uvicorn" banner
        # A server must keep an idle connection open longer than its clients do, or a client may send a
        # request on a connection at the moment the server closes it and get no answer. uvicorn's 5 s
        # equals httpx's default expiry: 7 of 600 requests sent on a connection idle ~5 s failed that way
        # (RemoteProtocolError), which is the rare load-benchmark error. Proxies idle out at 60 s.
        timeout_keep_alive=KEEP_ALIVE_S,
    )


# --- access (issue 11) ------------------------------------------------------------------------------------


@main.command("demo")
@click.option(
    "--samples",
    "samples_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder with postings.jsonl and learners.jsonl (default: data/samples in the checkout).",
)
def demo_cmd(samples_dir: Path | None) -> None:
    """Load the sample postings under a demo employer and a few discoverable learners (idempotent)."""
    from credpath.config import repository_root
    from credpath.services.demo import DEMO_EMPLOYER, load_demo
    from credpath.services.resources import unit_of_work
    from credpath.services.semantic import SemanticService

    settings = _settings()
    engine = _engine(settings)
    semantic = SemanticService.load(engine, settings.models_dir, backend=settings.vector_backend)
    try:
        with unit_of_work(engine) as session:
            report = load_demo(session, semantic, samples_dir or repository_root() / "data" / "samples")
    except CredpathError as exc:
        click.echo(f"error: {exc.detail}", err=True)
        sys.exit(1)
    log.info(
        "demo: %d postings created, %d already there (under %r); %d learners created, %d already there",
        report.postings_created,
        report.postings_existing,
        DEMO_EMPLOYER,
        report.learners_created,
        report.learners_existing,
    )


@main.group()
def keys() -> None:
    """API keys: create (printed once), list, revoke. Runs as the operator (admin)."""


@keys.command("create")
@click.option("--org", "org_name", required=True, help="Organisation name (registered on first use).")
@click.option(
    "--kind", type=click.Choice(["portal", "employer", "issuer"]), default="portal", show_default=True, help="Its kind."
)
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(["admin", "learners:read", "learners:write", "postings:read", "postings:write", "catalog:write"]),
    help="A scope (repeat for several).",
)
@click.option("--expires-in-days", type=click.IntRange(min=1), default=None, help="Expire after this many days.")
def keys_create(org_name: str, kind: str, scopes: tuple[str, ...], expires_in_days: int | None) -> None:
    """Create a key and print it once: only its hash is stored, it cannot be shown again."""
    from credpath.services import access
    from credpath.services.resources import unit_of_work
    from credpath.vocabulary import OrgKind

    try:
        with unit_of_work(_engine(_settings())) as session:
            created = access.create_key_for_org(
                session,
                access.CLI,
                org_name=org_name,
                kind=OrgKind(kind),
                scopes=scopes,
                expires_in_days=expires_in_days,
            )
    except CredpathError as exc:
        click.echo(f"error: {exc.detail}", err=True)
        sys.exit(1)
    click.echo(f"created key {created.prefix} for {org_name} ({', '.join(created.scopes)}); store it now:", err=True)
    click.echo(created.key)


@keys.command("list")
def keys_list() -> None:
    """Every key's prefix, organisation, scopes and state (never the key)."""
    from credpath.services import access
    from credpath.services.resources import unit_of_work

    with unit_of_work(_engine(_settings())) as session:
        rows = access.list_keys(session)
    for key in rows:
        state = "revoked" if key.revoked_at else f"expires {key.expires_at:%Y-%m-%d}" if key.expires_at else "active"
        used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
        click.echo(f"{key.prefix}  {key.org_name}  {','.join(key.scopes)}  {state}  last used {used}")


@keys.command("revoke")
@click.argument("prefix")
def keys_revoke(prefix: str) -> None:
    """Revoke the key with this prefix (it stops working at once)."""
    from credpath.services import access
    from credpath.services.resources import unit_of_work

    try:
        with unit_of_work(_engine(_settings())) as session:
            access.revoke_key(session, access.CLI, prefix)
    except CredpathError as exc:
        click.echo(f"error: {exc.detail}", err=True)
        sys.exit(1)
    click.echo(f"revoked {prefix}")


if __name__ == "__main__":
    main()
