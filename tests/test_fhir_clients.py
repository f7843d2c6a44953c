"""FHIR that generic clients can use (issue 12): the outcome as items, R4-true values,
enableWhen, languages, OperationOutcome for every error, codes, and CORS."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from spotcheck import Engine, Facts
from spotcheck.evaluation import Case, load_cases
from spotcheck.fhir import answer_json, build_questionnaire, canonical, export_bundle
from spotcheck.fhir._codes import (
    DAR_SYSTEM,
    ICD10,
    ICD10_DISPLAY,
    LOINC,
    OBSERVATION_CATEGORY,
    SNOMED,
    SNOMED_DISPLAY,
    TRANSLATION,
    TRIAGE_SYSTEM,
    icd10_codes,
    number_unit,
)
from spotcheck.web import _fhir, create_app
from spotcheck.web._cors import CORS_ENV, cors_origins
from spotcheck.web._settings import Settings

from .conftest import CASES, SHARED

ENGINE = Engine.default()
NEXT = "/fhir/Questionnaire/$next-question"
# Code systems whose codings must carry a display (the standard ones).
STANDARD = {SNOMED, ICD10, LOINC, DAR_SYSTEM, OBSERVATION_CATEGORY}


def _cases() -> list[Case]:
    out: list[Case] = []
    for path in (CASES / "vignettes.jsonl", SHARED / "vignettes" / "dev.jsonl"):
        if path.exists():
            out += load_cases(ENGINE, Path(path))
    return out


ALL = _cases()


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    app.state.engine = ENGINE
    app.include_router(_fhir.router)
    return TestClient(app)


def _post(client: TestClient, body: Any, **headers: str) -> Any:
    return client.post(NEXT, content=json.dumps(body).encode(), headers=headers)


def _contained(qr: dict[str, Any], kind: str) -> dict[str, Any]:
    (found,) = [r for r in qr.get("contained", []) if r["resourceType"] == kind]
    resource: dict[str, Any] = found
    return resource


def walk(client: TestClient, truth: Facts, **start: Any) -> dict[str, Any]:
    """Answer every appended item from ``truth`` until completed; the final response."""
    body: Any = {
        "resourceType": "QuestionnaireResponse",
        "status": "in-progress",
        "questionnaire": canonical(ENGINE),
        **start,
    }
    for _ in range(80):
        response = _post(client, body)
        assert response.status_code == 200, response.text
        qr: dict[str, Any] = response.json()
        if qr["status"] == "completed":
            return qr
        new = _contained(qr, "Questionnaire")["item"][-1]
        leaves = new["item"] if new["type"] == "group" else [new]
        answers = [
            {
                "linkId": leaf["linkId"],
                "answer": [answer_json(ENGINE, leaf["linkId"], truth.get(leaf["linkId"]))],
            }
            for leaf in leaves
        ]
        item = {"linkId": new["linkId"], "item": answers} if new["type"] == "group" else answers[0]
        qr.setdefault("item", []).append(item)
        body = qr
    raise AssertionError("the interview did not stop")


def _codings(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if isinstance(node.get("system"), str) and isinstance(node.get("code"), str):
            yield node
        for value in node.values():
            yield from _codings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _codings(value)


# --- 1. the outcome as display items ------------------------------------------------------


EMERGENCY = Facts(
    {"sex": "female", "age": 28, "pregnant": True, "bleeding_amount": "heavy", "fainting": True}
)


def test_a_completed_response_shows_the_outcome_first(client: TestClient) -> None:
    qr = walk(client, EMERGENCY)
    result = ENGINE.assess(ENGINE.facts(_answers(qr)))
    assert result.triage.startswith("emergency")
    questionnaire = _contained(qr, "Questionnaire")
    assert questionnaire["title"]
    group = questionnaire["item"][0]
    assert group["linkId"] == "spotcheck-result"
    assert group["type"] == "group"
    level, instruction = group["item"][:2]
    assert level["type"] == "display"
    assert level["text"].startswith(result.triage_label)
    assert [(c["system"], c["code"]) for c in level["code"]] == [(TRIAGE_SYSTEM, result.triage)]
    assert instruction["text"] == result.triage_action
    texts = json.dumps(group, ensure_ascii=False)
    assert all(line in texts for line in result.safety_net)
    # Display items take no answers: the response carries none for them.
    assert "spotcheck-result" not in json.dumps(qr.get("item", []))
    # The machines' copy stays.
    assert _contained(qr, "ClinicalImpression")
    # Sent again, the outcome is replaced, not duplicated.
    again = _post(client, qr).json()
    items = _contained(again, "Questionnaire")["item"]
    assert [i["linkId"] for i in items].count("spotcheck-result") == 1


def _answers(qr: dict[str, Any]) -> dict[str, Any]:
    from spotcheck.fhir import read_answers

    return dict(read_answers(ENGINE, qr))


def test_time_windows_are_shown() -> None:
    from spotcheck.fhir._result import result_items

    facts = {"sex": "female", "age": 25, "contraception_failure": True, "hours_since_sex": 20}
    result = ENGINE.assess(facts)
    assert result.windows
    (group,) = result_items(ENGINE, result)
    windows = [i for i in group["item"] if i["linkId"] == "spotcheck-result-windows"]
    assert [i["text"] for i in windows[0]["item"]] == [w.text for w in result.windows]


# --- 2. R4-true values -------------------------------------------------------------------


def test_probabilities_are_r4_percentages() -> None:
    """R4 RiskAssessment.prediction.probabilityDecimal is 0-100 (ras-2), not R5's 0-1."""
    facts = {"sex": "male", "age": 45, "blood_in_semen": True}
    result = ENGINE.assess(facts)
    bundle = json.loads(export_bundle(ENGINE, facts).model_dump_json())
    (risk,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "RiskAssessment"
    ]
    values = [p["probabilityDecimal"] for p in risk["prediction"]]
    assert values == pytest.approx([100 * c.probability for c in result.causes], abs=1e-4)
    assert all(0 <= v <= 100 for v in values)
    assert values[0] > 1  # the top cause is well above 1 %: percentages, not fractions
    assert sum(values) == pytest.approx(100 * sum(c.probability for c in result.causes), abs=0.01)


