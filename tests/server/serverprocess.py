"""A real ``credpath serve`` process on a free loopback port, for tests that need a server, not an in-process app."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import ADMIN_KEY

# What a test sends to act as the server's admin (the server ensures the key: CREDPATH_BOOTSTRAP_ADMIN_KEY).
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(
    database_url: str,
    models_dir: Path,
    *,
    log_path: Path | None = None,
    log_level: str = "WARNING",
    startup_timeout: float = 180.0,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Run ``credpath serve`` over ``database_url`` and yield its base URL; stop it afterwards.

    ``args`` are added to ``credpath serve``, ``env`` to its environment. The server's log goes to ``log_path``
    (a temporary file when omitted). It ensures the test admin key
    (send :data:`ADMIN`) and does not rate-limit: these tests send many requests with one key.
    """
    port = free_port()
    log_path = log_path or Path(tempfile.mkstemp(prefix="credpath-server-", suffix=".log")[1])
    environment = {
        **os.environ,
        "CREDPATH_DATABASE_URL": database_url,
        "CREDPATH_MODELS_DIR": str(models_dir),
        "CREDPATH_LOG_LEVEL": log_level,
        "CREDPATH_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY,
        "CREDPATH_ADMIN_KEY_FILE": str(log_path.with_suffix(".admin.key")),
        "CREDPATH_RATE_LIMIT_PER_MINUTE": "1000000",
        "HF_HUB_OFFLINE": "1",
        **(env or {}),
    }
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "credpath.cli", "serve", "--port", str(port), *args],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited early: {log_path.read_text()[-4000:]}")
            try:
                if httpx.get(f"{base}/v1/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become healthy")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
