"""FHIR endpoints: the Questionnaire, SDC $next-question, session export, OperationOutcome errors.

The walk test drives every dev vignette (and the project's own cases) through
``$next-question`` the way an SDC form filler would, answering from the case's
facts and "don't know" otherwise, exactly like
:func:`spotcheck.evaluation.simulate_interview`; the result must be the native
interview's.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from spotcheck import Engine, Facts
from spotcheck.evaluation import Case, load_cases, simulate_interview
from spotcheck.fhir import (
    CONDITION_SYSTEM,
    EXT_ASSESSMENT,
    EXT_TRIAGE_LEVEL,
    QUESTIONNAIRE_URL,
    answer_json,
    build_questionnaire,
    canonical,
)
from spotcheck.fhir._codes import DAR_SYSTEM, TRIAGE_SYSTEM
from spotcheck.web import _fhir
from spotcheck.web._store import SessionRecord as Record
from spotcheck.web._store import session_key

from .conftest import CASES, SHARED

ENGINE = Engine.default()
DEV = SHARED / "vignettes" / "dev.jsonl"
OWN = CASES / "vignettes.jsonl"
NEXT = "/fhir/Questionnaire/$next-question"


def _cases(path: Path) -> list[Case]:
    return load_cases(ENGINE, path) if path.exists() else []


DEV_CASES = _cases(DEV)
OWN_CASES = _cases(OWN)


@dataclass
class FakeStore:
    records: dict[str, Record] = field(default_factory=dict)

    def get(self, session_id: str) -> Record | None:
        return self.records.get(session_id)


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    app.state.engine = ENGINE
    app.state.store = FakeStore()
    app.include_router(_fhir.router)
    return TestClient(app)


def _start(**extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "in-progress",
        "questionnaire": "#q",
        "contained": [
            {
                "resourceType": "Questionnaire",
                "id": "q",
                "status": "active",
                "derivedFrom": [canonical(ENGINE)],
            }
        ],
        **extra,
    }


def _contained(qr: dict[str, Any], kind: str) -> dict[str, Any]:
    (found,) = [r for r in qr.get("contained", []) if r["resourceType"] == kind]
    resource: dict[str, Any] = found
    return resource


def _answer(fid: str, value: Any, style: int) -> dict[str, Any]:
    """An answer as a form filler sends it; "don't know" in both accepted ways."""
    if value is None and ENGINE.kb.findings[fid].type == "enum" and style % 2:
        return {"valueCoding": {"system": DAR_SYSTEM, "code": "asked-unknown"}}
    return answer_json(ENGINE, fid, value)


def _post(client: TestClient, body: Any, **headers: str) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(NEXT, content=content, headers=headers)


def walk(client: TestClient, truth: Facts, *, wrap: bool = False) -> tuple[dict[str, Any], int]:
    """Answer every appended item from ``truth`` until the response is completed."""
    qr = _start()
    for calls in range(1, 80):
        body: Any = qr
        if wrap:
            body = {
                "resourceType": "Parameters",
                "parameter": [{"name": "questionnaire-response", "resource": qr}],
            }
        response = _post(client, body, **{"content-type": "application/fhir+json"})
        assert response.status_code == 200, response.text
        qr = response.json()
        if qr["status"] == "completed":
            QuestionnaireResponse.model_validate(qr)
            return qr, calls
        assert qr["status"] == "in-progress"
        new = _contained(qr, "Questionnaire")["item"][-1]
        if new["type"] == "group":  # nested the SDC way: group item -> child items
            children = [
                {"linkId": c["linkId"], "answer": [_answer(c["linkId"], truth.get(c["linkId"]), i)]}
                for i, c in enumerate(new["item"])
            ]
            qr.setdefault("item", []).append({"linkId": new["linkId"], "item": children})
        else:
            fid = new["linkId"]
            value = truth.get(fid)
            item: dict[str, Any] = {"linkId": fid}
            if value is not None or calls % 3:  # sometimes "don't know" is no answer at all
                item["answer"] = [_answer(fid, value, calls)]
            qr.setdefault("item", []).append(item)
    raise AssertionError("the interview did not stop")


WALKED = DEV_CASES or OWN_CASES


@pytest.mark.parametrize("case", WALKED, ids=[c.id for c in WALKED])
def test_next_question_walk_matches_the_native_interview(client: TestClient, case: Case) -> None:
    facts, _ = simulate_interview(ENGINE, case.facts)
    native = ENGINE.assess(facts)
    qr, _ = walk(client, case.facts)
    risk = _contained(qr, "RiskAssessment")
    impression = _contained(qr, "ClinicalImpression")
    (level,) = [e for e in impression["extension"] if e["url"] == EXT_TRIAGE_LEVEL]
    triage = [
        c["code"] for c in level["valueCodeableConcept"]["coding"] if c["system"] == TRIAGE_SYSTEM
    ]
    assert triage == [native.triage]
    top = [
        c["code"]
        for p in risk["prediction"]
        for c in p["outcome"]["coding"]
        if c["system"] == CONDITION_SYSTEM
    ]
    assert top == list(native.top)
    probabilities = [p["probabilityDecimal"] for p in risk["prediction"]]
    # R4: percentages.
    assert probabilities == pytest.approx([100 * c.probability for c in native.causes], abs=1e-4)
    # The contained Questionnaire lists exactly what the native interview asked,
    # after the outcome's display items.
    items = _contained(qr, "Questionnaire")["item"]
    assert items[0]["linkId"] == "spotcheck-result"
    asked = [leaf["linkId"] for item in items[1:] for leaf in item.get("item", [item])]
    assert set(asked) == set(facts)
    refs = {e["valueReference"]["reference"] for e in qr["extension"] if e["url"] == EXT_ASSESSMENT}
    assert refs == {f"#{risk['id']}", f"#{impression['id']}"}


def test_parameters_form_gives_the_same_result(client: TestClient) -> None:
    case = (DEV_CASES or OWN_CASES)[0]
    bare, calls = walk(client, case.facts)
    wrapped, wrapped_calls = walk(client, case.facts, wrap=True)
    assert calls == wrapped_calls
    assert (
        _contained(bare, "RiskAssessment")["prediction"]
        == (_contained(wrapped, "RiskAssessment")["prediction"])
    )


def test_a_response_pointing_at_the_canonical_starts_a_contained_questionnaire(
    client: TestClient,
) -> None:
    body = {
        "resourceType": "QuestionnaireResponse",
        "status": "in-progress",
        "questionnaire": canonical(ENGINE),
        "item": [{"linkId": "sex", "answer": [answer_json(ENGINE, "sex", "female")]}],
    }
    response = _post(client, body)
    assert response.status_code == 200, response.text
    qr = response.json()
    questionnaire = _contained(qr, "Questionnaire")
    assert qr["questionnaire"] == f"#{questionnaire['id']}"
    assert questionnaire["derivedFrom"] == [canonical(ENGINE)]
    assert [i["linkId"] for i in questionnaire["item"]] == ["sex", "age"]


def test_a_completed_response_sent_again_stays_completed_once(client: TestClient) -> None:
    qr, _ = walk(client, Facts({"sex": "male", "age": 50, "blood_in_semen": True}))
    again = _post(client, qr).json()
    assert again["status"] == "completed"
    kinds = [r["resourceType"] for r in again["contained"]]
    assert kinds.count("RiskAssessment") == kinds.count("ClinicalImpression") == 1
    assert len([e for e in again["extension"] if e["url"] == EXT_ASSESSMENT]) == 2


def test_russian_response_gets_russian_texts(client: TestClient) -> None:
    qr, _ = walk(client, Facts({"sex": "female", "age": 70, "postmenopausal": True}))
    ru = copy.deepcopy(qr) | {"language": "ru"}
    impression = _contained(_post(client, ru).json(), "ClinicalImpression")
    facts, _ = simulate_interview(
        ENGINE, Facts({"sex": "female", "age": 70, "postmenopausal": True})
    )
    assert impression["summary"].startswith(ENGINE.assess(facts, lang="ru").triage_label)


# --- errors: OperationOutcome and 4xx, never a traceback -------------------------------


def _with_item(item: dict[str, Any], *answers: dict[str, Any]) -> dict[str, Any]:
    body = _start()
    body["contained"][0]["item"] = [item]
    body["item"] = [{"linkId": item["linkId"], "answer": list(answers)}]
    return body


def _q_item(fid: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(build_questionnaire(ENGINE).model_dump_json())
    (item,) = [i for i in data["item"] if i["linkId"] == fid]
    found: dict[str, Any] = item
    return found


def _r5() -> dict[str, Any]:
    body = _start()
    body["contained"][0]["item"] = [{**_q_item("fever"), "answerConstraint": "optionsOnly"}]
    return body


def _stu3() -> dict[str, Any]:
    return _start() | {"questionnaire": {"reference": "#q"}}


def _version(version: str) -> dict[str, Any]:
    body = _start()
    body["contained"][0]["derivedFrom"] = [f"{QUESTIONNAIRE_URL}|{version}"]
    return body


def _other() -> dict[str, Any]:
    body = _start()
    body["contained"][0]["derivedFrom"] = ["http://example.org/Questionnaire/phq-9|1"]
    return body


def _no_source() -> dict[str, Any]:
    body = _start()
    del body["contained"][0]["derivedFrom"]
    return body


def _not_asked() -> dict[str, Any]:
    body = _start()
    body["item"] = [{"linkId": "fever", "answer": [{"valueBoolean": True}]}]
    return body


def _unknown_item() -> dict[str, Any]:
    body = _start()
    body["contained"][0]["item"] = [{"linkId": "favourite_colour", "type": "string"}]
    return body


def _unknown_answer() -> dict[str, Any]:
    body = _start(questionnaire=canonical(ENGINE))
    del body["contained"]
    body["item"] = [{"linkId": "favourite_colour", "answer": [{"valueString": "blue"}]}]
    return body


def _contradiction() -> dict[str, Any]:
    body = _start()
    body["contained"][0]["item"] = [_q_item("sex"), _q_item("pregnant")]
    body["item"] = [
        {"linkId": "sex", "answer": [answer_json(ENGINE, "sex", "male")]},
        {"linkId": "pregnant", "answer": [{"valueBoolean": True}]},
    ]
    return body


def _parameters(name: str) -> dict[str, Any]:
    return {"resourceType": "Parameters", "parameter": [{"name": name, "resource": _start()}]}


ERRORS: dict[str, tuple[Any, int, str]] = {
    "malformed JSON": (b'{"resourceType": ', 400, "malformed JSON"),
    "not UTF-8": (b"\xff\xfe{", 400, "malformed JSON"),
    "not an object": ([1, 2], 400, "JSON object"),
    "no resourceType": ({"status": "in-progress"}, 400, "resourceType"),
    "unknown resource type": ({"resourceType": "Questionaire"}, 400, "not a FHIR R4"),
    "another resource": ({"resourceType": "Patient"}, 422, "not a Patient"),
    "R5 element": (_r5(), 400, "not an element of FHIR R4"),
    "STU3 reference": (_stu3(), 400, "QuestionnaireResponse.questionnaire"),
    "invalid R4": ({"resourceType": "QuestionnaireResponse"}, 400, "status"),
    "another questionnaire": (_other(), 422, "another questionnaire"),
    "another version": (_version("1999.1.1+0"), 422, "version 1999.1.1+0"),
    "no questionnaire": (_start() | {"questionnaire": None}, 422, "questionnaire is required"),
    "missing contained": (_start(questionnaire="#nope"), 422, "no contained Questionnaire"),
    "unlabelled contained": (_no_source(), 422, "does not say which questionnaire"),
    "unknown finding item": (_unknown_item(), 422, "unknown finding 'favourite_colour'"),
    "unknown finding answer": (_unknown_answer(), 422, "unknown finding 'favourite_colour'"),
    "answer not asked": (_not_asked(), 422, "'fever' was not asked"),
    "text for yes/no": (_with_item(_q_item("fever"), {"valueString": "yes"}), 422, "fit"),
    "number for yes/no": (_with_item(_q_item("fever"), {"valueInteger": 1}), 422, "fit"),
    "value outside choices": (
        _with_item(_q_item("bleeding_amount"), {"valueCoding": {"code": "torrential"}}),
        422,
        "does not fit",
    ),
    "code of another system": (
        _with_item(
            _q_item("bleeding_amount"),
            {"valueCoding": {"system": "http://loinc.org", "code": "light"}},
        ),
        422,
        "does not fit",
    ),
    "two answers": (
        _with_item(_q_item("fever"), {"valueBoolean": True}, {"valueBoolean": False}),
        422,
        "one answer",
    ),
    "empty answer": (_with_item(_q_item("fever"), {}), 422, "no value"),
    "age out of range": (_with_item(_q_item("age"), {"valueInteger": 7}), 422, "out of range"),
    "contradiction": (_contradiction(), 422, "does not apply to sex=male"),
    "parameter missing": (_parameters("response"), 400, "questionnaire-response"),
    "unknown contained type": (
        _start(contained=[{"resourceType": "Questionaire", "id": "q"}]),
        400,
        "not a valid FHIR R4",
    ),
    "deeply nested JSON": (b"[" * 100_000 + b"]" * 100_000, 400, "nested too deeply"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_bad_input_is_an_operation_outcome(client: TestClient, name: str) -> None:
    body, status, says = ERRORS[name]
    response = _post(client, body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    outcome = OperationOutcome.model_validate(response.json())
    issues = outcome.issue or []
    assert issues
    assert all(i.severity == "error" for i in issues)
    text = " ".join(f"{i.diagnostics} {' '.join(map(str, i.expression or []))}" for i in issues)
    assert says in text
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("content_type", "says"),
    [
        ("application/fhir+json; fhirVersion=5.0", "R4"),
        ("application/fhir+xml", "media type"),
    ],
)
def test_wrong_media_type_or_version_is_415(
    client: TestClient, content_type: str, says: str
) -> None:
    response = _post(client, _start(), **{"content-type": content_type})
    assert response.status_code == 415
    (issue,) = OperationOutcome.model_validate(response.json()).issue or []
    assert says in (issue.diagnostics or "")


def test_r4_media_type_is_accepted(client: TestClient) -> None:
    response = _post(client, _start(), **{"content-type": "application/fhir+json; fhirVersion=4.0"})
    assert response.status_code == 200


# --- the Questionnaire and the CapabilityStatement ------------------------------------


def test_get_questionnaire(client: TestClient) -> None:
    response = client.get("/fhir/Questionnaire/spotcheck")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/fhir+json; fhirVersion=4.0"
    questionnaire = Questionnaire.model_validate(response.json())
    assert questionnaire.url == QUESTIONNAIRE_URL
    assert response.json() == json.loads(build_questionnaire(ENGINE).model_dump_json())


def test_capability_statement(client: TestClient) -> None:
    data = client.get("/fhir/metadata").json()
    assert data["fhirVersion"] == "4.0.1"
    operations = data["rest"][0]["resource"][0]["operation"]
    assert operations[0]["definition"].endswith("Questionnaire-next-question")


# --- a stored session as a Bundle ---------------------------------------------------------


def _store(client: TestClient) -> FakeStore:
    app: Any = client.app
    store: FakeStore = app.state.store
    return store


def _record(session_id: str, answers: dict[str, Any], done: bool) -> Record:
    now = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
    result = ENGINE.assess(answers).to_dict() if done else None
    return Record(
        session_id, answers, result, ENGINE.version, "en", now, now, now + timedelta(days=30)
    )


def test_session_bundle(client: TestClient) -> None:
    answers = {"sex": "female", "age": 24, "bleeding_amount": "light", "fever": None}
    _store(client).records["s-done"] = _record("s-done", answers, done=True)
    response = client.get("/api/v1/sessions/s-done/fhir")
    assert response.status_code == 200, response.text
    bundle = Bundle.model_validate(response.json())
    assert bundle.identifier is not None
    # The session is named by its hash, never by the id that opens it (issue 13).
    assert bundle.identifier.value == session_key("s-done")
    assert "s-done" not in response.text
    kinds = [e.resource.get_resource_type() for e in bundle.entry or [] if e.resource]
    assert kinds.count("Observation") == 3
    data = response.json()
    qr = next(
        e["resource"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    assert qr["status"] == "completed"
    assert qr["authored"].startswith("2026-05-06T07:08:09")
    download = client.get("/api/v1/sessions/s-done/fhir?download=true")
    assert "attachment" in download.headers["content-disposition"]


def test_unfinished_session_bundle_is_preliminary(client: TestClient) -> None:
    _store(client).records["s-open"] = _record("s-open", {"sex": "female"}, done=False)
    data = client.get("/api/v1/sessions/s-open/fhir").json()
    statuses = {e["resource"]["resourceType"]: e["resource"].get("status") for e in data["entry"]}
    assert statuses["QuestionnaireResponse"] == "in-progress"
    assert statuses["RiskAssessment"] == "preliminary"


def test_unknown_session_is_404_outcome(client: TestClient) -> None:
    response = client.get("/api/v1/sessions/nope/fhir")
    assert response.status_code == 404
    (issue,) = OperationOutcome.model_validate(response.json()).issue or []
    assert issue.code == "not-found"


def test_session_with_answers_the_kb_no_longer_takes_is_422(client: TestClient) -> None:
    _store(client).records["s-old"] = _record("s-old", {"sex": "female"}, done=False)
    old = _store(client).records["s-old"]
    _store(client).records["s-old"] = Record(
        **{**old.__dict__, "answers": {"retired_finding": True}}
    )
    response = client.get("/api/v1/sessions/s-old/fhir")
    assert response.status_code == 422
    OperationOutcome.model_validate(response.json())


def test_without_a_store_sessions_are_404() -> None:
    app = FastAPI()
    app.state.engine = ENGINE
    app.include_router(_fhir.router)
    response = TestClient(app).get("/api/v1/sessions/abc/fhir")
    assert response.status_code == 404
    OperationOutcome.model_validate(response.json())


def test_the_real_app_exports_a_stored_session(tmp_path: Path) -> None:
    from spotcheck.web import create_app
    from spotcheck.web._settings import Settings

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/s.sqlite3", rate_limit=0))
    with TestClient(app) as real:
        record = app.state.store.create({"sex": "female", "age": 30, "fever": True}, lang="ru")
        response = real.get(f"/api/v1/sessions/{record.id}/fhir")
        assert response.status_code == 200, response.text
        bundle = Bundle.model_validate(response.json())
        assert bundle.identifier is not None
        assert bundle.identifier.value == session_key(record.id)
        assert record.id not in response.text
        started = real.post(NEXT, content=json.dumps(_start()).encode())
        assert started.status_code == 200, started.text
        assert started.json()["status"] == "in-progress"
        missing = real.get(f"/api/v1/sessions/{'x' * 43}/fhir")
        assert missing.status_code == 404
        OperationOutcome.model_validate(missing.json())


def test_next_question_shows_an_emergency_before_the_next_question(client: TestClient) -> None:
    """Issue 9: once the answers mean an emergency, its instruction is the first item."""
    facts: dict[str, bool | str | float] = {
        "sex": "female",
        "age": 30,
        "pregnant": True,
        "pregnancy_weeks": 32,
    }
    qr = {
        "resourceType": "QuestionnaireResponse",
        "status": "in-progress",
        "questionnaire": f"{QUESTIONNAIRE_URL}|{ENGINE.version}",
        "item": [{"linkId": f, "answer": [answer_json(ENGINE, f, v)]} for f, v in facts.items()],
    }
    response = client.post("/fhir/Questionnaire/$next-question", json=qr)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "in-progress"
    (questionnaire,) = (r for r in body["contained"] if r["resourceType"] == "Questionnaire")
    first = questionnaire["item"][0]
    assert first["linkId"] == "spotcheck-result"
    texts = " ".join(i.get("text", "") for i in first["item"])
    assert ENGINE.assess(facts).triage_action in texts
    assert any(i["linkId"] not in ("spotcheck-result",) for i in questionnaire["item"][1:])
