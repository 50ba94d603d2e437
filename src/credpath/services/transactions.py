"""Units of work on the request path: commits off the event loop, and writes admitted through one gate.

Two things stalled the API under simultaneous writes (issue 10): the request session was committed by a
sync dependency's clean-up, which Litestar runs on the event loop, so a commit waiting for SQLite's write
lock froze every request; and each writer began a deferred transaction in a pool thread and then queued
for the lock, so up to ``busy_timeout`` later some failed with ``database is locked``.

Here every session is opened, committed, rolled back and closed in a worker thread, and a write unit of
work first passes the process's :class:`WriteGate`, waiting on the event loop (holding no thread and no
connection) until it may start. Once admitted it takes the database's write lock up front (``BEGIN
IMMEDIATE`` on SQLite, see ``storage.db``) and keeps the transaction short. Across processes (several
workers or replicas) SQLite's lock and PostgreSQL's row locks (``learners`` locks the learner it changes)
do the serialising.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TypeVar

import anyio
from sqlalchemy import Engine
from sqlmodel import Session

from credpath.storage.db import for_writes, session_scope

__all__ = ["WriteGate", "request_unit_of_work", "run_unit_of_work", "write_gate_for"]

T = TypeVar("T")

# PostgreSQL writers of different learners run side by side; this many keeps the pool (5 + 5) free for reads.
POSTGRES_WRITERS = 4


class WriteGate:
    """Admits at most ``capacity`` write transactions of this process at a time; the rest wait their turn.

    Waiting happens on the event loop, so a queue of writers holds no worker thread and no connection,
    and reads (health included) keep being served.

    Example:
        >>> import anyio
        >>> gate = WriteGate(1)
        >>> async def twice() -> int:
        ...     async with gate:
        ...         pass
        ...     async with gate:
        ...         return gate.capacity
        >>> anyio.run(twice)
        1
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        # A semaphore, not a capacity limiter: Litestar may close a dependency in another task than opened it.
        self._slots: anyio.Semaphore | None = None

    async def __aenter__(self) -> None:
        if self._slots is None:  # created lazily, inside the running event loop
            self._slots = anyio.Semaphore(self.capacity)
        await self._slots.acquire()

    async def __aexit__(self, *_exc: object) -> None:
        assert self._slots is not None  # noqa: S101 - entered before exited
        self._slots.release()


def write_gate_for(engine: Engine) -> WriteGate:
    """The gate for this database: one writer at a time on SQLite (one lock anyway), a few on PostgreSQL."""
    return WriteGate(1 if engine.dialect.name == "sqlite" else POSTGRES_WRITERS)


@asynccontextmanager
async def request_unit_of_work(engine: Engine, gate: WriteGate | None = None) -> AsyncIterator[Session]:
    """One request's session: committed when the block succeeds, rolled back on any exception.

    Args:
        engine: the application's engine.
        gate: given for a write request: the transaction starts only once the gate admits it, and takes
            the write lock when it begins.

    Yields:
        A session to use from a worker thread (sync handlers); it must not be used on the event loop.
    """
    async with AsyncExitStack() as stack:
        if gate is not None:
            await stack.enter_async_context(gate)
        session = Session(for_writes(engine) if gate is not None else engine, expire_on_commit=False)
        try:
            yield session
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(_end, session, False)
            raise
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_end, session, True)


def _end(session: Session, commit: bool) -> None:
    """Commit (or roll back) and close in one trip to a worker thread: each trip costs ~0.15 ms of CPU."""
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


async def run_unit_of_work(engine: Engine, work: Callable[[Session], T], gate: WriteGate | None = None) -> T:
    """Run ``work`` in a unit of work of its own: opened, committed (or rolled back) and closed in one thread trip.

    Args:
        engine: the application's engine.
        work: what to do with the session; its result is returned.
        gate: given for writes: the unit starts once the gate admits it, and takes the write lock when it
            begins. The lock is then held only while ``work`` runs and commits in that thread: under load a
            write whose commit waited for the event loop and a second thread held SQLite's one write lock
            for that wait too, and every other writer of every process queued behind it.
    """
    async with AsyncExitStack() as stack:
        if gate is not None:
            await stack.enter_async_context(gate)
        # Not abandoned on cancellation: a client that goes away still gets its unit committed or rolled back.
        return await anyio.to_thread.run_sync(_unit, for_writes(engine) if gate is not None else engine, work)


def _unit(engine: Engine, work: Callable[[Session], T]) -> T:
    with session_scope(engine) as session:
        return work(session)
