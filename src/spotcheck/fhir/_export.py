"""Export an assessment as a FHIR R4 Bundle (type ``collection``).

Entries: an anonymous Patient (sex only), the QuestionnaireResponse with every
answer, one Observation per known finding, a RiskAssessment with the ranked
causes, and a ClinicalImpression with the triage level and the advice.  The
mapping is documented in ``docs/fhir.md``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from ..engine import Assessment, Engine, Facts
from ..kb import FactValue
from ._codes import (
    ABSENT,
    DAR_EXTENSION,
    DAR_SYSTEM,
    EXT_TRIAGE_LEVEL,
    LOINC,
    LOINC_OF_FINDING,
    METHOD_SYSTEM,
    OBSERVATION_CATEGORY,
    PRESENT,
    QUESTIONNAIRE_URL,
    R4_PERCENT,
    RULE_SYSTEM,
    SESSION_SYSTEM,
    TRIAGE_PROCEDURE,
    TRIAGE_SYSTEM,
    VITAL_SIGNS,
    Json,
    canonical,
    condition_concept,
    fhir_datetime,
    finding_concept,
    meta,
    number_unit,
    quantity,
    stable_uuid,
    value_coding,
)

__all__ = [
    "answer_json",
    "clinical_impression",
    "export_bundle",
    "questionnaire_response_items",
    "risk_assessment",
]


def answer_json(engine: Engine, fid: str, value: FactValue | None) -> Json:
    """One QuestionnaireResponse answer; "don't know" is the data-absent-reason extension."""
    if value is None:
        return {"extension": [{"url": DAR_EXTENSION, "valueCode": "asked-unknown"}]}
    spec = engine.kb.findings[fid]
    if spec.type == "bool":
        return {"valueBoolean": bool(value)}
    if spec.type == "enum":
        return {"valueCoding": value_coding(engine, fid, str(value))}
    _, _, item_type = number_unit(engine, fid)
    if item_type == "integer" and float(value).is_integer():
        return {"valueInteger": int(value)}
    return {"valueDecimal": value}


def questionnaire_response_items(
    engine: Engine, facts: Mapping[str, FactValue | None], lang: str
) -> list[Json]:
    """Flat items, one per fact, in the Questionnaire's order."""
    pack = engine.kb.text(lang)
    return [
        {
            "linkId": fid,
            "text": pack.findings[fid].question,
            "answer": [answer_json(engine, fid, facts[fid])],
        }
        for fid in engine.kb.findings
        if fid in facts
    ]


# R4 vital-signs profiles of the findings that are vital signs.
_VITAL_PROFILE = {
    "heart_rate": "http://hl7.org/fhir/StructureDefinition/heartrate",
    "systolic_bp": "http://hl7.org/fhir/StructureDefinition/bp",
    "temperature": "http://hl7.org/fhir/StructureDefinition/bodytemp",
}
_BP_PANEL = {
    "system": LOINC,
    "code": "85354-9",
    "display": "Blood pressure panel with all children optional",
}
_DIASTOLIC = {"system": LOINC, "code": "8462-4", "display": "Diastolic blood pressure"}
_NOT_ASKED = {"system": DAR_SYSTEM, "code": "not-asked", "display": "Not Asked"}


def _vital_sign(engine: Engine, fid: str, value: FactValue, obs: Json, lang: str) -> None:
    """Make ``obs`` an R4 vital-signs Observation (category, LOINC code, profile)."""
    obs["meta"] = {**obs["meta"], "profile": [_VITAL_PROFILE[fid]]}
    obs["category"] = [{"coding": [VITAL_SIGNS]}]
    if fid != "systolic_bp":
        obs["valueQuantity"] = quantity(engine, fid, value)
        return
    # Blood pressure: the panel, systolic as a component; diastolic is required by
    # the bp profile and never asked, so it is absent with a reason.
    obs["code"] = {"coding": [_BP_PANEL], "text": _BP_PANEL["display"]}
    obs["component"] = [
        {"code": finding_concept(engine, fid, lang), "valueQuantity": quantity(engine, fid, value)},
        {"code": {"coding": [_DIASTOLIC]}, "dataAbsentReason": {"coding": [_NOT_ASKED]}},
    ]


