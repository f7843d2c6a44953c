"""The outcome of a finished adaptive interview as Questionnaire items a renderer shows.

SDC renderers (LHC-Forms, for one) show the items of the contained
Questionnaire and nothing else: the contained RiskAssessment and
ClinicalImpression are for machines.  So when ``$next-question`` completes, a
group of ``display`` items is put *first* in the contained Questionnaire: the
level (an emergency is therefore the first thing shown), the one instruction,
any time-critical treatment windows, the safety net, the likely causes and the
disclaimer, in the assessment's language.  Display items take no answer, so the
QuestionnaireResponse gets no item for them.
"""

from __future__ import annotations

from ..engine import Assessment, Engine
from ._codes import TRIAGE_SYSTEM, Json

__all__ = ["RESULT_LINKID", "result_items"]

RESULT_LINKID = "spotcheck-result"

# SDC's "rendering-style" on ``_text``: emphasis for a renderer that supports it.
_STYLE = "http://hl7.org/fhir/StructureDefinition/rendering-style"
_URGENT_STYLE = "color:#d5281b;font-weight:bold"
_EMERGENCY = ("emergency", "emergency_ambulance")

_LABELS = {
    "en": {"windows": "Time-critical", "causes": "Likely causes"},
    "ru": {"windows": "Важно успеть", "causes": "Вероятные причины"},
}


def _display(link: str, text: str, *, urgent: bool = False, code: Json | None = None) -> Json:
    item: Json = {"linkId": link}
    if code:
        item["code"] = [code]
    item["text"] = text
    if urgent:
        item["_text"] = {"extension": [{"url": _STYLE, "valueString": _URGENT_STYLE}]}
    item["type"] = "display"
    return item


def _group(link: str, text: str, children: list[Json]) -> Json:
    return {"linkId": link, "text": text, "type": "group", "item": children}


def result_items(engine: Engine, result: Assessment) -> list[Json]:
    """One group (linkId ``spotcheck-result``) of display items carrying the outcome."""
    pack = engine.kb.text(result.language)
    ui = pack.ui
    labels = _LABELS.get(result.language, _LABELS["en"])
    urgent = result.triage in _EMERGENCY
    level_code = {
        "system": TRIAGE_SYSTEM,
        "code": result.triage,
        "display": engine.kb.text("en").levels[result.triage].label,
    }
    level_text = result.triage_label
    if result.triage_summary:
        level_text += f". {result.triage_summary}"
    children = [
        _display(f"{RESULT_LINKID}-level", level_text, urgent=urgent, code=level_code),
    ]
    if result.triage_action:
        children.append(
            _display(f"{RESULT_LINKID}-instruction", result.triage_action, urgent=urgent)
        )
    if result.windows:
        children.append(
            _group(
                f"{RESULT_LINKID}-windows",
                labels["windows"],
                [
                    _display(f"{RESULT_LINKID}-window-{i}", window.text, urgent=True)
                    for i, window in enumerate(result.windows, 1)
                ],
            )
        )
    if result.safety_net:
        children.append(
            _group(
                f"{RESULT_LINKID}-safety-net",
                ui.get("safety_net_heading", "Get help sooner if"),
                [
                    _display(f"{RESULT_LINKID}-safety-net-{i}", line)
                    for i, line in enumerate(result.safety_net, 1)
                ],
            )
        )
    causes = [c for c in result.causes[:5] if c.probability >= 0.01]
    if causes:
        children.append(
            _group(
                f"{RESULT_LINKID}-causes",
                ui.get("causes_heading", labels["causes"]),
                [
                    _display(f"{RESULT_LINKID}-cause-{i}", f"{c.name}: {c.probability:.0%}")
                    for i, c in enumerate(causes, 1)
                ],
            )
        )
    if result.disclaimer:
        children.append(_display(f"{RESULT_LINKID}-disclaimer", result.disclaimer))
    heading = ui.get("triage_heading", "What to do")
    return [_group(RESULT_LINKID, heading, children)]
