"""The Spotcheck Questionnaire, generated from the knowledge base.

One item per finding (``linkId`` = finding id), the texts in the requested
language with every other language of the knowledge base in the FHIR
translation extension.  It is the item bank of an adaptive questionnaire:
``$next-question`` picks which items to ask; the static form shows an item only
when the knowledge base would ask it (``enableWhen`` from ``applies_to``,
``ask_only_if`` and ``ask_skip_if``).
"""

from __future__ import annotations

import copy
import functools
import json

from fhir.resources.R4B.questionnaire import Questionnaire

from ..engine import Engine, NextStep
from ..kb import Atom, parse_atom
from ._codes import (
    ADAPTIVE_EXTENSION,
    ANSWER_SYSTEM,
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

ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
RADIO = {
    "system": "http://hl7.org/fhir/questionnaire-item-control",
    "code": "radio-button",
    "display": "Radio Button",
}

__all__ = [
    "build_questionnaire",
    "enable_when",
    "finding_item",
    "group_linkid",
    "pick_language",
    "step_items",
    "title",
]

_TITLE = {
    "en": "Bleeding after sex: triage questions",
    "ru": "Кровотечение после секса: вопросы для оценки срочности",
}


def _ranked(value: str) -> list[str]:
    """Language codes of an Accept-Language value (or one code), highest ``q`` first."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(value.split(",")):
        code, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, number = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(number)
                except ValueError:
                    weight = 0.0
        if code and weight > 0:
            ranked.append((-weight, index, code.split("-")[0].lower()))
    return [code for _, _, code in sorted(ranked)]


def pick_language(engine: Engine, *wanted: str | None) -> str:
    """The first of ``wanted`` (codes like ``ru-RU``, or Accept-Language values) the KB has."""
    for value in wanted:
        for code in _ranked(value or ""):
            if code in engine.kb.languages:
                return code
    return "en"


def title(lang: str) -> str:
    return _TITLE.get(lang, _TITLE["en"])


def _texts(engine: Engine, pick: str, fid: str) -> dict[str, str]:
    out = {}
    for lang in engine.kb.languages:
        text = engine.kb.text(lang).findings[fid]
        out[lang] = text.question if pick == "question" else text.values.get(pick, pick)
    return out


def _with_text(engine: Engine, key: str, texts: dict[str, str], lang: str = "en") -> Json:
    out: Json = {key: texts.get(lang) or texts["en"]}
    ext = translated(engine, texts, base=lang)
    if ext:
        out[f"_{key}"] = ext
    return out


def _dont_know_option(engine: Engine, lang: str) -> Json:
    texts = {code: engine.kb.text(code).ui.get("dont_know", "") for code in engine.kb.languages}
    return {"valueCoding": {**DONT_KNOW, **_with_text(engine, "display", texts, lang)}}


def _answer_key(engine: Engine, fid: str) -> str:
    spec = engine.kb.findings[fid]
    if spec.type == "bool":
        return "answerBoolean"
    if spec.type == "enum":
        return "answerCoding"
    return "answerInteger" if number_unit(engine, fid)[2] == "integer" else "answerDecimal"


def _answer(engine: Engine, fid: str, value: object) -> Json:
    key = _answer_key(engine, fid)
    if key == "answerCoding":
        return {key: {"system": ANSWER_SYSTEM, "code": str(value)}}
    if key == "answerInteger":
        return {key: int(float(str(value)))}
    if key == "answerDecimal":
        return {key: float(str(value))}
    return {key: value}


def _when(engine: Engine, atom: Atom, negate: bool) -> list[Json] | None:
    """enableWhen conditions for one atom (alternatives when ``in``); None: not expressible."""
    fid = atom.finding
    if negate:
        # "ask unless the atom holds": unanswered counts as not holding, which is
        # what R4's != does (true when no answer equals the value).
        if atom.op not in ("is", "in"):
            return None
        return [{"question": fid, "operator": "!=", **_answer(engine, fid, v)} for v in atom.values]
    op = "=" if atom.op in ("is", "in") else atom.op
    return [{"question": fid, "operator": op, **_answer(engine, fid, v)} for v in atom.values]


def enable_when(engine: Engine, fid: str) -> Json:
    """``enableWhen`` (+ ``enableBehavior``) of a finding's item, from the knowledge base.

    ``applies_to`` -> sex = female/male; every ``ask_only_if`` atom must hold; no
    ``ask_skip_if`` atom may hold.  One atom with several values (``x in [a, b]``)
    needs behaviour ``any``: the other conditions are then left to the referenced
    item's own enableWhen when it has the same applicability, else dropped (the
    item shows more often, never less).
    """
    spec = engine.kb.findings[fid]
    every: list[Json] = []  # all of these
    either: list[Json] = []  # any of these
    if spec.applies_to in ("female", "male") and fid != "sex":
        every.append(
            {"question": "sex", "operator": "=", **_answer(engine, "sex", spec.applies_to)}
        )
    atoms = [(a, False) for a in engine.kb.ask_only_if.get(fid, ())]
    atoms += [(parse_atom(text), True) for text in spec.ask_skip_if]
    for atom, negate in atoms:
        if atom.finding not in engine.kb.findings or atom.finding == fid:
            continue
        found = _when(engine, atom, negate)
        if not found:
            continue
        if len(found) > 1 and not negate:
            if either:
                continue  # two "in" atoms cannot be expressed; show more often
            either = found
            refs = engine.kb.findings[atom.finding]
            every = [
                e
                for e in every
                if not (e["question"] == "sex" and refs.applies_to == spec.applies_to)
            ]
        else:
            every.extend(found)
    if either:
        if every:
            # Mixed all/any: keep the alternatives only (documented over-showing).
            every = []
        return {"enableWhen": either, "enableBehavior": "any"}
    if not every:
        return {}
    out: Json = {"enableWhen": every}
    if len(every) > 1:
        out["enableBehavior"] = "all"
    return out


@functools.cache
def _finding_item(engine: Engine, fid: str, lang: str = "en") -> str:
    spec = engine.kb.findings[fid]
    item: Json = {"linkId": fid}
    extensions: list[Json] = []
    if spec.audience == "clinician":
        # Measured by a clinician: never asked in the patient interview.
        extensions.append({"url": HIDDEN_EXTENSION, "valueBoolean": True})
    item["code"] = finding_concept(engine, fid)["coding"]
    item |= _with_text(engine, "text", _texts(engine, "question", fid), lang)
    if spec.type == "bool":
        item["type"] = "boolean"
    elif spec.type == "enum":
        item["type"] = "choice"
        # Few options, one to pick: radio buttons rather than a drop-down.
        extensions.append({"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [RADIO]}})
        item["answerOption"] = [
            {
                "valueCoding": {
                    **value_coding(engine, fid, value),
                    "display": _texts(engine, value, fid).get(lang) or value,
                    **(
                        {"_display": ext}
                        if (ext := translated(engine, _texts(engine, value, fid), base=lang))
                        else {}
                    ),
                }
            }
            for value in spec.values or []
        ] + [_dont_know_option(engine, lang)]
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


def finding_item(engine: Engine, fid: str, lang: str = "en") -> Json:
    """The Questionnaire item asking one finding, in ``lang`` (a fresh copy, no enableWhen)."""
    result: Json = json.loads(_finding_item(engine, fid, lang))
    return result


def group_linkid(engine: Engine, step_id: str) -> str:
    """The linkId of a group of findings asked together (never a finding id)."""
    return step_id if step_id not in engine.kb.findings else f"{step_id}-group"


def step_items(engine: Engine, step: NextStep, lang: str = "en") -> list[Json]:
    """The items asking one interview step: one item, or a group with one child per finding."""
    children = [finding_item(engine, fid, lang) for fid in step.findings]
    if len(children) == 1:
        return children
    texts = {code: engine.kb.text(code).screen.get(step.id, "") for code in engine.kb.languages}
    group: Json = {"linkId": group_linkid(engine, step.id)}
    if texts.get(lang) or texts["en"]:
        group |= _with_text(engine, "text", texts, lang)
    group |= {"type": "group", "item": children}
    return [group]


def _bank_item(engine: Engine, fid: str, lang: str) -> Json:
    item = finding_item(engine, fid, lang)
    condition = enable_when(engine, fid)
    if not condition:
        return item
    # enableWhen goes after the item's definition, as in the R4 element order.
    order = ["extension", "linkId", "code", "text", "_text", "type"]
    head = {k: item[k] for k in order if k in item}
    return head | condition | {k: v for k, v in item.items() if k not in head}


@functools.cache
def _questionnaire(engine: Engine, lang: str = "en") -> Questionnaire:
    titles = {code: title(code) for code in engine.kb.languages}
    return Questionnaire.model_validate(
        {
            "resourceType": "Questionnaire",
            "id": "spotcheck",
            "meta": meta(engine),
            "language": lang,
            "extension": [{"url": ADAPTIVE_EXTENSION, "valueBoolean": True}],
            "url": QUESTIONNAIRE_URL,
            "version": engine.version,
            "name": "Spotcheck",
            **_with_text(engine, "title", titles, lang),
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
            "item": [_bank_item(engine, fid, lang) for fid in engine.kb.findings],
        }
    )


def build_questionnaire(engine: Engine, lang: str = "en") -> Questionnaire:
    """The whole Questionnaire in ``lang`` (validated; a copy the caller may change)."""
    return copy.deepcopy(_questionnaire(engine, pick_language(engine, lang)))