def _observation(
    engine: Engine,
    fid: str,
    value: FactValue,
    *,
    rid: str,
    subject: Json,
    derived_from: Json,
    when: str,
    final: bool,
    lang: str,
) -> Json:
    spec = engine.kb.findings[fid]
    obs: Json = {
        "resourceType": "Observation",
        "id": rid,
        "meta": meta(engine),
        "status": "final" if final else "preliminary",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": finding_concept(engine, fid, lang),
        "subject": subject,
        "effectiveDateTime": when,
        "issued": when,
        "derivedFrom": [derived_from],
    }
    if spec.audience != "clinician":
        obs["performer"] = [subject]  # reported by the person
    if spec.type == "bool":
        obs["valueCodeableConcept"] = {"coding": [PRESENT if value else ABSENT]}
    elif spec.type == "enum":
        label = engine.kb.text(lang).findings[fid].values.get(str(value), str(value))
        obs["valueCodeableConcept"] = {
            "coding": [value_coding(engine, fid, str(value))],
            "text": label,
        }
    elif fid in LOINC_OF_FINDING:
        _vital_sign(engine, fid, value, obs, lang)
    else:
        obs["valueQuantity"] = quantity(engine, fid, value)
    return obs


def _ratio(lr: float) -> str:
    return f"×{lr:.2f}" if lr < 1 else f"×{lr:.1f}"


def risk_assessment(
    engine: Engine,
    result: Assessment,
    *,
    rid: str,
    subject: Json,
    basis: Sequence[Json],
    when: str,
    final: bool = True,
) -> Json:
    """The ranked causes as predictions, coded with ICD-10 (and SNOMED CT where known)."""
    pack = engine.kb.text(result.language)
    ui = pack.ui
    predictions = []
    for cause in result.causes:
        parts = []
        if cause.reasons_for:
            parts.append(
                f"{ui.get('reasons_for', 'Points towards')}: "
                + "; ".join(f"{r.label} ({_ratio(r.likelihood_ratio)})" for r in cause.reasons_for)
            )
        if cause.reasons_against:
            parts.append(
                f"{ui.get('reasons_against', 'Points against')}: "
                + "; ".join(
                    f"{r.label} ({_ratio(r.likelihood_ratio)})" for r in cause.reasons_against
                )
            )
        prediction: Json = {
            "outcome": condition_concept(engine, cause.id, result.language),
            # R4: a percentage (0-100), not R5's fraction.
            "probabilityDecimal": round(cause.probability * R4_PERCENT, 4),
        }
        if parts:
            prediction["rationale"] = ". ".join(parts)
        predictions.append(prediction)
    out: Json = {
        "resourceType": "RiskAssessment",
        "id": rid,
        "meta": meta(engine),
        "status": "final" if final else "preliminary",
        "method": {
            "coding": [
                {
                    "system": METHOD_SYSTEM,
                    "code": "bayesian-differential",
                    "display": "Exact Bayesian posterior over mutually exclusive causes",
                }
            ],
            "text": f"Spotcheck knowledge base {engine.version}",
        },
        "subject": subject,
        "occurrenceDateTime": when,
        "basis": list(basis),
        "prediction": predictions,
    }
    if result.must_not_miss:
        heading = ui.get("must_not_miss_heading", "Must not miss")
        out["note"] = [
            {
                "text": f"{heading}: "
                + "; ".join(f"{m.name} ({m.probability:.0%})" for m in result.must_not_miss)
            }
        ]
    return out


