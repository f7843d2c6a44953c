"""The helpers shipped for users work and fail the way they promise."""

from __future__ import annotations

import pytest

from spotcheck.testing import assert_triage, run_interview


def test_assert_triage_exact_and_at_least() -> None:
    facts = {"sex": "male", "age": 28, "penile_snap_swelling": True}
    assert assert_triage(facts, "emergency").triage == "emergency"
    assert_triage(facts, "consultation", at_least=True)
    with pytest.raises(AssertionError, match="penile_fracture"):
        assert_triage(facts, "self_care")
    with pytest.raises(ValueError, match="unknown triage level"):
        assert_triage(facts, "later")


def test_run_interview_asks_and_answers() -> None:
    run = run_interview(
        {
            "sex": "female",
            "age": 19,
            "first_intercourse": True,
            "bleeding_amount": "light",
            "lower_abdominal_pain": "none",
            "recurrent": False,
        }
    )
    assert run.asked[:2] == ("sex", "age")
    assert "first_intercourse" in run.asked
    assert run.assessment.triage == "self_care"
    assert run.assessment.top[0] == "hymenal_tear"
