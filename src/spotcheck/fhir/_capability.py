"""The server's CapabilityStatement (``GET /fhir/metadata``)."""

from __future__ import annotations

from datetime import datetime

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from ..engine import Engine
from ._codes import FHIR_VERSION, QUESTIONNAIRE_URL, SDC_NEXT_QUESTION, fhir_datetime, meta

__all__ = ["capability_statement"]


def capability_statement(engine: Engine, when: datetime | None = None) -> CapabilityStatement:
    return CapabilityStatement.model_validate(
        {
            "resourceType": "CapabilityStatement",
            "meta": meta(engine),
            "status": "active",
            "date": fhir_datetime(when),
            "kind": "instance",
            "software": {"name": "Spotcheck", "version": engine.version},
            "implementation": {"description": "Spotcheck FHIR R4 interface"},
            "fhirVersion": FHIR_VERSION,
            "format": ["json"],
            "rest": [
                {
                    "mode": "server",
                    "resource": [
                        {
                            "type": "Questionnaire",
                            "interaction": [{"code": "read"}],
                            "operation": [
                                {"name": "next-question", "definition": SDC_NEXT_QUESTION}
                            ],
                            "documentation": f"The one Questionnaire is {QUESTIONNAIRE_URL}",
                        }
                    ],
                }
            ],
        }
    )
