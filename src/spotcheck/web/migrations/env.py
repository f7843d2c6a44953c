"""Alembic environment: runs on the connection that ``Database.migrate`` passes in.

There is no alembic.ini: the app configures Alembic in code, so the
migrations ship inside the package and run wherever it is installed.  To
run Alembic by hand, use ``spotcheck serve --migrate-only`` (upgrade) or
build a Config the same way ``spotcheck.web._db.Database.alembic_config`` does.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from spotcheck.web._db import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run the migrations through spotcheck.web._db.Database.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things in place; batch mode copies the table.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
