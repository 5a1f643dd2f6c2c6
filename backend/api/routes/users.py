"""Users of the caller's firm (admin role): list, add a local account, change role, disable, reset a
local account's password (and second factor)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from backend.api.deps import AdminUser, AppIdentity, DbSession
from backend.api.errors import error_responses
from backend.auth.users import (
    create_local_account,
    list_users,
    reset_mfa,
    reset_password,
    set_disabled,
    set_role,
    tenant_user,
)
from backend.db.models import Tenant, User

router = APIRouter(prefix="/users", tags=["users"])

RoleName = Literal["admin", "attorney", "viewer"]


class UserInfo(BaseModel):
    id: str
    email: str
    display_name: str
    role: str
    sign_in: str = Field(description='"local" (password + TOTP), "entra" or "key" (API keys only)')
    mfa_enrolled: bool
    disabled: bool
    created_at: datetime
    last_sign_in_at: datetime | None


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=3, max_length=320)
    display_name: str = Field(default="", max_length=200)
    role: RoleName = "attorney"


class NewUserInfo(UserInfo):
    password: str = Field(description="One-time password (shown once): the user enrols TOTP with it")


class UserChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: RoleName | None = None
    disabled: bool | None = None
    reset_mfa: bool = Field(default=False, description="Forget the TOTP enrolment (local accounts)")


def _info(user: User) -> dict[str, Any]:
    kind = "local" if user.password_hash else "entra" if user.external_subject else "key"
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
        "sign_in": kind,
        "mfa_enrolled": user.totp_confirmed_at is not None,
        "disabled": user.disabled_at is not None,
        "created_at": user.created_at,
        "last_sign_in_at": user.last_sign_in_at,
    }


@router.get("", response_model=list[UserInfo], responses=error_responses(401, 403))
def get_users(principal: AdminUser, session: DbSession) -> Any:
    return [_info(u) for u in list_users(session, tenant_id=principal.tenant_id)]


@router.post("", status_code=201, response_model=NewUserInfo, responses=error_responses(401, 403, 404, 409, 422))
def add_user(body: NewUser, principal: AdminUser, session: DbSession, identity: AppIdentity) -> Any:
    """A local account in the caller's firm, with a one-time password (local sign-in only)."""
    local = identity.require_local()
    tenant = session.get(Tenant, principal.tenant_id)
    assert tenant is not None
    account = create_local_account(
        session,
        tenant_name=tenant.name,
        email=body.email,
        role=body.role,
        display_name=body.display_name,
        settings=local.settings,
        actor=principal,
    )
    return {**_info(account.user), "password": account.password}


@router.patch("/{user_id}", response_model=UserInfo, responses=error_responses(401, 403, 404, 409, 422))
def change_user(user_id: str, body: UserChange, principal: AdminUser, session: DbSession) -> Any:
    """Change a user's role, disable or enable them, or reset their second factor (audited)."""
    user = tenant_user(session, tenant_id=principal.tenant_id, user_id=user_id)
    if body.role is not None:
        set_role(session, user=user, role=body.role, actor=principal)
    if body.disabled is not None:
        set_disabled(session, user=user, disabled=body.disabled, actor=principal)
    if body.reset_mfa:
        reset_mfa(session, user=user, actor=principal)
    return _info(user)


@router.post(
    "/{user_id}/reset-password", response_model=NewUserInfo, responses=error_responses(401, 403, 404, 409)
)
def reset_user_password(user_id: str, principal: AdminUser, session: DbSession, identity: AppIdentity) -> Any:
    """A new one-time password for a local account of the caller's firm (shown once, never logged):
    the user's TOTP enrolment is forgotten (they enrol again with the new password), their sessions
    end (refresh tokens stop working) and a lockout is lifted. Audited as `user.password_reset`.
    404 for users of other firms; 409 `not_local_account` for Entra ID or key-only users."""
    local = identity.require_local()
    user = tenant_user(session, tenant_id=principal.tenant_id, user_id=user_id)
    password = reset_password(session, user=user, settings=local.settings, actor=principal)
    return {**_info(user), "password": password}
