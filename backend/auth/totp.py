"""The second factor of local accounts: TOTP (RFC 6238, 30 s, 6 digits) and one-time recovery codes.

- Enrolment makes a secret (160 bits), stores it encrypted (`SecretBox`) as pending, and shows it
  as an `otpauth://` URI and a QR code (SVG); a first valid code confirms it.
- A code is accepted for the current step or one step either side, and only for a step later than
  the last accepted one (one conditional UPDATE), so a code cannot be replayed, not even by two
  requests racing each other.
- Ten recovery codes (80 bits each) are shown once at confirmation; only their SHA-256 is stored
  (high-entropy secrets need no password stretching) and each works once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from backend.auth.localkeys import SecretBox
from backend.db.models import RecoveryCode, User

ISSUER_NAME = "PatentPane"
STEP_SECONDS = 30
RECOVERY_CODES = 10


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    otpauth_uri: str
    secret: str
    """Base32, for authenticator apps that take the secret typed in."""
    qr_svg: str
    """An SVG image of the URI (a data: URI, ready for an <img src>)."""


def _context(user: User) -> str:
    return f"totp:{user.id}"


def start_enrolment(session: Session, *, box: SecretBox, user: User, issuer: str = ISSUER_NAME) -> TotpEnrolment:
    """A new pending secret for `user` (replacing any pending one). Commits."""
    import segno

    secret = pyotp.random_base32(32)
    user.totp_secret = box.seal(secret, context=_context(user))
    user.totp_confirmed_at = None
    user.totp_last_step = None
    session.commit()
    uri = pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=user.email, issuer_name=issuer)
    return TotpEnrolment(otpauth_uri=uri, secret=secret, qr_svg=segno.make(uri, error="m").svg_data_uri(scale=4))


def normalise_code(code: str) -> str:
    return "".join(c for c in code if not c.isspace() and c != "-").lower()


def accept_totp(session: Session, *, box: SecretBox, user: User, code: str, now: datetime) -> bool:
    """True when `code` is valid now and not used before (then its step is recorded; no commit)."""
    code = normalise_code(code)
    if user.totp_secret is None or len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(box.open(user.totp_secret, context=_context(user)), interval=STEP_SECONDS)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            result = session.execute(
                update(User)
                .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
                .values(totp_last_step=step)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:
                user.totp_last_step = step
                return True
            return False
    return False


def _code_sha256(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def new_recovery_codes(session: Session, *, user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones (returned once; no commit)."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
        code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
        codes.append(code)
        session.add(RecoveryCode(user_id=user.id, code_sha256=_code_sha256(code)))
    return codes


def use_recovery_code(session: Session, *, user: User, code: str, now: datetime) -> bool:
    """True when `code` is one of the user's unused recovery codes (now used; no commit)."""
    wanted = _code_sha256(code)
    candidates = session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    for candidate in candidates:
        if hmac.compare_digest(candidate.code_sha256, wanted):
            result = session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == candidate.id, RecoveryCode.used_at.is_(None))
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
            return result.rowcount == 1
    return False


def clear_second_factor(session: Session, *, user: User) -> None:
    """Forget the user's TOTP secret and recovery codes (reset-mfa; no commit)."""
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
