"""``credpath ingest catalog FILE --format ob3|ctdl`` as an operator runs it."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlmodel import Session, col

from credpath.cli import main
from credpath.storage.db import create_db_engine, migrate
from credpath.storage.tables import Credential, Organisation
from tests.standards_samples import CTDL, OB3, seed_skills


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = create_db_engine(url)
    migrate(engine)
    seed_skills(engine)
    engine.dispose()
    return {"CREDPATH_DATABASE_URL": url, "CREDPATH_MODELS_DIR": str(tmp_path)}


def test_import_each_format_then_again_unchanged(env: dict[str, str]) -> None:
    runner = CliRunner()
    ctdl = ["ingest", "catalog", str(CTDL / "catalogue.json"), "--format", "ctdl", "--org", "Contoso Institute"]
    first = runner.invoke(main, ctdl, env=env)
    assert first.exit_code == 0, first.output
    assert first.stdout.count("created\t") == 2
    again = runner.invoke(main, ctdl, env=env)
    assert again.exit_code == 0, again.output
    assert "0 created, 0 updated, 2 unchanged" in again.output
    ob3 = runner.invoke(main, ["ingest", "catalog", str(OB3 / "achievements.json"), "--format", "ob3"], env=env)
    assert ob3.exit_code == 0, ob3.output
    engine = create_db_engine(env["CREDPATH_DATABASE_URL"])
    with Session(engine) as session:
        owners = dict(session.execute(select(col(Organisation.name), col(Organisation.kind))).all())
        assert owners == {"Contoso Institute": "issuer", "operator": "operator"}
        prices = {c.title: (c.cost, c.currency) for c in session.scalars(select(Credential))}
    assert prices["Statistics for Data Analysts"] == (60.0, "EUR")
    assert prices["Database Querying for Data Analysts"] == (450.0, "EUR")


def test_a_broken_document_names_the_path_and_writes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["ingest", "catalog", str(OB3 / "broken_alignment_url.json"), "--format", "ob3"], env=env
    )
    assert result.exit_code == 1
    assert "$[2].alignment[2].targetUrl: targetUrl must be an absolute URI" in result.output
    not_json = tmp_path / "catalogue.json"
    not_json.write_text('{"@graph": [', encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", "catalog", str(not_json), "--format", "ctdl"], env=env)
    assert result.exit_code == 1
    assert "line 1 column 13: not JSON" in result.output
    engine = create_db_engine(env["CREDPATH_DATABASE_URL"])
    with Session(engine) as session:
        assert list(session.scalars(select(Credential))) == []