def clinical_impression(
    engine: Engine,
    result: Assessment,
    *,
    rid: str,
    subject: Json,
    investigated: Sequence[Json],
    prognosis: Json,
    supporting: Sequence[Json],
    when: str,
    final: bool = True,
) -> Json:
    """The triage level (coded, in an extension and the summary) with reasons and advice."""
    pack = engine.kb.text(result.language)
    ui = pack.ui
    label_en = engine.kb.text("en").levels[result.triage].label
    findings: list[Json] = []
    for reason in result.set_by:
        if reason.kind in ("rule", "explanation"):
            # Rules and explanations share one code system of triage-policy ids.
            concept: Json = {
                "coding": [{"system": RULE_SYSTEM, "code": reason.id}],
                "text": reason.id.replace("_", " "),
            }
        else:
            concept = condition_concept(engine, reason.id, result.language)
        findings.append({"itemCodeableConcept": concept, "basis": reason.text})
    safety = ui.get("safety_net_heading", "Get help sooner if")
    notes = [{"text": line} for line in result.advice]
    notes += [{"text": f"{safety}: {line}"} for line in result.safety_net]
    notes += [{"text": line} for line in result.for_doctor]
    if result.disclaimer:
        notes.append({"text": result.disclaimer})
    out: Json = {
        "resourceType": "ClinicalImpression",
        "id": rid,
        "meta": meta(engine),
        "extension": [
            {
                "url": EXT_TRIAGE_LEVEL,
                "valueCodeableConcept": {
                    "coding": [
                        {"system": TRIAGE_SYSTEM, "code": result.triage, "display": label_en}
                    ],
                    "text": result.triage_label,
                },
            }
        ],
        "status": "completed" if final else "in-progress",
        "code": {"coding": [TRIAGE_PROCEDURE], "text": "Spotcheck triage"},
        "description": (
            "Triage and differential diagnosis of bleeding after sex by Spotcheck "
            f"(knowledge base {engine.version}) from the person's own answers. "
            "Not a diagnosis."
        ),
        "subject": subject,
        "effectiveDateTime": when,
        "date": when,
        "investigation": [
            {"code": {"text": "Spotcheck interview answers"}, "item": list(investigated)}
        ],
        "protocol": [QUESTIONNAIRE_URL],
        "summary": f"{result.triage_label}. {result.triage_summary} {result.triage_action}",
        "prognosisReference": [prognosis],
        "supportingInfo": list(supporting),
        "note": notes,
    }
    if findings:
        out["finding"] = findings
    return out


def _ref(rid: str) -> Json:
    return {"reference": f"urn:uuid:{rid}"}


def export_bundle(
    engine: Engine,
    facts: Mapping[str, Any] | Facts,
    *,
    lang: str = "en",
    when: datetime | None = None,
    session_id: str | None = None,
    complete: bool = True,
) -> Bundle:
    """Assess ``facts`` and return the FHIR R4 Bundle (validated with ``fhir.resources``).

    Ids are name-based UUIDs of the session, the knowledge base and the facts,
    so exporting the same session twice gives the same ids.  ``complete=False``
    marks an unfinished interview (statuses ``in-progress`` / ``preliminary``).
    """
    checked = engine.facts(facts)
    result = engine.assess(checked, lang=lang)
    stamp = fhir_datetime(when)
    seed = json.dumps(
        [session_id or "", engine.version, checked.to_dict(), lang, complete], sort_keys=True
    )

    def rid(key: str) -> str:
        return stable_uuid(seed, key)

    patient_id, qr_id, risk_id, impression_id = (
        rid(k) for k in ("patient", "questionnaire-response", "risk", "impression")
    )
    subject = _ref(patient_id)
    patient: Json = {"resourceType": "Patient", "id": patient_id, "meta": meta(engine)}
    if checked.get("sex") in ("female", "male"):
        patient["gender"] = checked["sex"]
    qr: Json = {
        "resourceType": "QuestionnaireResponse",
        "id": qr_id,
        "meta": meta(engine),
        "language": lang,
        "questionnaire": canonical(engine),
        "status": "completed" if complete else "in-progress",
        "subject": subject,
        "authored": stamp,
        "author": subject,
        "item": questionnaire_response_items(engine, checked, lang),
    }
    if session_id:
        qr["identifier"] = {"system": SESSION_SYSTEM, "value": session_id}
    observations = [
        _observation(
            engine,
            fid,
            value,
            rid=rid(f"observation/{fid}"),
            subject=subject,
            derived_from=_ref(qr_id),
            when=stamp,
            final=complete,
            lang=lang,
        )
        for fid in engine.kb.findings
        if (value := checked.get(fid)) is not None
    ]
    obs_refs = [_ref(o["id"]) for o in observations]
    risk = risk_assessment(
        engine,
        result,
        rid=risk_id,
        subject=subject,
        basis=[*obs_refs, _ref(qr_id)],
        when=stamp,
        final=complete,
    )
    impression = clinical_impression(
        engine,
        result,
        rid=impression_id,
        subject=subject,
        investigated=[_ref(qr_id), *obs_refs],
        prognosis=_ref(risk_id),
        supporting=[_ref(qr_id)],
        when=stamp,
        final=complete,
    )
    resources = [patient, qr, *observations, risk, impression]
    bundle: Json = {
        "resourceType": "Bundle",
        "id": rid("bundle"),
        "meta": meta(engine),
        "type": "collection",
        "timestamp": stamp,
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
    if session_id:
        bundle["identifier"] = {"system": SESSION_SYSTEM, "value": session_id}
    return Bundle.model_validate(bundle)
