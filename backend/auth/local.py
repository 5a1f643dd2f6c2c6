"""Local accounts (`PATENTPANE_AUTH=local`, the embedded default): password (argon2id) plus a
mandatory TOTP second factor; sign-in issues a short-lived RS256 access token signed by the
server's key (validated by `tokens.validate_access_token` like any other) and a refresh token.

- Refresh tokens are opaque (`ppr_...`, SHA-256 stored), used once: each refresh returns a new one
  in the same session. Presenting a used one again (a stolen copy) revokes the whole session.
- Access tokens carry the session id (`sid`): a revoked session, a disabled user or a reset second
  factor stops them at the next request, not only at expiry.
- Brute force: attempts are rate limited per account and per client address (429); an account is
  locked for a while after `login_max_failures` failures in a row; a TOTP code works once.
- Failures answer the same `invalid_credentials` whatever was wrong (unknown account, password or
  code), after the same argon2 work.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.audit import record_audit_event
from backend.auth import AuthError, Principal
from backend.auth.localkeys import LOCAL_AUDIENCE, LOCAL_SCOPE, LocalSigningKeys, SecretBox
from backend.auth.ratelimit import RateLimiter
from backend.auth.tokens import TokenPolicy, invalid_token, validate_access_token
from backend.auth.totp import (
    TotpEnrolment,
    accept_totp,
    new_recovery_codes,
    start_enrolment,
    use_recovery_code,
)
from backend.db.models import AuthSession, RefreshToken, Tenant, User, utcnow
from backend.settings import Settings

REFRESH_PREFIX = "ppr_"
MIN_PASSWORD_LENGTH = 12


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=4)


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def password_hasher(settings: Settings) -> PasswordHasher:
    """argon2id with the settings' cost (RFC 9106 second recommendation by default); hashes made
    with other parameters are upgraded at the next sign-in."""
    return _hasher(settings.argon2_time_cost, settings.argon2_memory_kib)


def hash_password(password: str, *, settings: Settings) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(
            "weak_password", f"a password needs at least {MIN_PASSWORD_LENGTH} characters", status=422
        )
    return password_hasher(settings).hash(password)


def _verify_password(hasher: PasswordHasher, password_hash: str | None, password: str) -> bool:
    try:  # no account: the same work as a real check, so timing does not tell who exists
        return hasher.verify(password_hash or _dummy_hash(hasher), password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    return secrets.token_urlsafe(15)


@dataclass(slots=True)
class LocalAuth:
    """What local sign-in needs, one per app (`Identity.local`)."""

    settings: Settings
    keys: LocalSigningKeys
    box: SecretBox
    limiter: RateLimiter

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalAuth:
        key_dir = settings.data_dir / "keys"
        return cls(
            settings=settings,
            keys=LocalSigningKeys(key_dir),
            box=SecretBox(key_dir),
            limiter=RateLimiter(limit=settings.login_rate_per_minute, window_seconds=60),
        )

    @property
    def policy(self) -> TokenPolicy:
        return TokenPolicy(
            audiences=(LOCAL_AUDIENCE,),
            scope=LOCAL_SCOPE,
            allowed_tenants=None,
            required_amr=frozenset({"pwd", "otp"}),
            leeway_seconds=self.settings.token_leeway_seconds,
        )


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: str
    token_type: str = "Bearer"

    def to_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires_in": self.expires_in,
            "refresh_token": self.refresh_token,
        }


def _invalid_credentials() -> AuthError:
    return AuthError(
        "invalid_credentials",
        "wrong email, password or code (give the firm's name when the email has accounts in several firms)",
    )


def find_local_account(session: Session, *, email: str, tenant: str | None = None) -> User | None:
    """The one account with a password for `email` (in firm `tenant` when given), or None."""
    query = select(User).where(User.email == email.strip().lower(), User.password_hash.is_not(None))
    if tenant:
        query = query.join(User.tenant).where(Tenant.name == tenant)
    users = session.scalars(query.limit(2)).all()
    return users[0] if len(users) == 1 else None


def _audit(
    session: Session,
    user: User,
    action: str,
    *,
    outcome: str = "ok",
    address: str | None = None,
    commit: bool = True,
    **detail: Any,
) -> None:
    """An identity event of a local account (`detail` always says the method)."""
    record_audit_event(
        session,
        tenant_id=user.tenant_id,
        user_id=user.id,
        action=action,
        outcome=outcome,
        detail={"method": "local", **detail},
        address=address,
        commit=commit,
    )


def _throttle(auth: LocalAuth, *, email: str, tenant: str | None, address: str | None) -> None:
    for key in (f"address:{address or '-'}", f"account:{(tenant or '').lower()}:{email.strip().lower()}"):
        wait = auth.limiter.hit(key)
        if wait is not None:
            raise AuthError("too_many_attempts", "too many sign-in attempts; wait", status=429, retry_after=wait)


def _record_failure(
    session: Session, auth: LocalAuth, *, user: User, reason: str, address: str | None, now: datetime
) -> None:
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1)
        .execution_options(synchronize_session=False)
    )
    failures = session.scalar(select(User.failed_logins).where(User.id == user.id)) or 0
    _audit(session, user, "auth.login_failed", outcome=reason, address=address, commit=False)
    if failures >= auth.settings.login_max_failures:
        until = now + timedelta(minutes=auth.settings.login_lockout_minutes)
        session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=0, locked_until=until)
            .execution_options(synchronize_session=False)
        )
        _audit(
            session, user, "auth.locked", address=address, commit=False, minutes=auth.settings.login_lockout_minutes
        )
    session.commit()


def _first_factor(
    session: Session,
    auth: LocalAuth,
    *,
    email: str,
    password: str,
    tenant: str | None,
    address: str | None,
    now: datetime,
) -> User:
    """The account whose password this is; AuthError otherwise (failures counted)."""
    _throttle(auth, email=email, tenant=tenant, address=address)
    user = find_local_account(session, email=email, tenant=tenant)
    hasher = password_hasher(auth.settings)
    if user is None:
        _verify_password(hasher, None, password)
        raise _invalid_credentials()
    if user.locked_until is not None and user.locked_until > now:
        _audit(session, user, "auth.login_failed", outcome="locked", address=address)
        wait = int((user.locked_until - now).total_seconds()) + 1
        raise AuthError("too_many_attempts", "too many failed sign-ins; wait", status=429, retry_after=wait)
    if not _verify_password(hasher, user.password_hash, password):
        _record_failure(session, auth, user=user, reason="bad_password", address=address, now=now)
        raise _invalid_credentials()
    if user.disabled_at is not None:
        _audit(session, user, "auth.login_failed", outcome="disabled", address=address)
        raise AuthError("account_disabled", "this account is disabled", status=403)
    if user.password_hash and hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def _new_refresh_token(session: Session, *, session_id: str) -> str:
    token = REFRESH_PREFIX + secrets.token_urlsafe(32)
    session.add(RefreshToken(session_id=session_id, token_sha256=hashlib.sha256(token.encode()).hexdigest()))
    return token


def _tokens(session: Session, auth: LocalAuth, *, user: User, auth_session: AuthSession, now: datetime) -> IssuedTokens:
    lifetime = timedelta(minutes=auth.settings.local_access_token_minutes)
    refresh = _new_refresh_token(session, session_id=auth_session.id)
    access = auth.keys.issue(
        user_id=user.id,
        tenant_id=user.tenant_id,
        session_id=auth_session.id,
        email=user.email,
        lifetime=lifetime,
        now=now,
    )
    session.commit()
    return IssuedTokens(
        access_token=access,
        refresh_token=refresh,
        expires_in=int(lifetime.total_seconds()),
        session_id=auth_session.id,
    )


def _start_session(
    session: Session, auth: LocalAuth, *, user: User, factor: str, address: str | None, now: datetime
) -> IssuedTokens:
    user.failed_logins = 0
    user.locked_until = None
    user.last_sign_in_at = now
    auth_session = AuthSession(
        tenant_id=user.tenant_id,
        user_id=user.id,
        created_at=now,
        expires_at=now + timedelta(days=auth.settings.local_refresh_token_days),
    )
    session.add(auth_session)
    session.flush()
    _audit(session, user, "auth.login", address=address, commit=False, factor=factor, session_id=auth_session.id)
    return _tokens(session, auth, user=user, auth_session=auth_session, now=now)


def sign_in(
    session: Session,
    auth: LocalAuth,
    *,
    email: str,
    password: str,
    code: str | None = None,
    recovery_code: str | None = None,
    tenant: str | None = None,
    address: str | None = None,
) -> IssuedTokens:
    """Password and TOTP code (or a recovery code) -> tokens. AuthError: `invalid_credentials`
    (401), `too_many_attempts` (429), `account_disabled` (403), `mfa_enrolment_required` (403: the
    password is right but no second factor is enrolled yet)."""
    now = utcnow()
    user = _first_factor(session, auth, email=email, password=password, tenant=tenant, address=address, now=now)
    if user.totp_confirmed_at is None:
        session.commit()
        raise AuthError(
            "mfa_enrolment_required",
            "enrol an authenticator app first (POST /api/v1/auth/totp/enrol)",
            status=403,
        )
    factor = None
    if code and accept_totp(session, box=auth.box, user=user, code=code, now=now):
        factor = "totp"
    elif recovery_code and use_recovery_code(session, user=user, code=recovery_code, now=now):
        factor = "recovery_code"
    if factor is None:
        _record_failure(session, auth, user=user, reason="bad_code", address=address, now=now)
        raise _invalid_credentials()
    return _start_session(session, auth, user=user, factor=factor, address=address, now=now)


def begin_enrolment(
    session: Session,
    auth: LocalAuth,
    *,
    email: str,
    password: str,
    tenant: str | None = None,
    address: str | None = None,
) -> TotpEnrolment:
    """Password -> a new pending TOTP secret (only while none is confirmed: `mfa_already_enrolled`)."""
    now = utcnow()
    user = _first_factor(session, auth, email=email, password=password, tenant=tenant, address=address, now=now)
    if user.totp_confirmed_at is not None:
        session.commit()
        raise AuthError(
            "mfa_already_enrolled", "a second factor is enrolled; an administrator can reset it", status=409
        )
    return start_enrolment(session, box=auth.box, user=user, issuer=f"PatentPane ({user.tenant.name})")


def confirm_user_enrolment(session: Session, auth: LocalAuth, *, user: User, code: str) -> list[str] | None:
    """The recovery codes when `code` confirms the user's pending secret, else None. Commits."""
    if user.totp_secret is None or user.totp_confirmed_at is not None:
        return None
    now = utcnow()
    if not accept_totp(session, box=auth.box, user=user, code=code, now=now):
        return None
    user.totp_confirmed_at = now
    codes = new_recovery_codes(session, user=user)
    _audit(session, user, "auth.mfa_enrolled", factor="totp")
    return codes


