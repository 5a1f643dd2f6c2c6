"""`patentpane users ...` and `patentpane keys ...` (alias `apikey`) on a real database."""

from __future__ import annotations

import pyotp
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.app import create_app
from backend.cli import main
from backend.db.engine import Database
from backend.db.migrate import upgrade
from backend.db.models import AuditEvent, User
from tests.apiharness import make_settings


@pytest.fixture
def url(tmp_path, monkeypatch):
    monkeypatch.setenv("PATENTPANE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PATENTPANE_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("PATENTPANE_ARGON2_MEMORY_KIB", "8192")
    from backend.settings import get_settings

    get_settings.cache_clear()
    database_url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url=database_url)
    yield database_url
    get_settings.cache_clear()


def test_users_commands(url, capsys):
    db = ["--database-url", url]
    assert main(["users", "add", "Ann@Firm.example", "--role", "admin", "--tenant", "Firm CLI", *db]) == 0
    out = capsys.readouterr()
    password = out.out.strip()
    assert len(password) >= 12 and "one-time password" in out.err
    assert main(["users", "add", "ann@firm.example", "--tenant", "Firm CLI", *db]) == 2
    assert "user_exists" in capsys.readouterr().err

    assert main(["users", "enrol-totp", "ann@firm.example", *db]) == 0
    shown = capsys.readouterr().out
    uri = next(line for line in shown.splitlines() if line.startswith("otpauth://"))
    secret = pyotp.parse_uri(uri).secret
    assert main(["users", "enrol-totp", "ann@firm.example", "--code", "000000", *db]) == 2
    capsys.readouterr()
    assert main(["users", "enrol-totp", "ann@firm.example", "--code", pyotp.TOTP(secret).now(), *db]) == 0
    codes = capsys.readouterr().out.split()
    assert len(codes) == 10

    assert main(["users", "list", *db]) == 0
    listing = capsys.readouterr().out
    assert "ann@firm.example  Firm CLI  admin  local  totp  active" in listing and password not in listing

    assert main(["users", "add", "bob@firm.example", *db]) == 0  # the only firm is the default
    capsys.readouterr()
    assert main(["users", "disable", "bob@firm.example", *db]) == 0
    assert main(["users", "list", "--tenant", "Firm CLI", *db]) == 0
    assert "bob@firm.example  Firm CLI  attorney  local  -  disabled" in capsys.readouterr().out
    assert main(["users", "enable", "bob@firm.example", *db]) == 0
    assert main(["users", "reset-mfa", "ann@firm.example", *db]) == 0
    capsys.readouterr()
    database = Database.from_url(url)
    with database.session() as session:
        ann = session.scalar(select(User).where(User.email == "ann@firm.example"))
        assert ann.totp_confirmed_at is None and ann.totp_secret is None
    database.dispose()
    assert main(["users", "disable", "nobody@firm.example", *db]) == 2
    assert "not_found" in capsys.readouterr().err

    # a forgotten password: a new one-time password that signs in (the old one no longer does)
    assert main(["users", "reset-password", "bob@firm.example", *db]) == 0
    out = capsys.readouterr()
    new_password = out.out.strip()
    assert "shown once" in out.err and new_password not in out.err
    database = Database.from_url(url)
    with database.session() as session:
        bob = session.scalar(select(User).where(User.email == "bob@firm.example"))
        assert PasswordHasher().verify(bob.password_hash, new_password) and bob.totp_secret is None
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.password_reset")).all()
        assert len(audit) == 1 and new_password not in str(audit[0].detail)
    database.dispose()
    # an account without a password (a person's API key only) has none to reset: a clean refusal
    assert main(["keys", "create", "--email", "kay@firm.example", *db]) == 0
    capsys.readouterr()
    assert main(["users", "reset-password", "kay@firm.example", *db]) == 2
    assert "not_local_account" in capsys.readouterr().err


def test_keys_commands_and_the_apikey_alias(url, tmp_path, capsys):
    db = ["--database-url", url]
    assert main(["keys", "create", "--role", "attorney", "--tenant", "Firm Keys", "--name", "DMS", *db]) == 0
    out = capsys.readouterr()
    service_key = out.out.strip()
    assert service_key.startswith("pp_") and "service key" in out.err and "shown once" in out.err
    assert main(["apikey", "create", "--tenant", "Firm Keys", "--email", "Eve@Firm.example", "--role", "viewer", *db]) == 0
    person_key = capsys.readouterr().out.strip()
    assert main(["keys", "create", *db]) == 0  # the only firm
    capsys.readouterr()
    assert main(["keys", "list", *db]) == 0
    listing = capsys.readouterr().out
    assert "(service)  attorney  DMS" in listing and "eve@firm.example  viewer" in listing
    assert service_key.split("_", 2)[2] not in listing

    settings = make_settings(database_url=url, data_dir=tmp_path / "app")
    with TestClient(create_app(settings)) as client:
        me = client.get("/api/v1/me", headers={"X-API-Key": service_key}).json()
        assert me["role"] == "attorney" and me["user_id"] is None and me["tenant_name"] == "Firm Keys"
        assert client.get("/api/v1/me", headers={"X-API-Key": person_key}).json()["role"] == "viewer"
        assert main(["keys", "revoke", service_key.split("_")[1], *db]) == 0
        assert client.get("/api/v1/me", headers={"X-API-Key": service_key}).status_code == 401

    assert main(["keys", "create", "--tenant", "Another Firm", *db]) == 0
    capsys.readouterr()
    assert main(["keys", "create", *db]) == 2  # two firms now: which one?
    assert "tenant_required" in capsys.readouterr().err
