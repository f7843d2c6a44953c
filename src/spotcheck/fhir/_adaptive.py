"""The SDC adaptive-questionnaire operation ``Questionnaire/$next-question``.

Input: a QuestionnaireResponse whose ``questionnaire`` is ``#id`` of a
contained Questionnaire derived from the Spotcheck Questionnaire (or the
Spotcheck canonical itself), bare or wrapped in the SDC ``Parameters`` form
(parameter ``questionnaire-response``).  Every finding item of the contained
Questionnaire counts as asked; an item without an answer, or an answer
carrying only the data-absent-reason extension (or a data-absent-reason
coding), is "don't know".  The engine picks the next step; its items are
appended to the contained Questionnaire, in the interview's language
(``Parameters.language``, else ``QuestionnaireResponse.language``, else the
caller's default, e.g. from Accept-Language), and the response goes back
``in-progress``.  When the interview stops the response is ``completed``: the
contained Questionnaire starts with a group of display items carrying the
outcome (level, instruction, windows, safety net, likely causes; see
``_result``), and the assessment is also contained as a RiskAssessment and a
ClinicalImpression, referenced from the extension ``EXT_ASSESSMENT``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.questionnaire import Questionnaire, QuestionnaireItem
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from .._errors import InputError
from ..engine import Engine, Facts
from ..kb import FactValue
from ._codes import (
    ADAPTIVE_EXTENSION,
    ANSWER_SYSTEM,
    DAR_EXTENSION,
    DAR_SYSTEM,
    EXT_ASSESSMENT,
    KB_VERSION_SYSTEM,
    QUESTIONNAIRE_URL,
    Json,
    canonical,
    fhir_datetime,
    meta,
    number_unit,
)
from ._export import clinical_impression, risk_assessment
from ._outcome import FhirInputError, from_validation_error
from ._questionnaire import finding_item, pick_language, step_items, title
from ._result import RESULT_LINKID, result_items

__all__ = [
    "next_question",
    "next_question_json",
    "questionnaire_response_json",
    "read_answers",
]

_CONTAINED_ID = "spotcheck-adaptive"
_RISK_ID = "spotcheck-risk"
_IMPRESSION_ID = "spotcheck-impression"
_NUMBER_KEYS = ("valueInteger", "valueDecimal")
_VALUE_KEYS = (
    "valueBoolean",
    "valueCoding",
    "valueInteger",
    "valueDecimal",
    "valueString",
    "valueDate",
    "valueDateTime",
    "valueTime",
    "valueUri",
    "valueQuantity",
    "valueAttachment",
    "valueReference",
)


def _parameter_language(payload: Any) -> str | None:
    """``Parameters.parameter[name=language]`` (valueCode or valueString), if any."""
    if not isinstance(payload, dict) or payload.get("resourceType") != "Parameters":
        return None
    for parameter in payload.get("parameter") or []:
        if isinstance(parameter, dict) and parameter.get("name") == "language":
            value = parameter.get("valueCode") or parameter.get("valueString")
            return str(value) if value else None
    return None


def questionnaire_response_json(payload: Any) -> Json:
    """The QuestionnaireResponse of a request body (bare, or in SDC Parameters), validated."""
    if not isinstance(payload, dict):
        raise FhirInputError("the body must be a JSON object (a FHIR resource)", status=400)
    kind = payload.get("resourceType")
    if not isinstance(kind, str) or not kind:
        raise FhirInputError(
            "not a FHIR resource: 'resourceType' is missing",
            status=400,
            code="structure",
            allowed="Parameters, QuestionnaireResponse",
        )
    if kind == "Parameters":
        _validate(Parameters, payload, "Parameters")
        found = [
            (i, p)
            for i, p in enumerate(payload.get("parameter") or [])
            if p.get("name") == "questionnaire-response"
        ]
        if len(found) != 1:
            raise FhirInputError(
                "exactly one parameter 'questionnaire-response' is required",
                status=400,
                code="required",
                expression="Parameters.parameter",
            )
        index, parameter = found[0]
        resource = parameter.get("resource")
        where = f"Parameters.parameter[{index}].resource"
        if not isinstance(resource, dict) or resource.get("resourceType") != (
            "QuestionnaireResponse"
        ):
            raise FhirInputError(
                "parameter 'questionnaire-response' must hold a QuestionnaireResponse",
                status=422,
                expression=where,
            )
        payload = resource
    elif kind != "QuestionnaireResponse":
        try:
            get_fhir_model_class(kind)
        except (ValueError, KeyError):
            raise FhirInputError(
                f"{kind!r} is not a FHIR R4 resource type",
                status=400,
                code="structure",
                expression="resourceType",
            ) from None
        raise FhirInputError(
            f"$next-question takes a QuestionnaireResponse, not a {kind}",
            status=422,
            code="not-supported",
            expression="resourceType",
            allowed="Parameters, QuestionnaireResponse",
        )
    _validate(QuestionnaireResponse, payload, "QuestionnaireResponse")
    checked: Json = payload
    return checked


def _validate(model: Any, data: Json, root: str) -> None:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, root) from None
    except (LookupError, TypeError, ValueError, RecursionError):
        # fhir.resources raises a bare KeyError for an unknown contained resource type.
        raise FhirInputError(
            f"not a valid FHIR R4 {root} (an unknown resource type or element inside?)",
            status=400,
            code="structure",
            expression=root,
        ) from None


def _split(canonical_url: str) -> tuple[str, str | None]:
    url, sep, version = canonical_url.partition("|")
    return url, (version if sep else None)


def _check_canonical(engine: Engine, url: str, version: str | None, where: str) -> None:
    if url != QUESTIONNAIRE_URL:
        raise FhirInputError(
            f"this response is for another questionnaire ({url}); "
            f"this server runs {QUESTIONNAIRE_URL}",
            expression=where,
            code="not-supported",
        )
    if version is not None and version != engine.version:
        raise FhirInputError(
            f"this response is for version {version} of the Spotcheck questionnaire; "
            f"this server runs version {engine.version}: start a new interview",
            expression=where,
            code="not-supported",
        )


def _questionnaire_of(engine: Engine, qr: Json) -> Json | None:
    """The contained Questionnaire (None when the response points at the canonical)."""
    ref = qr.get("questionnaire")
    if not ref:
        raise FhirInputError(
            "QuestionnaireResponse.questionnaire is required",
            code="required",
            expression="QuestionnaireResponse.questionnaire",
            allowed=f"'#id' of a contained Questionnaire derived from {canonical(engine)}",
        )
    if not ref.startswith("#"):
        url, version = _split(ref)
        _check_canonical(engine, url, version, "QuestionnaireResponse.questionnaire")
        return None
    contained = qr.get("contained") or []
    for index, resource in enumerate(contained):
        if resource.get("resourceType") == "Questionnaire" and resource.get("id") == ref[1:]:
            where = f"QuestionnaireResponse.contained[{index}]"
            sources = []
            if resource.get("url"):
                sources.append((resource["url"], resource.get("version"), f"{where}.url"))
            for j, derived in enumerate(resource.get("derivedFrom") or []):
                url, version = _split(derived)
                sources.append((url, version, f"{where}.derivedFrom[{j}]"))
            if not sources:
                raise FhirInputError(
                    "the contained Questionnaire does not say which questionnaire it adapts",
                    code="required",
                    expression=f"{where}.derivedFrom",
                    allowed=canonical(engine),
                )
            ours = [s for s in sources if s[0] == QUESTIONNAIRE_URL]
            url, version, path = ours[0] if ours else sources[0]
            _check_canonical(engine, url, version, path)
            found: Json = resource
            return found
    raise FhirInputError(
        f"no contained Questionnaire with id {ref[1:]!r}",
        code="not-found",
        expression="QuestionnaireResponse.questionnaire",
    )


def _walk(items: list[Json], path: str) -> Iterator[tuple[Json, str]]:
    for index, item in enumerate(items):
        where = f"{path}.item[{index}]"
        yield item, where
        yield from _walk(item.get("item") or [], where)
        for j, answer in enumerate(item.get("answer") or []):
            yield from _walk(answer.get("item") or [], f"{where}.answer[{j}]")


def _asked(engine: Engine, questionnaire: Json, path: str) -> tuple[list[str], set[str]]:
    """Finding items (in order) and group linkIds of the contained Questionnaire."""
    findings: list[str] = []
    groups: set[str] = set()
    for item, where in _walk(questionnaire.get("item") or [], path):
        link, kind = str(item.get("linkId")), item.get("type")
        if link in groups or link in findings:
            raise FhirInputError(
                f"linkId {link!r} appears twice", expression=f"{where}.linkId", code="invalid"
            )
        if kind == "display":
            continue
        if kind == "group":
            groups.add(link)
        elif link in engine.kb.findings:
            findings.append(link)
        else:
            raise FhirInputError(
                f"unknown finding {link!r}: every question's linkId must be a Spotcheck finding id",
                expression=f"{where}.linkId",
                code="not-found",
            )
    return findings, groups


def _kind(engine: Engine, fid: str) -> str:
    spec = engine.kb.findings[fid]
    if spec.type == "bool":
        return "valueBoolean (true/false)"
    if spec.type == "enum":
        return f"valueCoding from {ANSWER_SYSTEM}: " + ", ".join(spec.values or [])
    if number_unit(engine, fid)[2] == "integer":
        return "valueInteger (a whole number)"
    return "valueDecimal"


def _value(engine: Engine, fid: str, item: Json, where: str) -> FactValue | None:
    answers = item.get("answer") or []
    if not answers:
        return None
    if len(answers) > 1:
        raise FhirInputError(
            f"{fid!r} takes one answer, got {len(answers)}", expression=f"{where}.answer"
        )
    answer = answers[0]
    where = f"{where}.answer[0]"
    present = [k for k in _VALUE_KEYS if k in answer]
    if not present:
        if any(e.get("url") == DAR_EXTENSION for e in answer.get("extension") or []):
            return None
        raise FhirInputError(
            f"the answer to {fid!r} has no value",
            expression=where,
            allowed=_kind(engine, fid) + ", or the data-absent-reason extension",
        )
    key = present[0]
    raw = answer[key]
    spec = engine.kb.findings[fid]
    if key == "valueCoding" and isinstance(raw, dict) and raw.get("system") == DAR_SYSTEM:
        return None
    if spec.type == "bool" and key == "valueBoolean" and isinstance(raw, bool):
        return raw
    if spec.type == "enum" and key == "valueCoding" and isinstance(raw, dict):
        code = raw.get("code")
        if raw.get("system") in (None, ANSWER_SYSTEM) and code in (spec.values or []):
            return str(code)
    if spec.type == "number" and key in _NUMBER_KEYS and not isinstance(raw, bool):
        # The item's type decides: integer items take valueInteger only (R4: the
        # answer's type is the item's), decimal items valueDecimal.
        integer = number_unit(engine, fid)[2] == "integer"
        if integer and key == "valueInteger" and isinstance(raw, int):
            return raw
        if not integer and key == "valueDecimal" and isinstance(raw, int | float):
            return raw
    raise FhirInputError(
        f"the answer to {fid!r} does not fit the item",
        expression=f"{where}.{key}",
        allowed=_kind(engine, fid),
    )


def _facts(
    engine: Engine,
    qr: Json,
    asked: list[str] | None,
    groups: set[str],
) -> dict[str, FactValue | None]:
    """Answers by finding; ``asked`` None: every answered finding item counts as asked."""
    facts: dict[str, FactValue | None] = dict.fromkeys(asked or [])
    seen: set[str] = set()
    for item, where in _walk(qr.get("item") or [], "QuestionnaireResponse"):
        link = str(item.get("linkId"))
        if link in seen:
            raise FhirInputError(f"linkId {link!r} is answered twice", expression=where)
        seen.add(link)
        if link in groups:
            if item.get("answer"):
                raise FhirInputError(f"group {link!r} takes no answer", expression=where)
            continue
        if link not in engine.kb.findings:
            raise FhirInputError(
                f"unknown finding {link!r}",
                expression=f"{where}.linkId",
                code="not-found",
            )
        if asked is not None and link not in facts:
            raise FhirInputError(
                f"{link!r} was not asked: the contained Questionnaire has no such item",
                expression=f"{where}.linkId",
            )
        facts[link] = _value(engine, link, item, where)
    return facts


def _item_path(qr: Json, link: str) -> str:
    """The R4 simple-FHIRPath path (names and indexes, no where()) of the item ``link``."""
    for item, where in _walk(qr.get("item") or [], "QuestionnaireResponse"):
        if item.get("linkId") == link:
            return where
    return "QuestionnaireResponse.item"


def _without_result(qr: Json) -> None:
    """Drop the outcome items of an earlier completion from the contained Questionnaire."""
    for resource in qr.get("contained") or []:
        if resource.get("resourceType") == "Questionnaire" and resource.get("item"):
            resource["item"] = [i for i in resource["item"] if i.get("linkId") != RESULT_LINKID]
    if qr.get("item"):
        qr["item"] = [i for i in qr["item"] if i.get("linkId") != RESULT_LINKID]


def _with_meta(engine: Engine, resource: Json) -> None:
    own = meta(engine)
    old = resource.get("meta") or {}
    tags = [t for t in old.get("tag") or [] if t.get("system") != KB_VERSION_SYSTEM]
    resource["meta"] = {**old, "source": own["source"], "tag": [*tags, *own["tag"]]}


def _read(engine: Engine, qr: Json) -> tuple[Json | None, dict[str, FactValue | None], Facts]:
    """The contained Questionnaire, the raw answers by finding, and the checked facts."""
    questionnaire = _questionnaire_of(engine, qr)
    asked: list[str] | None = None
    groups: set[str] = set()
    if questionnaire is not None:
        index = next(i for i, r in enumerate(qr["contained"]) if r is questionnaire)
        asked, groups = _asked(engine, questionnaire, f"QuestionnaireResponse.contained[{index}]")
    answers = _facts(engine, qr, asked, groups)
    try:
        facts = engine.facts(answers)
    except InputError as exc:
        fid = exc.field
        raise FhirInputError(
            f"{fid}: {exc.message}" if fid else exc.message,
            expression=_item_path(qr, fid) if fid in engine.kb.findings else "",
            allowed=exc.allowed,
            code="invalid",
        ) from None
    return questionnaire, answers, facts


def read_answers(engine: Engine, payload: Any) -> Facts:
    """The facts a QuestionnaireResponse (bare or in Parameters) answers; "don't know" is None.

    Raises :class:`FhirInputError` exactly as ``$next-question`` would.
    """
    return _read(engine, questionnaire_response_json(payload))[2]


def next_question(
    engine: Engine, payload: Any, *, when: datetime | None = None, lang: str | None = None
) -> QuestionnaireResponse:
    """Run ``$next-question`` on a parsed JSON body; raises :class:`FhirInputError`."""
    return QuestionnaireResponse.model_validate(
        next_question_json(engine, payload, when=when, lang=lang)
    )


def next_question_json(
    engine: Engine, payload: Any, *, when: datetime | None = None, lang: str | None = None
) -> Json:
    """:func:`next_question` as JSON (validated with ``fhir.resources``, serialised faster).

    ``lang``: the language when neither ``Parameters.language`` nor
    ``QuestionnaireResponse.language`` says (e.g. from Accept-Language).
    """
    qr = copy.deepcopy(questionnaire_response_json(payload))
    language = pick_language(engine, _parameter_language(payload), qr.get("language"), lang)
    qr["language"] = language
    _without_result(qr)
    questionnaire, answers, facts = _read(engine, qr)
    created = questionnaire is None
    if questionnaire is None:
        # Pointed at the canonical: build the contained Questionnaire from the answers.
        taken = {r.get("id") for r in qr.get("contained") or []}
        qid = _CONTAINED_ID
        while qid in taken:
            qid += "-1"
        questionnaire = {
            "resourceType": "Questionnaire",
            "id": qid,
            "extension": [{"url": ADAPTIVE_EXTENSION, "valueBoolean": True}],
            "language": language,
            "derivedFrom": [canonical(engine)],
            "title": title(language),
            "status": "active",
            "item": [finding_item(engine, fid, language) for fid in answers],
        }
        qr["contained"] = [*(qr.get("contained") or []), questionnaire]
        qr["questionnaire"] = f"#{qid}"
    # A response sent again after completion: drop the earlier assessment.
    qr["contained"] = [r for r in qr["contained"] if r.get("id") not in (_RISK_ID, _IMPRESSION_ID)]
    extensions = [e for e in qr.get("extension") or [] if e.get("url") != EXT_ASSESSMENT]
    questionnaire.setdefault("title", title(language))  # required by the SDC adaptive profile
    step = engine.next_step(facts)
    if step is not None:
        added = step_items(engine, step, language)
        questionnaire["item"] = [*(questionnaire.get("item") or []), *added]
        qr["status"] = "in-progress"
        now = engine.assess(facts, lang=language)
        if now.is_emergency:
            # Emergency first (issue 9): the instruction is the first item a
            # renderer shows; the next question stays below for the clinicians.
            questionnaire["item"] = [*result_items(engine, now), *questionnaire["item"]]
    else:
        qr["status"] = "completed"
        result = engine.assess(facts, lang=language)
        # The outcome first: a renderer shows it above the answers (an emergency on top).
        questionnaire["item"] = [*result_items(engine, result), *(questionnaire.get("item") or [])]
        stamp = fhir_datetime(when)
        subject = qr.get("subject") or {"display": "The person who answered"}
        here = {"reference": "#"}
        risk = risk_assessment(
            engine, result, rid=_RISK_ID, subject=subject, basis=[here], when=stamp
        )
        impression = clinical_impression(
            engine,
            result,
            rid=_IMPRESSION_ID,
            subject=subject,
            investigated=[here],
            prognosis={"reference": f"#{_RISK_ID}"},
            supporting=[here],
            when=stamp,
        )
        qr["contained"] += [risk, impression]
        extensions += [
            {"url": EXT_ASSESSMENT, "valueReference": {"reference": f"#{_IMPRESSION_ID}"}},
            {"url": EXT_ASSESSMENT, "valueReference": {"reference": f"#{_RISK_ID}"}},
        ]
        qr.setdefault("authored", stamp)
    if extensions:
        qr["extension"] = extensions
    else:
        qr.pop("extension", None)
    _with_meta(engine, qr)
    if step is None:
        _validate(QuestionnaireResponse, qr, "QuestionnaireResponse")
    else:
        # The input was validated whole; validating what changed is enough (and fast).
        for item in added:
            _validate(QuestionnaireItem, item, "Questionnaire.item")
        _validate(Meta, qr["meta"], "QuestionnaireResponse.meta")
        for extension in extensions:
            _validate(Extension, extension, "QuestionnaireResponse.extension")
        if created:
            _validate(Questionnaire, questionnaire, "Questionnaire")
    return qr
