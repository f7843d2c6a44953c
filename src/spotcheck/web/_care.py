"""The result page as a care card: what a person reads, built from an assessment.

The engine's :class:`~spotcheck.engine.Assessment` is made for every adapter;
this module turns it into the words of the patient result page:

* the **call button** for the level and language (999 / 111 in English,
  103 / 112 in Russian), or none when a call is not the route;
* the causes as **bands** ("common", "less likely", "rare but must be ruled
  out") with the number as a natural frequency behind a disclosure, never
  "0 %", each cause once;
* the reasons as **plain sentences**;
* **what happens next**, read from the leading causes' work-up (the
  knowledge base's clinician text) as the tests a person can expect;
* the **summary for the doctor** in the page's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..engine import Assessment, Cause, Reason
from ._i18n import Translator

__all__ = [
    "EMERGENCY_LEVELS",
    "CallButton",
    "CauseView",
    "call_buttons",
    "cause_views",
    "doctor_lines",
    "frequency",
    "next_steps",
    "reason_sentence",
]

EMERGENCY_LEVELS = frozenset({"emergency", "emergency_ambulance"})

# Below this a cause is only listed when it must be ruled out.
_SHOW_FROM = 0.05
_COMMON_FROM = 0.3
_POSSIBLE_FROM = 0.1


@dataclass(frozen=True)
class CallButton:
    number: str
    label: str
    primary: bool


def call_buttons(t: Translator, lang: str, level: str) -> list[CallButton]:
    """``tel:`` buttons for the level: the first one is the call to make."""
    if lang == "ru":
        if level in EMERGENCY_LEVELS:
            return [
                CallButton("103", t("call_ambulance_number", number="103"), True),
                CallButton("112", t("call_ambulance_number", number="112"), False),
            ]
        return []
    if level in EMERGENCY_LEVELS:
        return [CallButton("999", t("call_ambulance_number", number="999"), True)]
    if level == "consultation_24":
        return [CallButton("111", t("call_111"), False)]
    return []


def frequency(t: Translator, lang: str, probability: float) -> str:
    """A probability as a natural frequency: "about 3 in 10", "fewer than 1 in 100"."""
    if probability < 0.01:
        return t("freq_under_1")
    if probability < 0.1:
        n = round(probability * 100)
        return t("freq_in_100", n=n)
    n = min(round(probability * 10), 10)
    if n >= 10:
        return t("freq_almost_all")
    return t("freq_in_10", n=n)


@dataclass(frozen=True)
class CauseView:
    id: str
    name: str
    band: str  # "common", "possible", "less_likely" or "rule_out"
    band_text: str
    frequency: str
    summary: str
    reasons_for: list[str]
    reasons_against: list[str]
    must_rule_out: bool


def plain_name(t: Translator, cause_id: str, name: str) -> str:
    """The plain name with the medical term in brackets, where the pack's is jargon."""
    key = f"plain_{cause_id}"
    try:
        return t(key)
    except KeyError:
        return name


def _value_words(t: Translator, label: str) -> tuple[str, str]:
    name, _, value = label.partition(": ")
    return name, value


def reason_sentence(t: Translator, reason: Reason, towards: bool) -> str:
    """ "Happened before: Yes" as "You said yes to “Happened before”, which makes this more
    likely." """
    name, value = _value_words(t, reason.label)
    direction = "more" if towards else "less"
    if isinstance(reason.value, bool):
        key = f"reason_{'yes' if reason.value else 'no'}_{direction}"
        return t(key, name=name)
    return t(f"reason_value_{direction}", name=name, value=value.lower() if value else "")


