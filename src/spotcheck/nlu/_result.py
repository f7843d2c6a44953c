"""What the parser returns: findings with their evidence, and the facts they add up to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..kb import FactValue

if TYPE_CHECKING:
    from ._policy import Policy

__all__ = ["ParseResult", "ParsedFinding", "Status"]

# ok: the text was understood (findings may still be empty: see ``message``).
Status = Literal["ok", "empty", "too_long", "other_language", "gibberish"]


@dataclass(frozen=True)
class ParsedFinding:
    """One finding read from the text, with the span that supports it.

    ``value`` is already the value the finding takes for the person: a negated
    yes/no finding ("no fever") has ``value=False``; a negated finding with an
    "absent" value ("no pain") carries that value (``"none"``).  ``applies``
    says whether :meth:`ParseResult.facts` uses it (hypothetical findings,
    findings about someone else and past symptoms do not apply).

    ``uncertain`` marks a finding the writer hedged ("not pregnant as far as I
    know", «вроде бы не больно»): it is left out of :meth:`ParseResult.facts`
    (the finding stays unknown) unless asked for, so that the person can
    confirm it (:meth:`ParseResult.unsure`).
    """

    finding: str
    value: FactValue
    start: int
    end: int
    text: str
    negated: bool = False
    hypothetical: bool = False
    other_person: bool = False
    historical: bool = False
    applies: bool = True
    uncertain: bool = False
    # a number said in words ("sex last night" = about 12 hours): a number
    # written out elsewhere in the message ("about 10 hours ago") wins over it
    approximate: bool = field(default=False, compare=False)
    # a general denial ("nothing hurts") that says nothing of a man's belly, or a
    # reading on a woman's scale ("bled a lot"): left out when the person is a man
    # (TargetSpec.not_male, TargetSpec.woman_only)
    not_male: bool = field(default=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "finding": self.finding,
            "value": self.value,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "negated": self.negated,
            "hypothetical": self.hypothetical,
            "other_person": self.other_person,
            "historical": self.historical,
            "applies": self.applies,
            "uncertain": self.uncertain,
        }


@dataclass(frozen=True)
class ParseResult:
    """The outcome of parsing one message.

    ``lang`` is the language the text was read in (``None`` when it could not
    be read); ``message`` explains an empty or unusable result in plain words.
    """

    text: str
    lang: str | None
    findings: tuple[ParsedFinding, ...]
    status: Status = "ok"
    message: str = ""
    _policy: Policy | None = field(default=None, repr=False, compare=False)
    # findings the text's own words keep the policy from implying (TargetSpec.withholds)
    withheld: frozenset[str] = frozenset()

    def facts(
        self, given: Mapping[str, Any] | None = None, *, uncertain: bool = False
    ) -> dict[str, FactValue]:
        """The findings that apply to the person now, as ``{finding: value}``.

        Conflicts are resolved (a present finding beats its negation, the more
        severe value wins), implied findings are added (weeks of pregnancy
        imply a pregnancy), and the result is consistent: no finding that
        cannot apply to the person's sex, no contradicting pair.

        ``given`` facts (for example ``sex`` and ``age`` from a form) win over
        what the text says and are included in the result.

        Hedged findings (``uncertain``) stay unknown until confirmed; with the
        default policy (``hedged: cautious`` in ``rules/policy.yaml``) a hedged
        sign still counts ("the condom split I think") and only a hedged
        reassurance ("not pregnant as far as I know") is left out.
        ``uncertain=True`` takes every hedged finding as said (once confirmed).
        """
        if self._policy is None:
            return {k: v for k, v in (given or {}).items() if v is not None}
        policy = self._policy
        used = (
            self.findings
            if uncertain
            else tuple(f for f in self.findings if not f.uncertain or policy.hedge_holds(f))
        )
        return policy.resolve(used, given or {}, self.withheld)

    def unsure(self) -> tuple[ParsedFinding, ...]:
        """The hedged findings that would apply if confirmed (for the person to confirm).

        An estimate ("sex last night", about 12 hours) is one of them unless the
        message also gives the number itself.
        """
        exact = {f.finding for f in self.findings if f.applies and not f.approximate}
        return tuple(
            f
            for f in self.findings
            if f.uncertain and f.applies and not (f.approximate and f.finding in exact)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "status": self.status,
            "message": self.message,
            "findings": [f.to_dict() for f in self.findings],
            "facts": self.facts(),
            "unsure": [f.to_dict() for f in self.unsure()],
        }
