"""Roles (admin / attorney / viewer) enforced on every route, API keys managed by admins (shown
once, hashed, revocable, audited when used), users and role changes, the filterable audit trail,
and firms that cannot read, list or guess each other's settings, keys, users, audit or batches."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from backend.db.models import ApiKey, AuditEvent, Batch
from tests.apiharness import CLAIMS_TEXT, assert_error

SETTINGS = "/api/v1/rules/settings"


def test_viewers_read_attorneys_check_admins_administer(api):
    admin = api.caller(role="admin")
    attorney = api.caller(tenant=admin.tenant, role="attorney")
    viewer = api.caller(tenant=admin.tenant, role="viewer")
    client = api.client
    for who in (admin, attorney, viewer):
        assert client.get("/api/v1/rules", headers=who.headers).status_code == 200
        assert client.get(SETTINGS, headers=who.headers).status_code == 200
        assert client.get("/api/v1/me", headers=who.headers).json()["role"] == who.role
    assert_error(client.post("/api/v1/check", headers=viewer.headers, json={"text": CLAIMS_TEXT}), 403, "forbidden")
    assert_error(client.post("/api/v1/claims/parse", headers=viewer.headers, json={"text": CLAIMS_TEXT}), 403, "forbidden")
    assert client.post("/api/v1/check", headers=attorney.headers, json={"text": CLAIMS_TEXT}).status_code == 200
    for who in (attorney, viewer):
        assert_error(client.put(SETTINGS, headers=who.headers, json={"ignore": ["TM"]}), 403, "forbidden")
        assert_error(client.get("/api/v1/audit", headers=who.headers), 403, "forbidden")
        assert_error(client.post("/api/v1/keys", headers=who.headers, json={"role": "viewer"}), 403, "forbidden")
        assert_error(client.get("/api/v1/keys", headers=who.headers), 403, "forbidden")
        assert_error(client.get("/api/v1/users", headers=who.headers), 403, "forbidden")
    assert client.put(SETTINGS, headers=admin.headers, json={"ignore": ["TM"]}).status_code == 200


def test_admins_create_list_and_revoke_service_keys(api):
    admin = api.caller(role="admin")
    created = api.client.post("/api/v1/keys", headers=admin.headers, json={"name": "DMS", "role": "attorney"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["key"].startswith(f"pp_{body['prefix']}_") and body["role"] == "attorney" and body["user_id"] is None
    service = {"X-API-Key": body["key"]}
    me = api.client.get("/api/v1/me", headers=service).json()
    assert me["role"] == "attorney" and me["user_id"] is None and me["api_key_prefix"] == body["prefix"]
    assert me["tenant_name"] == admin.tenant
    assert api.client.post("/api/v1/check", headers=service, json={"text": CLAIMS_TEXT}).status_code == 200

    listed = api.client.get("/api/v1/keys", headers=admin.headers).json()
    mine = next(k for k in listed if k["id"] == body["id"])
    assert "key" not in mine and mine["last_used_at"] is not None and mine["name"] == "DMS"
    assert body["key"] not in api.client.get("/api/v1/keys", headers=admin.headers).text

    assert api.client.delete(f"/api/v1/keys/{body['id']}", headers=admin.headers).status_code == 204
    assert_error(api.client.get("/api/v1/me", headers=service), 401, "invalid_api_key")
    assert_error(api.client.delete(f"/api/v1/keys/{uuid.uuid4()}", headers=admin.headers), 404, "not_found")

    actions = [e["action"] for e in api.client.get("/api/v1/audit?action=key", headers=admin.headers).json()]
    assert {"key.created", "key.used", "key.revoked"} <= set(actions)
    with api.database.session() as session:
        row = session.scalar(select(ApiKey).where(ApiKey.id == body["id"]))
        assert row is not None and body["key"].split("_", 2)[2] not in repr(row.__dict__)


def test_a_persons_key_never_acts_above_the_person(api):
    admin = api.caller(role="admin")
    other_admin = api.caller(tenant=admin.tenant, role="admin")
    users = api.client.get("/api/v1/users", headers=admin.headers).json()
    target = next(u for u in users if u["email"] == other_admin.email)
    assert target["sign_in"] == "key" and target["role"] == "admin"
    changed = api.client.patch(f"/api/v1/users/{target['id']}", headers=admin.headers, json={"role": "viewer"})
    assert changed.status_code == 200 and changed.json()["role"] == "viewer"
    # the demoted person's admin key now acts as a viewer
    assert api.client.get("/api/v1/me", headers=other_admin.headers).json()["role"] == "viewer"
    assert_error(api.client.get("/api/v1/keys", headers=other_admin.headers), 403, "forbidden")
    # disabled: the key stops
    api.client.patch(f"/api/v1/users/{target['id']}", headers=admin.headers, json={"disabled": True})
    assert_error(api.client.get("/api/v1/me", headers=other_admin.headers), 401, "invalid_api_key")
    events = api.client.get("/api/v1/audit?action=user", headers=admin.headers).json()
    change = next(e for e in events if e["action"] == "user.role_changed")
    assert change["user_id"] == target["id"] and change["detail"]["from"] == "admin" and change["detail"]["to"] == "viewer"
    assert {"user.disabled", "user.role_changed"} <= {e["action"] for e in events}


def test_the_last_admin_keeps_the_role(api):
    admin = api.caller(role="admin")
    me = api.client.get("/api/v1/me", headers=admin.headers).json()
    response = api.client.patch(f"/api/v1/users/{me['user_id']}", headers=admin.headers, json={"role": "attorney"})
    assert_error(response, 409, "last_admin")
    response = api.client.patch(f"/api/v1/users/{me['user_id']}", headers=admin.headers, json={"disabled": True})
    assert_error(response, 409, "last_admin")


def test_admins_add_local_accounts(api):
    admin = api.caller(role="admin")
    created = api.client.post(
        "/api/v1/users", headers=admin.headers, json={"email": "New@Firm.example", "role": "viewer"}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["email"] == "new@firm.example" and body["sign_in"] == "local" and len(body["password"]) >= 12
    assert body["mfa_enrolled"] is False
    again = api.client.post("/api/v1/users", headers=admin.headers, json={"email": "new@firm.example"})
    assert_error(again, 409, "user_exists")


def test_audit_filters(api):
    admin = api.caller(role="admin")
    attorney = api.caller(tenant=admin.tenant)
    api.client.post("/api/v1/check", headers=attorney.headers, json={"text": CLAIMS_TEXT})
    api.client.post("/api/v1/check", headers=admin.headers, json={"text": CLAIMS_TEXT})
    by_email = api.client.get(f"/api/v1/audit?user={attorney.email}&action=check", headers=admin.headers).json()
    attorney_id = api.client.get("/api/v1/me", headers=attorney.headers).json()["user_id"]
    assert [e["user_id"] for e in by_email] == [attorney_id]
    by_id = api.client.get(f"/api/v1/audit?user={attorney_id}", headers=admin.headers).json()
    assert {e["action"] for e in by_id} >= {"check", "key.used"}
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert api.client.get("/api/v1/audit", headers=admin.headers, params={"since": future}).json() == []
    past = (datetime.now(UTC) - timedelta(hours=1)).replace(tzinfo=None).isoformat()  # naive: read as UTC
    assert len(api.client.get("/api/v1/audit", headers=admin.headers, params={"since": past}).json()) >= 2
    assert_error(api.client.get("/api/v1/audit?since=yesterday", headers=admin.headers), 422, "invalid_request")


@pytest.fixture
def two_firms(api):
    a_admin = api.caller(role="admin")
    b_admin = api.caller(role="admin")
    b_attorney = api.caller(tenant=b_admin.tenant)
    assert api.client.put(SETTINGS, headers=b_admin.headers, json={"ignore": ["TM002"]}).status_code == 200
    b_key = api.client.post("/api/v1/keys", headers=b_admin.headers, json={"name": "B's DMS"}).json()
    api.client.post("/api/v1/check", headers=b_attorney.headers, json={"text": CLAIMS_TEXT})
    b_me = api.client.get("/api/v1/me", headers=b_attorney.headers).json()
    with api.database.session() as session:
        batch = Batch(tenant_id=b_me["tenant_id"], user_id=b_me["user_id"], status="canceled", options={"jurisdiction": "us", "select": [], "ignore": []})
        session.add(batch)
        session.commit()
        b_batch = batch.id
    return a_admin, b_admin, b_me, b_key, b_batch


def test_a_firm_cannot_read_list_or_guess_another_firms_data(api, two_firms):
    a, b_admin, b_me, b_key, b_batch = two_firms
    client = api.client
    # settings: each firm reads only its own
    assert client.get(SETTINGS, headers=a.headers).json()["ignore"] == []
    # keys: not listed, not revocable by id (404, as if it did not exist)
    assert b_key["id"] not in {k["id"] for k in client.get("/api/v1/keys", headers=a.headers).json()}
    assert_error(client.delete(f"/api/v1/keys/{b_key['id']}", headers=a.headers), 404, "not_found")
    assert client.get("/api/v1/me", headers={"X-API-Key": b_key["key"]}).status_code == 200  # still alive
    # users: not listed, not changeable
    assert b_me["user_id"] not in {u["id"] for u in client.get("/api/v1/users", headers=a.headers).json()}
    assert_error(client.patch(f"/api/v1/users/{b_me['user_id']}", headers=a.headers, json={"role": "viewer"}), 404, "not_found")
    # audit: nothing of B, even when asking for B's user by id or email
    a_events = client.get("/api/v1/audit", headers=a.headers).json()
    assert all(e["user_id"] != b_me["user_id"] for e in a_events)
    assert client.get(f"/api/v1/audit?user={b_me['user_id']}", headers=a.headers).json() == []
    assert client.get(f"/api/v1/audit?user={b_me['email']}", headers=a.headers).json() == []
    with api.database.session() as session:
        b_ids = set(session.scalars(select(AuditEvent.id).where(AuditEvent.tenant_id == b_me["tenant_id"])))
    assert b_ids and not b_ids & {e["id"] for e in a_events}
    # batches: B's id answers 404 to A, as a batch that does not exist
    assert_error(client.get(f"/api/v1/batches/{b_batch}", headers=a.headers), 404, "not_found")
    assert b_batch not in client.get("/api/v1/batches", headers=a.headers).text
    assert client.get(f"/api/v1/batches/{b_batch}", headers=b_admin.headers).status_code == 200
