"""Sessions table.

Revision ID: 0001
Revises:
Create Date: 2025-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from spotcheck.web._db import JSONData, UTCDateTime

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "spotcheck_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("answers", JSONData, nullable=False),
        sa.Column("result", JSONData, nullable=True),
        sa.Column("kb_version", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_spotcheck_sessions_expires_at", "spotcheck_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_spotcheck_sessions_expires_at", table_name="spotcheck_sessions")
    op.drop_table("spotcheck_sessions")
