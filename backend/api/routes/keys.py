"""API keys of the caller's firm (admin role): create (the key is shown once), list, revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from backend.api.deps import AdminUser, DbSession
from backend.api.errors import ApiError, error_responses
from backend.auth.apikeys import create_api_key, list_api_keys, revoke_api_key
from backend.db.models import ApiKey

router = APIRouter(prefix="/keys", tags=["keys"])

RoleName = Literal["admin", "attorney", "viewer"]


class NewKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="", max_length=200, description="What the key is for")
    role: RoleName = "attorney"


class KeyInfo(BaseModel):
    id: str
    prefix: str
    name: str
    role: str
    user_id: str | None = Field(description="The person the key belongs to; null for a service key")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class CreatedKeyInfo(KeyInfo):
    key: str = Field(description="The whole key `pp_<prefix>_<secret>`: shown this once, never again")


def _info(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "prefix": key.prefix,
        "name": key.name,
        "role": key.role,
        "user_id": key.user_id,
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
    }


@router.post("", status_code=201, response_model=CreatedKeyInfo, responses=error_responses(401, 403, 422))
def create_key(body: NewKey, principal: AdminUser, session: DbSession) -> Any:
    """A service key of the caller's firm with `role` (for a document management system, ...)."""
    created = create_api_key(
        session, tenant_id=principal.tenant_id, name=body.name, role=body.role, created_by=principal
    )
    return {**_info(created.key), "key": created.secret}


@router.get("", response_model=list[KeyInfo], responses=error_responses(401, 403))
def list_keys(principal: AdminUser, session: DbSession) -> Any:
    """The firm's keys (never the secrets)."""
    return [_info(k) for k in list_api_keys(session, tenant_id=principal.tenant_id)]


@router.delete("/{key_id}", status_code=204, response_class=Response, responses=error_responses(401, 403, 404))
def revoke_key(key_id: str, principal: AdminUser, session: DbSession) -> Response:
    """Revoke a key of the firm (404 for ids of other firms)."""
    if revoke_api_key(session, key_id=key_id, tenant_id=principal.tenant_id, revoked_by=principal) is None:
        raise ApiError(404, "not_found", "no such key")
    return Response(status_code=204)
