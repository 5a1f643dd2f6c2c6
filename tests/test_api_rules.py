"""GET /api/v1/rules, /rules/{code}, GET/PUT /rules/settings, and tenant isolation: one firm's
settings change its own checks and catalogue, never another firm's."""

from __future__ import annotations

import pytest

from backend.nlp.rules import registered_rules
from tests.apiharness import CLAIMS_TEXT, assert_error

RULES = "/api/v1/rules"
SETTINGS = "/api/v1/rules/settings"


def test_catalogue_lists_every_rule_with_the_tenant_state(api):
    caller = api.caller()
    response = api.client.get(RULES, headers=caller.headers)
    assert response.status_code == 200
    rules = response.json()
    registry = registered_rules()
    assert [r["code"] for r in rules] == list(registry)
    ab = next(r for r in rules if r["code"] == "AB001")
    assert ab["name"] == "missing-antecedent" and ab["category"] == "antecedent_basis"
    assert ab["severity"] == "error" and ab["jurisdictions"] == ["ep", "us"]
    assert ab["authority"]["citation"].startswith("MPEP") and ab["authority"]["url"].startswith("https://")
    assert ab["summary"] and "fix_title" in ab and "doc" not in ab
    assert ab["tenant"] == {"enabled": True, "severity": "error"}


def test_one_rule_carries_its_documentation(api):
    caller = api.caller()
    response = api.client.get(f"{RULES}/cf006", headers=caller.headers)
    assert response.status_code == 200
    rule = response.json()
    assert rule["code"] == "CF006" and rule["jurisdictions"] == ["us"]
    assert "What it does" in rule["doc"] and "Why it matters" in rule["doc"]
    assert_error(api.client.get(f"{RULES}/ZZ999", headers=caller.headers), 404, "unknown_rule")


def test_admin_sets_the_tenant_settings(api):
    admin = api.caller(role="admin")
    body = {
        "jurisdiction": "ep",
        "select": ["AB", "claim_form"],
        "ignore": ["CF005"],
        "severity": {"AB001": "warning"},
    }
    response = api.client.put(SETTINGS, headers=admin.headers, json=body)
    assert response.status_code == 200, response.text
    assert response.json() == {**body, "select": ["AB", "claim_form"]}
    member = api.caller(tenant=admin.tenant)
    assert api.client.get(SETTINGS, headers=member.headers).json() == response.json()

    rules = {r["code"]: r["tenant"] for r in api.client.get(RULES, headers=member.headers).json()}
    assert rules["AB001"] == {"enabled": True, "severity": "warning"}
    assert rules["CF005"]["enabled"] is False and rules["TM001"]["enabled"] is False
    assert rules["CF001"] == {"enabled": True, "severity": "error"}

    checked = api.client.post("/api/v1/check", headers=member.headers, json={"text": CLAIMS_TEXT}).json()
    assert {f["code"] for f in checked["findings"]} == {"AB001"}
    assert checked["findings"][0]["severity"] == "warning"

    # a request narrows the firm's selection but cannot run a rule the firm switched off
    checked = api.client.post(
        "/api/v1/check", headers=member.headers, json={"text": CLAIMS_TEXT, "select": ["TM", "AB"]}
    ).json()
    assert {f["code"] for f in checked["findings"]} == {"AB001"}
    checked = api.client.post(
        "/api/v1/check", headers=member.headers, json={"text": CLAIMS_TEXT, "select": ["TM"]}
    ).json()
    assert checked["findings"] == [] and checked["document"]["claims"] == 2

    # replacing: an empty body puts the defaults back
    assert api.client.put(SETTINGS, headers=admin.headers, json={}).json() == {
        "jurisdiction": "us",
        "select": [],
        "ignore": [],
        "severity": {},
    }


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"select": ["ZZ"]}, "unknown_rule"),
        ({"severity": {"NOPE": "error"}}, "unknown_rule"),
        ({"jurisdiction": "jp"}, "unknown_jurisdiction"),
        ({"select": ["AB"], "ignore": ["AB"]}, "conflicting_selectors"),
        ({"severity": {"AB": "fatal"}}, "invalid_request"),
        ({"selections": ["AB"]}, "invalid_request"),
    ],
)
def test_invalid_settings_are_refused_and_change_nothing(api, body, code):
    admin = api.caller(role="admin")
    assert api.client.put(SETTINGS, headers=admin.headers, json={"ignore": ["TM"]}).status_code == 200
    assert_error(api.client.put(SETTINGS, headers=admin.headers, json=body), 422, code)
    assert api.client.get(SETTINGS, headers=admin.headers).json()["ignore"] == ["TM"]


def test_tenants_are_isolated(api):
    admin_a = api.caller(role="admin")
    user_a = api.caller(tenant=admin_a.tenant)
    admin_b = api.caller(role="admin")
    user_b = api.caller(tenant=admin_b.tenant)
    assert api.client.put(SETTINGS, headers=admin_a.headers, json={"ignore": ["AB"]}).status_code == 200

    # A's settings: no antecedent findings for A, unchanged for B
    found_a = api.client.post("/api/v1/check", headers=user_a.headers, json={"text": CLAIMS_TEXT}).json()
    found_b = api.client.post("/api/v1/check", headers=user_b.headers, json={"text": CLAIMS_TEXT}).json()
    assert "AB001" not in {f["code"] for f in found_a["findings"]}
    assert "AB001" in {f["code"] for f in found_b["findings"]}
    assert api.client.get(SETTINGS, headers=user_b.headers).json()["ignore"] == []
    tenant_b = {
        r["code"]: r["tenant"]["enabled"] for r in api.client.get(RULES, headers=user_b.headers).json()
    }
    assert tenant_b["AB001"] is True

    # each admin sees only their own firm's audit trail
    events_a = api.client.get("/api/v1/audit?action=check", headers=admin_a.headers).json()
    events_b = api.client.get("/api/v1/audit?action=check", headers=admin_b.headers).json()
    me_a = api.client.get("/api/v1/me", headers=user_a.headers).json()
    me_b = api.client.get("/api/v1/me", headers=user_b.headers).json()
    assert [e["user_id"] for e in events_a] == [me_a["user_id"]]
    assert [e["user_id"] for e in events_b] == [me_b["user_id"]]
    assert events_a[0]["action"] == "check" and events_a[0]["counts"]["claims"] == 2


def test_audit_events_page_backwards(api):
    admin = api.caller(role="admin")
    for _ in range(3):
        api.client.post("/api/v1/check", headers=admin.headers, json={"text": CLAIMS_TEXT, "select": ["CN"]})
    page = api.client.get("/api/v1/audit?action=check&limit=2", headers=admin.headers).json()
    assert len(page) == 2 and page[0]["id"] > page[1]["id"]
    rest = api.client.get(
        f"/api/v1/audit?action=check&limit=2&before={page[1]['id']}", headers=admin.headers
    ).json()
    assert len(rest) == 1 and rest[0]["id"] < page[1]["id"]
    assert_error(
        api.client.get("/api/v1/audit?limit=0", headers=admin.headers), 422, "invalid_request"
    )
