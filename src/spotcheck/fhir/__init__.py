"""FHIR R4 adapter over the core: export assessments, serve the adaptive interview.

>>> from spotcheck import Engine
>>> from spotcheck.fhir import export_bundle
>>> bundle = export_bundle(Engine.default(), {"sex": "female", "age": 31, "fever": True})
>>> bundle.type
'collection'

Resources are built and validated with the ``fhir.resources`` R4B models,
which read and write FHIR R4 (4.0.1) JSON for every resource used here; see
``docs/fhir.md`` for the mapping and that decision.  The core never imports
this package.
"""

from ._adaptive import (
    next_question,
    next_question_json,
    questionnaire_response_json,
    read_answers,
)
from ._capability import capability_statement
from ._codes import (
    ANSWER_SYSTEM,
    CONDITION_SYSTEM,
    EXT_ASSESSMENT,
    EXT_TRIAGE_LEVEL,
    FHIR_MEDIA_TYPE,
    FHIR_VERSION,
    FINDING_SYSTEM,
    KB_VERSION_SYSTEM,
    QUESTIONNAIRE_URL,
    canonical,
)
from ._export import answer_json, export_bundle
from ._outcome import FhirInputError, operation_outcome, outcome_for
from ._questionnaire import build_questionnaire, enable_when, finding_item, pick_language
from ._result import RESULT_LINKID, result_items

__all__ = [
    "ANSWER_SYSTEM",
    "CONDITION_SYSTEM",
    "EXT_ASSESSMENT",
    "EXT_TRIAGE_LEVEL",
    "FHIR_MEDIA_TYPE",
    "FHIR_VERSION",
    "FINDING_SYSTEM",
    "KB_VERSION_SYSTEM",
    "QUESTIONNAIRE_URL",
    "RESULT_LINKID",
    "FhirInputError",
    "answer_json",
    "build_questionnaire",
    "canonical",
    "capability_statement",
    "enable_when",
    "export_bundle",
    "finding_item",
    "next_question",
    "next_question_json",
    "operation_outcome",
    "outcome_for",
    "pick_language",
    "questionnaire_response_json",
    "read_answers",
    "result_items",
]
