"""An idle keep-alive connection outlives common clients' expiry, so a request on it is answered."""

import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.server.serverprocess import serve

REQUEST = b"GET /v1/health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"


def _answer(connection: socket.socket) -> bytes:
    """Send one request and read exactly its response (headers, then ``content-length`` bytes of body)."""
    connection.sendall(REQUEST)
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(4096)
        if not chunk:
            return received
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")),
        0,
    )
    while len(body) < length:
        chunk = connection.recv(4096)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def test_a_connection_idle_beyond_five_seconds_is_still_served(tmp_path: Path) -> None:
    # httpx keeps an idle connection for 5 s, as uvicorn did: a request sent just as the server closed it
    # failed (7 of 600 in a probe). Idle for 6 s, the connection must still be open and answer.
    with serve(f"sqlite:///{tmp_path / 'credpath.db'}", tmp_path / "models") as base:
        address = urlsplit(base)
        with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
            first = _answer(connection)
            connection.settimeout(10)
            time.sleep(6)
            second = _answer(connection)
    assert first.startswith(b"HTTP/1.1 200")
    assert second.startswith(b"HTTP/1.1 200")
