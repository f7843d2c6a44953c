"""The web adapter: REST API, patient web app, FHIR endpoints, persistence.

It imports the core; the core never imports it.
"""

from ._app import create_app
from ._db import Database
from ._security import require_csrf
from ._settings import Settings
from ._store import SessionRecord, SessionStore

__all__ = ["Database", "SessionRecord", "SessionStore", "Settings", "create_app", "require_csrf"]
