"""Identity: roles admin/attorney/viewer ("member" becomes "attorney"), local accounts (password,
TOTP, lockout), sign-in sessions and refresh tokens, recovery codes, Entra tenant ids, API keys
with their own role (service keys without a user), audit event detail and client address.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NEW_ROLES = "role IN ('admin', 'attorney', 'viewer')"
OLD_ROLES = "role IN ('admin', 'member')"


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(op.f("uq_tenants_external_id"), ["external_id"])

    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_role"), type_="check")
        batch.add_column(sa.Column("password_hash", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("totp_secret", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("totp_confirmed_at", _utc(), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", _utc(), nullable=True))
        batch.add_column(sa.Column("disabled_at", _utc(), nullable=True))
        batch.add_column(sa.Column("last_sign_in_at", _utc(), nullable=True))
    op.execute("UPDATE users SET role = 'attorney' WHERE role = 'member'")
    with op.batch_alter_table("users") as batch:
        batch.alter_column("failed_logins", server_default=None)
        batch.create_check_constraint(op.f("ck_users_role"), NEW_ROLES)

    op.add_column("api_keys", sa.Column("role", sa.String(length=16), nullable=True))
    op.execute("UPDATE api_keys SET role = (SELECT users.role FROM users WHERE users.id = api_keys.user_id)")
    op.execute("UPDATE api_keys SET role = 'attorney' WHERE role IS NULL")
    with op.batch_alter_table("api_keys") as batch:
        batch.alter_column("role", existing_type=sa.String(length=16), nullable=False)
        batch.alter_column("user_id", existing_type=sa.String(length=36), nullable=True)
        batch.add_column(sa.Column("created_by", sa.String(length=36), nullable=True))
        batch.create_foreign_key(
            op.f("fk_api_keys_created_by_users"), "users", ["created_by"], ["id"], ondelete="SET NULL"
        )
        batch.create_check_constraint(op.f("ck_api_keys_role"), NEW_ROLES)

    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("detail", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("address", sa.String(length=64), nullable=True))

    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("revoked_at", _utc(), nullable=True),
        sa.Column("revoked_reason", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_auth_sessions_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_auth_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
    )
    op.create_index(op.f("ix_auth_sessions_user_id"), "auth_sessions", ["user_id"])
    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("used_at", _utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["auth_sessions.id"],
            name=op.f("fk_refresh_tokens_session_id_auth_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_refresh_tokens_token_sha256")),
    )
    op.create_index(op.f("ix_refresh_tokens_session_id"), "refresh_tokens", ["session_id"])
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("code_sha256", sa.String(length=64), nullable=False),
        sa.Column("used_at", _utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    op.create_index(op.f("ix_recovery_codes_user_id"), "recovery_codes", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_recovery_codes_user_id"), table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_index(op.f("ix_refresh_tokens_session_id"), table_name="refresh_tokens")
    op.drop_table("refresh_tokens")
    op.drop_index(op.f("ix_auth_sessions_user_id"), table_name="auth_sessions")
    op.drop_table("auth_sessions")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("address")
        batch.drop_column("detail")
    op.execute("DELETE FROM api_keys WHERE user_id IS NULL")  # service keys cannot exist before 0003
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint(op.f("ck_api_keys_role"), type_="check")
        batch.drop_constraint(op.f("fk_api_keys_created_by_users"), type_="foreignkey")
        batch.drop_column("created_by")
        batch.alter_column("user_id", existing_type=sa.String(length=36), nullable=False)
        batch.drop_column("role")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_role"), type_="check")
    op.execute("UPDATE users SET role = 'member' WHERE role IN ('attorney', 'viewer')")
    with op.batch_alter_table("users") as batch:
        for column in (
            "last_sign_in_at",
            "disabled_at",
            "locked_until",
            "failed_logins",
            "totp_last_step",
            "totp_confirmed_at",
            "totp_secret",
            "password_hash",
        ):
            batch.drop_column(column)
        batch.create_check_constraint(op.f("ck_users_role"), OLD_ROLES)
    with op.batch_alter_table("tenants") as batch:
        batch.drop_constraint(op.f("uq_tenants_external_id"), type_="unique")
        batch.drop_column("external_id")
