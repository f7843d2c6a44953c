"""Canonical URLs, code systems and small element builders shared by the FHIR adapter.

Everything here produces plain JSON-shaped dicts; the builders validate the
finished resources with the ``fhir.resources`` R4B models (see ``docs/fhir.md``
for why R4B models stand in for R4).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from ..engine import Engine
from ..kb import FactValue

__all__ = [
    "ABSENT",
    "ADAPTIVE_EXTENSION",
    "ANSWER_SYSTEM",
    "BASE",
    "CONDITION_SYSTEM",
    "DAR_EXTENSION",
    "DAR_SYSTEM",
    "DONT_KNOW",
    "EXT_ASSESSMENT",
    "EXT_TRIAGE_LEVEL",
    "FHIR_MEDIA_TYPE",
    "FHIR_VERSION",
    "FINDING_SYSTEM",
    "HIDDEN_EXTENSION",
    "ICD10",
    "KB_VERSION_SYSTEM",
    "MAX_VALUE",
    "METHOD_SYSTEM",
    "MIN_VALUE",
    "OBSERVATION_CATEGORY",
    "PRESENT",
    "QUESTIONNAIRE_URL",
    "RULE_SYSTEM",
    "SDC_NEXT_QUESTION",
    "SESSION_SYSTEM",
    "SNOMED",
    "TRANSLATION",
    "TRIAGE_PROCEDURE",
    "TRIAGE_SYSTEM",
    "UCUM",
    "UNIT_EXTENSION",
    "Json",
    "canonical",
    "condition_concept",
    "fhir_datetime",
    "finding_concept",
    "meta",
    "number_unit",
    "quantity",
    "stable_uuid",
    "translated",
    "value_coding",
]

Json = dict[str, Any]

# The canonical base: an identifier, not necessarily where the server runs.
BASE = "https://spotcheck.example.org/fhir"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/spotcheck"
FINDING_SYSTEM = f"{BASE}/CodeSystem/finding"
ANSWER_SYSTEM = f"{BASE}/CodeSystem/answer"
CONDITION_SYSTEM = f"{BASE}/CodeSystem/condition"
TRIAGE_SYSTEM = f"{BASE}/CodeSystem/triage-level"
RULE_SYSTEM = f"{BASE}/CodeSystem/red-flag-rule"
METHOD_SYSTEM = f"{BASE}/CodeSystem/method"
KB_VERSION_SYSTEM = f"{BASE}/CodeSystem/kb-version"
SESSION_SYSTEM = f"{BASE}/NamingSystem/session"
EXT_TRIAGE_LEVEL = f"{BASE}/StructureDefinition/triage-level"
EXT_ASSESSMENT = f"{BASE}/StructureDefinition/questionnaireresponse-assessment"

SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
UCUM = "http://unitsofmeasure.org"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
DAR_EXTENSION = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
DAR_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
HIDDEN_EXTENSION = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden"
UNIT_EXTENSION = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
ADAPTIVE_EXTENSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-questionnaireAdaptive"
)
SDC_NEXT_QUESTION = "http://hl7.org/fhir/uv/sdc/OperationDefinition/Questionnaire-next-question"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

FHIR_VERSION = "4.0.1"
FHIR_MEDIA_TYPE = "application/fhir+json; fhirVersion=4.0"

# SNOMED CT qualifier values for a finding that is there or not.
PRESENT = {"system": SNOMED, "code": "52101004", "display": "Present"}
ABSENT = {"system": SNOMED, "code": "2667000", "display": "Absent"}
# SNOMED CT "Triage (procedure)": the kind of assessment a ClinicalImpression records.
TRIAGE_PROCEDURE = {"system": SNOMED, "code": "225390008", "display": "Triage"}
DONT_KNOW = {"system": DAR_SYSTEM, "code": "asked-unknown", "display": "Asked But Unknown"}

# Units of the vocabulary -> (UCUM code, questionnaire item type).
_UNITS: dict[str, tuple[str, str]] = {
    "years": ("a", "integer"),
    "weeks": ("wk", "decimal"),
    "beats/min": ("/min", "integer"),
    "mmHg": ("mm[Hg]", "integer"),
    "hours": ("h", "decimal"),
    "days": ("d", "integer"),
    "episodes": ("{episodes}", "integer"),
    "degrees C": ("Cel", "decimal"),
}


def canonical(engine: Engine) -> str:
    """The versioned canonical of the Spotcheck Questionnaire."""
    return f"{QUESTIONNAIRE_URL}|{engine.version}"


def meta(engine: Engine) -> Json:
    """``meta`` carrying the knowledge-base version (a tag, and the source)."""
    return {
        "source": f"{BASE}/kb/{engine.version}",
        "tag": [
            {
                "system": KB_VERSION_SYSTEM,
                "code": engine.version,
                "display": f"Spotcheck knowledge base {engine.version}",
            }
        ],
    }


def stable_uuid(*parts: object) -> str:
    """A name-based UUID: the same inputs always give the same id."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "|".join(str(p) for p in (BASE, *parts))))


