"""CPU work that stops when its client disconnects.

A sync handler runs to the end whatever the client does, so a client that gave up on a heavy request left
the server encoding for minutes (issue 10). Heavy handlers instead hand their work to
:func:`while_connected`, which runs it in a worker thread and, meanwhile, listens on the event loop for
the ASGI ``http.disconnect`` message; the work asks the returned check between chunks and stops early.
"""

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from litestar import Request

__all__ = ["while_connected"]

T = TypeVar("T")


async def while_connected(request: Request[Any, Any, Any], work: Callable[[Callable[[], bool]], T]) -> T:
    """Run ``work(should_stop)`` in a worker thread; ``should_stop()`` turns true once the client has gone.

    The body must already have been read (it has, for a handler that takes ``data``), so the next ASGI
    message on this connection can only be the disconnect.
    """
    gone = threading.Event()

    async def watch() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass
        gone.set()

    failure: Exception | None = None
    async with anyio.create_task_group() as group:
        group.start_soon(watch)
        try:
            result = await anyio.to_thread.run_sync(work, gone.is_set)
        except Exception as exc:  # re-raised below, outside the group, so it is not wrapped in an ExceptionGroup
            failure = exc
        group.cancel_scope.cancel()
    if failure is not None:
        raise failure
    return result