# --- 3. enableWhen ----------------------------------------------------------------------


def _bank(lang: str = "en") -> dict[str, dict[str, Any]]:
    data = json.loads(build_questionnaire(ENGINE, lang).model_dump_json())
    return {i["linkId"]: i for i in data["item"]}


def test_enable_when_follows_the_knowledge_base() -> None:
    items = _bank()
    female = {
        "question": "sex",
        "operator": "=",
        "answerCoding": {
            "system": items["sex"]["answerOption"][0]["valueCoding"]["system"],
            "code": "female",
        },
    }
    weeks = items["pregnancy_weeks"]
    assert female in weeks["enableWhen"]
    assert {"question": "pregnant", "operator": "=", "answerBoolean": True} in weeks["enableWhen"]
    assert weeks["enableBehavior"] == "all"
    # Male-only findings ask only men.
    for fid, spec in ENGINE.kb.findings.items():
        if spec.applies_to in ("female", "male"):
            sexes = [
                w["answerCoding"]["code"]
                for w in items[fid]["enableWhen"]
                if w["question"] == "sex"
            ]
            assert sexes in ([spec.applies_to], []), fid
            if not sexes:  # implied by the item it depends on
                assert items[fid]["enableBehavior"] == "any", fid
    # "in [a, b]" -> any of two conditions.
    clots = items["clots"]
    assert clots["enableBehavior"] == "any"
    assert {w["answerCoding"]["code"] for w in clots["enableWhen"]} == {"moderate", "heavy"}
    # Age thresholds compare integers.
    assert {"question": "age", "operator": ">=", "answerInteger": 40} in items["hrt"]["enableWhen"]
    # ask_skip_if -> "!=": shown while the condition is not known to hold.
    assert {"question": "pregnant", "operator": "!=", "answerBoolean": True} in items[
        "period_late"
    ]["enableWhen"]


def test_every_enable_when_points_at_an_item_with_the_right_answer_type() -> None:
    items = _bank()
    keys = {
        "boolean": "answerBoolean",
        "choice": "answerCoding",
        "integer": "answerInteger",
        "decimal": "answerDecimal",
    }
    count = 0
    for item in items.values():
        conditions = item.get("enableWhen", [])
        if len(conditions) > 1:
            assert item["enableBehavior"] in ("all", "any")
        for condition in conditions:
            target = items[condition["question"]]
            assert keys[target["type"]] in condition, (item["linkId"], condition)
            count += 1
    assert count >= 40


