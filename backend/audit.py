"""The audit trail: who did what to which document (by SHA-256), when, with what result.

Only hashes, sizes, codes and counts are written; never document text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth import Principal
from backend.db.models import AuditEvent


def record_audit_event(
    session: Session,
    *,
    principal: Principal,
    action: str,
    document: bytes | None,
    outcome: str = "ok",
    counts: Mapping[str, int] | None = None,
) -> AuditEvent:
    """Write one event and commit."""
    event = AuditEvent(
        tenant_id=principal.tenant_id,
        user_id=principal.user_id,
        action=action,
        document_sha256=hashlib.sha256(document).hexdigest() if document is not None else None,
        document_size=len(document) if document is not None else None,
        outcome=outcome,
        counts=dict(counts) if counts is not None else None,
    )
    session.add(event)
    session.commit()
    return event


def list_audit_events(
    session: Session, *, tenant_id: str, limit: int = 100, before_id: int | None = None
) -> list[AuditEvent]:
    """The tenant's newest events first (`before_id` pages further back)."""
    query = select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
