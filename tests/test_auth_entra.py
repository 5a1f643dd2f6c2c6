"""Microsoft Entra ID access tokens, validated against a local OpenID issuer over HTTPS (its own
RSA keys, metadata and JWKS): every kind of bad token is refused with its status and code, MFA is
enforced through the authentication context (claims challenge) or v1.0 `amr`, keys rotate, users
and firms are provisioned on first sight and roles follow the token's app roles."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.app import create_app
from backend.auth import AuthError
from backend.auth.tokens import OpenIdProvider, TokenPolicy, validate_access_token
from backend.db.engine import Database
from backend.db.models import AuditEvent, Tenant, User
from tests.apiharness import CLAIMS_TEXT, assert_error, make_settings
from tests.identityharness import (
    CLIENT_ID,
    TENANT_A,
    TENANT_B,
    TENANT_OTHER,
    challenge_claims,
    entra_fixture,  # noqa: F401  (the `entra` fixture)
    entra_settings,
    loopback_tls,
)


@pytest.fixture(scope="module")
def app_client(entra, database_url, tmp_path_factory):
    settings = make_settings(
        database_url=database_url, data_dir=tmp_path_factory.mktemp("entra"), **entra_settings(entra)
    )
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def database(database_url):
    db = Database.from_url(database_url)
    yield db
    db.dispose()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_oid() -> str:
    return str(uuid.uuid4())


def test_a_valid_token_signs_in_and_provisions_the_user_and_firm(app_client, entra, database):
    oid = new_oid()
    response = app_client.get("/api/v1/me", headers=bearer(entra.token(oid=oid, preferred_username="Bo@Firm.example")))
    assert response.status_code == 200, response.text
    me = response.json()
    assert me["auth_method"] == "entra" and me["role"] == "viewer"  # no app role: the default
    assert me["email"] == "bo@firm.example" and me["display_name"] == "Ann Attorney"
    assert me["tenant_name"] == f"Entra tenant {TENANT_A}"
    again = app_client.get("/api/v1/me", headers=bearer(entra.token(oid=oid))).json()
    assert again["user_id"] == me["user_id"] and again["tenant_id"] == me["tenant_id"]
    with database.session() as session:
        tenant = session.scalar(select(Tenant).where(Tenant.external_id == TENANT_A))
        users = session.scalars(select(User).where(User.external_subject == oid)).all()
        assert tenant is not None and len(users) == 1 and users[0].external_issuer == f"entra:{TENANT_A}"
        actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.user_id == me["user_id"]))]
    assert "user.provisioned" in actions and "auth.login" in actions


def test_a_second_allowed_tenant_is_a_separate_firm(app_client, entra):
    a = app_client.get("/api/v1/me", headers=bearer(entra.token(tid=TENANT_A, oid=new_oid()))).json()
    b = app_client.get("/api/v1/me", headers=bearer(entra.token(tid=TENANT_B, oid=new_oid()))).json()
    assert a["tenant_id"] != b["tenant_id"] and b["tenant_name"] == f"Entra tenant {TENANT_B}"


def _expect(response, status: int, code: str):
    assert_error(response, status, code)
    return response.headers.get("WWW-Authenticate", "")


@pytest.mark.parametrize(
    ("claims", "status", "code"),
    [
        ({"key": "attacker"}, 401, "invalid_token"),  # signed by another key under a known kid
        ({"aud": "api://someone-else"}, 401, "invalid_audience"),
        ({"iss": "https://evil.example/" + TENANT_A + "/v2.0"}, 401, "invalid_issuer"),
        ({"tid": TENANT_OTHER}, 403, "tenant_not_allowed"),  # issuer matches its own tid
        ({"lifetime": -3600}, 401, "token_expired"),
        ({"not_before": 3600}, 401, "token_not_yet_valid"),
        ({"scp": "User.Read"}, 403, "insufficient_scope"),
        ({"scp": None}, 403, "insufficient_scope"),  # app-only tokens carry roles, not scp
        ({"algorithm": "HS256"}, 401, "invalid_token"),
        ({"kid": "no-such-kid", "key": "entra-1"}, 401, "invalid_token"),
        ({"tid": None}, 401, "invalid_token"),
        ({"oid": ""}, 401, "invalid_token"),
    ],
)
def test_bad_tokens_are_refused(app_client, entra, claims, status, code):
    if "iss" not in claims and claims.get("tid"):
        claims = {**claims, "iss": entra.v2_issuer(claims["tid"])}
    challenge = _expect(app_client.get("/api/v1/me", headers=bearer(entra.token(**claims))), status, code)
    if status == 401:
        assert challenge.startswith("Bearer")


def test_garbage_and_wrong_scheme_are_refused(app_client):
    assert_error(app_client.get("/api/v1/me", headers=bearer("not.a.jwt")), 401, "invalid_token")
    assert_error(app_client.get("/api/v1/me", headers={"Authorization": "Basic abc"}), 401, "unauthenticated")
    response = app_client.get("/api/v1/me")
    assert_error(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_without_the_auth_context_gets_a_claims_challenge(app_client, entra):
    response = app_client.get("/api/v1/me", headers=bearer(entra.token(acrs=None)))
    challenge = _expect(response, 401, "insufficient_claims")
    assert 'error="insufficient_claims"' in challenge and f'client_id="{CLIENT_ID}"' in challenge
    assert challenge_claims(response) == {"access_token": {"acrs": {"essential": True, "value": "c1"}}}
    _expect(app_client.get("/api/v1/me", headers=bearer(entra.token(acrs=["c2"]))), 401, "insufficient_claims")
    assert app_client.get("/api/v1/me", headers=bearer(entra.token(acrs=["c2", "c1"]))).status_code == 200


def test_v1_tokens_need_mfa_in_amr(app_client, entra):
    v1 = {"ver": "1.0", "iss": entra.v1_issuer(TENANT_A), "aud": f"api://{CLIENT_ID}", "acrs": None}
    _expect(app_client.get("/api/v1/me", headers=bearer(entra.token(amr=["pwd"], **v1))), 401, "mfa_required")
    _expect(app_client.get("/api/v1/me", headers=bearer(entra.token(**v1))), 401, "mfa_required")
    ok = app_client.get("/api/v1/me", headers=bearer(entra.token(amr=["pwd", "mfa"], **v1)))
    assert ok.status_code == 200, ok.text
    # a v1.0 token must carry the v1.0 issuer
    wrong = dict(v1, iss=entra.v2_issuer(TENANT_A))
    _expect(app_client.get("/api/v1/me", headers=bearer(entra.token(amr=["mfa"], **wrong))), 401, "invalid_issuer")


def test_leeway_accepts_a_token_that_just_expired(app_client, entra):
    assert app_client.get("/api/v1/me", headers=bearer(entra.token(lifetime=-20))).status_code == 200
    _expect(app_client.get("/api/v1/me", headers=bearer(entra.token(lifetime=-120))), 401, "token_expired")


def test_roles_follow_app_roles_and_viewers_only_read(app_client, entra, database):
    oid = new_oid()
    viewer = bearer(entra.token(oid=oid))
    assert app_client.get("/api/v1/rules/settings", headers=viewer).status_code == 200
    assert_error(app_client.post("/api/v1/check", headers=viewer, json={"text": CLAIMS_TEXT}), 403, "forbidden")
    attorney = bearer(entra.token(oid=oid, roles=["Attorney"]))
    assert app_client.get("/api/v1/me", headers=attorney).json()["role"] == "attorney"
    assert app_client.post("/api/v1/check", headers=attorney, json={"text": CLAIMS_TEXT}).status_code == 200
    with database.session() as session:
        change = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.role_changed").order_by(AuditEvent.id.desc())
        ).first()
        assert change is not None and change.detail["from"] == "viewer" and change.detail["to"] == "attorney"
        assert change.detail["via"] == "entra_app_role"


def test_an_email_added_by_an_admin_is_linked_on_first_sign_in(app_client, entra, database):
    with database.session() as session:
        tenant = session.scalar(select(Tenant).where(Tenant.external_id == TENANT_B))
        if tenant is None:
            tenant = Tenant(name=f"Entra tenant {TENANT_B}", external_id=TENANT_B)
            session.add(tenant)
            session.flush()
        session.add(User(tenant_id=tenant.id, email="boss@firm-b.example", role="admin"))
        session.commit()
    me = app_client.get(
        "/api/v1/me", headers=bearer(entra.token(tid=TENANT_B, oid=new_oid(), preferred_username="Boss@firm-b.example"))
    ).json()
    assert me["role"] == "admin" and me["email"] == "boss@firm-b.example"


def test_local_tokens_are_refused_when_entra_is_the_sign_in(app_client, database, tmp_path):
    from datetime import timedelta

    from backend.auth.localkeys import LocalSigningKeys
    from backend.db.models import utcnow

    token = LocalSigningKeys(tmp_path).issue(
        user_id="u", tenant_id=TENANT_A, session_id="s", email="x@y", lifetime=timedelta(minutes=5), now=utcnow()
    )
    assert_error(app_client.get("/api/v1/me", headers=bearer(token)), 401, "invalid_token")
    assert_error(app_client.post("/api/v1/auth/login", json={"email": "a@b", "password": "x"}), 404, "local_auth_disabled")


def test_keys_rotate_unknown_kid_refetches_once(entra):
    """The validator over real HTTP: cached keys; a new kid refetches the JWKS once, and a made-up
    kid cannot make it refetch again within the cool-down."""
    now = [1000.0]
    provider = OpenIdProvider(
        f"{entra.base}/organizations/v2.0/.well-known/openid-configuration",
        verify=str(loopback_tls()[2]),
        clock=lambda: now[0],
    )
    policy = TokenPolicy(audiences=(CLIENT_ID,), scope="access_as_user", allowed_tenants=frozenset({TENANT_A}))
    issuers = {"2.0": provider}
    entra.keys = {"kid-1": "entra-1"}
    try:
        assert validate_access_token(entra.token(), policy=policy, issuers=issuers)["tid"] == TENANT_A
        validate_access_token(entra.token(), policy=policy, issuers=issuers)
        assert provider.fetches == 1  # cached
        entra.keys = {"kid-2": "entra-2", "kid-1": "entra-1"}  # the issuer rotates
        rotated = entra.token(kid="kid-2")
        now[0] += 60
        assert validate_access_token(rotated, policy=policy, issuers=issuers)["tid"] == TENANT_A
        assert provider.fetches == 2
        with pytest.raises(AuthError) as refused:
            validate_access_token(entra.token(kid="kid-made-up", key="entra-1"), policy=policy, issuers=issuers)
        assert refused.value.code == "invalid_token" and provider.fetches == 2  # cool-down: no refetch
        now[0] += 60
        entra.keys = {"kid-3": "entra-3"}
        with pytest.raises(AuthError):
            validate_access_token(entra.token(kid="kid-made-up", key="entra-1"), policy=policy, issuers=issuers)
        assert provider.fetches == 3
        assert validate_access_token(entra.token(kid="kid-3"), policy=policy, issuers=issuers)  # already fetched
        assert provider.fetches == 3
    finally:
        entra.keys = {"kid-1": "entra-1"}


def test_an_unreachable_issuer_answers_503(database_url, tmp_path, entra):
    settings = make_settings(
        database_url=database_url,
        data_dir=tmp_path,
        **entra_settings(entra, entra_authority="https://127.0.0.1:9"),  # nothing listens there
    )
    with TestClient(create_app(settings)) as client:
        assert_error(client.get("/api/v1/me", headers=bearer(entra.token())), 503, "identity_provider_unavailable")
