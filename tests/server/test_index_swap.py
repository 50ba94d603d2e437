"""The first run's background tuning through a real server: the new generation is swapped in under load.

Issue 14: ``make run`` serves the indexes built with the model at hand and fine-tunes in the background
(``credpath serve --tune-in-background``). While clients keep asking, the chain tunes a new encoder and
rebuilds every index with it; the server must load that generation without a restart, fail no request, and
never answer with a query encoded by one encoder searched against vectors of the other.
"""

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import httpx

from tests.conftest import copy_sqlite_file
from tests.server.serverprocess import ADMIN, serve

TEXT = "I write SQL queries every day and build dashboards in Power BI"
CLIENTS = 4
# Tuning a few steps and re-embedding every index of the reduced taxonomy at low priority on 2 cores takes a
# minute or two (the whole taxonomy's ~200,000 texts took over 15 minutes on a slow CI machine).
SWAP_TIMEOUT_S = 600.0

Answer = tuple[int, tuple[tuple[str, float], ...]]


def _answer(client: httpx.Client) -> Answer:
    response = client.post("/v1/skills/match", json={"texts": [TEXT], "top_k": 5})
    if response.status_code != 200:
        return response.status_code, ()
    matches = response.json()["results"][0]["matches"]
    return 200, tuple((m["skill_id"], m["score"]) for m in matches)


def _chain_processes(models: Path) -> list[int]:
    """Background tuning children (``credpath.cli tune`` / ``build-index``) working on ``models`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            environment = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        chain = b"credpath.cli" in command and {b"tune", b"build-index"} & set(command)
        if chain and f"CREDPATH_MODELS_DIR={models}".encode() in environment:
            found.append(int(entry.name))
    return found


def _preferred_labels_only(database: Path) -> None:
    """Reduce the taxonomy to preferred labels: ~26,000 texts to re-embed (mostly short) instead of ~200,000.

    The indexes copied from the session's build still hold the alternative labels (the database's datasets are
    unchanged, so they read as fresh and are served as the first generation); the rebuild reads the reduced rows.
    What is under test is the swap, not the size of the taxonomy.
    """
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE skill SET alt_labels = '[]', hidden_labels = '[]', description = ''")
        connection.execute("UPDATE occupation SET alt_labels = '[]', hidden_labels = '[]'")


def _serving(base: str) -> dict[str, dict[str, str]]:
    serving: dict[str, dict[str, str]] = httpx.get(f"{base}/v1/health", timeout=60).json()["index"]["serving"]
    return serving


def test_background_tuning_swaps_the_new_generation_in_under_load(
    loaded_sqlite_url: str, models_dir: Path, tmp_path: Path
) -> None:
    database = tmp_path / "credpath.db"
    copy_sqlite_file(loaded_sqlite_url, database)
    _preferred_labels_only(database)
    models = tmp_path / "models"
    shutil.copytree(models_dir, models)
    log_path = tmp_path / "server.log"
    with serve(
        f"sqlite:///{database}",
        models,
        log_path=log_path,
        log_level="INFO",
        # The session's model was tuned with the test recipe; two steps of the shipped one make another model.
        args=["--tune-in-background", "--tune-steps", "2"],
        env={"CREDPATH_INDEX_CHECK_SECONDS": "1"},
    ) as base:
        before = _serving(base)
        assert set(before) == {"skills", "occupations", "credentials"}
        with httpx.Client(base_url=base, headers=ADMIN, timeout=120) as client:
            first = _answer(client)
        assert first[0] == 200
        assert first[1]

        answers: list[Answer] = []
        stop = threading.Event()

        def ask() -> None:
            with httpx.Client(base_url=base, headers=ADMIN, timeout=120) as client:
                while not stop.is_set():
                    answers.append(_answer(client))
                    # ~20 requests/s in all: steady load, while leaving the niced rebuild most of the 2 cores.
                    time.sleep(0.2)

        threads = [threading.Thread(target=ask) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        try:
            deadline = time.monotonic() + SWAP_TIMEOUT_S
            after_serving = before
            while time.monotonic() < deadline and after_serving["skills"]["model"] == before["skills"]["model"]:
                time.sleep(2)
                after_serving = _serving(base)
            time.sleep(2)  # a few more requests on the new generation
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        with httpx.Client(base_url=base, headers=ADMIN, timeout=120) as client:
            after = _answer(client)
        assert _chain_processes(models), "the chain should still be aligning the credentials"

    log = log_path.read_text()
    assert after_serving["skills"]["model"] != before["skills"]["model"], log[-3000:]
    # Every index of the new generation was embedded by the same, new model, and built after the old one.
    assert len({entry["model"] for entry in after_serving.values()}) == 1
    assert all(after_serving[name]["generation"] > before[name]["generation"] for name in before)
    # The server was stopped while the chain was still aligning: stopping it stopped the chain too.
    assert _chain_processes(models) == []
    assert "index generation loaded" in log
    # The new encoder ranks differently; every answer under load came whole from one generation or the other.
    assert after[0] == 200
    assert after != first
    statuses = {status for status, _ in answers}
    assert statuses == {200}, statuses
    assert set(answers) <= {first, after}
    assert first in answers
    assert after in answers
