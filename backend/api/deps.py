"""Dependencies every route shares: the database session, the settings, and the caller.

`CurrentUser` is THE dependency a protected route takes: it says who is calling, however they
authenticated: an `X-API-Key`, or `Authorization: Bearer <token>` (a Microsoft Entra ID access
token when `PATENTPANE_AUTH=entra`, a token of a local account when `local`). All resolve to the
same `Principal`. Roles on top: `AdminUser` (admin), `AttorneyUser` (attorney or admin: check,
draft, batch); viewers get only what needs no more than `CurrentUser` (reading).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from backend.api.errors import ApiError
from backend.auth import AuthError, Principal
from backend.auth.apikeys import authenticate_api_key
from backend.auth.identity import Identity
from backend.db.engine import Database
from backend.settings import Settings

API_KEY_HEADER = "X-API-Key"

api_key_scheme = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="An API key `pp_<prefix>_<secret>` (created with `patentpane keys create` or `POST /api/v1/keys`).",
)
bearer_scheme = HTTPBearer(
    auto_error=False,
    description="An access token: Microsoft Entra ID (PATENTPANE_AUTH=entra) or from `POST /api/v1/auth/login`.",
)


def get_database(request: Request) -> Database:
    return request.app.state.db


def get_db(request: Request) -> Iterator[Session]:
    with get_database(request).session() as session:
        yield session


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_identity(request: Request) -> Identity:
    return request.app.state.identity


def client_address(request: Request) -> str | None:
    return request.client.host if request.client is not None else None


DbSession = Annotated[Session, Depends(get_db)]
AppSettings = Annotated[Settings, Depends(get_app_settings)]
AppIdentity = Annotated[Identity, Depends(get_identity)]
ClientAddress = Annotated[str | None, Depends(client_address)]
Bearer = Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)]


def current_user(
    session: DbSession,
    identity: AppIdentity,
    address: ClientAddress,
    api_key: Annotated[str | None, Security(api_key_scheme)],
    bearer: Bearer,
) -> Principal:
    if api_key:
        return authenticate_api_key(session, presented=api_key, address=address)
    if bearer is not None and bearer.credentials:
        return identity.authenticate_bearer(session, token=bearer.credentials, address=address)
    raise AuthError(
        "unauthenticated",
        f"authentication required: send an access token (Authorization: Bearer) or an API key ({API_KEY_HEADER})",
        challenge='Bearer realm="patentpane"',
    )


CurrentUser = Annotated[Principal, Depends(current_user)]


def admin_user(principal: CurrentUser) -> Principal:
    if not principal.is_admin:
        raise ApiError(403, "forbidden", "this needs the admin role")
    return principal


AdminUser = Annotated[Principal, Depends(admin_user)]


def attorney_user(principal: CurrentUser) -> Principal:
    if not principal.can_write:
        raise ApiError(403, "forbidden", "this needs the attorney or admin role (viewers only read)")
    return principal


AttorneyUser = Annotated[Principal, Depends(attorney_user)]


def user_assertion(principal: CurrentUser, bearer: Bearer) -> str:
    """The caller's own Entra ID access token, for an on-behalf-of exchange (Microsoft Graph)."""
    if principal.auth_method != "entra" or bearer is None:
        raise ApiError(
            400, "entra_sign_in_required", "documents from OneDrive/SharePoint need a Microsoft Entra ID sign-in"
        )
    return bearer.credentials


UserAssertion = Annotated[str, Depends(user_assertion)]
