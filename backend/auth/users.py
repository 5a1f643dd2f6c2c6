"""Managing users of a tenant: local accounts (created with a one-time password), roles, disabling,
resetting the second factor or the password. Every change is audited (`user.created`,
`user.role_changed`, `user.password_reset`, ...).

Used by the admin API (`/api/v1/users`), by `patentpane users ...` and on first start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.audit import record_audit_event
from backend.auth import ADMIN, AuthError, Principal
from backend.auth.apikeys import ensure_user
from backend.auth.local import generate_password, hash_password, revoke_session
from backend.auth.localkeys import write_private_file
from backend.auth.totp import clear_second_factor
from backend.db.models import ROLES, AuthSession, Tenant, User, utcnow
from backend.settings import Settings

INITIAL_ADMIN_FILE = "initial-admin.txt"


@dataclass(frozen=True, slots=True)
class NewAccount:
    user: User
    password: str
    """The one-time password: shown once; the user enrols TOTP with it and should change it."""


def _actor(principal: Principal | None) -> dict[str, str]:
    return {"by": principal.user_id or f"key:{principal.api_key_prefix}"} if principal is not None else {"by": "cli"}


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AuthError("unknown_role", f"unknown role {role!r} (expected one of: {', '.join(ROLES)})", status=422)


def create_local_account(
    session: Session,
    *,
    tenant_name: str,
    email: str,
    role: str,
    display_name: str = "",
    settings: Settings,
    password: str | None = None,
    actor: Principal | None = None,
) -> NewAccount:
    """A local account (tenant created when missing); `password` None makes a random one. Commits."""
    _check_role(role)
    existing = session.scalar(
        select(User).join(User.tenant).where(Tenant.name == tenant_name, User.email == email.strip().lower())
    )
    if existing is not None and existing.password_hash is not None:
        raise AuthError("user_exists", f"{existing.email} already has an account in this firm", status=409)
    password = password or generate_password()
    user = ensure_user(session, tenant_name=tenant_name, email=email, role=role, display_name=display_name)
    user.password_hash = hash_password(password, settings=settings)
    record_audit_event(
        session,
        tenant_id=user.tenant_id,
        user_id=user.id,
        action="user.created",
        detail={"role": role, "method": "local", **_actor(actor)},
    )
    return NewAccount(user=user, password=password)


def list_users(session: Session, *, tenant_id: str | None = None) -> list[User]:
    query = select(User).join(User.tenant).order_by(Tenant.name, User.email)
    if tenant_id is not None:
        query = query.where(User.tenant_id == tenant_id)
    return list(session.scalars(query))


def tenant_user(session: Session, *, tenant_id: str, user_id: str) -> User:
    """The user `user_id` of the tenant; `not_found` for ids of other tenants (no guessing)."""
    user = session.get(User, user_id)
    if user is None or user.tenant_id != tenant_id:
        raise AuthError("not_found", "no such user", status=404)
    return user


def _other_active_admins(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            User.tenant_id == user.tenant_id, User.role == ADMIN, User.disabled_at.is_(None), User.id != user.id
        )
    ) or 0


def revoke_user_sessions(session: Session, *, user: User, reason: str) -> None:
    """End every local sign-in session of `user` (no commit)."""
    for session_id in session.scalars(
        select(AuthSession.id).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
    ):
        revoke_session(session, session_id=session_id, reason=reason)


def set_role(session: Session, *, user: User, role: str, actor: Principal | None = None, via: str = "admin") -> None:
    """Change the user's role (the last active admin of a firm keeps it). Commits."""
    _check_role(role)
    if role == user.role:
        return
    if user.role == ADMIN and _other_active_admins(session, user) == 0:
        raise AuthError("last_admin", "the firm's last administrator cannot lose the admin role", status=409)
    before, user.role = user.role, role
    record_audit_event(
        session,
        tenant_id=user.tenant_id,
        user_id=user.id,
        action="user.role_changed",
        detail={"from": before, "to": role, "via": via, **_actor(actor)},
    )


def set_disabled(session: Session, *, user: User, disabled: bool, actor: Principal | None = None) -> None:
    """Disable (every session ends; keys of the user stop working) or enable again. Commits."""
    if disabled == (user.disabled_at is not None):
        return
    if disabled and user.role == ADMIN and _other_active_admins(session, user) == 0:
        raise AuthError("last_admin", "the firm's last administrator cannot be disabled", status=409)
    user.disabled_at = utcnow() if disabled else None
    if disabled:
        revoke_user_sessions(session, user=user, reason="user_disabled")
    record_audit_event(
        session,
        tenant_id=user.tenant_id,
        user_id=user.id,
        action="user.disabled" if disabled else "user.enabled",
        detail=_actor(actor),
    )


def reset_mfa(session: Session, *, user: User, actor: Principal | None = None) -> None:
    """Forget the second factor (the user enrols again at next sign-in); sessions end. Commits."""
    clear_second_factor(session, user=user)
    revoke_user_sessions(session, user=user, reason="mfa_reset")
    record_audit_event(session, tenant_id=user.tenant_id, user_id=user.id, action="user.mfa_reset", detail=_actor(actor))


def reset_password(session: Session, *, user: User, settings: Settings, actor: Principal | None = None) -> str:
    """A new one-time password for a local account, returned once (only its argon2id hash is kept):
    the second factor is forgotten too (the user enrols again at next sign-in with it), every
    session ends (refresh and access tokens stop working) and a lockout is lifted. Audited as
    `user.password_reset`, without the password. Commits."""
    if user.password_hash is None:
        raise AuthError(
            "not_local_account",
            "this user has no local account (signs in with Microsoft Entra ID or has only API keys)",
            status=409,
        )
    password = generate_password()
    user.password_hash = hash_password(password, settings=settings)
    unlocked = user.locked_until is not None and user.locked_until > utcnow()
    user.failed_logins = 0
    user.locked_until = None
    clear_second_factor(session, user=user)
    revoke_user_sessions(session, user=user, reason="password_reset")
    record_audit_event(
        session,
        tenant_id=user.tenant_id,
        user_id=user.id,
        action="user.password_reset",
        detail={"mfa_reset": True, "unlocked": unlocked, **_actor(actor)},
    )
    return password


def ensure_first_admin(session: Session, *, settings: Settings) -> tuple[NewAccount, Path] | None:
    """On first start with local accounts: when no account has a password, create the first
    administrator and write its one-time password to `DATA_DIR/initial-admin.txt` (mode 0600:
    never printed, never logged). None when there is already an account."""
    if session.scalar(select(User.id).where(User.password_hash.is_not(None)).limit(1)) is not None:
        return None
    account = create_local_account(
        session, tenant_name=settings.local_tenant, email=settings.admin_email, role=ADMIN, settings=settings
    )
    path = settings.data_dir / INITIAL_ADMIN_FILE
    path.unlink(missing_ok=True)
    write_private_file(
        path,
        (
            f"firm: {settings.local_tenant}\nemail: {account.user.email}\n"
            f"one-time password: {account.password}\n"
            "Enrol TOTP, then delete this file.\n"
        ).encode(),
    )
    return account, path
