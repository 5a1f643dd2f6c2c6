"""GET /me (who the credentials stand for) and GET /audit (the tenant's audit trail, admins)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from backend.api.deps import AdminUser, CurrentUser, DbSession
from backend.api.errors import error_responses
from backend.api.schemas import AuditEvent
from backend.audit import list_audit_events
from backend.db.models import Tenant, User

router = APIRouter(tags=["account"])


class Me(BaseModel):
    user_id: str | None
    email: str | None
    display_name: str
    role: str
    tenant_id: str
    tenant_name: str
    auth_method: str
    api_key_prefix: str | None = None


@router.get("/me", response_model=Me, responses=error_responses(401))
def me(principal: CurrentUser, session: DbSession) -> Any:
    """The caller: user (none for a service key), tenant, role and how they signed in."""
    user = session.get(User, principal.user_id) if principal.user_id is not None else None
    tenant = session.get(Tenant, principal.tenant_id)
    assert tenant is not None
    return Me(
        user_id=user.id if user is not None else None,
        email=user.email if user is not None else None,
        display_name=user.display_name if user is not None else "",
        role=principal.role,
        tenant_id=tenant.id,
        tenant_name=tenant.name,
        auth_method=principal.auth_method,
        api_key_prefix=principal.api_key_prefix,
    )


@router.get("/audit", response_model=list[AuditEvent], responses=error_responses(401, 403, 422))
def audit(
    principal: AdminUser,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[
        int | None, Query(ge=1, le=2**63 - 1, description="Only events with a smaller id (paging)")
    ] = None,
    action: Annotated[
        str | None, Query(max_length=64, description='One action, or a family: "auth" matches "auth.login", ...')
    ] = None,
    user: Annotated[str | None, Query(max_length=320, description="A user's id or email")] = None,
    since: Annotated[datetime | None, Query(description="Only events at or after this time (ISO 8601)")] = None,
) -> Any:
    """The tenant's audit trail, newest first (admin role): checks (hashes and counts, never text),
    sign-ins and their failures, role changes, keys created, used and revoked."""
    user_id = user
    if user is not None and "@" in user:
        by_email = select(User.id).where(User.tenant_id == principal.tenant_id, User.email == user.strip().lower())
        user_id = session.scalar(by_email) or "-"
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return list_audit_events(
        session,
        tenant_id=principal.tenant_id,
        limit=limit,
        before_id=before,
        action=action,
        user_id=user_id,
        since=since,
    )
