"""How parsed findings become facts: who they are about, conflicts, implications.

Driven by ``rules/policy.yaml`` and the knowledge base (finding types, which
sex a finding applies to, contradictions), so the facts a parse produces are
always valid input for the engine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..kb import FactValue, KnowledgeBase
from ._schema import PolicyFile

if TYPE_CHECKING:
    from ._result import ParsedFinding

__all__ = ["Policy"]

_SEXES = ("female", "male")


class Policy:
    def __init__(self, kb: KnowledgeBase, spec: PolicyFile) -> None:
        self.kb = kb
        self.spec = spec
        self.current = frozenset(spec.current)
        self.shared = frozenset(spec.shared)
        self.no_sex_hint = frozenset(spec.no_sex_hint)
        self.event = frozenset(spec.event)
        self.partner_findings = frozenset(spec.partner.values())
        self.not_negated = frozenset(spec.not_negated)
        self.not_hypothetical = frozenset(spec.not_hypothetical)
        self.hedged_unknown = frozenset(spec.hedged_unknown)

    # --- single findings -----------------------------------------------------------

    def absent_value(self, fid: str) -> FactValue | None:
        """The value a negation gives the finding (None: a negation says nothing)."""
        kind = self.kb.findings[fid].type
        if kind == "bool":
            return False
        if kind == "enum":
            return self.spec.absent.get(fid)
        return None

    def negate(self, fid: str, value: FactValue) -> FactValue | None:
        """The value of a negated mention, or None when it leaves the finding unknown."""
        if isinstance(value, bool):
            return not value
        absent = self.absent_value(fid)
        if absent is None or value == absent:
            return None
        return absent

    def applies(
        self, fid: str, *, hypothetical: bool, other_person: bool, historical: bool
    ) -> bool:
        if hypothetical and fid not in self.not_hypothetical:
            return False
        if other_person and fid not in self.partner_findings:
            return False
        return not (historical and fid in self.current)

    # --- the facts of a whole message ----------------------------------------------------

    def _positive(self, value: FactValue) -> bool:
        return value is not False and value not in ("none",)

    def hedge_holds(self, finding: ParsedFinding) -> bool:
        """Whether a hedged finding counts before the person confirms it (policy ``hedged``)."""
        return (
            self.spec.hedged == "cautious"
            and not finding.negated
            # an estimate ("last night") is no sign; a hint of sex is («молочница наверное:
            # творожистые выделения»)
            and (not finding.approximate or finding.finding == "sex")
            and finding.finding not in self.hedged_unknown
            and self._positive(finding.value)
        )

    def _sex(
        self, findings: list[ParsedFinding], given: Mapping[str, Any]
    ) -> tuple[str | None, set[str]]:
        """The person's sex, and the sexes whose specific findings must be dropped."""
        if given.get("sex") in _SEXES:
            sex = str(given["sex"])
            return sex, {s for s in _SEXES if s != sex}
        said = Counter(str(f.value) for f in findings if f.finding == "sex" and not f.approximate)
        if said:
            top = said.most_common()
            if len(top) == 1 or top[0][1] > top[1][1]:
                sex = top[0][0]
                return sex, {s for s in _SEXES if s != sex}
        implied: Counter[str] = Counter(
            self._sex_hint(f)
            for f in findings
            if f.finding not in self.no_sex_hint and self._positive(f.value)
        )
        votes = {s: implied[s] for s in _SEXES}
        if votes["female"] and votes["male"]:
            if votes["female"] == votes["male"]:
                return None, set(_SEXES)  # cannot tell: drop both sides' specific findings
            sex = max(votes, key=lambda s: votes[s])
            return sex, {s for s in _SEXES if s != sex}
        for s in _SEXES:
            if votes[s]:
                return s, {o for o in _SEXES if o != s}
        return None, set()

    def _sex_hint(self, f: ParsedFinding) -> str:
        """The sex a finding points to ("any" for none)."""
        if f.finding == "sex":  # a hint (a pad, «как месячные»); a stated sex is counted apart
            return str(f.value) if f.approximate else "any"
        return self.spec.sex_hint.get(f.finding) or str(self.kb.findings[f.finding].applies_to)

    def _combine(self, fid: str, values: list[FactValue]) -> FactValue:
        spec = self.kb.findings[fid]
        if spec.type == "bool":
            return any(v is True for v in values)
        if spec.type == "enum":
            order = self.spec.order.get(fid)
            if order:
                return max(values, key=lambda v: order.index(str(v)) if v in order else -1)
            return values[0]
        how = self.spec.numbers.get(fid, "first")
        numbers = [float(v) for v in values if not isinstance(v, bool | str)]
        if not numbers:
            return values[0]
        if how == "max":
            return _number(max(numbers))
        if how == "min":
            return _number(min(numbers))
        return _number(numbers[0])

    def _imply(self, facts: dict[str, FactValue], withheld: frozenset[str] = frozenset()) -> None:
        """Implications fill findings that are still unknown (and not withheld by the text)."""
        changed = True
        while changed:
            changed = False
            for implication in self.spec.implies:
                if not all(_holds(facts, k, v) for k, v in implication.when.items()):
                    continue
                if any(_holds(facts, k, v) for k, v in implication.unless.items()):
                    continue
                for k, v in implication.then.items():
                    if k not in facts and k not in withheld:
                        facts[k] = v
                        changed = True

    def resolve(
        self,
        findings: Iterable[ParsedFinding],
        given: Mapping[str, Any],
        withheld: frozenset[str] = frozenset(),
    ) -> dict[str, FactValue]:
        kb = self.kb
        used = [f for f in findings if f.applies]
        sex, drop = self._sex(used, given)
        if sex == "male":
            # "nothing hurts" from a man says nothing of his belly
            used = [f for f in used if not f.not_male]
        # a number written out beats one said in words ("sex last night …, about
        # 10 hours ago" is 10 hours)
        exact = {f.finding for f in used if not f.approximate}
        used = [f for f in used if not f.approximate or f.finding not in exact]
        values: dict[str, list[FactValue]] = {}
        for f in used:
            fid, value = f.finding, f.value
            applies_to = kb.findings[fid].applies_to
            if fid == "sex":
                continue
            if applies_to in drop and self._positive(value):
                mapped = self.spec.partner.get(fid)
                if mapped is None or sex != "female":
                    continue
                fid, value = mapped, True
            values.setdefault(fid, []).append(value)
        facts: dict[str, FactValue] = {fid: self._combine(fid, vs) for fid, vs in values.items()}
        if sex is not None:
            facts["sex"] = sex
        self._imply(facts, withheld)
        if sex is None and "sex" not in given:
            # "I never miss my pill" -> on the pill -> a woman
            implied = {
                str(kb.findings[f].applies_to)
                for f, v in facts.items()
                if f not in values and f not in self.no_sex_hint and self._positive(v)
            } & set(_SEXES)
            if len(implied) == 1:
                facts["sex"] = implied.pop()
        for fid, needs in self.spec.at_least.items():
            lower = self.spec.at_least_unless.get(fid)
            if lower is not None and any(facts.get(f) is True for f in lower.when_any):
                needs = {**needs, **lower.least}
            for number, least in needs.items():
                x = facts.get(number)
                short = isinstance(x, int | float) and not isinstance(x, bool) and x < least
                if facts.get(fid) is True and short:
                    del facts[fid]
        for key, value in given.items():
            if value is not None:
                facts[key] = value
        # Drop parsed findings that contradict each other (the given ones stay), or
        # keep the cautious side where the policy names it.
        for rule in kb.contradictions:
            if rule.fires(facts):
                keep = self.spec.contradiction_keeps.get(rule.id, [])
                for atom in rule.all:
                    if atom.finding not in given and atom.finding not in keep:
                        facts.pop(atom.finding, None)
                if keep:
                    self._imply(facts, withheld)
        # A finding the person's sex rules out, if given facts brought one in.
        sex_now = facts.get("sex")
        if sex_now in _SEXES:
            for fid in list(facts):
                applies_to = kb.findings[fid].applies_to
                wrong_sex = applies_to not in ("any", sex_now) and self._positive(facts[fid])
                if wrong_sex and fid not in given:
                    del facts[fid]
        return dict(sorted(facts.items()))


def _number(x: float) -> FactValue:
    return int(x) if float(x).is_integer() else x


def _holds(facts: Mapping[str, FactValue], key: str, want: Any) -> bool:
    if key not in facts:
        return False
    return bool(want == "*" or facts[key] == want)
