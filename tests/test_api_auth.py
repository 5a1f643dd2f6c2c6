"""Authentication (X-API-Key), roles, the error body of every failure, and the OpenAPI document."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.app import create_app
from backend.auth.apikeys import revoke_api_key
from backend.db.models import ApiKey
from tests.apiharness import assert_error, make_settings

PROTECTED = [
    ("post", "/api/v1/check"),
    ("post", "/api/v1/check/annotate"),
    ("post", "/api/v1/claims/parse"),
    ("get", "/api/v1/rules"),
    ("get", "/api/v1/rules/AB001"),
    ("get", "/api/v1/rules/settings"),
    ("put", "/api/v1/rules/settings"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/audit"),
    ("post", "/api/v1/keys"),
    ("get", "/api/v1/keys"),
    ("delete", "/api/v1/keys/{key_id}"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("patch", "/api/v1/users/{user_id}"),
    ("post", "/api/v1/users/{user_id}/reset-password"),
    ("post", "/api/v1/graph/documents"),
    ("post", "/api/v1/graph/batches"),
    ("post", "/api/v1/batches"),
    ("get", "/api/v1/batches"),
    ("get", "/api/v1/batches/{batch_id}"),
    ("delete", "/api/v1/batches/{batch_id}"),
    ("get", "/api/v1/batches/{batch_id}/report.json"),
    ("get", "/api/v1/batches/{batch_id}/report.csv"),
    ("get", "/api/v1/batches/{batch_id}/annotated.zip"),
    ("post", "/api/v1/batches/{batch_id}/cancel"),
    ("post", "/api/v1/draft"),
    ("post", "/api/v1/draft/docx"),
    ("post", "/api/v1/claims/complete"),
    ("post", "/api/v1/claims/suggest-dependent"),
    ("post", "/api/v1/claims/clone"),
    ("post", "/api/v1/check/fix"),
]
PUBLIC = [  # how one gets credentials (tests/test_auth_local.py)
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/auth/totp/enrol"),
    ("post", "/api/v1/auth/totp/confirm"),
    ("get", "/api/v1/auth/config"),  # how the task pane signs in (tests/test_addin.py)
]


def test_health_is_public(api):
    response = api.client.get("/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_every_api_route_is_listed_here_and_needs_a_key(api):
    spec = api.client.get("/api/openapi.json").json()
    routes = {(method, path) for path, ops in spec["paths"].items() if path != "/health" for method in ops}
    assert routes == {(m, p.replace("AB001", "{code}")) for m, p in PROTECTED + PUBLIC}
    for method, path in PROTECTED:
        assert_error(api.client.request(method, path), 401, "unauthenticated")


@pytest.mark.parametrize(
    "key", ["garbage", "pp_", "pp__", "pp_deadbeef_wrongsecret", "Bearer pp_x_y", "xx_a_b"]
)
def test_invalid_keys_are_refused(api, key):
    assert_error(api.client.get("/api/v1/me", headers={"X-API-Key": key}), 401, "invalid_api_key")


def test_a_known_prefix_with_the_wrong_secret_is_refused(api):
    caller = api.caller()
    scheme, prefix, secret = caller.headers["X-API-Key"].split("_", 2)
    wrong = f"{scheme}_{prefix}_{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    assert_error(api.client.get("/api/v1/me", headers={"X-API-Key": wrong}), 401, "invalid_api_key")


def test_valid_key_identifies_user_and_tenant_and_records_use(api):
    caller = api.caller(role="admin")
    response = api.client.get("/api/v1/me", headers=caller.headers)
    assert response.status_code == 200
    me = response.json()
    assert me["email"] == caller.email and me["tenant_name"] == caller.tenant
    assert me["role"] == "admin" and me["auth_method"] == "api_key"
    prefix = caller.headers["X-API-Key"].split("_")[1]
    with api.database.session() as session:
        key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        assert key is not None and key.last_used_at is not None


def test_revoked_key_is_refused(api):
    caller = api.caller()
    assert api.client.get("/api/v1/me", headers=caller.headers).status_code == 200
    with api.database.session() as session:
        assert revoke_api_key(session, prefix=caller.headers["X-API-Key"]) is not None
    response = api.client.get("/api/v1/me", headers=caller.headers)
    assert_error(response, 401, "invalid_api_key")
    assert "revoked" in response.json()["error"]["message"]


def test_members_cannot_do_admin_things(api):
    member = api.caller()
    assert_error(
        api.client.put("/api/v1/rules/settings", headers=member.headers, json={"ignore": ["TM"]}),
        403,
        "forbidden",
    )
    assert_error(api.client.get("/api/v1/audit", headers=member.headers), 403, "forbidden")
    assert api.client.get("/api/v1/rules/settings", headers=member.headers).status_code == 200


def test_unknown_paths_and_methods_answer_the_error_body(api):
    assert_error(api.client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(api.client.delete("/api/v1/check"), 405, "method_not_allowed")


def test_openapi_documents_every_route_its_security_and_errors(api):
    spec = api.client.get("/api/openapi.json").json()
    assert spec["components"]["securitySchemes"]["APIKeyHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": spec["components"]["securitySchemes"]["APIKeyHeader"]["description"],
    }
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}
    for method, path in PROTECTED:
        op = spec["paths"][path.replace("AB001", "{code}")][method]
        assert op["security"] == [{"APIKeyHeader": []}, {"HTTPBearer": []}], path
        for status in ("401", "500"):
            assert op["responses"][status]["content"]["application/json"]["schema"] == error_ref, (
                path,
                status,
            )
    body = spec["paths"]["/api/v1/check"]["post"]["requestBody"]["content"]
    assert set(body) == {"multipart/form-data", "application/json"}
    assert body["multipart/form-data"]["schema"]["required"] == ["file"]
    assert "text" in body["application/json"]["schema"]["properties"]
    annotate = spec["paths"]["/api/v1/check/annotate"]["post"]
    assert set(annotate["requestBody"]["content"]) == {"multipart/form-data"}
    assert (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        in annotate["responses"]["200"]["content"]
    )
    check_schema = spec["paths"]["/api/v1/check"]["post"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    assert check_schema == {"$ref": "#/components/schemas/CheckResponse"}
    assert "security" not in spec["paths"]["/health"]["get"]
    for method, path in PUBLIC:
        assert "security" not in spec["paths"][path][method], path


def test_unexpected_errors_answer_500_without_details(sqlite_url, tmp_path, caplog):
    app = create_app(make_settings(database_url=sqlite_url, data_dir=tmp_path))

    document_text = "SECRET CLAIM TEXT: a lever attached to the housing"

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError(document_text)  # exception messages may quote documents: never shown or logged

    with caplog.at_level(logging.DEBUG), TestClient(app) as client:
        response = client.get("/boom")
    assert_error(response, 500, "internal_error")
    assert "SECRET" not in response.text and "RuntimeError" not in response.text
    assert "reference" in response.json()["error"]["message"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and "SECRET" not in logged
