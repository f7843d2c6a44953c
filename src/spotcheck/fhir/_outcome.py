"""Errors at the FHIR edge, and the OperationOutcome that reports them."""

from __future__ import annotations

from collections.abc import Sequence

from fhir.resources.R4B.operationoutcome import OperationOutcome
from pydantic import ValidationError

from .._errors import InputError, SpotcheckError
from ._codes import Json

__all__ = ["FhirInputError", "from_validation_error", "operation_outcome", "outcome_for"]

_MAX_ISSUES = 10


class FhirInputError(InputError):
    """Input a FHIR endpoint cannot use: carries the HTTP status and OperationOutcome issues.

    ``issues`` are OperationOutcome issue dicts (severity, code, diagnostics,
    expression); without them one issue is made from the message.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int = 422,
        code: str = "invalid",
        expression: str = "",
        issues: Sequence[Json] = (),
        allowed: str = "",
    ) -> None:
        super().__init__(message, field=expression, allowed=allowed)
        self.status = status
        self.code = code
        self.expression = expression
        text = f"{message} (allowed: {allowed})" if allowed else message
        self.issues = list(issues) or [_issue(code, text, expression)]


def _issue(code: str, diagnostics: str, expression: str = "") -> Json:
    issue: Json = {"severity": "error", "code": code, "diagnostics": diagnostics}
    if expression:
        issue["expression"] = [expression]
    return issue


def _element(part: str) -> str:
    if part == "resource_type":
        return "resourceType"
    if part.endswith("__ext"):
        return "_" + part[: -len("__ext")]
    return part


def _path(root: str, loc: Sequence[int | str]) -> str:
    path = root
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part and not any(c in part for c in "[]() ,"):
            path += "." + _element(part)
    return path


def from_validation_error(exc: ValidationError, root: str) -> FhirInputError:
    """Turn a ``fhir.resources`` validation failure into a 400 with one issue per error."""
    issues = []
    for error in exc.errors()[:_MAX_ISSUES]:
        message = str(error.get("msg", "invalid"))
        if error.get("type") == "extra_forbidden":
            message = "not an element of FHIR R4 (is this an R5 or STU3 resource?)"
        issues.append(_issue("structure", message, _path(root, error.get("loc", ()))))
    first = issues[0]["diagnostics"] if issues else "invalid"
    where = issues[0].get("expression", [root])[0] if issues else root
    return FhirInputError(
        f"not a valid FHIR R4 {root}: {where}: {first}",
        status=400,
        code="structure",
        expression=where,
        issues=issues,
    )


def operation_outcome(issues: Sequence[Json]) -> OperationOutcome:
    return OperationOutcome.model_validate({"resourceType": "OperationOutcome", "issue": issues})


def outcome_for(exc: Exception) -> tuple[int, OperationOutcome]:
    """The HTTP status and OperationOutcome reporting ``exc`` (never a traceback)."""
    if isinstance(exc, FhirInputError):
        return exc.status, operation_outcome(exc.issues)
    if isinstance(exc, InputError):
        # No path: R4 allows only simple FHIRPath (names and indexes) in expression,
        # and a bare InputError names a finding, not where it is in the resource.
        return 422, operation_outcome([_issue("invalid", str(exc))])
    if isinstance(exc, RecursionError):
        return 400, operation_outcome([_issue("structure", "the resource is nested too deeply")])
    if isinstance(exc, SpotcheckError):
        return 500, operation_outcome([_issue("exception", str(exc))])
    return 500, operation_outcome([_issue("exception", "internal error")])
