"""The engine: facts in, assessment or next question out."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .._errors import InputError
from ..kb import FactValue, KnowledgeBase, load_knowledge_base, visible
from ..kb._schema import LanguagePack
from ._assessment import (
    Assessment,
    Cause,
    LevelReason,
    MustNotMiss,
    Option,
    Question,
    Reason,
    Unsure,
    Window,
    percent,
)
from ._explain import likelihood_ratios, strongest
from ._facts import Facts, parse_facts
from ._interview import InterviewPolicy, NextStep, choose_next
from ._posterior import FloatArray, carries_evidence, posterior
from ._triage import Triage, red_flag_facts, triage

if TYPE_CHECKING:
    from ..nlu import ParseResult

__all__ = ["AUDIENCES", "Engine"]

# Who is answering the interview.
AUDIENCES = ("patient", "clinician")

# A must-not-miss condition: id, excluding masks, (consider-when mask, its text).
_MustNotMissSpec = tuple[str, tuple[int, ...], tuple[tuple[int, str], ...]]

# Likelihood ratios beyond these count as reasons for / against a cause.
_FOR, _AGAINST = 1.5, 1 / 1.5
_MAX_REASONS = 6  # of each kind, per cause


class Engine:
    """Triage and differential diagnosis over a compiled knowledge base.

    >>> engine = Engine.default()
    >>> engine.assess({"sex": "female", "age": 31}).triage in engine.kb.levels
    True
    """

    def __init__(self, kb: KnowledgeBase, policy: InterviewPolicy | None = None) -> None:
        self.kb = kb
        self.policy = policy or InterviewPolicy()
        self._baselines: dict[FactValue | None, FloatArray] = {}  # by sex
        self._ratio_rows: dict[tuple[FactValue | None, int], FloatArray] = {}  # by sex, column
        # Per must-not-miss condition index: its id, what excludes it, and each
        # consider-when group's mask with its text (joined once, not per request).
        self._must_not_miss_specs: dict[int, _MustNotMissSpec] = {}
        for i in np.flatnonzero(kb.must_not_miss).tolist():
            cid = kb.conditions[i].id
            groups = tuple(
                (mask, " & ".join(a.text for a in atoms))
                for mask, atoms in zip(kb.consider_masks[cid], kb.consider_when[cid], strict=True)
            )
            self._must_not_miss_specs[i] = (cid, kb.excluded_masks[cid], groups)
        # A cause's fixed texts by (language pack, condition index).
        self._cause_texts: dict[tuple[int, int], tuple[str, str, tuple[str, ...], tuple[str, ...]]]
        self._cause_texts = {}

    @classmethod
    @functools.cache
    def default(cls) -> Engine:
        """The engine over the packaged knowledge base (cached)."""
        return cls(load_knowledge_base())

    @property
    def version(self) -> str:
        return f"{self.kb.version}+{self.kb.digest}"

    # --- facts and reasoning ---------------------------------------------------

    def facts(self, raw: Mapping[str, Any] | Facts) -> Facts:
        """Validate raw facts; raises :class:`InputError` naming the field."""
        return parse_facts(self.kb, raw)

    def posterior(self, facts: Mapping[str, Any] | Facts) -> dict[str, float]:
        """P(cause | facts) for every condition, exact."""
        checked = self.facts(facts)
        post = posterior(self.kb, checked)
        return dict(zip(self.kb.condition_ids, post.tolist(), strict=True))

    def _reason(self, facts: Facts, truth: int | None = None) -> tuple[FloatArray, Triage]:
        post = posterior(self.kb, facts)
        return post, triage(self.kb, facts, post, truth)

    def _pack(self, lang: str) -> LanguagePack:
        if lang not in self.kb.packs:
            raise InputError(
                f"unsupported language {lang!r}", field="lang", allowed=", ".join(self.kb.languages)
            )
        return self.kb.packs[lang]

    def parse(self, text: str, lang: str | None = None, *, sex: str | None = None) -> ParseResult:
        """Read findings from free text (English or Russian; detected when ``lang`` is None).

        ``sex``, when a form already gives it, is the sex of the person who
        bleeds (a man's "she bled too" is then his partner's blood).
        The free-text adapter is imported here, so the core never depends on it.
        """
        from ..nlu import parser_for

        return parser_for(self.kb).parse(text, lang, sex=sex)

    # --- assessment --------------------------------------------------------------

    def assess(
        self, facts: Mapping[str, Any] | Facts, lang: str = "en", max_causes: int = 10
    ) -> Assessment:
        """Triage, ranked causes with reasons, must-not-miss, advice."""
        pack = self._pack(lang)
        checked = self.facts(facts)
        kb = self.kb
        truth = kb.truth(checked)
        post, tri = self._reason(checked, truth)
        level = kb.levels[tri.level]
        level_text = pack.levels[level]

        order = np.argsort(-post, kind="stable").tolist()
        probability = post.tolist()
        shown = [i for i in order[:max_causes] if probability[i] > 0]
        values = checked.known()
        fids = [f for f in values if f != "sex" and carries_evidence(kb, f, values)]
        shown_ratios = self._ratios(checked.get("sex"), [kb.column(f, values[f]) for f in fids])[
            :, shown
        ]
        known = [(f, values[f], self._label(pack, f, values[f])) for f in fids]
        causes = tuple(
            self._cause(
                i,
                probability[i],
                tuple(Reason(*known[r], round(lrs[r], 3)) for r in fors),
                tuple(Reason(*known[r], round(lrs[r], 3)) for r in againsts),
                pack,
            )
            for i, lrs, (fors, againsts) in zip(
                shown,
                shown_ratios.T.tolist(),
                strongest(shown_ratios, _FOR, _AGAINST, _MAX_REASONS),
                strict=True,
            )
        )
        mnm = self._must_not_miss(truth, probability, pack)
        explained = tri.explanation
        set_by = (
            tuple(
                LevelReason("rule", r.id, kb.levels[r.level], pack.rules[r.id], r.source)
                for r in tri.fired
            )
            + (
                (
                    LevelReason(
                        "explanation",
                        explained.id,
                        kb.levels[explained.level],
                        pack.explanations[explained.id],
                        explained.source,
                    ),
                )
                if explained is not None and tri.level == explained.level
                else ()
            )
            + tuple(
                LevelReason(
                    "cause",
                    kb.conditions[i].id,
                    kb.levels[tri.cause_level],
                    f"{pack.conditions[kb.conditions[i].id].name}: {post[i]:.0%}",
                )
                for i in tri.drivers
            )
        )
        windows = self._windows(pack, checked)
        unsure = self._unsure(pack, checked, truth, tri.level)
        action, advice = self._advice(pack, tri, causes, checked, windows)
        return Assessment(
            triage=level,
            triage_label=level_text.label,
            triage_summary=level_text.summary,
            triage_action=action,
            set_by=set_by,
            causes=causes,
            must_not_miss=mnm,
            advice=advice,
            safety_net=tuple(u.text for u in unsure)
            + tuple(visible(level_text.safety_net, checked)),
            for_doctor=self._for_doctor(pack, level_text.label, checked, causes, mnm, tri),
            facts=checked.to_dict(),
            language=lang,
            kb_version=self.version,
            disclaimer=pack.ui.get("disclaimer", ""),
            windows=windows,
            unsure=unsure,
        )

    def _must_not_miss(
        self, truth: int, post: list[float], pack: LanguagePack
    ) -> tuple[MustNotMiss, ...]:
        """Dangerous causes not ruled out: likely enough, or flagged by guidance."""
        specs = self._must_not_miss_specs
        rule_out_below = self.kb.rule_out_below
        out = []
        # Most likely first; ties in condition order, as in ``order``.
        for i in sorted(specs, key=lambda k: -post[k]):
            cid, excluded, groups = specs[i]
            if post[i] <= 0:
                continue
            for m in excluded:  # a plain loop: cheaper than any() over a generator
                if truth & m == m:
                    break
            else:
                why = tuple([text for m, text in groups if truth & m == m])
                if why or post[i] >= rule_out_below[i]:
                    out.append(MustNotMiss(cid, pack.conditions[cid].name, post[i], why))
        return tuple(out)

    def _ratios(self, sex: FactValue | None, columns: list[int]) -> FloatArray:
        """Likelihood ratios of these table columns for every cause, shape (F, C).

        Kept per (sex, column): a value's ratios do not depend on the other facts.
        """
        cache = self._ratio_rows
        missing = [c for c in dict.fromkeys(columns) if (sex, c) not in cache]
        if missing:
            for c, row in zip(
                missing,
                likelihood_ratios(self.kb.tables(sex).table, missing, self._baseline(sex)),
                strict=True,
            ):
                row.flags.writeable = False
                cache[sex, c] = row
        if not columns:
            return np.zeros((0, len(self.kb.conditions)))
        return np.array([cache[sex, c] for c in columns])

    def _baseline(self, sex: FactValue | None) -> FloatArray:
        """P(cause) for someone of this sex before any symptom (read-only, shared)."""
        out = self._baselines.get(sex)
        if out is None:
            kb = self.kb
            out = posterior(kb, {"sex": sex}) if sex is not None else np.exp(kb.log_prior)
            out.flags.writeable = False
            self._baselines[sex] = out
        return out

    def label(self, finding: str, value: FactValue | None, lang: str = "en") -> str:
        """A finding and its value in words, e.g. "Fever: Yes" (for lists and summaries)."""
        return self._label(self._pack(lang), finding, value)

    def _label(self, pack: LanguagePack, fid: str, value: FactValue | None) -> str:
        text = pack.findings[fid]
        if value is None:
            shown = pack.ui.get("dont_know", "don't know")
        elif isinstance(value, bool):
            shown = pack.ui.get("yes" if value else "no", str(value))
        elif isinstance(value, str):
            shown = text.values.get(value, value)
        else:
            shown = f"{value:g} {text.hint or ''}".rstrip()
        return f"{text.name}: {shown}"

    def _cause(
        self,
        i: int,
        probability: float,
        reasons_for: tuple[Reason, ...],
        reasons_against: tuple[Reason, ...],
        pack: LanguagePack,
    ) -> Cause:
        """One ranked cause with its strongest reasons for and against."""
        spec = self.kb.conditions[i]
        key = (id(pack), i)
        texts = self._cause_texts.get(key)
        if texts is None:
            text = pack.conditions[spec.id]
            advice = tuple(a if isinstance(a, str) else a.text for a in text.advice)
            texts = self._cause_texts[key] = (text.name, text.summary, advice, tuple(text.workup))
        name, summary, advice, workup = texts
        return Cause(
            id=spec.id,
            name=name,
            probability=probability,
            urgency=spec.urgency,
            icd10=spec.icd10,
            summary=summary,
            reasons_for=reasons_for,
            reasons_against=reasons_against,
            advice=advice,
            workup=workup,
        )

    def _unsure(
        self, pack: LanguagePack, facts: Facts, truth: int, level: int
    ) -> tuple[Unsure, ...]:
        """The cautious branch for red flags the person was asked and could not answer.

        Each red-flag finding answered "don't know" whose red-flag value would
        raise the level is named, grouped by the level it would then set, with
        that level's instruction: at most one line per level, most urgent first.
        """
        kb = self.kb
        by_level: dict[int, list[str]] = {}
        for fid in facts:
            spec = kb.findings[fid]
            if facts.get(fid) is not None or fid in ("sex", "age") or spec.type == "number":
                continue
            if spec.applies_to not in ("any", facts.get("sex")):
                continue
            for atom in kb.red_flags_by_finding.get(fid, ()):
                if atom.op not in ("is", "in"):
                    continue
                value = atom.values[0]
                # Rules alone decide here (no posterior): cheap for many unknowns.
                trial = truth | kb.atoms.value_mask(fid, value)
                raised = max(
                    (r.level for r in kb.rules if r.level > level and r.fires_on(trial)), default=0
                )
                if raised and self._possible(facts, fid, value):
                    name = (
                        pack.findings[fid].name.lower()
                        if isinstance(value, bool)
                        else self._label(pack, fid, value)
                    )
                    by_level.setdefault(raised, []).append(name)
                    break
        template = pack.ui.get(
            "unsure_line", "You were not sure about: {findings}. If so: {action}"
        )
        out = []
        for lv, names in sorted(by_level.items(), reverse=True):
            shown = tuple(dict.fromkeys(names))
            action = pack.levels[kb.levels[lv]].action
            line = template.format(findings=", ".join(shown), action=action)
            out.append(Unsure(shown, kb.levels[lv], action, line))
        return tuple(out)

    def _possible(self, facts: Facts, fid: str, value: FactValue) -> bool:
        """Whether ``fid`` could have ``value`` alongside the other facts."""
        try:
            self.facts({**facts.to_dict(), fid: value})
        except InputError:
            return False
        return True

    def _windows(self, pack: LanguagePack, facts: Facts) -> tuple[Window, ...]:
        """Treatment windows after sex that are still open, with the hours left."""
        hours = facts.get("hours_since_sex")
        if not isinstance(hours, float | int):  # a window needs the hours to be open
            return ()
        out = []
        for w in self.kb.windows:
            if w.open(facts):
                left = max(int(w.within_hours - float(hours)), 0)
                out.append(Window(w.id, left, pack.windows[w.id].format(hours=left)))
        return tuple(out)

    def _advice(
        self,
        pack: LanguagePack,
        tri: Triage,
        causes: tuple[Cause, ...],
        facts: Facts,
        windows: tuple[Window, ...],
    ) -> tuple[str, tuple[str, ...]]:
        """One instruction, then only the advice that agrees with the level.

        The deciding rule's text is the instruction (the level's action when
        no rule decided); other rules add their text only at the same level,
        so an emergency never also says "within 24 hours".  Causes add advice
        only up to same-day care and only when their own urgency is the level.
        """
        kb = self.kb
        level = kb.levels[tri.level]
        deciding = tri.deciding
        explained = tri.explanation if tri.explanation is not None else None
        if deciding is not None:
            action = pack.rules[deciding.id]
        elif explained is not None and explained.level == tri.level:
            action = pack.explanations[explained.id]
        else:
            action = pack.levels[level].action
        out = [action]
        # Rules at the lowest level are notes (safeguarding): they add text, never urgency.
        out += [pack.rules[r.id] for r in tri.fired if r.level in (tri.level, 0)]
        if explained is not None and explained.level == tri.level:
            out.append(pack.levels[level].action)
        out += [w.text for w in windows]
        if tri.level <= kb.level_index("consultation_24"):
            for cause in causes[:2]:
                if cause.urgency == level and (cause is causes[0] or cause.probability >= 0.2):
                    out += visible(pack.conditions[cause.id].advice, facts)
        return action, tuple(dict.fromkeys(out))  # in order, without repeats

    def _for_doctor(
        self,
        pack: LanguagePack,
        label: str,
        facts: Facts,
        causes: tuple[Cause, ...],
        mnm: tuple[MustNotMiss, ...],
        tri: Triage,
    ) -> tuple[str, ...]:
        ui = pack.ui
        lines = [f"{ui.get('triage_heading', 'Triage')}: {label}"]
        flags = red_flag_facts(self.kb, facts)
        if flags:  # in the reader's words: the findings, not the rules' ids
            lines.append(
                f"{ui.get('red_flags_heading', 'Red flags')}: "
                + "; ".join(self._label(pack, f, facts[f]) for f in flags)
            )
        lines.append(
            f"{ui.get('findings_heading', 'Findings')}: "
            + "; ".join(self._label(pack, f, v) for f, v in facts.items())
        )
        lines.append(
            f"{ui.get('causes_heading', 'Likely causes')}: "
            + "; ".join(f"{c.name} ({c.icd10}) {percent(c.probability)}" for c in causes[:5])
        )
        if mnm:
            lines.append(
                f"{ui.get('must_not_miss_heading', 'Must not miss')}: "
                + "; ".join(f"{m.name} {percent(m.probability)}" for m in mnm)
            )
        workup: list[str] = []
        for cause in causes[:3]:
            workup += [w for w in cause.workup if w not in workup]
        lines.append(f"{ui.get('workup_heading', 'Work-up')}: " + "; ".join(workup))
        return tuple(lines)

    # --- interview ---------------------------------------------------------------

    def next_step(
        self, facts: Mapping[str, Any] | Facts, audience: str = "patient"
    ) -> NextStep | None:
        """The next step as ids only (no texts); ``None`` when the interview ends.

        ``audience="clinician"`` interviews a clinician: examination, test and
        measured vital-sign findings are asked too.
        """
        if audience not in AUDIENCES:
            raise InputError(
                f"unknown audience {audience!r}", field="audience", allowed=", ".join(AUDIENCES)
            )
        checked = self.facts(facts)
        post, tri = self._reason(checked)
        return choose_next(self.kb, checked, post, tri, self.policy, audience)

    def next_question(
        self, facts: Mapping[str, Any] | Facts, lang: str = "en", audience: str = "patient"
    ) -> Question | None:
        """The next question with its texts and answer options, or ``None``."""
        checked = self.facts(facts)
        step = self.next_step(checked, audience)
        return None if step is None else self.render(step, lang, checked.get("sex"))

    def render(self, step: NextStep, lang: str = "en", sex: FactValue | None = None) -> Question:
        """The texts of a step, worded for the person's sex where that matters."""
        pack = self._pack(lang)
        ui = pack.ui
        dont_know = Option("unknown", ui.get("dont_know", "Don't know"))
        if len(step.findings) > 1:
            options = tuple(Option(f, pack.findings[f].question) for f in step.findings)
            return Question(
                step.id,
                step.findings,
                "group",
                step.phase,
                pack.screen.get(step.id, ""),
                (*options, Option("none", ui.get("none_of_these", "None of these")), dont_know),
            )
        fid = step.findings[0]
        spec = self.kb.findings[fid]
        text = pack.findings[fid]
        male = sex == "male"
        question = (text.question_male if male else None) or text.question
        labels = {**text.values, **(text.values_male if male else {})}
        opts: tuple[Option, ...]
        if spec.type == "bool":
            opts = (Option("true", ui.get("yes", "Yes")), Option("false", ui.get("no", "No")))
        elif spec.type == "enum":
            opts = tuple(Option(v, labels.get(v, v)) for v in spec.values or [])
        else:
            lo, hi = spec.range or (None, None)
            return Question(
                step.id,
                step.findings,
                "number",
                step.phase,
                question,
                (dont_know,),
                text.hint or spec.unit or "",
                lo,
                hi,
            )
        return Question(
            step.id,
            step.findings,
            spec.type,
            step.phase,
            question,
            (*opts, dont_know),
            text.hint or "",
        )

    def answer(self, question: Question, choice: str | list[str]) -> dict[str, FactValue | None]:
        """Turn a choice for ``question`` into facts (a group answers every finding).

        For a group, ``choice`` lists the findings that are present, or is
        ``"none"`` (all absent) or ``"unknown"``.
        """
        if question.kind == "group":
            picked = [choice] if isinstance(choice, str) else list(choice)
            if picked == ["unknown"]:
                return dict.fromkeys(question.findings)
            bad = [p for p in picked if p not in (*question.findings, "none")]
            if bad:
                raise InputError(
                    f"{bad[0]!r} is not an option",
                    field=question.id,
                    allowed=", ".join([*question.findings, "none", "unknown"]),
                )
            if "none" in picked and len(picked) > 1:
                raise InputError(
                    "'none' cannot be chosen together with another option",
                    field=question.id,
                    allowed="the options that apply, or none alone, or unknown alone",
                )
            return {f: f in picked for f in question.findings}
        if not isinstance(choice, str):
            raise InputError("give one answer", field=question.id)
        checked = self.facts({question.findings[0]: choice})
        return {question.findings[0]: checked.get(question.findings[0])}
