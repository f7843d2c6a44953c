"""FHIR R4 export and Questionnaire: every bundle validates and says what the engine said."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from typer.testing import CliRunner

from spotcheck import Engine
from spotcheck.cli import app
from spotcheck.evaluation import Case, load_cases
from spotcheck.fhir import (
    ANSWER_SYSTEM,
    CONDITION_SYSTEM,
    EXT_TRIAGE_LEVEL,
    FINDING_SYSTEM,
    KB_VERSION_SYSTEM,
    QUESTIONNAIRE_URL,
    build_questionnaire,
    canonical,
    export_bundle,
    read_answers,
)
from spotcheck.fhir._codes import (
    DAR_EXTENSION,
    DAR_SYSTEM,
    ICD10,
    SNOMED,
    TRANSLATION,
    TRIAGE_SYSTEM,
    UCUM,
    icd10_codes,
)

from .conftest import CASES, ROOT, SHARED

ENGINE = Engine.default()
OWN = CASES / "vignettes.jsonl"
DEV = SHARED / "vignettes" / "dev.jsonl"


def _cases(path: Path) -> list[Case]:
    return load_cases(ENGINE, path) if path.exists() else []


ALL = _cases(OWN) + _cases(DEV)
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _one(bundle: dict[str, Any], kind: str) -> dict[str, Any]:
    (found,) = _resources(bundle, kind)
    return found


def _codes(concept: dict[str, Any], system: str) -> list[str]:
    return [c["code"] for c in concept.get("coding", []) if c.get("system") == system]


def _translation(element: dict[str, Any], lang: str) -> str | None:
    for ext in element.get("extension", []):
        if ext["url"] == TRANSLATION:
            parts = {e["url"]: e for e in ext["extension"]}
            if parts["lang"]["valueCode"] == lang:
                return str(parts["content"]["valueString"])
    return None


def test_there_are_cases() -> None:
    assert len(ALL) >= 40


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_export_validates_and_matches_the_assessment(case: Case) -> None:
    result = ENGINE.assess(case.facts)
    text = export_bundle(ENGINE, case.facts, when=WHEN).model_dump_json()
    bundle = json.loads(text)
    # It parses and validates again from its own JSON.
    assert Bundle.model_validate_json(text).type == "collection"
    assert bundle["type"] == "collection"

    # Every resource carries the knowledge-base version; every reference resolves.
    urls = {e["fullUrl"] for e in bundle["entry"]}
    for resource in [bundle] + [e["resource"] for e in bundle["entry"]]:
        tags = resource["meta"]["tag"]
        assert {"system": KB_VERSION_SYSTEM, "code": ENGINE.version} in [
            {"system": t["system"], "code": t["code"]} for t in tags
        ]
    refs = [m for m in _references(bundle["entry"]) if m.startswith("urn:uuid:")]
    assert refs
    assert set(refs) <= urls

    # The response: every answer, pointing at the versioned Questionnaire.
    qr = _one(bundle, "QuestionnaireResponse")
    assert qr["questionnaire"] == f"{QUESTIONNAIRE_URL}|{ENGINE.version}"
    assert qr["status"] == "completed"
    assert {i["linkId"] for i in qr["item"]} == set(case.facts)
    assert read_answers(ENGINE, qr) == case.facts

    # One Observation per known finding, with the right kind of value.
    observations = _resources(bundle, "Observation")
    known = case.facts.known()
    assert len(observations) == len(known)
    for obs in observations:
        concept = obs["component"][0]["code"] if "component" in obs else obs["code"]
        (fid,) = _codes(concept, FINDING_SYSTEM)
        spec = ENGINE.kb.findings[fid]
        if spec.snomed:
            assert _codes(obs["code"], SNOMED) == [spec.snomed]
        if spec.type == "bool":
            expected = "52101004" if known[fid] else "2667000"
            assert _codes(obs["valueCodeableConcept"], SNOMED) == [expected]
        elif spec.type == "enum":
            assert _codes(obs["valueCodeableConcept"], ANSWER_SYSTEM) == [known[fid]]
        else:
            quantity = obs["component"][0] if "component" in obs else obs
            assert quantity["valueQuantity"]["value"] == known[fid]
            assert quantity["valueQuantity"]["system"] == UCUM

    # The ranked causes, coded, with the engine's probabilities; basis = the observations.
    risk = _one(bundle, "RiskAssessment")
    predictions = risk["prediction"]
    assert [_codes(p["outcome"], CONDITION_SYSTEM)[0] for p in predictions] == list(result.top)
    for prediction, cause in zip(predictions, result.causes, strict=True):
        # R4: a percentage (0-100).
        assert prediction["probabilityDecimal"] == pytest.approx(100 * cause.probability, abs=1e-4)
        assert _codes(prediction["outcome"], ICD10) == list(icd10_codes(ENGINE, cause.id))
        snomed = ENGINE.kb.conditions[ENGINE.kb.condition_index[cause.id]].snomed
        assert _codes(prediction["outcome"], SNOMED) == ([snomed] if snomed else [])
    basis = {b["reference"] for b in risk["basis"]}
    assert {f"urn:uuid:{o['id']}" for o in observations} <= basis

    # The triage level and the advice.
    impression = _one(bundle, "ClinicalImpression")
    (level,) = [e for e in impression["extension"] if e["url"] == EXT_TRIAGE_LEVEL]
    assert _codes(level["valueCodeableConcept"], TRIAGE_SYSTEM) == [result.triage]
    assert impression["prognosisReference"] == [{"reference": f"urn:uuid:{risk['id']}"}]
    notes = [n["text"] for n in impression["note"]]
    assert all(line in notes for line in result.advice)


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [r for v in node.values() for r in _references(v)]
    if isinstance(node, list):
        return [r for v in node for r in _references(v)]
    return []


def test_dont_know_is_in_the_response_but_not_an_observation() -> None:
    facts = {"sex": "female", "age": 30, "fever": None, "bleeding_amount": None}
    bundle = json.loads(export_bundle(ENGINE, facts).model_dump_json())
    qr = _one(bundle, "QuestionnaireResponse")
    answers = {i["linkId"]: i["answer"][0] for i in qr["item"]}
    for fid in ("fever", "bleeding_amount"):
        assert answers[fid]["extension"][0]["url"] == DAR_EXTENSION
        assert answers[fid]["extension"][0]["valueCode"] == "asked-unknown"
    observed = {_codes(o["code"], FINDING_SYSTEM)[0] for o in _resources(bundle, "Observation")}
    assert observed == {"sex", "age"}


def test_russian_export_keeps_codes_and_translates_texts() -> None:
    facts = {"sex": "female", "age": 30, "fever": True}
    ru = json.loads(export_bundle(ENGINE, facts, lang="ru").model_dump_json())
    en = json.loads(export_bundle(ENGINE, facts, lang="en").model_dump_json())
    level_ru = _one(ru, "ClinicalImpression")["extension"][0]["valueCodeableConcept"]
    level_en = _one(en, "ClinicalImpression")["extension"][0]["valueCodeableConcept"]
    assert level_ru["coding"] == level_en["coding"]
    assert level_ru["text"] == ENGINE.assess(facts, lang="ru").triage_label != level_en["text"]
    assert _one(ru, "QuestionnaireResponse")["language"] == "ru"


def test_ids_are_stable_per_session_and_facts() -> None:
    facts = {"sex": "male", "age": 40, "blood_in_semen": True}
    first = export_bundle(ENGINE, facts, session_id="abc")
    again = export_bundle(ENGINE, facts, session_id="abc")
    other = export_bundle(ENGINE, facts, session_id="xyz")
    assert [e.fullUrl for e in first.entry or []] == [e.fullUrl for e in again.entry or []]
    assert {e.fullUrl for e in first.entry or []}.isdisjoint(e.fullUrl for e in other.entry or [])


def test_an_unfinished_interview_is_marked_so() -> None:
    bundle = json.loads(export_bundle(ENGINE, {"sex": "female"}, complete=False).model_dump_json())
    assert _one(bundle, "QuestionnaireResponse")["status"] == "in-progress"
    assert _one(bundle, "RiskAssessment")["status"] == "preliminary"
    assert _one(bundle, "ClinicalImpression")["status"] == "in-progress"
    assert {o["status"] for o in _resources(bundle, "Observation")} == {"preliminary"}


# --- the Questionnaire -------------------------------------------------------------


def test_questionnaire_has_every_finding_with_translations() -> None:
    questionnaire = build_questionnaire(ENGINE)
    data = json.loads(questionnaire.model_dump_json())
    Questionnaire.model_validate(data)
    assert data["url"] == QUESTIONNAIRE_URL
    assert data["version"] == ENGINE.version
    assert f"{data['url']}|{data['version']}" == canonical(ENGINE)
    items = {i["linkId"]: i for i in data["item"]}
    assert list(items) == list(ENGINE.kb.findings)
    en, ru = ENGINE.kb.text("en"), ENGINE.kb.text("ru")
    for fid, spec in ENGINE.kb.findings.items():
        item = items[fid]
        assert item["text"] == en.findings[fid].question
        assert _translation(item["_text"], "ru") == ru.findings[fid].question
        assert _codes({"coding": item["code"]}, FINDING_SYSTEM) == [fid]
        expected_type = {"bool": "boolean", "enum": "choice"}.get(spec.type)
        if expected_type:
            assert item["type"] == expected_type
        else:
            assert item["type"] in ("integer", "decimal")
            units = [e for e in item["extension"] if e["url"].endswith("questionnaire-unit")]
            assert units
            assert units[0]["valueCoding"]["system"] == UCUM
        if spec.type == "enum":
            options = [o["valueCoding"] for o in item["answerOption"]]
            assert [o["code"] for o in options if o["system"] == ANSWER_SYSTEM] == spec.values
            assert [o["code"] for o in options if o["system"] == DAR_SYSTEM] == ["asked-unknown"]
            for option in options:
                if option["system"] == ANSWER_SYSTEM:
                    label = ru.findings[fid].values[option["code"]]
                    assert _translation(option["_display"], "ru") == label
        hidden = any(e["url"].endswith("questionnaire-hidden") for e in item.get("extension", []))
        assert hidden == (spec.audience == "clinician")


# --- the CLI -----------------------------------------------------------------------


def test_cli_format_fhir_prints_a_valid_bundle() -> None:
    runner = CliRunner()
    args = ["assess", "-f", "sex=female", "-f", "age=31", "-f", "fever=yes"]
    run = runner.invoke(app, [*args, "--format", "fhir"])
    assert run.exit_code == 0, run.output
    bundle = Bundle.model_validate_json(run.output)
    assert bundle.type == "collection"
    as_json = runner.invoke(app, [*args, "--json"])
    as_format = runner.invoke(app, [*args, "--format", "json"])
    assert as_json.exit_code == as_format.exit_code == 0
    assert json.loads(as_json.output) == json.loads(as_format.output)
    assert (
        json.loads(as_json.output)["triage"]
        == ENGINE.assess({"sex": "female", "age": 31, "fever": True}).triage
    )


@pytest.mark.parametrize(
    "args", [["--format", "xml"], ["--json", "--format", "fhir"]], ids=["unknown", "both"]
)
def test_cli_rejects_bad_formats(args: list[str]) -> None:
    run = CliRunner().invoke(app, ["assess", "-f", "sex=female", *args])
    assert run.exit_code != 0
    assert "format" in str(run.exception) or "format" in run.output


def test_the_documented_example_bundle_is_valid() -> None:
    text = (ROOT / "docs" / "fhir.md").read_text(encoding="utf-8")
    example = text.split("## Example Bundle", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    bundle = Bundle.model_validate_json(example)
    kinds = [e.resource.get_resource_type() for e in bundle.entry or [] if e.resource]
    assert kinds[:2] == ["Patient", "QuestionnaireResponse"]
    assert kinds[-2:] == ["RiskAssessment", "ClinicalImpression"]
    assert set(kinds[2:-2]) == {"Observation"}
