"""Resume codes (issue 13): a short code to write down instead of a bookmarked link.

``resume_key`` holds the SHA-256 of a code, never the code; it is empty when
no code was asked for, and emptied once the code is used.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("spotcheck_sessions") as batch:
        batch.add_column(sa.Column("resume_key", sa.String(64), nullable=True))
    op.create_index(
        "ix_spotcheck_sessions_resume_key", "spotcheck_sessions", ["resume_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_spotcheck_sessions_resume_key", table_name="spotcheck_sessions")
    with op.batch_alter_table("spotcheck_sessions") as batch:
        batch.drop_column("resume_key")
