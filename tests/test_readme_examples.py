"""The README's curl examples, pasted in order into one shell, against a real ``credpath serve`` process.

The server starts as it would after ``make run``'s build steps on a fresh clone: the loaded database
(copied, without any key or learner) and the built models, no bootstrap key. So it must create the admin
key, write it to ``data/admin.key`` and say where in its log, and the examples read it from there.
"""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
FRESH = "DELETE FROM learner_skill; DELETE FROM learner_credential; DELETE FROM learner; "
FRESH += "DELETE FROM api_key; DELETE FROM organisation; DELETE FROM audit_event; "
FRESH += "DELETE FROM posting_skill; DELETE FROM job_posting;"


def readme_script(port: int) -> str:
    """Every bash block of the README that calls the API, in order, aimed at ``port``."""
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    examples = [block for block in blocks if "curl " in block]
    assert len(examples) >= 4
    return "set -euo pipefail\n" + "\n".join(examples).replace("127.0.0.1:8000", f"127.0.0.1:{port}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(loaded_sqlite_url: str, models_dir: Path, tmp_path: Path) -> Iterator[tuple[int, Path, Path]]:
    """A real server process on a free port; yields (port, checkout folder, log file)."""
    database = tmp_path / "credpath.db"
    source = sqlite3.connect(loaded_sqlite_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(database)
    source.backup(target)
    target.executescript(FRESH)
    target.commit()
    source.close()
    target.close()
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("CREDPATH_")}
    env |= {
        "CREDPATH_DATABASE_URL": f"sqlite:///{database}",
        "CREDPATH_MODELS_DIR": str(models_dir),
        "CREDPATH_ADMIN_KEY_FILE": str(checkout / "data" / "admin.key"),
        "CREDPATH_PORT": str(port),
        "HF_HUB_OFFLINE": "1",
    }
    log = tmp_path / "server.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "credpath.cli", "serve"], env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 300  # a hang guard, not a speed check
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health") as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        yield port, checkout, log
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_readme_examples_run_in_order(server: tuple[int, Path, Path]) -> None:
    port, checkout, log = server
    key_file = checkout / "data" / "admin.key"
    key = key_file.read_text().strip()
    assert key_file.stat().st_mode & 0o777 == 0o600
    # The log says where the key is, once, and never the key.
    said = log.read_text()
    assert said.count(str(key_file)) == 1, said
    assert key not in said
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health") as response:
        assert response.headers.get("server") is None  # no version banner
    result = subprocess.run(
        ["bash", "-c", readme_script(port)],
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{result.stderr}\n--- output ---\n{result.stdout[-3000:]}"
    assert "\n404\n" in result.stdout  # the second portal's key on the admin's learner
    assert '"Grace"' in result.stdout
    # The employer sees Ada, who opted in, as a pseudonymous candidate: no name, no learner id.
    candidates = next(line for line in result.stdout.splitlines() if '"candidate_ref"' in line)
    assert '"cand_' in candidates
    assert "Ada" not in candidates
    assert "\n403\n" in result.stdout  # a portal key on the employer's posting
    assert key not in log.read_text()
