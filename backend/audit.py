"""The audit trail: who did what to which document (by SHA-256), when, with what result; and the
identity events (sign-ins and their failures, role changes, keys created, used and revoked).

Only hashes, sizes, codes, counts and identifiers are written; never document text, never a secret.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.auth import Principal
from backend.db.models import AuditEvent


def record_audit_event(
    session: Session,
    *,
    principal: Principal | None = None,
    tenant_id: str | None = None,
    user_id: str | None = None,
    action: str,
    document: bytes | None = None,
    outcome: str = "ok",
    counts: Mapping[str, int] | None = None,
    detail: Mapping[str, Any] | None = None,
    address: str | None = None,
    commit: bool = True,
) -> AuditEvent:
    """Write one event (by `principal`, or for `tenant_id`/`user_id` when nobody is signed in yet)
    and commit. A principal's API key is named (by prefix) in `detail`."""
    detail = dict(detail or {})
    if principal is not None:
        tenant_id, user_id = principal.tenant_id, principal.user_id
        if principal.api_key_prefix:
            detail.setdefault("api_key", principal.api_key_prefix)
    assert tenant_id is not None, "an audit event belongs to a tenant"
    event = AuditEvent(
        tenant_id=tenant_id,
        user_id=user_id,
        action=action,
        document_sha256=hashlib.sha256(document).hexdigest() if document is not None else None,
        document_size=len(document) if document is not None else None,
        outcome=outcome,
        counts=dict(counts) if counts is not None else None,
        detail=detail or None,
        address=address,
    )
    session.add(event)
    if commit:
        session.commit()
    return event


def list_audit_events(
    session: Session,
    *,
    tenant_id: str,
    limit: int = 100,
    before_id: int | None = None,
    action: str | None = None,
    user_id: str | None = None,
    since: datetime | None = None,
) -> list[AuditEvent]:
    """The tenant's newest events first (`before_id` pages further back), optionally only one
    action (`auth` also matches `auth.login`, `auth.login_failed`, ...), one user, or since a time."""
    query = select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    if action:
        dotted = AuditEvent.action.startswith(f"{action}.", autoescape=True)
        query = query.where(or_(AuditEvent.action == action, dotted))
    if user_id is not None:
        query = query.where(AuditEvent.user_id == user_id)
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= since)
    return list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
