"""The ``credpath`` command as an operator runs it."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session

from credpath.cli import main
from credpath.storage.db import create_db_engine
from credpath.storage.tables import Credential
from tests.conftest import copy_sqlite_file

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "portal_catalog.csv"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"CREDPATH_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "CREDPATH_MODELS_DIR": str(tmp_path)}


def test_ingest_generic_catalog_twice(env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["ingest", "catalog", str(FIXTURE), "--format", "csv", "--source", "portal", "--no-progress"]
    first = runner.invoke(main, args, env=env)
    assert first.exit_code == 0, first.output
    second = runner.invoke(main, [*args, "--force"], env=env)
    assert second.exit_code == 0, second.output
    engine = create_db_engine(env["CREDPATH_DATABASE_URL"])
    with Session(engine) as session:
        badge = session.get(Credential, "portal:sql-101")
        assert badge is not None
        assert (badge.kind, badge.level, badge.duration_hours, badge.cost, badge.currency) == (
            "badge",
            "beginner",
            12.0,
            49.0,
            "EUR",
        )
        assert badge.skill_tags == ["SQL", "data analysis", "relational databases"]
        course = session.get(Credential, "portal:viz-201")
        assert course is not None
        assert course.skill_tags == ["Python", "data visualisation"]
        assert course.subjects == ["Data", "Programming"]


def test_invalid_catalog_exits_non_zero_and_writes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(FIXTURE.read_text(encoding="utf-8").replace(",badge,", ",diploma-mill,"), encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", "catalog", str(bad), "--format", "csv", "--no-progress"], env=env)
    assert result.exit_code == 1
    assert "bad.csv, line 2: unknown kind 'diploma-mill'" in result.output
    engine = create_db_engine(env["CREDPATH_DATABASE_URL"])
    with Session(engine) as session:
        assert session.get(Credential, "csv-bad:sql-101") is None


def test_crosswalk_before_onet_is_refused(env: dict[str, str], data_dir: Path) -> None:
    path = data_dir / "esco_onet_crosswalk_nesta/esco_onet_crosswalk_Nov2020.csv"
    result = CliRunner().invoke(main, ["ingest", "crosswalk", str(path), "--no-progress"], env=env)
    assert result.exit_code == 1
    assert "ingest O*NET before the crosswalk" in result.output


def test_tune_without_a_taxonomy_fails_clearly_and_writes_no_model(env: dict[str, str], tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["tune", "--steps", "2", "--no-progress"], env=env)
    assert result.exit_code == 1
    assert "load ESCO first" in result.output
    assert not (tmp_path / "encoder" / "tuned").exists()


def test_tune_rejects_a_non_positive_step_count(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["tune", "--steps", "0", "--no-progress"], env=env)
    assert result.exit_code == 2
    assert "--steps" in result.output


@pytest.mark.slow
def test_tune_trains_once_then_reports_the_model_current(
    loaded_sqlite_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = {"CREDPATH_DATABASE_URL": loaded_sqlite_url, "CREDPATH_MODELS_DIR": str(tmp_path)}
    caplog.set_level("INFO")
    first = CliRunner().invoke(main, ["tune", "--steps", "2", "--no-progress"], env=env)
    assert first.exit_code == 0, first.output
    record = json.loads((tmp_path / "encoder" / "tuned" / "tuning.json").read_text())
    assert record["steps"] == 2
    assert "fine-tune step 2/2" in caplog.text  # no terminal: progress goes to the log
    caplog.clear()
    second = CliRunner().invoke(main, ["tune", "--steps", "2", "--no-progress"], env=env)
    assert second.exit_code == 0, second.output
    assert "is current" in caplog.text
    assert json.loads((tmp_path / "encoder" / "tuned" / "tuning.json").read_text()) == record


def test_keys_create_list_revoke(env: dict[str, str]) -> None:
    from credpath.errors import AuthenticationError
    from credpath.services import access

    runner = CliRunner()
    args = ["keys", "create", "--org", "Example Portal", "--kind", "portal"]
    created = runner.invoke(main, [*args, "--scope", "learners:read", "--scope", "learners:write"], env=env)
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert key.startswith("cp_")
    assert "store it now" in created.stderr
    prefix = key.split("_")[1]
    listed = runner.invoke(main, ["keys", "list"], env=env)
    assert prefix in listed.stdout
    assert "Example Portal" in listed.stdout
    assert "learners:read,learners:write" in listed.stdout
    assert key not in listed.output
    # The same organisation may not change kind; an unknown scope is refused by the parser.
    assert (
        runner.invoke(
            main, ["keys", "create", "--org", "Example Portal", "--kind", "employer", "--scope", "admin"], env=env
        ).exit_code
        == 1
    )
    assert runner.invoke(main, [*args, "--scope", "everything"], env=env).exit_code == 2
    engine = create_db_engine(env["CREDPATH_DATABASE_URL"])
    with Session(engine) as session:
        assert access.authenticate(session, key).org_id is not None
    revoked = runner.invoke(main, ["keys", "revoke", prefix], env=env)
    assert revoked.exit_code == 0, revoked.output
    assert "revoked" in runner.invoke(main, ["keys", "list"], env=env).stdout
    assert runner.invoke(main, ["keys", "revoke", "nosuchpx"], env=env).exit_code == 1
    with Session(engine) as session, pytest.raises(AuthenticationError):
        access.authenticate(session, key)
    assert [(e.action, e.entity, e.actor) for e in access.audit(Session(engine))][:1] == [("revoke", "key", "cli")]


def test_build_index_before_tuning_leaves_the_alignments_to_the_tuned_build(
    loaded_sqlite_url: str, models_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # make run's first build: with tuning still to come (the session's model is not the shipped recipe's),
    # the indexes are built and the new credentials wait for the tuned build to be aligned (a plain
    # build-index aligns them: the session's models fixture goes through it).
    database = tmp_path / "cli.db"
    copy_sqlite_file(loaded_sqlite_url, database)
    models = tmp_path / "models"
    shutil.copytree(models_dir, models)
    env = {"CREDPATH_DATABASE_URL": f"sqlite:///{database}", "CREDPATH_MODELS_DIR": str(models)}
    runner = CliRunner()
    ingest = ["ingest", "catalog", str(FIXTURE), "--format", "csv", "--source", "portal", "--no-progress"]
    assert runner.invoke(main, ingest, env=env).exit_code == 0
    engine = create_db_engine(env["CREDPATH_DATABASE_URL"])

    def aligned() -> str | None:
        with Session(engine) as session:
            badge = session.get(Credential, "portal:sql-101")
            assert badge is not None
            return badge.aligned_hash

    caplog.set_level("INFO")
    first = runner.invoke(main, ["build-index", "--before-tuning", "--no-progress"], env=env)
    assert first.exit_code == 0, first.output
    assert "alignments deferred" in caplog.text
    assert "index credentials built" in caplog.text  # the new credentials are searchable already
    assert aligned() is None
