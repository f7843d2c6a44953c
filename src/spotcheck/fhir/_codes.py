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
    "ICD10_DISPLAY",
    "KB_VERSION_SYSTEM",
    "LOINC",
    "LOINC_OF_FINDING",
    "MAX_VALUE",
    "METHOD_SYSTEM",
    "MIN_VALUE",
    "OBSERVATION_CATEGORY",
    "PRESENT",
    "QUESTIONNAIRE_URL",
    "R4_PERCENT",
    "RULE_SYSTEM",
    "SDC_NEXT_QUESTION",
    "SESSION_SYSTEM",
    "SNOMED",
    "SNOMED_DISPLAY",
    "TRANSLATION",
    "TRIAGE_PROCEDURE",
    "TRIAGE_SYSTEM",
    "UCUM",
    "UNIT_EXTENSION",
    "VITAL_SIGNS",
    "Json",
    "canonical",
    "condition_concept",
    "fhir_datetime",
    "finding_concept",
    "icd10_codes",
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
LOINC = "http://loinc.org"
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

# R4 RiskAssessment.prediction.probabilityDecimal is a percentage (0-100,
# invariant ras-2); R5 made it a fraction (0-1).  Posterior x R4_PERCENT.
R4_PERCENT = 100

FHIR_VERSION = "4.0.1"
FHIR_MEDIA_TYPE = "application/fhir+json; fhirVersion=4.0"

# SNOMED CT qualifier values for a finding that is there or not.
PRESENT = {"system": SNOMED, "code": "52101004", "display": "Present"}
ABSENT = {"system": SNOMED, "code": "2667000", "display": "Absent"}
# SNOMED CT "Triage (procedure)": the kind of assessment a ClinicalImpression records.
TRIAGE_PROCEDURE = {"system": SNOMED, "code": "225390008", "display": "Triage"}
VITAL_SIGNS = {
    "system": OBSERVATION_CATEGORY,
    "code": "vital-signs",
    "display": "Vital Signs",
}

# Findings that are R4 vital signs: the LOINC code of the measured value
# (the item's code) -- the Observation of blood pressure is the 85354-9 panel
# with this value as its systolic component (see ``_export._vital_sign``).
LOINC_OF_FINDING: dict[str, Json] = {
    "heart_rate": {"system": LOINC, "code": "8867-4", "display": "Heart rate"},
    "systolic_bp": {"system": LOINC, "code": "8480-6", "display": "Systolic blood pressure"},
    "temperature": {"system": LOINC, "code": "8310-5", "display": "Body temperature"},
}

# ICD-10 (WHO) codes where the knowledge base's single code does not fit the
# condition as the knowledge base names it (issue 12): corrected or split.
#   menstruation_onset  N93.0 is "postcoital and contact bleeding", the symptom,
#                       not the start of a period; ICD-10 has no code for normal
#                       menstruation, so the condition gets no ICD-10 coding.
#   vulvovaginal_cancer C51.9 is the vulva only: + C52 (vagina).
#   cervical_cancer     C53.9 is invasive cancer only: + D06.9 (CIN III /
#                       carcinoma in situ) and N87.1 (CIN II), the high-grade CIN.
#   miscarriage         O20.0 is threatened miscarriage only: + O03.9
#                       (spontaneous abortion, complete or unspecified).
#   post_procedure_bleeding T81.0 excludes obstetric bleeding: + O72.2
#                       (delayed and secondary postpartum haemorrhage).
_ICD10_OVERRIDE: dict[str, tuple[str, ...]] = {
    "menstruation_onset": (),
    "vulvovaginal_cancer": ("C51.9", "C52"),
    "cervical_cancer": ("C53.9", "D06.9", "N87.1"),
    "miscarriage": ("O20.0", "O03.9"),
    "post_procedure_bleeding": ("T81.0", "O72.2"),
}