def confirm_enrolment(
    session: Session,
    auth: LocalAuth,
    *,
    email: str,
    password: str,
    code: str,
    tenant: str | None = None,
    address: str | None = None,
) -> tuple[list[str], IssuedTokens]:
    """Password and a first code -> the recovery codes (shown once) and a signed-in session."""
    now = utcnow()
    user = _first_factor(session, auth, email=email, password=password, tenant=tenant, address=address, now=now)
    if user.totp_confirmed_at is not None or user.totp_secret is None:
        session.commit()
        raise AuthError("no_pending_enrolment", "start with POST /api/v1/auth/totp/enrol", status=409)
    codes = confirm_user_enrolment(session, auth, user=user, code=code)
    if codes is None:
        _record_failure(session, auth, user=user, reason="bad_code", address=address, now=now)
        raise _invalid_credentials()
    return codes, _start_session(session, auth, user=user, factor="totp", address=address, now=now)


def _invalid_refresh() -> AuthError:
    return AuthError("invalid_refresh_token", "the refresh token is not valid; sign in again")


def _find_refresh(session: Session, token: str) -> RefreshToken | None:
    if not token.startswith(REFRESH_PREFIX):
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return session.scalar(select(RefreshToken).where(RefreshToken.token_sha256 == digest))


def revoke_session(session: Session, *, session_id: str, reason: str) -> None:
    """End a session (no commit)."""
    session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )


