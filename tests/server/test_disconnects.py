"""Work for a client that has gone is stopped (issue 10, defect 4), through a real server process."""

import itertools
import string
import time
from pathlib import Path

import httpx
import pytest

from tests.server.serverprocess import serve

# ~890 distinct phrases: accepted (under the 1,000 budget) and long enough to still be encoding at 0.3 s.
TEXT = ", ".join(
    f"{a}{b}{c} {d}{e}{f}"
    for (a, b, c), (d, e, f) in zip(
        itertools.product(string.ascii_lowercase, repeat=3),
        itertools.product(reversed(string.ascii_lowercase), repeat=3),
        strict=False,
    )
)[:8_000]


def test_extraction_stops_when_the_client_disconnects(loaded_sqlite_url: str, models_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with serve(loaded_sqlite_url, models_dir, log_path=log, log_level="INFO") as base:
        with pytest.raises(httpx.TimeoutException):
            httpx.post(f"{base}/v1/skills/extract", json={"text": TEXT}, timeout=0.3)
        # The server notices the disconnect between two chunks of encoding and says so in its log.
        for _ in range(240):
            if "the client went away" in log.read_text():
                break
            time.sleep(0.25)
        assert "the client went away" in log.read_text()
        # The server is still fine afterwards, and the same request answers when the client waits.
        assert httpx.post(f"{base}/v1/skills/extract", json={"text": TEXT[:2_000]}, timeout=120).status_code == 200
