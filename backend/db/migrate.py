"""Alembic, configured in code: the migrations ship inside the package (no alembic.ini at run time).

`upgrade(url)` brings a database to the newest schema; `current(url)` says where it is.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from backend.db.engine import create_db_engine, normalise_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(*, url: str, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolates "%": a password with "%" in the URL must survive.
    config.set_main_option(
        "sqlalchemy.url", normalise_url(url).render_as_string(hide_password=False).replace("%", "%%")
    )
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(*, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url=url), revision)


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def current_revision(*, url: str) -> str | None:
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