# WHO ICD-10 (2019) titles of every code used.
ICD10_DISPLAY: dict[str, str] = {
    "A54.0": "Gonococcal infection of lower genitourinary tract without periurethral or "
    "accessory gland abscess",
    "A56.0": "Chlamydial infection of lower genitourinary tract",
    "A59.0": "Urogenital trichomoniasis",
    "A60.0": "Herpesviral infection of genitalia and urogenital tract",
    "A63.8": "Other specified predominantly sexually transmitted diseases",
    "B37.3": "Candidiasis of vulva and vagina",
    "C51.9": "Malignant neoplasm of vulva, unspecified",
    "C52": "Malignant neoplasm of vagina",
    "C53.9": "Malignant neoplasm of cervix uteri, unspecified",
    "C54.1": "Malignant neoplasm of endometrium",
    "C61": "Malignant neoplasm of prostate",
    "C67.9": "Malignant neoplasm of bladder, unspecified",
    "D06.9": "Carcinoma in situ of cervix, unspecified",
    "D25.9": "Leiomyoma of uterus, unspecified",
    "D68.3": "Haemorrhagic disorder due to circulating anticoagulants",
    "D68.9": "Coagulation defect, unspecified",
    "K60.2": "Anal fissure, unspecified",
    "N34.1": "Nonspecific urethritis",
    "N39.0": "Urinary tract infection, site not specified",
    "N41.9": "Inflammatory disease of prostate, unspecified",
    "N44.0": "Torsion of testis",
    "N45.9": "Orchitis, epididymitis and epididymo-orchitis without abscess",
    "N50.1": "Vascular disorders of male genital organs",
    "N72": "Inflammatory disease of cervix uteri",
    "N73.9": "Female pelvic inflammatory disease, unspecified",
    "N76.0": "Acute vaginitis",
    "N80.9": "Endometriosis, unspecified",
    "N83.1": "Corpus luteum cyst",
    "N84.0": "Polyp of corpus uteri",
    "N84.1": "Polyp of cervix uteri",
    "N85.0": "Endometrial glandular hyperplasia",
    "N86": "Erosion and ectropion of cervix uteri",
    "N87.1": "Moderate cervical dysplasia",
    "N93.0": "Postcoital and contact bleeding",
    "N93.8": "Other specified abnormal uterine and vaginal bleeding",
    "N95.2": "Postmenopausal atrophic vaginitis",
    "O00.9": "Ectopic pregnancy, unspecified",
    "O03.9": "Spontaneous abortion, complete or unspecified, without complication",
    "O20.0": "Threatened abortion",
    "O20.8": "Other haemorrhage in early pregnancy",
    "O46.9": "Antepartum haemorrhage, unspecified",
    "O72.2": "Delayed and secondary postpartum haemorrhage",
    "S31.2": "Open wound of penis",
    "S31.4": "Open wound of vagina and vulva",
    "S37.3": "Injury of urethra",
    "S39.8": "Other specified injuries of abdomen, lower back and pelvis",
    "T81.0": "Haemorrhage and haematoma complicating a procedure, not elsewhere classified",
    "Z71.1": "Person with feared complaint in whom no diagnosis is made",
}

# SNOMED CT preferred terms of the codes the knowledge base carries.
SNOMED_DISPLAY: dict[str, str] = {
    "105629000": "Chlamydial infection",
    "129103003": "Endometriosis",
    "15628003": "Gonorrhea",
    "17369002": "Miscarriage",
    "198130006": "Female pelvic inflammatory disease",
    "31822004": "Urethritis",
    "33839006": "Genital herpes simplex",
    "34801009": "Ectopic pregnancy",
    "419760006": "Bacterial vaginosis",
    "56335008": "Trichomoniasis",
    "72934000": "Candidiasis of vagina",
    "95315005": "Uterine leiomyoma",
}

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


def _coding(system: str, code: str, displays: dict[str, str]) -> Json:
    out: Json = {"system": system, "code": code}
    if code in displays:
        out["display"] = displays[code]
    return out


def _snomed(code: str) -> Json:
    return _coding(SNOMED, code, SNOMED_DISPLAY)


def icd10_codes(engine: Engine, cid: str) -> tuple[str, ...]:
    """The ICD-10 codes of a condition: the knowledge base's, or the corrected split."""
    if cid in _ICD10_OVERRIDE:
        return _ICD10_OVERRIDE[cid]
    return (engine.kb.conditions[engine.kb.condition_index[cid]].icd10,)


def finding_concept(engine: Engine, fid: str, lang: str = "en") -> Json:
    """The CodeableConcept of a finding: SNOMED CT when the KB has it, Spotcheck's code always."""
    spec = engine.kb.findings[fid]
    coding: list[Json] = []
    if fid in LOINC_OF_FINDING:
        coding.append(dict(LOINC_OF_FINDING[fid]))
    if spec.snomed:
        coding.append(_snomed(spec.snomed))
    name_en = engine.kb.text("en").findings[fid].name
    coding.append({"system": FINDING_SYSTEM, "code": fid, "display": name_en})
    return {"coding": coding, "text": engine.kb.text(lang).findings[fid].name}


def condition_concept(engine: Engine, cid: str, lang: str = "en") -> Json:
    """A condition coded with ICD-10, SNOMED CT where known, and Spotcheck's own code."""
    spec = engine.kb.conditions[engine.kb.condition_index[cid]]
    name_en = engine.kb.text("en").conditions[cid].name
    coding: list[Json] = [_coding(ICD10, code, ICD10_DISPLAY) for code in icd10_codes(engine, cid)]
    if spec.snomed:
        coding.append(_snomed(spec.snomed))
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
