"""Issue 9: once the answers mean an emergency, the REST interview shows that
result with its instruction before any further question; the person (or the
client) may then choose to answer more for the clinicians."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from spotcheck import Engine
from spotcheck.engine import EMERGENCY_LEVELS

from .conftest import answers_for, load_vignettes

EMERGENCIES = [c for c in load_vignettes() if c["expected"]["triage"] in EMERGENCY_LEVELS]


@pytest.mark.parametrize("case", EMERGENCIES, ids=lambda c: str(c["id"]))
def test_no_emergency_is_asked_a_further_question_before_its_instruction(
    stateless_client: TestClient, engine: Engine, case: dict[str, Any]
) -> None:
    facts: dict[str, Any] = {}
    for _ in range(60):
        body = stateless_client.post("/api/v1/interview/next", json={"facts": facts}).json()
        if engine.assess(facts).is_emergency:
            # The answers already mean an emergency: the result, not a question.
            assert body["done"] is True
            assert body["assessment"]["triage"] in EMERGENCY_LEVELS
            assert body["assessment"]["triage_action"]
            break
        if body["done"]:
            break
        facts.update(answers_for(body["question"]["findings"], case["facts"]))
    else:
        pytest.fail("the interview did not end")


def test_continuing_after_an_emergency_keeps_the_result_in_view(
    stateless_client: TestClient,
) -> None:
    facts = {"sex": "female", "age": 30, "pregnant": True, "pregnancy_weeks": 32}
    first = stateless_client.post("/api/v1/interview/next", json={"facts": facts}).json()
    assert first["done"] is True
    assert first["can_continue"] is True
    more = stateless_client.post(
        "/api/v1/interview/next", json={"facts": facts, "continue_after_emergency": True}
    ).json()
    assert more["done"] is False
    assert more["question"]["findings"]
    assert more["emergency"]["triage"] == first["assessment"]["triage"]


def test_clinician_audience_asks_vital_signs(stateless_client: TestClient) -> None:
    facts: dict[str, Any] = {"sex": "female", "age": 30}
    asked: list[str] = []
    for _ in range(60):
        body = stateless_client.post(
            "/api/v1/interview/next", json={"facts": facts, "audience": "clinician"}
        ).json()
        if body["done"]:
            break
        asked += body["question"]["findings"]
        facts.update(dict.fromkeys(body["question"]["findings"]))
    assert "heart_rate" in asked
    bad = stateless_client.post(
        "/api/v1/interview/next", json={"facts": facts, "audience": "nurse"}
    )
    assert bad.status_code == 422
