"""Batch service: where a batch's files are stored, the entries its upload skipped, each file's
categories and error message, and the indexes the dispatcher's claim and purge queries use.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (nullable) works on SQLite too: no table copy needed
    op.add_column("batches", sa.Column("storage_dir", sa.String(length=500), nullable=True))
    op.add_column("batches", sa.Column("skipped", sa.JSON(), nullable=True))
    op.create_index(op.f("ix_batches_expires_at"), "batches", ["expires_at"])
    op.add_column("batch_files", sa.Column("categories", sa.JSON(), nullable=True))
    op.add_column("batch_files", sa.Column("error_message", sa.String(length=500), nullable=True))
    op.create_index(op.f("ix_batch_files_state_position"), "batch_files", ["state", "position"])


def downgrade() -> None:
    op.drop_index(op.f("ix_batch_files_state_position"), table_name="batch_files")
    op.drop_index(op.f("ix_batches_expires_at"), table_name="batches")
    with op.batch_alter_table("batch_files") as batch:
        batch.drop_column("error_message")
        batch.drop_column("categories")
    with op.batch_alter_table("batches") as batch:
        batch.drop_column("skipped")
        batch.drop_column("storage_dir")
