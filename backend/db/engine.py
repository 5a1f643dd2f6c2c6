"""Engines and sessions: SQLite (embedded default) or PostgreSQL (psycopg 3), made per app.

Nothing here runs at import time; `Database.from_url(url)` builds an engine (it connects lazily)
and a session factory, and the app keeps it on `app.state.db`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str | URL) -> URL:
    """`postgres://` and `postgresql://` mean psycopg 3 (the driver installed; psycopg2 is not)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while a writer commits (the API and batch workers share the file);
    # SQLite enforces foreign keys only when asked, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def create_db_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for `url` (nothing is connected or created until first use)."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        engine = create_engine(parsed, connect_args=connect_args, **kwargs)
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            # the data directory is made on first connect, not when an app is merely built
            event.listen(
                engine, "do_connect", lambda *_: Path(database).parent.mkdir(parents=True, exist_ok=True)
            )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True, **kwargs)


@dataclass(slots=True)
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def from_url(cls, url: str | URL, **engine_kwargs: Any) -> Database:
        engine = create_db_engine(url, **engine_kwargs)
        return cls(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that rolls back whatever was not committed (callers commit explicitly)."""
        with self.sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
