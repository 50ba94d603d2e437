"""Two API replicas (real ``credpath serve`` processes) over one PostgreSQL database.

The database is a copy of the session's built SQLite database (``credpath copy-database``), and the
models directory a private copy of the session's, so a rebuild here disturbs no other test.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from credpath.config import Settings
from credpath.pipeline.build import build_all
from credpath.pipeline.ingest import ingest_catalog
from credpath.services.resources import copy_to
from credpath.storage.db import create_db_engine
from tests.conftest import ADMIN_KEY, fresh_database_url

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# Both replicas ensure the same admin key at start (they race for it on a fresh database); tests send it.
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
# Files a build replaces by rename are hard-linked (cheap); everything else is copied.
_LINKED = {"vectors.npy", "hnsw.bin"}


def _copy_models(source: Path, target: Path) -> None:
    def copy(src: str, dst: str) -> None:
        if Path(src).name in _LINKED or src.endswith((".onnx", ".safetensors")):
            os.link(src, dst)
        else:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=copy)


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Replica:
    def __init__(self, database_url: str, models_dir: Path, log: Path) -> None:
        self.url = f"http://127.0.0.1:{_port()}"
        env = {
            **os.environ,
            "CREDPATH_DATABASE_URL": database_url,
            "CREDPATH_MODELS_DIR": str(models_dir),
            "CREDPATH_INDEX_CHECK_SECONDS": "0.5",
            "CREDPATH_LOG_LEVEL": "INFO",
            "CREDPATH_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY,
            "CREDPATH_ADMIN_KEY_FILE": str(log.with_suffix(".admin.key")),
        }
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "credpath.cli", "serve", "--port", self.url.rsplit(":", 1)[1]],
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.get(self.url + path, timeout=60, headers=ADMIN, **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, body: object) -> httpx.Response:
        return httpx.post(self.url + path, json=body, headers=ADMIN, timeout=60)

    def wait(self, path: str, status: int, timeout: float = 180) -> httpx.Response:
        deadline = time.monotonic() + timeout
        last: httpx.Response | None = None
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                last = self.get(path)
                if last.status_code == status:
                    return last
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        raise AssertionError(f"{self.url}{path} never answered {status}: {last and last.text}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def replica_setup(
    request: pytest.FixtureRequest, api_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path, list[Replica]]]:
    folder = tmp_path_factory.mktemp("replicas")
    url = fresh_database_url("postgresql", folder, request)
    copied = copy_to(api_settings, url)
    assert copied["credential_skill"] > 0  # the alignments travel with the data
    models = folder / "models"
    _copy_models(api_settings.models_dir, models)
    replicas = [Replica(url, models, folder / f"replica-{i}.log") for i in range(2)]
    try:
        for replica in replicas:
            replica.wait("/v1/health/ready", 200)
        yield url, models, replicas
    finally:
        for replica in replicas:
            replica.stop()


def _generation(replica: Replica, index: str) -> float:
    match = re.search(rf'credpath_index_generation\{{index="{index}"\}} ([0-9.e+]+)', replica.get("/metrics").text)
    assert match
    return float(match.group(1))


def test_a_write_through_one_replica_is_read_through_the_other(
    replica_setup: tuple[str, Path, list[Replica]],
) -> None:
    _, _, (a, b) = replica_setup
    sql = next(s["id"] for s in a.get("/v1/skills", params={"q": "SQL"}).json()["items"] if s["label"] == "SQL")
    created = a.post("/v1/learners", {"name": "replicated", "skills": [sql]})
    assert created.status_code == 201
    learner = created.json()["id"]
    read = b.get(f"/v1/learners/{learner}")
    assert read.status_code == 200
    assert [s["skill_id"] for s in read.json()["skills"]] == [sql]

    statistics = next(
        s["id"] for s in b.get("/v1/skills", params={"q": "statistics"}).json()["items"] if s["label"] == "statistics"
    )
    assert b.post(f"/v1/learners/{learner}/skills", {"skills": [statistics]}).status_code in (200, 201)
    assert {s["skill_id"] for s in a.get(f"/v1/learners/{learner}").json()["skills"]} == {sql, statistics}


def test_catalogue_and_index_changes_reach_every_replica_without_restart(
    replica_setup: tuple[str, Path, list[Replica]],
) -> None:
    url, models, replicas = replica_setup
    a, _b = replicas
    sql = next(s["id"] for s in a.get("/v1/skills", params={"q": "SQL"}).json()["items"] if s["label"] == "SQL")
    request = {
        "learner": {"skills": []},
        "target": {"skills": [sql]},
        "constraints": {"providers": ["Open Data Academy"], "max_credentials": 2},
    }
    before = [r.post("/v1/recommendations", request).json() for r in replicas]
    assert all(not body["pathway"]["steps"] for body in before)  # no such provider yet
    generations = [_generation(r, "credentials") for r in replicas]

    engine = create_db_engine(url)
    try:
        ingest_catalog(engine, FIXTURES / "portal_catalog.csv", "csv", source="portal")
        # The catalogue changed under the loaded credentials index: no replica claims to be ready.
        for replica in replicas:
            body = replica.wait("/v1/health/ready", 503, timeout=10).json()
            assert body["indexes"]["credentials"] == "stale"
        build_all(engine, models, names=("skills", "credentials"))
    finally:
        engine.dispose()

    # Within seconds, both replicas load the new build (no restart) and recommend the new credential.
    for replica, generation in zip(replicas, generations, strict=True):
        replica.wait("/v1/health/ready", 200, timeout=30)
        assert _generation(replica, "credentials") > generation
        assert replica.process.poll() is None
        steps = replica.post("/v1/recommendations", request).json()["pathway"]["steps"]
        assert "SQL" in [step["title"] for step in steps]
    log = a.log.read_text()
    assert '"message": "index generation loaded' in log
    assert '"request_id"' in log
