"""Store a hash of each session id, not the id itself (issue 13).

The column keeps its name and type: from now on ``id`` holds the SHA-256 of
the session id in hex (64 characters), see ``_store.session_key``.  Rows
written before this revision hold the id in clear (43 characters); they are
hashed in place, so their links keep working.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_HEX = frozenset("0123456789abcdef")


def _hashed(value: str) -> bool:
    return len(value) == 64 and _HEX.issuperset(value)


def upgrade() -> None:
    conn = op.get_bind()
    table = sa.table("spotcheck_sessions", sa.column("id", sa.String(64)))
    ids = [row[0] for row in conn.execute(sa.select(table.c.id))]
    for old in ids:
        if not _hashed(old):
            new = hashlib.sha256(old.encode("ascii")).hexdigest()
            conn.execute(table.update().where(table.c.id == old).values(id=new))


def downgrade() -> None:
    # A hash cannot be turned back into the id: the sessions cannot be opened any
    # more by the older code, so they are removed rather than left unreachable.
    op.execute("DELETE FROM spotcheck_sessions")