def refresh_tokens(
    session: Session, auth: LocalAuth, *, refresh_token: str, address: str | None = None
) -> IssuedTokens:
    """A used-once refresh token -> a new access token and a new refresh token (same session)."""
    now = utcnow()
    row = _find_refresh(session, refresh_token)
    if row is None:
        raise _invalid_refresh()
    auth_session = session.get(AuthSession, row.session_id)
    if auth_session is None or auth_session.revoked_at is not None or auth_session.expires_at <= now:
        raise _invalid_refresh()
    claimed = session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == row.id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # used before: somebody else has a copy; end the session
        revoke_session(session, session_id=auth_session.id, reason="refresh_token_reuse")
        record_audit_event(
            session,
            tenant_id=auth_session.tenant_id,
            user_id=auth_session.user_id,
            action="auth.refresh_reuse",
            outcome="session_revoked",
            detail={"session_id": auth_session.id},
            address=address,
        )
        raise _invalid_refresh()
    user = session.get(User, auth_session.user_id)
    if user is None or user.disabled_at is not None or user.totp_confirmed_at is None:
        revoke_session(session, session_id=auth_session.id, reason="account_changed")
        session.commit()
        raise _invalid_refresh()
    return _tokens(session, auth, user=user, auth_session=auth_session, now=now)


def sign_out(session: Session, *, refresh_token: str) -> bool:
    """Revoke the session of `refresh_token`; False when it is unknown. Commits."""
    row = _find_refresh(session, refresh_token)
    if row is None:
        return False
    auth_session = session.get(AuthSession, row.session_id)
    if auth_session is not None and auth_session.revoked_at is None:
        revoke_session(session, session_id=auth_session.id, reason="signed_out")
        record_audit_event(
            session,
            tenant_id=auth_session.tenant_id,
            user_id=auth_session.user_id,
            action="auth.logout",
            detail={"session_id": auth_session.id},
        )
    return True


def local_principal(session: Session, auth: LocalAuth, *, token: str) -> Principal:
    """The principal of a local access token (validated by THE token validator)."""
    claims = validate_access_token(token, policy=auth.policy, issuers={"2.0": auth.keys})
    user = session.get(User, str(claims.get("sub")))
    auth_session = session.get(AuthSession, str(claims.get("sid")))
    if (
        user is None
        or user.tenant_id != claims["tid"]
        or auth_session is None
        or auth_session.user_id != user.id
        or auth_session.revoked_at is not None
    ):
        raise invalid_token("the session has ended; sign in again")
    if user.disabled_at is not None:
        raise AuthError("account_disabled", "this account is disabled", status=403)
    return Principal(
        user_id=user.id, tenant_id=user.tenant_id, role=user.role, auth_method="local", session_id=auth_session.id
    )
