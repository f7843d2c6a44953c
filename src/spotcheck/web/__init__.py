"""The web adapter: REST API, patient web app, FHIR endpoints, persistence.

It imports the core; the core never imports it.
"""

from ._app import create_app

__all__ = ["create_app"]