def test_the_adaptive_questionnaire_has_no_enable_when(client: TestClient) -> None:
    """$next-question decides what is asked; a contained item must not hide itself."""
    qr = walk(client, EMERGENCY)
    assert "enableWhen" not in json.dumps(_contained(qr, "Questionnaire"))


# --- 4. languages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("?_language=ru", {}),
        ("", {"accept-language": "ru-RU,ru;q=0.9,en;q=0.8"}),
        ("", {"accept-language": "en;q=0.2, ru;q=0.9"}),
        ("?_language=ru", {"accept-language": "en"}),
    ],
)
def test_questionnaire_in_russian(client: TestClient, query: str, headers: dict[str, str]) -> None:
    response = client.get(f"/fhir/Questionnaire/spotcheck{query}", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-language"] == "ru"
    data = response.json()
    assert data["language"] == "ru"
    (sex,) = [i for i in data["item"] if i["linkId"] == "sex"]
    assert sex["text"] == ENGINE.kb.text("ru").findings["sex"].question
    (translation,) = sex["_text"]["extension"]
    assert translation["url"] == TRANSLATION
    assert {"url": "lang", "valueCode": "en"} in translation["extension"]
    assert (
        sex["answerOption"][0]["valueCoding"]["display"]
        == ENGINE.kb.text("ru").findings["sex"].values["female"]
    )


def test_english_is_the_default(client: TestClient) -> None:
    data = client.get("/fhir/Questionnaire/spotcheck", headers={"accept-language": "de"}).json()
    assert data["language"] == "en"


def test_next_question_asks_in_its_language(client: TestClient) -> None:
    bare: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "status": "in-progress",
        "questionnaire": canonical(ENGINE),
    }
    start = {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "language", "valueCode": "ru"},
            {"name": "questionnaire-response", "resource": bare},
        ],
    }
    response = _post(client, start)
    assert response.status_code == 200, response.text
    qr = response.json()
    assert qr["language"] == "ru"
    assert response.headers["content-language"] == "ru"
    questionnaire = _contained(qr, "Questionnaire")
    first = questionnaire["item"][0]
    assert first["text"] == ENGINE.kb.text("ru").findings[first["linkId"]].question
    assert questionnaire["title"].startswith("Кровотечение")
    # Accept-Language alone also works, and the response's language wins over it.
    by_header = _post(client, bare, **{"accept-language": "ru"}).json()
    assert by_header["language"] == "ru"
    by_resource = _post(client, bare | {"language": "en"}, **{"accept-language": "ru"}).json()
    assert by_resource["language"] == "en"


def test_a_russian_interview_ends_in_russian(client: TestClient) -> None:
    qr = walk(client, EMERGENCY, language="ru")
    result = ENGINE.assess(ENGINE.facts(_answers(qr)), lang="ru")
    group = _contained(qr, "Questionnaire")["item"][0]
    assert group["item"][1]["text"] == result.triage_action


# --- 5. errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", NEXT, 405),
        ("DELETE", "/fhir/Questionnaire/spotcheck", 405),
        ("POST", "/fhir/metadata", 405),
        ("GET", "/fhir/Patient/1", 404),
        ("GET", "/fhir/Questionaire/spotcheck", 404),
        ("GET", "/fhir/Questionnaire", 404),
        ("GET", "/fhir/Questionnaire?url=x", 404),
        ("GET", "/fhir/Questionnaire/other", 404),
        ("GET", "/fhir", 404),
    ],
)
def test_every_fhir_error_is_an_operation_outcome(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/fhir+json")
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["severity"] == "error"
    if status == 405:
        assert response.headers["allow"] in ("GET", "POST")


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/fhir/metadata", {"accept": "application/fhir+xml"}),
        ("/fhir/Questionnaire/spotcheck", {"accept": "application/xml, text/xml"}),
        ("/fhir/Questionnaire/spotcheck?_format=xml", {}),
        ("/fhir/metadata?_format=application/fhir%2Bxml", {"accept": "application/fhir+json"}),
        ("/fhir/metadata", {"accept": "text/turtle, application/fhir+json;q=0"}),
    ],
)
def test_formats_other_than_json_get_406(
    client: TestClient, path: str, headers: dict[str, str]
) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == 406
    assert response.json()["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize(
    "accept",
    [
        "application/fhir+json",
        "application/json",
        "*/*",
        "text/html,application/xhtml+xml,*/*;q=0.8",
    ],
)
def test_json_and_browsers_are_served(client: TestClient, accept: str) -> None:
    assert client.get("/fhir/metadata", headers={"accept": accept}).status_code == 200


