"""API keys: `pp_<prefix>_<secret>`, shown once at creation; the database keeps only the prefix (to
find the key) and the SHA-256 of the secret.

The secret has 256 random bits, so a fast hash is enough (no password stretching needed), and the
comparison is constant-time. A key has a role: a person's key acts with the lower of the key's and
the person's current role (and stops with a disabled person); a service key (no person) acts for
its tenant. Use is audited (`key.used`) at most once per `LAST_USED_RESOLUTION`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit import record_audit_event
from backend.auth import AuthError, Principal, lower_role
from backend.db.models import ROLES, ApiKey, Tenant, User, utcnow

KEY_SCHEME = "pp"
LAST_USED_RESOLUTION = timedelta(minutes=1)
"""`last_used_at` is written at most this often per key (no database write on every request)."""
_DUMMY_SHA256 = hashlib.sha256(b"no such key").hexdigest()


@dataclass(frozen=True, slots=True)
class CreatedKey:
    key: ApiKey
    secret: str
    """The whole key `pp_<prefix>_<secret>`: shown once, never stored."""


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def ensure_user(
    session: Session,
    *,
    tenant_name: str,
    email: str,
    role: str | None = None,
    display_name: str | None = None,
) -> User:
    """The user `email` of tenant `tenant_name`, both created when missing; `role` (when given)
    and `display_name` (when given) are applied to an existing user too."""
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r} (expected one of: {', '.join(ROLES)})")
    email = email.strip().lower()
    tenant = session.scalar(select(Tenant).where(Tenant.name == tenant_name))
    if tenant is None:
        tenant = Tenant(name=tenant_name)
        session.add(tenant)
        session.flush()
    user = session.scalar(select(User).where(User.tenant_id == tenant.id, User.email == email))
    if user is None:
        user = User(tenant_id=tenant.id, email=email, role=role or "attorney", display_name=display_name or "")
        session.add(user)
        session.flush()
    else:
        if role is not None:
            user.role = role
        if display_name is not None:
            user.display_name = display_name
    return user


def create_api_key(
    session: Session,
    *,
    tenant_name: str | None = None,
    tenant_id: str | None = None,
    email: str | None = None,
    name: str = "",
    role: str | None = None,
    display_name: str | None = None,
    created_by: Principal | None = None,
) -> CreatedKey:
    """A new key. With `email`: the person's key (tenant and user created when missing; `role`, when
    given, becomes the person's role too). Without: a service key of the tenant (`tenant_id`, or
    `tenant_name`, created when missing) with `role`. Audited. Commits."""
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r} (expected one of: {', '.join(ROLES)})")
    user = None
    if email is not None:
        assert tenant_name is not None, "a person's key needs the tenant's name"
        user = ensure_user(session, tenant_name=tenant_name, email=email, role=role, display_name=display_name)
        tenant_id, role = user.tenant_id, role or user.role
    elif tenant_id is None:
        assert tenant_name is not None, "a service key needs a tenant"
        tenant = session.scalar(select(Tenant).where(Tenant.name == tenant_name))
        if tenant is None:
            tenant = Tenant(name=tenant_name)
            session.add(tenant)
            session.flush()
        tenant_id = tenant.id
    prefix = secrets.token_hex(4)
    while session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix)) is not None:
        prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        tenant_id=tenant_id,
        user_id=user.id if user is not None else None,
        role=role or "attorney",
        created_by=created_by.user_id if created_by is not None else None,
        name=name,
        prefix=prefix,
        secret_sha256=_sha256(secret),
    )
    session.add(key)
    session.flush()
    record_audit_event(
        session,
        principal=created_by,
        tenant_id=tenant_id,
        user_id=None if created_by is not None else key.user_id,
        action="key.created",
        detail={"key": prefix, "role": key.role, "owner": key.user_id or "service"},
    )
    return CreatedKey(key=key, secret=f"{KEY_SCHEME}_{prefix}_{secret}")


def list_api_keys(
    session: Session, *, tenant_name: str | None = None, tenant_id: str | None = None
) -> list[ApiKey]:
    query = (
        select(ApiKey)
        .join(ApiKey.tenant)
        .outerjoin(ApiKey.user)
        .order_by(Tenant.name, User.email, ApiKey.created_at)
    )
    if tenant_name is not None:
        query = query.where(Tenant.name == tenant_name)
    if tenant_id is not None:
        query = query.where(ApiKey.tenant_id == tenant_id)
    return list(session.scalars(query))


def revoke_api_key(
    session: Session,
    *,
    prefix: str | None = None,
    key_id: str | None = None,
    tenant_id: str | None = None,
    revoked_by: Principal | None = None,
) -> ApiKey | None:
    """Revoke the key with `prefix` (or the whole key `pp_<prefix>_...`) or id `key_id`, only in
    `tenant_id` when given; None when unknown (there). Audited. Commits."""
    if key_id is not None:
        key = session.get(ApiKey, key_id)
    else:
        parts = (prefix or "").split("_", 2)
        if len(parts) == 3 and parts[0] == KEY_SCHEME:
            prefix = parts[1]
        key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None or (tenant_id is not None and key.tenant_id != tenant_id):
        return None
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        record_audit_event(
            session,
            principal=revoked_by,
            tenant_id=key.tenant_id,
            action="key.revoked",
            detail={"key": key.prefix},
        )
    return key


def authenticate_api_key(
    session: Session, *, presented: str, now: datetime | None = None, address: str | None = None
) -> Principal:
    """The principal a presented key stands for; AuthError("invalid_api_key") when it stands for
    nobody (malformed, unknown, wrong secret or revoked)."""
    parts = presented.strip().split("_", 2)
    key = None
    secret = ""
    if len(parts) == 3 and parts[0] == KEY_SCHEME and parts[1] and parts[2]:
        secret = parts[2]
        key = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    # compare even when there is no such key, so that timing does not tell which prefixes exist
    matches = hmac.compare_digest(_sha256(secret), key.secret_sha256 if key is not None else _DUMMY_SHA256)
    if key is None or not matches:
        raise AuthError("invalid_api_key", "the API key is not valid")
    if key.revoked_at is not None:
        raise AuthError("invalid_api_key", "the API key has been revoked")
    user = key.user
    if user is not None and user.disabled_at is not None:
        raise AuthError("invalid_api_key", "the API key's user is disabled")
    role = lower_role(key.role, user.role) if user is not None else key.role
    principal = Principal(
        user_id=user.id if user is not None else None,
        tenant_id=key.tenant_id,
        role=role,
        auth_method="api_key",
        api_key_prefix=key.prefix,
    )
    now = now or utcnow()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        key.last_used_at = now
        record_audit_event(session, principal=principal, action="key.used", address=address)
    return principal
