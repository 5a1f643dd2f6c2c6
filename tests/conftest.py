"""Database fixtures shared by the tests: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432 (trust auth; database `test`, or
PATENTPANE_TEST_POSTGRES_URL). Each pytest process (every xdist worker, every session) creates its
own uniquely named database there and drops it at the end, so parallel runs never collide. When
the server is unreachable the PostgreSQL tests fail (CI has one): they are never skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from tests.apiharness import ApiHarness

POSTGRES_URL = os.environ.get(
    "PATENTPANE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
DATABASE_KINDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'patentpane.db'}"


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test process (dropped afterwards)."""
    import psycopg
    from psycopg import sql

    server = make_url(POSTGRES_URL)
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = psycopg.connect(conninfo, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {server.render_as_string()} is unreachable (the suite needs it): {exc}")
    name = f"pp_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield server.set(drivername="postgresql+psycopg", database=name).render_as_string(
                hide_password=False
            )
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session", params=DATABASE_KINDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """A migrated database (newest schema), once per kind and test process; tests keep to their
    own tenants (unique names), so they share it."""
    from backend.db.migrate import upgrade

    url = request.getfixturevalue(f"{request.param}_url")
    upgrade(url=url)
    return url


@pytest.fixture(scope="module")
def api(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiHarness]:
    """One app (and client) per test module and database kind; the spaCy model is loaded once per
    process whatever the number of apps."""
    from fastapi.testclient import TestClient

    from backend.app import create_app
    from backend.db.engine import Database
    from tests.apiharness import ApiHarness, make_settings

    settings = make_settings(database_url=database_url, data_dir=tmp_path_factory.mktemp("data"))
    database = Database.from_url(database_url)
    with TestClient(create_app(settings)) as client:
        yield ApiHarness(client=client, database=database, settings=settings)
    database.dispose()
