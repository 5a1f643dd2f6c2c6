"""backend.db: the migrations build exactly the models' schema (SQLite and PostgreSQL), engine
settings, the schema's rules (cascades, uniqueness), settings, and the `db`/`apikey` commands."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, Table, delete, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from backend.auth.apikeys import create_api_key, ensure_user
from backend.db.engine import Database, create_db_engine, normalise_url
from backend.db.migrate import current_revision, head_revision
from backend.db.models import ApiKey, AuditEvent, Base, Batch, BatchFile, RuleSetting, Tenant, User
from backend.settings import Settings


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:8]}"


def schema_diff(url: str, metadata: MetaData) -> list:
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    finally:
        engine.dispose()


@pytest.fixture
def session(database_url):
    db = Database.from_url(database_url)
    with db.session() as session:
        yield session
    db.dispose()


def test_migrations_build_exactly_the_models_schema(database_url):
    assert current_revision(url=database_url) == head_revision()
    assert schema_diff(database_url, Base.metadata) == []


def test_schema_comparison_would_notice_a_difference(database_url):
    # the comparison above is not vacuous: a column the migrations lack is reported
    metadata = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    Table("tenants", metadata, Column("extra", String(10)), extend_existing=True)
    diff = schema_diff(database_url, metadata)
    assert [d[0] for d in diff] == ["add_column"] and diff[0][3].name == "extra"


def test_sqlite_engine_uses_wal_foreign_keys_and_busy_timeout(sqlite_url):
    engine = create_db_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    finally:
        engine.dispose()


def test_urls_mean_psycopg3_for_postgresql():
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("sqlite:///x.db").drivername == "sqlite"


def test_sqlite_data_directory_is_made_on_first_connect_only(tmp_path):
    path = tmp_path / "new" / "dir" / "p.db"
    db = Database.from_url(f"sqlite:///{path}")
    assert not path.parent.exists()
    with db.session() as session:
        session.execute(text("SELECT 1"))
    db.dispose()
    assert path.parent.is_dir()


def test_tenant_delete_cascades_and_emails_are_unique_per_tenant(session):
    user = ensure_user(session, tenant_name=unique("Cascade"), email="A@Example.com", role="admin")
    session.commit()
    assert user.email == "a@example.com"
    tenant_id = user.tenant_id
    created = create_api_key(session, tenant_name=user.tenant.name, email="a@example.com")
    session.add(AuditEvent(tenant_id=tenant_id, user_id=user.id, action="check", outcome="ok"))
    session.add(RuleSetting(tenant_id=tenant_id, selector="AB", enabled=False))
    batch = Batch(tenant_id=tenant_id, user_id=user.id, options={"jurisdiction": "us"})
    batch.files.append(BatchFile(position=0, name="a.docx", sha256="0" * 64, size=10))
    session.add(batch)
    session.commit()
    key_id, batch_id = created.key.id, batch.id

    session.add(User(tenant_id=tenant_id, email="a@example.com"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()

    # the database cascades (SQLite only with foreign_keys on), not the ORM
    session.execute(delete(Tenant).where(Tenant.id == tenant_id))
    session.commit()
    session.expire_all()
    for model in (User, ApiKey, AuditEvent, RuleSetting, Batch):
        assert session.scalars(select(model).where(model.tenant_id == tenant_id)).all() == []
    assert session.get(ApiKey, key_id) is None
    assert session.scalars(select(BatchFile).where(BatchFile.batch_id == batch_id)).all() == []


def test_check_constraints_and_utc_times(session):
    user = ensure_user(session, tenant_name=unique("Constraints"), email="b@example.com")
    session.commit()
    assert user.role == "attorney"
    assert user.created_at.tzinfo is not None
    session.expire_all()
    again = session.get(User, user.id)
    assert again is not None and again.created_at.utcoffset().total_seconds() == 0
    session.add(Batch(tenant_id=user.tenant_id, status="exploded"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    with pytest.raises(StatementError, match="naive"):
        session.add(AuditEvent(tenant_id=user.tenant_id, action="x", occurred_at=datetime(2024, 1, 1)))
        session.commit()
    session.rollback()
    event = AuditEvent(tenant_id=user.tenant_id, action="x", occurred_at=datetime(2024, 1, 1, tzinfo=UTC))
    session.add(event)
    session.commit()
    session.expire_all()
    assert session.get(AuditEvent, event.id).occurred_at == datetime(2024, 1, 1, tzinfo=UTC)


def test_api_keys_store_only_the_hash_of_the_secret(session):
    created = create_api_key(session, tenant_name=unique("Hash"), email="c@example.com", name="laptop")
    scheme, prefix, secret = created.secret.split("_", 2)
    assert scheme == "pp" and prefix == created.key.prefix and len(secret) >= 40
    row = session.execute(select(ApiKey.__table__).where(ApiKey.id == created.key.id)).one()
    assert secret not in "".join(str(v) for v in row)
    assert row.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()


def test_settings_database_url_and_env_file(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "PATENTPANE_DATABASE_URL", "PATENTPANE_MAX_UPLOAD_BYTES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    settings = Settings(data_dir=tmp_path / "d")
    assert settings.database_url == f"sqlite:///{tmp_path / 'd' / 'patentpane.db'}"
    assert settings.max_upload_bytes == 50 * 1024 * 1024
    (tmp_path / ".env").write_text(
        "PATENTPANE_MAX_UPLOAD_BYTES=1234\nDATABASE_URL=postgresql://u@h/from_env_file\n"
    )
    settings = Settings()
    assert settings.max_upload_bytes == 1234 and settings.database_url.endswith("/from_env_file")
    monkeypatch.setenv("PATENTPANE_DATABASE_URL", "sqlite:///other.db")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert Settings().database_url == "postgresql://u@h/db"
    monkeypatch.delenv("DATABASE_URL")
    assert Settings().database_url == "sqlite:///other.db"


def test_db_and_apikey_commands(tmp_path, capsys):
    from backend.cli import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["db", "current", "--database-url", url]) == 1
    assert "run `patentpane db upgrade`" in capsys.readouterr().out
    assert main(["db", "upgrade", "--database-url", url]) == 0
    assert main(["db", "current", "--database-url", url]) == 0
    assert f"{head_revision()}: up to date" in capsys.readouterr().out

    args = ["--database-url", url, "--tenant", "Firm CLI", "--email", "Ann@Firm.example"]
    assert main(["apikey", "create", *args, "--role", "admin", "--name", "laptop"]) == 0
    out = capsys.readouterr()
    key = out.out.strip()
    assert key.startswith("pp_") and "shown once" in out.err
    prefix = key.split("_")[1]

    assert main(["apikey", "list", "--database-url", url]) == 0
    listing = capsys.readouterr().out
    assert prefix in listing and "ann@firm.example" in listing and "admin" in listing and "active" in listing
    assert key.split("_", 2)[2] not in listing

    assert main(["apikey", "revoke", prefix, "--database-url", url]) == 0
    assert main(["apikey", "list", "--database-url", url, "--tenant", "Firm CLI"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["apikey", "revoke", "nosuchkey", "--database-url", url]) == 2
    assert "not_found" in capsys.readouterr().err
