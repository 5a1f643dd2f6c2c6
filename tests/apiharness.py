"""An app on a migrated test database, a client, and API keys on demand (see the `api` fixture
in conftest.py: one app per test module and database kind)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from fastapi.testclient import TestClient

from backend.auth.apikeys import create_api_key
from backend.db.engine import Database
from backend.settings import Settings

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CLAIMS_TEXT = (
    "1. A widget comprising: a housing; and a lever attached to the housing.\n"
    "2. The widget of claim 1, wherein the lever pivots on the pin and the pin is steel.\n"
)


def assert_error(response, status: int, code: str) -> None:
    """`response` is the API's error body with this status and code (and nothing else)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]
    assert "Traceback" not in response.text


def unique_name(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:10]}"


@dataclass(frozen=True, slots=True)
class Caller:
    headers: dict[str, str]
    tenant: str
    email: str
    role: str


@dataclass(slots=True)
class ApiHarness:
    client: TestClient
    database: Database
    settings: Settings
    callers: dict[str, Caller] = field(default_factory=dict)

    def caller(self, *, tenant: str | None = None, role: str = "attorney") -> Caller:
        """A user with a fresh API key (in a new tenant unless `tenant` is given)."""
        tenant = tenant or unique_name("Firm")
        email = f"{uuid.uuid4().hex[:10]}@firm.example"
        with self.database.session() as session:
            created = create_api_key(session, tenant_name=tenant, email=email, role=role, name="tests")
        return Caller(headers={"X-API-Key": created.secret}, tenant=tenant, email=email, role=role)


def make_settings(*, database_url: str, data_dir, **overrides) -> Settings:
    return Settings(data_dir=data_dir, database_url=database_url, **overrides)
