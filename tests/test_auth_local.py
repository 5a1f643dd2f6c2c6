"""Local accounts (the embedded default): argon2 passwords, mandatory TOTP (enrolment with an
otpauth:// URI and a QR code, recovery codes shown once), RS256 access tokens signed by the
server's key and checked by the same validator as Entra tokens, rotating refresh tokens, lockout,
rate limits, no code replay, and nothing secret in the database or the logs."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import jwt
import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from backend.app import create_app
from backend.auth.local import LocalAuth
from backend.auth.localkeys import LOCAL_AUDIENCE, LOCAL_ISSUER
from backend.auth.users import create_local_account, ensure_first_admin
from backend.db.engine import Database
from backend.db.models import AuditEvent, RecoveryCode, User, utcnow
from backend.settings import Settings
from tests.apiharness import CLAIMS_TEXT, assert_error, make_settings, unique_name

PASSWORD = "correct horse battery staple"
FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8192}
"""Still argon2id, verified for real; a lower cost keeps the suite fast."""


@pytest.fixture(scope="module")
def local(database_url, tmp_path_factory):
    settings = make_settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("local"),
        login_rate_per_minute=1000,
        login_max_failures=3,
        **FAST_ARGON2,
    )
    database = Database.from_url(database_url)
    with TestClient(create_app(settings)) as client:
        yield client, database, settings
    database.dispose()


def new_account(database, *, role="attorney", tenant=None, email=None):
    with database.session() as session:
        account = create_local_account(
            session,
            settings=Settings(**FAST_ARGON2),
            tenant_name=tenant or unique_name("Local Firm"),
            email=email or f"{uuid.uuid4().hex[:8]}@firm.example",
            role=role,
            password=PASSWORD,
        )
        return account.user.email, account.user.tenant.name, account.user.id


def fresh_code(database, user_id: str, secret: str) -> str:
    """A code the replay guard accepts: the tests sign in more often than every 30 s, so they
    move the last accepted step back (what waiting would do)."""
    with database.session() as session:
        step = int(time.time()) // 30
        session.execute(update(User).where(User.id == user_id).values(totp_last_step=step - 2))
        session.commit()
    return pyotp.TOTP(secret).now()


def enrol(client, database, email, tenant, *, password=PASSWORD):
    """Enrolment over HTTP: URI and QR code, then the first code -> recovery codes and tokens."""
    creds = {"email": email, "password": password, "tenant": tenant}
    started = client.post("/api/v1/auth/totp/enrol", json=creds)
    assert started.status_code == 200, started.text
    body = started.json()
    uri = urlsplit(body["otpauth_uri"])
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    assert parse_qs(uri.query)["secret"] == [body["secret"]] and "PatentPane" in parse_qs(uri.query)["issuer"][0]
    assert body["qr_svg"].startswith("data:image/svg+xml")
    confirmed = client.post("/api/v1/auth/totp/confirm", json={**creds, "code": pyotp.TOTP(body["secret"]).now()})
    assert confirmed.status_code == 200, confirmed.text
    return body["secret"], confirmed.json()


def login(client, email, code=None, *, password=PASSWORD, recovery_code=None, tenant=None):
    body = {"email": email, "password": password, "code": code, "recovery_code": recovery_code, "tenant": tenant}
    return client.post("/api/v1/auth/login", json={k: v for k, v in body.items() if v is not None})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_enrol_sign_in_and_use_the_api(local):
    client, database, _settings = local
    email, tenant, user_id = new_account(database)
    assert_error(login(client, email, "123456"), 403, "mfa_enrolment_required")
    secret, enrolled = enrol(client, database, email, tenant)
    assert len(enrolled["recovery_codes"]) == 10 and len(set(enrolled["recovery_codes"])) == 10
    me = client.get("/api/v1/me", headers=bearer(enrolled["access_token"])).json()
    assert me["user_id"] == user_id and me["auth_method"] == "local" and me["role"] == "attorney"

    signed_in = login(client, email, fresh_code(database, user_id, secret))
    assert signed_in.status_code == 200, signed_in.text
    tokens = signed_in.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 600
    checked = client.post("/api/v1/check", headers=bearer(tokens["access_token"]), json={"text": CLAIMS_TEXT})
    assert checked.status_code == 200
    # a second enrolment is refused while one is confirmed
    again = client.post("/api/v1/auth/totp/enrol", json={"email": email, "password": PASSWORD})
    assert_error(again, 409, "mfa_already_enrolled")


def test_the_access_token_is_rs256_signed_by_the_published_key(local):
    client, database, _settings = local
    email, tenant, user_id = new_account(database)
    _secret, enrolled = enrol(client, database, email, tenant)
    token = enrolled["access_token"]
    jwks = client.get("/.well-known/jwks.json").json()
    (key,) = jwks["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and "d" not in key
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"] == key["kid"]
    claims = jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"], audience=LOCAL_AUDIENCE, issuer=LOCAL_ISSUER)
    assert claims["amr"] == ["pwd", "otp"] and claims["sub"] == user_id and claims["exp"] - claims["iat"] == 600
    assert len(jwt.PyJWK(key).key.public_numbers().n.to_bytes(256, "big")) * 8 == 2048


def test_local_tokens_go_through_the_same_validator(local):
    """Forged or stale local tokens fail like Entra ones: other key, expired, no second factor."""
    client, database, settings = local
    email, tenant, user_id = new_account(database)
    _secret, enrolled = enrol(client, database, email, tenant)
    claims = jwt.decode(enrolled["access_token"], options={"verify_signature": False})
    auth = LocalAuth.from_settings(settings)
    kid = jwt.get_unverified_header(enrolled["access_token"])["kid"]
    from tests.identityharness import rsa_key

    forged = jwt.encode(claims, rsa_key("attacker"), algorithm="RS256", headers={"kid": kid})
    assert_error(client.get("/api/v1/me", headers=bearer(forged)), 401, "invalid_token")
    expired = auth.keys.issue(
        user_id=user_id,
        tenant_id=claims["tid"],
        session_id=claims["sid"],
        email=email,
        lifetime=timedelta(minutes=1),
        now=utcnow() - timedelta(hours=1),
    )
    assert_error(client.get("/api/v1/me", headers=bearer(expired)), 401, "token_expired")
    private = auth.keys._load()[0]
    no_otp = jwt.encode({**claims, "amr": ["pwd"]}, private, algorithm="RS256", headers={"kid": kid})
    assert_error(client.get("/api/v1/me", headers=bearer(no_otp)), 401, "mfa_required")
    other_session = jwt.encode({**claims, "sid": str(uuid.uuid4())}, private, algorithm="RS256", headers={"kid": kid})
    assert_error(client.get("/api/v1/me", headers=bearer(other_session)), 401, "invalid_token")
    assert client.get("/api/v1/me", headers=bearer(enrolled["access_token"])).status_code == 200


def test_codes_cannot_be_replayed_and_failures_are_uniform(local):
    client, database, _settings = local
    email, tenant, user_id = new_account(database)
    secret, _enrolled = enrol(client, database, email, tenant)
    code = fresh_code(database, user_id, secret)
    assert login(client, email, code).status_code == 200
    replayed = login(client, email, code)
    assert_error(replayed, 401, "invalid_credentials")
    wrong_password = login(client, email, fresh_code(database, user_id, secret), password="wrong password!!")
    unknown = login(client, "nobody-" + email, "123456")
    assert_error(wrong_password, 401, "invalid_credentials")
    assert_error(unknown, 401, "invalid_credentials")
    assert wrong_password.json() == unknown.json() == replayed.json()
    assert_error(login(client, email), 401, "invalid_credentials")  # no second factor at all


def test_lockout_after_repeated_failures(local):
    client, database, settings = local
    email, tenant, user_id = new_account(database)
    secret, _enrolled = enrol(client, database, email, tenant)
    for _ in range(settings.login_max_failures):
        assert_error(login(client, email, "000000", password="not the password"), 401, "invalid_credentials")
    locked = login(client, email, fresh_code(database, user_id, secret))  # even the right password
    assert_error(locked, 429, "too_many_attempts")
    assert int(locked.headers["Retry-After"]) > 60
    with database.session() as session:
        actions = [
            (e.action, e.outcome)
            for e in session.scalars(select(AuditEvent).where(AuditEvent.user_id == user_id).order_by(AuditEvent.id))
        ]
        assert ("auth.locked", "ok") in actions and ("auth.login_failed", "locked") in actions
        assert actions.count(("auth.login_failed", "bad_password")) == settings.login_max_failures
        session.execute(update(User).where(User.id == user_id).values(locked_until=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert login(client, email, fresh_code(database, user_id, secret)).status_code == 200


def test_attempts_are_rate_limited_per_address_and_account(database_url, tmp_path):
    settings = make_settings(database_url=database_url, data_dir=tmp_path, login_rate_per_minute=3, **FAST_ARGON2)
    with TestClient(create_app(settings)) as client:
        for _ in range(3):
            assert_error(login(client, "someone@firm.example", "1", password="x"), 401, "invalid_credentials")
        limited = login(client, "someone-else@firm.example", "1", password="x")  # same address
        assert_error(limited, 429, "too_many_attempts")
        assert 1 <= int(limited.headers["Retry-After"]) <= 60


def test_refresh_tokens_rotate_and_a_reused_one_ends_the_session(local):
    client, database, _settings = local
    email, tenant, _user_id = new_account(database)
    _secret, first = enrol(client, database, email, tenant)
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    second = second.json()
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    assert client.get("/api/v1/me", headers=bearer(second["access_token"])).status_code == 200
    # the first refresh token again: somebody has a copy -> the whole session ends
    assert_error(client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}), 401, "invalid_refresh_token")
    assert_error(client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}), 401, "invalid_refresh_token")
    assert_error(client.get("/api/v1/me", headers=bearer(second["access_token"])), 401, "invalid_token")
    assert_error(client.post("/api/v1/auth/refresh", json={"refresh_token": "ppr_made-up"}), 401, "invalid_refresh_token")


def test_logout_revokes_the_session(local):
    client, database, _settings = local
    email, tenant, _user_id = new_account(database)
    _secret, tokens = enrol(client, database, email, tenant)
    assert client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]}).status_code == 204
    assert_error(client.get("/api/v1/me", headers=bearer(tokens["access_token"])), 401, "invalid_token")
    assert_error(client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}), 401, "invalid_refresh_token")


def test_recovery_codes_work_once(local):
    client, database, _settings = local
    email, tenant, _user_id = new_account(database)
    _secret, enrolled = enrol(client, database, email, tenant)
    code = enrolled["recovery_codes"][3]
    assert login(client, email, recovery_code=code.upper()).status_code == 200  # case and dashes do not matter
    assert_error(login(client, email, recovery_code=code), 401, "invalid_credentials")


def test_disabled_users_and_reset_mfa(local):
    from backend.auth.users import reset_mfa, set_disabled

    client, database, _settings = local
    email, tenant, user_id = new_account(database)
    secret, tokens = enrol(client, database, email, tenant)
    with database.session() as session:
        set_disabled(session, user=session.get(User, user_id), disabled=True)
    assert_error(client.get("/api/v1/me", headers=bearer(tokens["access_token"])), 401, "invalid_token")
    assert_error(login(client, email, fresh_code(database, user_id, secret)), 403, "account_disabled")
    with database.session() as session:
        user = session.get(User, user_id)
        set_disabled(session, user=user, disabled=False)
        reset_mfa(session, user=user)
    assert_error(login(client, email, fresh_code(database, user_id, secret)), 403, "mfa_enrolment_required")
    enrol(client, database, email, tenant)  # enrols again


def test_an_admin_resets_a_password_and_second_factor(local, caplog):
    from backend.auth.apikeys import create_api_key

    client, database, settings = local
    admin_email, tenant, admin_id = new_account(database, role="admin")
    admin = bearer(enrol(client, database, admin_email, tenant)[1]["access_token"])
    email, _tenant, user_id = new_account(database, tenant=tenant)
    secret, tokens = enrol(client, database, email, tenant)
    for _ in range(settings.login_max_failures):
        assert_error(login(client, email, "000000", password="not the password"), 401, "invalid_credentials")
    assert_error(login(client, email, fresh_code(database, user_id, secret)), 429, "too_many_attempts")
    url = f"/api/v1/users/{user_id}/reset-password"

    # not an admin (the user's own session still works: a lockout ends no session) -> 403
    assert_error(client.post(url, headers=bearer(tokens["access_token"])), 403, "forbidden")
    # another firm's admin cannot reach the user, nor can anyone reach a made-up id -> 404
    other_email, other_tenant, _other_id = new_account(database, role="admin")
    other_admin = bearer(enrol(client, database, other_email, other_tenant)[1]["access_token"])
    assert_error(client.post(url, headers=other_admin), 404, "not_found")
    assert_error(client.post(f"/api/v1/users/{uuid.uuid4()}/reset-password", headers=admin), 404, "not_found")
    # a user without a local account (API keys only) has no password to reset -> 409
    with database.session() as session:
        keyed = create_api_key(session, tenant_name=tenant, email=f"{uuid.uuid4().hex[:8]}@firm.example", role="viewer")
        keyed_user = keyed.key.user_id
    assert keyed_user is not None
    assert_error(client.post(f"/api/v1/users/{keyed_user}/reset-password", headers=admin), 409, "not_local_account")

    with caplog.at_level(logging.DEBUG):
        reset = client.post(url, headers=admin)
    assert reset.status_code == 200, reset.text
    body = reset.json()
    password = body.pop("password")
    assert len(password) >= 12 and password != PASSWORD
    assert body["id"] == user_id and body["sign_in"] == "local" and body["mfa_enrolled"] is False

    # every session ended: the old refresh and access tokens no longer work
    assert_error(client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}), 401, "invalid_refresh_token")
    assert_error(client.get("/api/v1/me", headers=bearer(tokens["access_token"])), 401, "invalid_token")
    # the old password is gone; the new one works at once (lockout lifted) but needs a new enrolment
    assert_error(login(client, email, fresh_code(database, user_id, secret)), 401, "invalid_credentials")
    assert_error(login(client, email, fresh_code(database, user_id, secret), password=password), 403, "mfa_enrolment_required")
    new_secret, enrolled = enrol(client, database, email, tenant, password=password)
    assert new_secret != secret
    assert client.get("/api/v1/me", headers=bearer(enrolled["access_token"])).json()["user_id"] == user_id
    assert login(client, email, fresh_code(database, user_id, new_secret), password=password).status_code == 200

    # audited (by whom, what), the password neither in the trail nor in the log
    events = client.get("/api/v1/audit?action=user.password_reset", headers=admin).json()
    assert [e["user_id"] for e in events] == [user_id]
    (event,) = events
    assert event["outcome"] == "ok" and event["detail"] == {"mfa_reset": True, "unlocked": True, "by": admin_id}
    assert client.get("/api/v1/audit?action=user.password_reset", headers=other_admin).json() == []
    with database.session() as session:
        trail = repr([(e.detail, e.outcome) for e in session.scalars(select(AuditEvent).where(AuditEvent.user_id == user_id))])
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert password not in trail and password not in logged and password not in repr(events)


def test_same_email_in_two_firms_needs_the_firm(local):
    client, database, _settings = local
    email = f"{uuid.uuid4().hex[:8]}@both.example"
    _e, tenant_a, user_a = new_account(database, email=email)
    _e, _tenant_b, _user_b = new_account(database, email=email)
    response = client.post("/api/v1/auth/totp/enrol", json={"email": email, "password": PASSWORD})
    assert_error(response, 401, "invalid_credentials")
    assert "firm" in response.json()["error"]["message"]
    secret, _ = enrol(client, database, email, tenant_a)
    assert login(client, email, fresh_code(database, user_a, secret), tenant=tenant_a).status_code == 200


def test_nothing_secret_is_stored_or_logged(local, caplog):
    client, database, _settings = local
    email, tenant, user_id = new_account(database)
    with caplog.at_level(logging.DEBUG):
        secret, enrolled = enrol(client, database, email, tenant)
        code = fresh_code(database, user_id, secret)
        tokens = login(client, email, code).json()
        login(client, email, "000000", password="a wrong password")
    with database.session() as session:
        user = session.get(User, user_id)
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        assert secret not in (user.totp_secret or "") and user.totp_secret.startswith("v1:")
        stored_codes = [c.code_sha256 for c in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user_id))]
        assert len(stored_codes) == 10 and not set(stored_codes) & set(enrolled["recovery_codes"])
        audit = repr([(e.detail, e.outcome, e.address) for e in session.scalars(select(AuditEvent).where(AuditEvent.user_id == user_id))])
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret_value in (PASSWORD, secret, code, tokens["access_token"], tokens["refresh_token"], *enrolled["recovery_codes"]):
        assert secret_value not in logged and secret_value not in audit


def test_first_start_creates_one_administrator(tmp_path):
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'first.db'}",
        admin_email="Boss@Local.example",
        **FAST_ARGON2,
    )
    from backend.db.migrate import upgrade

    upgrade(url=settings.database_url)
    database = Database.from_url(settings.database_url)
    with database.session() as session:
        created = ensure_first_admin(session, settings=settings)
        assert created is not None
        account, path = created
        assert account.user.role == "admin" and account.user.email == "boss@local.example"
        assert path.stat().st_mode & 0o777 == 0o600 and account.password in path.read_text()
        assert ensure_first_admin(session, settings=settings) is None
    database.dispose()
