"""Dependencies every route shares: the database session, the settings, and the caller.

`CurrentUser` is THE dependency a protected route takes: it says who is calling, however they
authenticated (today an `X-API-Key`; Entra ID and local sign-in will resolve to the same
`Principal` here).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from backend.api.errors import ApiError
from backend.auth import Principal
from backend.auth.apikeys import authenticate_api_key
from backend.db.engine import Database
from backend.settings import Settings

API_KEY_HEADER = "X-API-Key"

api_key_scheme = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="An API key `pp_<prefix>_<secret>` (created with `patentpane apikey create`).",
)


def get_database(request: Request) -> Database:
    return request.app.state.db


def get_db(request: Request) -> Iterator[Session]:
    with get_database(request).session() as session:
        yield session


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


DbSession = Annotated[Session, Depends(get_db)]
AppSettings = Annotated[Settings, Depends(get_app_settings)]


def current_user(session: DbSession, api_key: Annotated[str | None, Security(api_key_scheme)]) -> Principal:
    if not api_key:
        raise ApiError(
            401, "unauthenticated", f"authentication required: send an API key in the {API_KEY_HEADER} header"
        )
    return authenticate_api_key(session, presented=api_key)


CurrentUser = Annotated[Principal, Depends(current_user)]


def admin_user(principal: CurrentUser) -> Principal:
    if not principal.is_admin:
        raise ApiError(403, "forbidden", "this needs the admin role")
    return principal


AdminUser = Annotated[Principal, Depends(admin_user)]
