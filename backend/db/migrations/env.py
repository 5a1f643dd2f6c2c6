"""Alembic environment: run by `backend.db.migrate` (configured in code, see there)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from backend.db.engine import create_db_engine
from backend.db.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration copies a table and drops the old one: with foreign keys on, that DROP
        # would delete (cascade) every row pointing at the table. Off for the migration (outside
        # any transaction, where SQLite honours the pragma), checked and back on afterwards.
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: later migrations copy-and-move tables instead
        render_as_batch=sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.exec_driver_sql("PRAGMA foreign_keys = ON")
        connection.commit()
        if broken:
            raise RuntimeError(f"the migration left {len(broken)} rows with dangling foreign keys")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_db_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
