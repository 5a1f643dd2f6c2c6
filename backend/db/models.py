"""The database schema: SQLAlchemy 2.0 typed models (Alembic migrations in `migrations/` match them).

Ids are UUID strings (portable between SQLite and PostgreSQL, safe to show in URLs); times are
timezone-aware UTC. No table ever holds document text: documents are known by their SHA-256.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names, so that migrations can name (and later drop) them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("admin", "attorney", "viewer")
"""admin (users, settings, keys) > attorney (check, draft, batch) > viewer (read only)."""
BATCH_STATUSES = ("queued", "running", "done", "failed", "canceled")
BATCH_FILE_STATES = ("queued", "running", "done", "failed", "canceled")
JURISDICTION_LENGTH = 8


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores no offset: read back as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use timezone-aware UTC times")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Tenant(Base):
    """A firm: every user, key, setting, batch and audit event belongs to exactly one."""

    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    default_jurisdiction: Mapped[str] = mapped_column(String(JURISDICTION_LENGTH), default="us")
    """The rule profile checks use when a request names none."""
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    """The Microsoft Entra ID tenant id (`tid`) of a firm that signs in with Entra ID."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="tenant", cascade="all, delete-orphan")
    rule_settings: Mapped[list[RuleSetting]] = relationship(
        back_populates="tenant", cascade="all, delete-orphan", order_by="RuleSetting.selector"
    )


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("tenant_id", "email"),
        UniqueConstraint("external_issuer", "external_subject"),
        CheckConstraint(_in("role", ROLES), name="role"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    """Stored in lower case."""
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16), default="attorney")
    external_issuer: Mapped[str | None] = mapped_column(String(200))
    """Identity provider of a signed-in user (e.g. an Entra ID tenant's issuer); None for key-only users."""
    external_subject: Mapped[str | None] = mapped_column(String(200))
    """The provider's stable id of the user (e.g. the Entra object id)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    """argon2id hash of a local account's password; None: no local sign-in."""
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    """The TOTP secret, encrypted with the server's key (data dir); pending until `totp_confirmed_at`."""
    totp_confirmed_at: Mapped[datetime | None] = mapped_column()
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    """The 30-second step of the last accepted TOTP code: a code is never accepted twice."""
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    disabled_at: Mapped[datetime | None] = mapped_column()
    last_sign_in_at: Mapped[datetime | None] = mapped_column()

    tenant: Mapped[Tenant] = relationship(back_populates="users")


class ApiKey(Base):
    """An API key `pp_<prefix>_<secret>`: only the SHA-256 of the secret is stored. A key has a
    role; a person's key (`user_id`) never acts above that person's current role, a service key
    (no `user_id`) acts for the tenant."""

    __tablename__ = "api_keys"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="attorney")
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200), default="")
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    tenant: Mapped[Tenant] = relationship()


class AuthSession(Base):
    """A local sign-in: its refresh tokens rotate within it; revoking it ends them all (and the
    access tokens that carry its id as `sid`)."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_reason: Mapped[str | None] = mapped_column(String(64))


class RefreshToken(Base):
    """One refresh token of a session (only its SHA-256 is stored); used once, then replaced."""

    __tablename__ = "refresh_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    session_id: Mapped[str] = mapped_column(ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column()


class RecoveryCode(Base):
    """A one-time TOTP recovery code of a local account (SHA-256 only; shown once at enrolment)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_sha256: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column()


class RuleSetting(Base):
    """A tenant's setting for the rules one selector matches (code "AB001", prefix "CF00",
    category "claim_form" or rule name): enabled (True: selected, False: ignored, None: as
    default) and a severity override."""

    __tablename__ = "rule_settings"
    __table_args__ = (
        UniqueConstraint("tenant_id", "selector"),
        CheckConstraint("severity IS NULL OR severity IN ('error', 'warning', 'info')", name="severity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    selector: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool | None] = mapped_column(Boolean)
    severity: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    tenant: Mapped[Tenant] = relationship(back_populates="rule_settings")


class Batch(Base):
    """A docket of documents checked in the background (the batch engine, `backend/batch/`, owns
    the work; this is its persistent state)."""

    __tablename__ = "batches"
    __table_args__ = (
        CheckConstraint(_in("status", BATCH_STATUSES), name="status"),
        Index(None, "tenant_id", "created_at"),
        Index(None, "status"),
        Index(None, "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Check options (jurisdiction, select, ignore, severity) fixed when the batch was created."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()
    """When the reports may be deleted (retention)."""
    error_code: Mapped[str | None] = mapped_column(String(64))
    storage_dir: Mapped[str | None] = mapped_column(String(500))
    """The batch's folder on disk (`uploads/` until it finishes, `annotated/` until it expires)."""
    skipped: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    """Upload entries that were not documents: [{"name", "reason"}] (see backend.batch.intake)."""

    files: Mapped[list[BatchFile]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="BatchFile.position"
    )


class BatchFile(Base):
    """One document of a batch. A worker claims a file by moving it from `queued` to `running`
    (setting `claimed_at`, `claimed_by`, `attempts + 1`) in one conditional UPDATE, and writes
    `report` and `state` = `done` in one transaction: after a restart, `running` files whose claim
    is stale go back to `queued`, and a `done` file is never processed again."""

    __tablename__ = "batch_files"
    __table_args__ = (
        UniqueConstraint("batch_id", "position"),
        CheckConstraint(_in("state", BATCH_FILE_STATES), name="state"),
        Index(None, "batch_id", "state"),
        Index(None, "state", "position"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    """Order of the file in the upload (0-based)."""
    name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column()
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    """The worker that holds the claim (host:pid)."""
    finished_at: Mapped[datetime | None] = mapped_column()
    errors: Mapped[int | None] = mapped_column(Integer)
    warnings: Mapped[int | None] = mapped_column(Integer)
    infos: Mapped[int | None] = mapped_column(Integer)
    report: Mapped[dict[str, Any] | None] = mapped_column()
    """The file's `CheckResult.to_json()`."""
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(String(500))
    categories: Mapped[dict[str, Any] | None] = mapped_column()
    """Findings by category and severity: {"antecedent_basis": {"error": 2, ...}} (with findings only)."""

    batch: Mapped[Batch] = relationship(back_populates="files")


class AuditEvent(Base):
    """Who did what to which document (by content hash), when, with what result. Never text."""

    __tablename__ = "audit_events"
    __table_args__ = (Index(None, "tenant_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    """"check", "check.annotate", "claims.parse", ..."""
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    document_size: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(64), default="ok")
    """"ok", or the stable error code of a refused input."""
    counts: Mapped[dict[str, Any] | None] = mapped_column()
    """Result summary: claims and findings by severity (numbers only)."""
    detail: Mapped[dict[str, Any] | None] = mapped_column()
    """Identity events: method, key prefix, roles before/after, target user; never a secret."""
    address: Mapped[str | None] = mapped_column(String(64))
    """The client's address (sign-ins and their failures)."""
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