def cause_views(t: Translator, lang: str, a: Assessment) -> tuple[list[CauseView], list[CauseView]]:
    """The likely causes and, apart, the rare ones that must still be ruled out; each once."""
    must = {m.id: m for m in a.must_not_miss}
    shown: list[CauseView] = []
    seen: set[str] = set()
    for cause in a.causes:
        if cause.probability < _SHOW_FROM and shown:
            continue
        seen.add(cause.id)
        shown.append(_view(t, lang, cause, cause.id in must))
    rare: list[CauseView] = []
    by_id = {c.id: c for c in a.causes}
    for m in a.must_not_miss:
        if m.id in seen:
            continue
        seen.add(m.id)
        found = by_id.get(m.id)
        if found is None:
            rare.append(
                CauseView(
                    m.id,
                    plain_name(t, m.id, m.name),
                    "rule_out",
                    t("band_rule_out"),
                    frequency(t, lang, m.probability),
                    "",
                    [],
                    [],
                    True,
                )
            )
        else:
            rare.append(_view(t, lang, found, True, force_band="rule_out"))
    return shown, rare


def _view(
    t: Translator, lang: str, cause: Cause, must: bool, force_band: str | None = None
) -> CauseView:
    p = cause.probability
    if force_band is not None:
        band = force_band
    elif p >= _COMMON_FROM:
        band = "common"
    elif p >= _POSSIBLE_FROM:
        band = "possible"
    elif must:
        band = "rule_out"
    else:
        band = "less_likely"
    return CauseView(
        id=cause.id,
        name=plain_name(t, cause.id, cause.name),
        band=band,
        band_text=t(f"band_{band}"),
        frequency=frequency(t, lang, p),
        summary=cause.summary,
        reasons_for=[reason_sentence(t, r, True) for r in cause.reasons_for[:3]],
        reasons_against=[reason_sentence(t, r, False) for r in cause.reasons_against[:2]],
        must_rule_out=must,
    )


# What a person can expect, read from the work-up text (English or Russian).
# Order is the order a visit usually goes in.
_STEPS: tuple[tuple[str, str], ...] = (
    ("next_questions_exam", r"."),  # always: questions and, usually, an examination
    ("next_pregnancy_test", r"pregnancy test|hcg|тест на беременность|хгч"),
    ("next_speculum", r"speculum|cervix|зеркал|шейк"),
    ("next_swabs", r"swab|chlamydia|naat|sti|пцр|хламид|мазок|иппп|посев"),
    ("next_urine", r"urine|urinalysis|моч"),
    ("next_blood_test", r"blood count|blood test|fbc|анализ крови|коагул|ферритин"),
    ("next_ultrasound", r"ultraso|scan|узи"),
    ("next_colposcopy", r"colposcop|кольпоскоп"),
    ("next_biopsy", r"biops|hysteroscop|биопс|гистероскоп"),
    ("next_referral", r"refer|2-week|two-week|направлен"),
)


def next_steps(t: Translator, a: Assessment, causes: list[CauseView]) -> list[str]:
    """What happens at the appointment, in plain words, for the leading causes and level."""
    if a.triage == "self_care":
        return [t("next_self_care")]
    ids = {c.id for c in causes[:3]}
    text = " ".join(w for c in a.causes if c.id in ids for w in c.workup).lower()
    steps = [key for key, pattern in _STEPS if re.search(pattern, text)]
    out = [t(key) for key in steps]
    if a.triage in EMERGENCY_LEVELS:
        out.insert(0, t("next_emergency"))
    return out


def _percent(p: float) -> str:
    if p < 0.01:
        return "<1 %"
    if p > 0.99:
        return ">99 %"
    return f"{round(p * 100)} %"


def doctor_lines(
    t: Translator, a: Assessment, review: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    """The summary for a doctor, in the page's language: (heading, text) pairs."""
    lines = [(t("doc_level"), a.triage_label)]
    lines.append((t("doc_answers"), "; ".join(f"{r['question']} — {r['answer']}" for r in review)))
    lines.append(
        (
            t("doc_causes"),
            "; ".join(f"{c.name} ({c.icd10}) {_percent(c.probability)}" for c in a.causes[:5]),
        )
    )
    listed = {c.id for c in a.causes[:5]}
    rare = [m for m in a.must_not_miss if m.id not in listed]
    if rare:
        lines.append(
            (t("doc_rule_out"), "; ".join(f"{m.name} {_percent(m.probability)}" for m in rare))
        )
    workup: list[str] = []
    for cause in a.causes[:3]:
        workup += [w for w in cause.workup if w not in workup]
    if workup:
        lines.append((t("doc_workup"), " ".join(workup)))
    return lines
