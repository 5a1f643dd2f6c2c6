"""Sign-in of local accounts (`PATENTPANE_AUTH=local`): TOTP enrolment, login, refresh, logout;
and the server's public signing keys at `/.well-known/jwks.json` (outside /api/v1).

These routes are public (they are how one gets credentials); each answers 404
`local_auth_disabled` when the server signs users in with Microsoft Entra ID.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from backend.api.deps import AppIdentity, ClientAddress, DbSession
from backend.api.errors import error_responses
from backend.auth.local import begin_enrolment, confirm_enrolment, refresh_tokens, sign_in, sign_out

router = APIRouter(prefix="/auth", tags=["auth"])
well_known = APIRouter(tags=["auth"])

AUTH_ERRORS = error_responses(401, 403, 404, 422, 429)


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)
    tenant: str | None = Field(default=None, max_length=200, description="The firm (when the email has several)")


    def fields(self) -> dict[str, Any]:
        """The request as keyword arguments of the sign-in services."""
        return self.model_dump()


class Login(Credentials):
    code: str | None = Field(default=None, max_length=16, description="The authenticator app's 6-digit code")
    recovery_code: str | None = Field(default=None, max_length=32, description="Instead of a code: a recovery code")


class Confirm(Credentials):
    code: str = Field(max_length=16)


class Refresh(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: str = Field(max_length=200)


class Tokens(BaseModel):
    access_token: str = Field(description="RS256 JWT; send as `Authorization: Bearer`")
    token_type: str
    expires_in: int = Field(description="Seconds")
    refresh_token: str = Field(description="Used once: each refresh returns a new one")


class Enrolment(BaseModel):
    otpauth_uri: str
    secret: str = Field(description="Base32, for apps where the secret is typed in")
    qr_svg: str = Field(description="The URI as a QR code: an SVG data: URI")


class Enrolled(Tokens):
    recovery_codes: list[str] = Field(description="Ten one-time codes: shown once, keep them safe")


@router.post("/login", response_model=Tokens, responses=AUTH_ERRORS)
async def login(body: Login, session: DbSession, identity: AppIdentity, address: ClientAddress) -> Any:
    """Password and TOTP code -> a short-lived access token and a refresh token."""
    local = identity.require_local()
    # argon2 takes tens of milliseconds: off the event loop
    tokens = await run_in_threadpool(sign_in, session, local, address=address, **body.fields())
    return tokens.to_json()


@router.post("/refresh", response_model=Tokens, responses=AUTH_ERRORS)
def refresh(body: Refresh, session: DbSession, identity: AppIdentity, address: ClientAddress) -> Any:
    """A refresh token (used once) -> new tokens. Reusing one ends its session."""
    return refresh_tokens(
        session, identity.require_local(), refresh_token=body.refresh_token, address=address
    ).to_json()


@router.post("/logout", status_code=204, response_class=Response, responses=AUTH_ERRORS)
def logout(body: Refresh, session: DbSession, identity: AppIdentity) -> Response:
    """End the session of this refresh token (its access tokens stop working too)."""
    identity.require_local()
    sign_out(session, refresh_token=body.refresh_token)
    return Response(status_code=204)


@router.post("/totp/enrol", response_model=Enrolment, responses={**AUTH_ERRORS, **error_responses(409)})
async def enrol(body: Credentials, session: DbSession, identity: AppIdentity, address: ClientAddress) -> Any:
    """Password -> a new authenticator secret (otpauth:// URI and QR code), pending until confirmed."""
    local = identity.require_local()
    enrolment = await run_in_threadpool(begin_enrolment, session, local, address=address, **body.fields())
    return {"otpauth_uri": enrolment.otpauth_uri, "secret": enrolment.secret, "qr_svg": enrolment.qr_svg}


@router.post("/totp/confirm", response_model=Enrolled, responses={**AUTH_ERRORS, **error_responses(409)})
async def confirm(body: Confirm, session: DbSession, identity: AppIdentity, address: ClientAddress) -> Any:
    """Password and a first code -> the recovery codes (shown once) and a signed-in session."""
    local = identity.require_local()
    codes, tokens = await run_in_threadpool(confirm_enrolment, session, local, address=address, **body.fields())
    return {**tokens.to_json(), "recovery_codes": codes}


@well_known.get("/.well-known/jwks.json", include_in_schema=False)
def jwks(identity: AppIdentity) -> Any:
    """The public keys that sign this server's access tokens (local accounts)."""
    return identity.local.keys.jwks()