def fhir_datetime(when: datetime | None) -> str:
    """A FHIR ``dateTime`` with a time zone (UTC when ``when`` has none)."""
    moment = when or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


def translated(engine: Engine, text_of: dict[str, str], base: str = "en") -> Json:
    """The ``_element`` carrying the translation extension for every other language."""
    extensions = [
        {
            "url": TRANSLATION,
            "extension": [
                {"url": "lang", "valueCode": lang},
                {"url": "content", "valueString": text},
            ],
        }
        for lang, text in text_of.items()
        if lang != base and text
    ]
    return {"extension": extensions} if extensions else {}


def finding_concept(engine: Engine, fid: str, lang: str = "en") -> Json:
    """The CodeableConcept of a finding: SNOMED CT when the KB has it, Spotcheck's code always."""
    spec = engine.kb.findings[fid]
    coding: list[Json] = []
    if spec.snomed:
        coding.append({"system": SNOMED, "code": spec.snomed})
    name_en = engine.kb.text("en").findings[fid].name
    coding.append({"system": FINDING_SYSTEM, "code": fid, "display": name_en})
    return {"coding": coding, "text": engine.kb.text(lang).findings[fid].name}


def condition_concept(engine: Engine, cid: str, lang: str = "en") -> Json:
    """A condition coded with ICD-10, SNOMED CT where known, and Spotcheck's own code."""
    spec = engine.kb.conditions[engine.kb.condition_index[cid]]
    name_en = engine.kb.text("en").conditions[cid].name
    coding: list[Json] = [{"system": ICD10, "code": spec.icd10}]
    if spec.snomed:
        coding.append({"system": SNOMED, "code": spec.snomed})
    coding.append({"system": CONDITION_SYSTEM, "code": cid, "display": name_en})
    return {"coding": coding, "text": engine.kb.text(lang).conditions[cid].name}


def value_coding(engine: Engine, fid: str, value: str) -> Json:
    """The Coding of one value of an enum finding (Spotcheck's answer code system)."""
    label = engine.kb.text("en").findings[fid].values.get(value, value)
    return {"system": ANSWER_SYSTEM, "code": value, "display": label}


def number_unit(engine: Engine, fid: str) -> tuple[str | None, str, str]:
    """(UCUM code or None, unit text, item type) of a numeric finding."""
    unit = engine.kb.findings[fid].unit or ""
    code, item_type = _UNITS.get(unit, (None, "decimal"))
    return code, unit, item_type


def quantity(engine: Engine, fid: str, value: FactValue) -> Json:
    code, unit, _ = number_unit(engine, fid)
    out: Json = {"value": value, "unit": unit}
    if code:
        out |= {"system": UCUM, "code": code}
    return out