def test_next_question_refuses_xml(client: TestClient) -> None:
    body = {
        "resourceType": "QuestionnaireResponse",
        "status": "in-progress",
        "questionnaire": canonical(ENGINE),
    }
    assert _post(client, body, accept="application/fhir+xml").status_code == 406


def _answered(fid: str, answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "in-progress",
        "questionnaire": canonical(ENGINE),
        "item": [{"linkId": fid, "answer": [answer]}],
    }


@pytest.mark.parametrize(
    "answer", [{"valueDecimal": 24.5}, {"valueDecimal": 24.0}, {"valueString": "24"}]
)
def test_integer_items_take_integers_only(client: TestClient, answer: dict[str, Any]) -> None:
    assert number_unit(ENGINE, "age")[2] == "integer"
    response = _post(client, _answered("age", answer))
    assert response.status_code == 422
    issue = response.json()["issue"][0]
    assert "valueInteger" in issue["diagnostics"]
    assert _post(client, _answered("age", {"valueInteger": 24})).status_code == 200


def test_expressions_use_the_r4_fhirpath_subset(client: TestClient) -> None:
    body = _answered("sex", answer_json(ENGINE, "sex", "male"))
    body["item"].append({"linkId": "pregnant", "answer": [{"valueBoolean": True}]})
    response = _post(client, body)
    assert response.status_code == 422
    (expression,) = response.json()["issue"][0]["expression"]
    assert expression == "QuestionnaireResponse.item[1]"
    assert "where(" not in expression


# --- 6. codes -----------------------------------------------------------------------------


def test_vital_signs_are_r4_vital_signs_observations() -> None:
    facts = {"sex": "female", "age": 30, "heart_rate": 124, "systolic_bp": 86, "temperature": 38.6}
    bundle = json.loads(export_bundle(ENGINE, facts).model_dump_json())
    by_code = {}
    for entry in bundle["entry"]:
        obs = entry["resource"]
        if (
            obs["resourceType"] == "Observation"
            and obs["category"][0]["coding"][0]["code"] == "vital-signs"
        ):
            loinc = [c["code"] for c in obs["code"]["coding"] if c["system"] == LOINC]
            by_code[loinc[0]] = obs
    assert set(by_code) == {"8867-4", "85354-9", "8310-5"}
    assert by_code["8867-4"]["valueQuantity"] | {} == {
        "value": 124,
        "unit": "beats/min",
        "system": "http://unitsofmeasure.org",
        "code": "/min",
    }
    assert by_code["8310-5"]["valueQuantity"]["code"] == "Cel"
    panel = by_code["85354-9"]
    assert "valueQuantity" not in panel
    systolic, diastolic = panel["component"]
    assert [c["code"] for c in systolic["code"]["coding"] if c["system"] == LOINC] == ["8480-6"]
    assert systolic["valueQuantity"]["value"] == 86
    assert systolic["valueQuantity"]["code"] == "mm[Hg]"
    assert diastolic["code"]["coding"][0]["code"] == "8462-4"
    assert diastolic["dataAbsentReason"]["coding"][0]["code"] == "not-asked"
    assert panel["meta"]["profile"] == ["http://hl7.org/fhir/StructureDefinition/bp"]


