"""Server secrets: random values the server generates once and every replica reads from the database."""

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from credpath.storage.tables import ServerSecret

__all__ = ["server_secret"]


def server_secret(session: Session, name: str, generate: Callable[[], str]) -> str:
    """The secret stored under ``name``, created with ``generate()`` the first time it is asked for.

    Two replicas creating it at once agree: the loser's insert fails on the primary key and it reads the winner's.
    """
    found = session.get(ServerSecret, name)
    if found is not None:
        return found.value
    try:
        with session.begin_nested():
            session.add(ServerSecret(name=name, value=generate()))
    except IntegrityError:
        pass
    stored = session.get(ServerSecret, name)
    if stored is None:  # pragma: no cover - the insert above either succeeded or lost to another's
        raise LookupError(f"server secret {name!r} could not be stored")
    return stored.value
