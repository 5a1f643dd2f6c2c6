"""Microsoft Entra ID (`PATENTPANE_AUTH=entra`): the task pane sends an access token for this API;
`EntraVerifier` validates it with THE validator (`tokens.py`) against the OpenID metadata and keys
of `{authority}/{tenant}/v2.0` (v1.0 tokens: `{authority}/{tenant}`), and `entra_principal` maps
its claims to a `Principal`.

Users are provisioned on first sight, in the tenant whose Entra `tid` they carry (the firm is
created too), and found again by (`tid`, `oid`). Their role comes from the token's app roles
(`roles` containing `admin`, `attorney` or `viewer`: the highest wins, and a change is audited);
without app roles a new user gets `PATENTPANE_ENTRA_DEFAULT_ROLE` and an admin can change it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.audit import record_audit_event
from backend.auth import ROLE_RANK, AuthError, Principal
from backend.auth.tokens import OpenIdProvider, TokenPolicy, ca_verify, invalid_token, validate_access_token
from backend.auth.users import set_role
from backend.db.models import Tenant, User
from backend.settings import Settings

logger = logging.getLogger("patentpane.auth")


def entra_issuer_key(tid: str) -> str:
    """`users.external_issuer` of Entra users (one value for v1.0 and v2.0 tokens)."""
    return f"entra:{tid.lower()}"


def scope_name(scope: str) -> str:
    """"api://<id>/access_as_user" -> "access_as_user" (the form `scp` carries)."""
    return scope.rstrip("/").rsplit("/", 1)[-1]


class EntraVerifier:
    """Validates Entra ID access tokens for this API (metadata and keys fetched on first use)."""

    def __init__(self, settings: Settings) -> None:
        if not settings.entra_client_id:
            raise ValueError("PATENTPANE_AUTH=entra needs PATENTPANE_ENTRA_CLIENT_ID")
        if not settings.allowed_tenants:
            raise ValueError("PATENTPANE_AUTH=entra needs PATENTPANE_ENTRA_ALLOWED_TENANTS")
        self.settings = settings
        authority = settings.entra_authority.rstrip("/")
        tenants = sorted(settings.allowed_tenants)
        # one firm: its own metadata; several: the multi-tenant issuer with {tenantid}
        metadata_tenant = tenants[0] if len(tenants) == 1 else "organizations"
        verify = ca_verify(settings.entra_ca_bundle)
        self.issuers = {
            "2.0": OpenIdProvider(f"{authority}/{metadata_tenant}/v2.0/.well-known/openid-configuration", verify=verify),
            "1.0": OpenIdProvider(f"{authority}/{metadata_tenant}/.well-known/openid-configuration", verify=verify),
        }
        client_id = settings.entra_client_id
        self.policy = TokenPolicy(
            audiences=(client_id, f"api://{client_id}"),
            scope=scope_name(settings.entra_scope),
            allowed_tenants=settings.allowed_tenants,
            required_auth_context=settings.entra_required_auth_context or None,
            v1_requires_mfa=True,
            leeway_seconds=settings.token_leeway_seconds,
            challenge_params={
                "authorization_uri": f"{authority}/common/oauth2/authorize",
                "client_id": client_id,
            },
        )

    def validate(self, token: str) -> dict[str, Any]:
        try:
            return validate_access_token(token, policy=self.policy, issuers=self.issuers)
        except AuthError as exc:
            logger.warning("Entra ID token refused: %s", exc.code)
            raise


def _token_role(claims: dict[str, Any]) -> str | None:
    roles = claims.get("roles")
    if not isinstance(roles, list):
        return None
    known = [r.lower() for r in roles if isinstance(r, str) and r.lower() in ROLE_RANK]
    return max(known, key=ROLE_RANK.__getitem__) if known else None


def _tenant(session: Session, tid: str) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.external_id == tid))
    if tenant is None:
        tenant = Tenant(name=f"Entra tenant {tid}", external_id=tid)
        session.add(tenant)
        session.flush()
    return tenant


def _find_or_create_user(session: Session, tenant: Tenant, claims: dict[str, Any], *, default_role: str) -> User:
    tid, oid = tenant.external_id or "", str(claims["oid"])
    issuer = entra_issuer_key(tid)
    user = session.scalar(select(User).where(User.external_issuer == issuer, User.external_subject == oid))
    if user is not None:
        return user
    email = str(claims.get("preferred_username") or claims.get("upn") or claims.get("email") or f"{oid}@{tid}")
    email = email.strip().lower()[:320]
    # an administrator may have added the person by email (no Entra id yet): link on first sign-in
    user = session.scalar(
        select(User).where(
            User.tenant_id == tenant.id,
            User.email == email,
            User.external_subject.is_(None),
            User.password_hash.is_(None),
        )
    )
    if user is None:
        taken = session.scalar(select(User.id).where(User.tenant_id == tenant.id, User.email == email))
        if taken is not None:  # another account of the firm has that name (a recreated user, say)
            logger.warning("an Entra user's email is taken in the tenant; provisioned under the object id")
            email = f"{oid}@{tid}"
        user = User(tenant_id=tenant.id, email=email, role=_token_role(claims) or default_role)
        session.add(user)
    user.external_issuer, user.external_subject = issuer, oid
    user.display_name = str(claims.get("name") or user.display_name or "")[:200]
    session.flush()
    record_audit_event(
        session,
        tenant_id=tenant.id,
        user_id=user.id,
        action="user.provisioned",
        detail={"method": "entra", "role": user.role},
        commit=False,
    )
    return user


def entra_principal(session: Session, *, claims: dict[str, Any], settings: Settings, address: str | None = None) -> Principal:
    """The principal of validated Entra claims: tenant and user provisioned on first sight."""
    tid, oid = str(claims["tid"]).lower(), claims.get("oid")
    if not isinstance(oid, str) or not oid:
        raise invalid_token("the token names no user (oid); app-only tokens are not accepted")
    try:
        tenant = _tenant(session, tid)
        user = _find_or_create_user(session, tenant, claims, default_role=settings.entra_default_role)
        session.commit()
    except IntegrityError:  # two first requests at once: the other one provisioned
        session.rollback()
        tenant = _tenant(session, tid)
        user = _find_or_create_user(session, tenant, claims, default_role=settings.entra_default_role)
    if user.disabled_at is not None:
        raise AuthError("account_disabled", "this account is disabled", status=403)
    token_role = _token_role(claims)
    if token_role is not None and token_role != user.role:
        try:
            set_role(session, user=user, role=token_role, via="entra_app_role")
        except AuthError:  # the firm's last admin keeps the role until another admin exists
            logger.warning("app role change refused for the last administrator of a tenant")
    issued = claims.get("iat")
    if isinstance(issued, int | float):
        issued_at = datetime.fromtimestamp(issued, UTC)
        if user.last_sign_in_at is None or user.last_sign_in_at < issued_at:
            user.last_sign_in_at = issued_at  # a token issued since the last one seen: a sign-in
            record_audit_event(
                session,
                tenant_id=tenant.id,
                user_id=user.id,
                action="auth.login",
                detail={"method": "entra", "version": str(claims.get("ver", "2.0"))},
                address=address,
            )
    return Principal(user_id=user.id, tenant_id=tenant.id, role=user.role, auth_method="entra")
