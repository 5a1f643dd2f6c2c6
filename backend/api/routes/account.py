"""GET /me (who the credentials stand for) and GET /audit-events (the tenant's audit trail)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from backend.api.deps import AdminUser, CurrentUser, DbSession
from backend.api.errors import error_responses
from backend.api.schemas import AuditEvent
from backend.audit import list_audit_events
from backend.db.models import Tenant, User

router = APIRouter(tags=["account"])


class Me(BaseModel):
    user_id: str
    email: str
    display_name: str
    role: str
    tenant_id: str
    tenant_name: str
    auth_method: str


@router.get("/me", response_model=Me, responses=error_responses(401))
def me(principal: CurrentUser, session: DbSession) -> Any:
    user = session.get(User, principal.user_id)
    tenant = session.get(Tenant, principal.tenant_id)
    assert user is not None and tenant is not None
    return Me(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        tenant_id=tenant.id,
        tenant_name=tenant.name,
        auth_method=principal.auth_method,
    )


@router.get("/audit-events", response_model=list[AuditEvent], responses=error_responses(401, 403, 422))
def audit_events(
    principal: AdminUser,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[int | None, Query(description="Only events with a smaller id (paging)")] = None,
) -> Any:
    """The tenant's audit trail, newest first (admin role): hashes and counts, never text."""
    return list_audit_events(session, tenant_id=principal.tenant_id, limit=limit, before_id=before)