def test_corrected_icd10_codes() -> None:
    assert icd10_codes(ENGINE, "menstruation_onset") == ()  # no ICD-10 code for a period
    assert icd10_codes(ENGINE, "vulvovaginal_cancer") == ("C51.9", "C52")
    assert icd10_codes(ENGINE, "cervical_cancer") == ("C53.9", "D06.9", "N87.1")
    assert icd10_codes(ENGINE, "miscarriage") == ("O20.0", "O03.9")
    assert icd10_codes(ENGINE, "post_procedure_bleeding") == ("T81.0", "O72.2")
    for condition in ENGINE.kb.conditions:
        for code in icd10_codes(ENGINE, condition.id):
            assert code in ICD10_DISPLAY, (condition.id, code)
        if condition.snomed:
            assert condition.snomed in SNOMED_DISPLAY, (condition.id, condition.snomed)
    assert "N93.0" not in json.dumps(build_questionnaire(ENGINE).model_dump(mode="json"))


@pytest.mark.parametrize("case", ALL[:40], ids=[c.id for c in ALL[:40]])
def test_every_standard_coding_has_a_display(case: Case) -> None:
    bundle = json.loads(export_bundle(ENGINE, case.facts).model_dump_json())
    missing = [c for c in _codings(bundle) if c["system"] in STANDARD and not c.get("display")]
    assert missing == []


def test_every_standard_coding_in_the_questionnaire_has_a_display() -> None:
    for lang in ENGINE.kb.languages:
        data = json.loads(build_questionnaire(ENGINE, lang).model_dump_json())
        missing = [c for c in _codings(data) if c["system"] in STANDARD and not c.get("display")]
        assert missing == []


# --- 7. CORS --------------------------------------------------------------------------------


def _app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, origins: str) -> TestClient:
    monkeypatch.setenv(CORS_ENV, origins)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 's.sqlite3'}", rate_limit=10_000)
    return TestClient(create_app(settings, ENGINE))


def _preflight(client: TestClient, path: str, origin: str, method: str = "POST") -> Any:
    return client.options(
        path,
        headers={
            "origin": origin,
            "access-control-request-method": method,
            "access-control-request-headers": "content-type",
        },
    )


SITE = "https://sdc.example.net"


def test_cors_is_off_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CORS_ENV, raising=False)
    assert cors_origins() == ()
    with _app(monkeypatch, tmp_path, "") as client:
        response = client.get("/fhir/metadata", headers={"origin": SITE})
        assert "access-control-allow-origin" not in response.headers
        assert response.headers["cross-origin-resource-policy"] == "same-origin"
        assert "access-control-allow-origin" not in _preflight(client, NEXT, SITE).headers


def test_a_listed_origin_may_call_fhir_and_sessions(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with _app(monkeypatch, tmp_path, f"{SITE}/, http://localhost:3000") as client:
        for path in (NEXT, "/api/v1/sessions", "/api/v1/assess"):
            preflight = _preflight(client, path, SITE)
            assert preflight.status_code == 204, path
            assert preflight.headers["access-control-allow-origin"] == SITE
            assert "POST" in preflight.headers["access-control-allow-methods"]
            assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
            assert "access-control-allow-credentials" not in preflight.headers
        response = client.get("/fhir/metadata", headers={"origin": SITE})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == SITE
        assert response.headers["cross-origin-resource-policy"] == "cross-origin"
        assert "Origin" in response.headers["vary"]
        # Another origin gets nothing; the HTML app is never opened.
        other = client.get("/fhir/metadata", headers={"origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        assert (
            "access-control-allow-origin" not in client.get("/", headers={"origin": SITE}).headers
        )


def test_star_opens_only_the_stateless_endpoints(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with _app(monkeypatch, tmp_path, "*") as client:
        for path in (NEXT, "/fhir/metadata", "/api/v1/assess", "/api/v1/interview/next"):
            preflight = _preflight(client, path, SITE)
            assert preflight.status_code == 204, path
            assert preflight.headers["access-control-allow-origin"] == "*"
        for path in ("/api/v1/sessions", "/api/v1/sessions/abc/fhir", "/api/v1/sessions/abc"):
            preflight = _preflight(client, path, SITE, "GET")
            assert preflight.status_code != 204, path
            assert "access-control-allow-origin" not in preflight.headers, path
            response = client.get(path, headers={"origin": SITE})
            assert "access-control-allow-origin" not in response.headers, path
        body = {
            "resourceType": "QuestionnaireResponse",
            "status": "in-progress",
            "questionnaire": canonical(ENGINE),
        }
        response = client.post(NEXT, json=body, headers={"origin": SITE})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"
