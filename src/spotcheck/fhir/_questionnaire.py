"""The Spotcheck Questionnaire, generated from the knowledge base.

One item per finding (``linkId`` = finding id), English text with every other
language of the knowledge base in the FHIR translation extension.  It is the
item bank of an adaptive questionnaire: ``$next-question`` picks which items to
ask; the static form lists them all.
"""

from __future__ import annotations

import copy
import functools
import json

from fhir.resources.R4B.questionnaire import Questionnaire

from ..engine import Engine, NextStep
from ._codes import (
    ADAPTIVE_EXTENSION,
    DONT_KNOW,
    HIDDEN_EXTENSION,
    MAX_VALUE,
    MIN_VALUE,
    QUESTIONNAIRE_URL,
    UCUM,
    UNIT_EXTENSION,
    Json,
    finding_concept,
    meta,
    number_unit,
    translated,
    value_coding,
)

__all__ = ["build_questionnaire", "finding_item", "group_linkid", "step_items"]


def _texts(engine: Engine, pick: str, fid: str) -> dict[str, str]:
    out = {}
    for lang in engine.kb.languages:
        text = engine.kb.text(lang).findings[fid]
        out[lang] = text.question if pick == "question" else text.values.get(pick, pick)
    return out


def _with_text(engine: Engine, key: str, texts: dict[str, str]) -> Json:
    out: Json = {key: texts["en"]}
    ext = translated(engine, texts)
    if ext:
        out[f"_{key}"] = ext
    return out


def _dont_know_option(engine: Engine) -> Json:
    texts = {lang: engine.kb.text(lang).ui.get("dont_know", "") for lang in engine.kb.languages}
    return {"valueCoding": {**DONT_KNOW, **_with_text(engine, "display", texts)}}


@functools.cache
def _finding_item(engine: Engine, fid: str) -> str:
    spec = engine.kb.findings[fid]
    item: Json = {"linkId": fid}
    extensions: list[Json] = []
    if spec.audience == "clinician":
        # Measured by a clinician: never asked in the patient interview.
        extensions.append({"url": HIDDEN_EXTENSION, "valueBoolean": True})
    item["code"] = finding_concept(engine, fid)["coding"]
    item |= _with_text(engine, "text", _texts(engine, "question", fid))
    if spec.type == "bool":
        item["type"] = "boolean"
    elif spec.type == "enum":
        item["type"] = "choice"
        item["answerOption"] = [
            {
                "valueCoding": {
                    **value_coding(engine, fid, value),
                    **(
                        {"_display": ext}
                        if (ext := translated(engine, _texts(engine, value, fid)))
                        else {}
                    ),
                }
            }
            for value in spec.values or []
        ] + [_dont_know_option(engine)]
    else:
        code, unit, item_type = number_unit(engine, fid)
        item["type"] = item_type
        key = "valueInteger" if item_type == "integer" else "valueDecimal"
        lo, hi = spec.range or (None, None)
        if lo is not None:
            extensions.append({"url": MIN_VALUE, key: int(lo) if key == "valueInteger" else lo})
        if hi is not None:
            extensions.append({"url": MAX_VALUE, key: int(hi) if key == "valueInteger" else hi})
        if code:
            extensions.append(
                {
                    "url": UNIT_EXTENSION,
                    "valueCoding": {"system": UCUM, "code": code, "display": unit},
                }
            )
    if extensions:
        item = {"extension": extensions, **item}
    return json.dumps(item, ensure_ascii=False)


def finding_item(engine: Engine, fid: str) -> Json:
    """The Questionnaire item asking one finding (a fresh copy)."""
    result: Json = json.loads(_finding_item(engine, fid))
    return result


def group_linkid(engine: Engine, step_id: str) -> str:
    """The linkId of a group of findings asked together (never a finding id)."""
    return step_id if step_id not in engine.kb.findings else f"{step_id}-group"


def step_items(engine: Engine, step: NextStep) -> list[Json]:
    """The items asking one interview step: one item, or a group with one child per finding."""
    children = [finding_item(engine, fid) for fid in step.findings]
    if len(children) == 1:
        return children
    texts = {lang: engine.kb.text(lang).screen.get(step.id, "") for lang in engine.kb.languages}
    group: Json = {"linkId": group_linkid(engine, step.id)}
    if texts["en"]:
        group |= _with_text(engine, "text", texts)
    group |= {"type": "group", "item": children}
    return [group]


@functools.cache
def _questionnaire(engine: Engine) -> Questionnaire:
    return Questionnaire.model_validate(
        {
            "resourceType": "Questionnaire",
            "id": "spotcheck",
            "meta": meta(engine),
            "language": "en",
            "extension": [{"url": ADAPTIVE_EXTENSION, "valueBoolean": True}],
            "url": QUESTIONNAIRE_URL,
            "version": engine.version,
            "name": "Spotcheck",
            "title": "Bleeding after sex: triage questions",
            "status": "active",
            "experimental": False,
            "subjectType": ["Patient"],
            "publisher": "Spotcheck",
            "description": (
                "Every question the Spotcheck interview can ask, generated from knowledge base "
                f"{engine.version}. The interview is adaptive: use Questionnaire/$next-question "
                "to be asked only the questions that matter. linkId = finding id; a choice "
                "answer or the data-absent-reason extension 'asked-unknown' says 'don't know'."
            ),
            "item": [finding_item(engine, fid) for fid in engine.kb.findings],
        }
    )


def build_questionnaire(engine: Engine) -> Questionnaire:
    """The whole Questionnaire (validated; a copy the caller may change)."""
    return copy.deepcopy(_questionnaire(engine))
