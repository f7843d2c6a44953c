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

from ..engine import Assessment, Cause, Reason, percent
from ..locale import N_
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

    def call(number: str) -> str:
        return t.gettext("Call %(number)s", number=number)

    if lang == "ru":
        if level in EMERGENCY_LEVELS:
            return [CallButton("103", call("103"), True), CallButton("112", call("112"), False)]
        return []
    if level in EMERGENCY_LEVELS:
        return [CallButton("999", call("999"), True)]
    if level == "consultation_24":
        return [
            CallButton("111", t.gettext("Call 111 if you cannot get an appointment today"), False)
        ]
    return []


def frequency(t: Translator, lang: str, probability: float) -> str:
    """A probability as a natural frequency: "about 3 in 10", "fewer than 1 in 100"."""
    if probability < 0.01:
        return t.gettext("fewer than 1 in 100 people with answers like yours")
    if probability < 0.1:
        n = round(probability * 100)
        return t.gettext("about %(n)s in 100 people with answers like yours", n=n)
    n = min(round(probability * 10), 10)
    if n >= 10:
        return t.gettext("almost everyone with answers like yours")
    return t.gettext("about %(n)s in 10 people with answers like yours", n=n)


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


# Plain names with the medical term in brackets, where the pack's name is jargon.
_PLAIN_NAMES = {
    "cervical_cancer": N_("Cancer or pre-cancer of the cervix (CIN)"),
    "ovarian_cyst_rupture": N_("Burst ovarian cyst (ovarian apoplexy)"),
    "urethritis": N_("Inflamed urethra (urethritis)"),
    "endometrial_hyperplasia": N_("Thickened womb lining (endometrial hyperplasia)"),
    "cervical_ectropion": N_("Red patch on the cervix (cervical ectropion)"),
    "haematospermia": N_("Blood in the semen (haematospermia)"),
    "mycoplasma_genitalium": N_("Mycoplasma, a sexually transmitted infection"),
}


def plain_name(t: Translator, cause_id: str, name: str) -> str:
    """The plain name with the medical term in brackets, where the pack's is jargon."""
    plain = _PLAIN_NAMES.get(cause_id)
    return name if plain is None else t.gettext(plain)


def reason_sentence(t: Translator, reason: Reason, towards: bool) -> str:
    """ "Happened before: Yes" as "You said yes to “Happened before”, which makes this more
    likely." """
    _ = t.gettext
    name, _sep, value = reason.label.partition(": ")
    if isinstance(reason.value, bool):
        if reason.value and towards:
            return _("You said yes to “%(name)s”, which makes this more likely.", name=name)
        if reason.value:
            return _("You said yes to “%(name)s”, which makes this less likely.", name=name)
        if towards:
            return _("You said no to “%(name)s”, which makes this more likely.", name=name)
        return _("You said no to “%(name)s”, which makes this less likely.", name=name)
    value = value.lower() if value else ""
    if towards:
        return _("“%(name)s”: %(value)s. This makes it more likely.", name=name, value=value)
    return _("“%(name)s”: %(value)s. This makes it less likely.", name=name, value=value)


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
                    _band_text(t, "rule_out"),
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
        band_text=_band_text(t, band),
        frequency=frequency(t, lang, p),
        summary=cause.summary,
        reasons_for=[reason_sentence(t, r, True) for r in cause.reasons_for[:3]],
        reasons_against=[reason_sentence(t, r, False) for r in cause.reasons_against[:2]],
        must_rule_out=must,
    )


def _band_text(t: Translator, band: str) -> str:
    if band == "common":
        return t.pgettext("cause band", "Common with answers like yours")
    if band == "possible":
        return t.pgettext("cause band", "Possible")
    if band == "less_likely":
        return t.pgettext("cause band", "Less likely")
    return t.pgettext("cause band", "Rare, but must be ruled out")


# What a person can expect, read from the work-up text (English or Russian).
# Order is the order a visit usually goes in.
_STEPS: tuple[tuple[str, str], ...] = (
    # always: questions and, usually, an examination
    (N_("A doctor or nurse will ask about the bleeding and may examine you."), r"."),
    (N_("A pregnancy test."), r"pregnancy test|hcg|тест на беременность|хгч"),
    (
        N_("A look at the neck of the womb (cervix) with a speculum, like a smear test."),
        r"speculum|cervix|зеркал|шейк",
    ),
    (
        N_("Swabs or a urine sample to test for infections such as chlamydia."),
        r"swab|chlamydia|naat|sti|пцр|хламид|мазок|иппп|посев",
    ),
    (N_("A urine test."), r"urine|urinalysis|моч"),
    (N_("A blood test."), r"blood count|blood test|fbc|анализ крови|коагул|ферритин"),
    (N_("An ultrasound scan."), r"ultraso|scan|узи"),
    (
        N_("Possibly a closer look at the cervix with a magnifier (colposcopy)."),
        r"colposcop|кольпоскоп",
    ),
    (
        N_("Possibly a small tissue sample (biopsy), which is quick."),
        r"biops|hysteroscop|биопс|гистероскоп",
    ),
    (
        N_("Possibly a referral to a specialist; if so, go, even if you feel well."),
        r"refer|2-week|two-week|направлен",
    ),
)


def next_steps(t: Translator, a: Assessment, causes: list[CauseView]) -> list[str]:
    """What happens at the appointment, in plain words, for the leading causes and level."""
    if a.triage == "self_care":
        return [
            t.gettext(
                "You do not need any tests now. If it happens again or does not settle, a "
                "doctor or nurse will ask about it and may examine you."
            )
        ]
    ids = {c.id for c in causes[:3]}
    text = " ".join(w for c in a.causes if c.id in ids for w in c.workup).lower()
    out = [t.gettext(step) for step, pattern in _STEPS if re.search(pattern, text)]
    if a.triage in EMERGENCY_LEVELS:
        out.insert(
            0, t.gettext("In hospital, a doctor will check your pulse and blood pressure first.")
        )
    return out


def doctor_lines(
    t: Translator, a: Assessment, review: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    """The summary for a doctor, in the page's language: (heading, text) pairs."""
    _ = t.gettext
    lines = [(_("Urgency"), a.triage_label)]
    lines.append((_("Answers"), "; ".join(f"{r['question']} — {r['answer']}" for r in review)))
    lines.append(
        (
            _("Likely causes (estimated)"),
            "; ".join(f"{c.name} ({c.icd10}) {percent(c.probability)}" for c in a.causes[:5]),
        )
    )
    listed = {c.id for c in a.causes[:5]}
    rare = [m for m in a.must_not_miss if m.id not in listed]
    if rare:
        lines.append(
            (_("To rule out"), "; ".join(f"{m.name} {percent(m.probability)}" for m in rare))
        )
    workup: list[str] = []
    for cause in a.causes[:3]:
        workup += [w for w in cause.workup if w not in workup]
    if workup:
        lines.append((_("Suggested work-up"), " ".join(workup)))
    return lines
