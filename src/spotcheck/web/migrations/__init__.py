"""Alembic migrations of the session database (run by ``Database.migrate``)."""
