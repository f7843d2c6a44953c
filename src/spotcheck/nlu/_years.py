"""Year windows in the rules: placeholders filled from the reference year when the rules load.

A rule that reads a calendar year as recent or as long past ("last smear 2014", "no
period since March 2019", «мазок не сдавала с 2022») names the window, not the years::

    <<years_6_or_more_back>>     1900 ... reference - 6
    <<years_within_last_3>>      reference - 3 ... reference
    <<years_3_back_or_later>>    reference - 3 ... 2099
    <<past_years>>               1985 ... reference - 1 (any past year up to last year)

``N`` is any whole number; "back" counts calendar years (with reference 2026,
"2020" is 6 years back).  The reference year is ``reference_year`` in
``rules/policy.yaml``: the year the reader takes as "this year" when a text gives
none.  The reader never reads the clock, so a text reads the same on any day; the
reference is moved by hand (and the figures measured again).

In a regular expression (``re:``) a placeholder becomes a group of digit ranges,
``(?:19\\d\\d|20[01]\\d|2020)``; in a token pattern it becomes word alternatives,
``1985|1986|...|2025`` (so it stands where a word or an alternative stands).  The
``<<`` ``>>`` delimiters cannot be read as a regex quantifier ``{m,n}`` nor as a
lookbehind ``(?<=``; the proxy patterns of a lexicon use the same delimiters for
their shared pieces, which are filled by the proxy reader, not here.
"""

from __future__ import annotations

import re

__all__ = [
    "EARLIEST_YEAR",
    "FIRST_PAST_YEAR",
    "LATEST_YEAR",
    "PlaceholderError",
    "expand_years",
    "year_regex",
    "year_window",
]

# The first and last year a four-digit number is read as a date ("19xx", "20xx").
EARLIEST_YEAR = 1900
LATEST_YEAR = 2099
# The first year that opens a past frame ("back in 1985"; `past_years`).
FIRST_PAST_YEAR = 1985

_PLACEHOLDER = re.compile(r"<<([^<>]*)>>")
_WINDOWS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"years_(\d+)_or_more_back"), "back"),
    (re.compile(r"years_within_last_(\d+)"), "within"),
    (re.compile(r"years_(\d+)_back_or_later"), "later"),
    (re.compile(r"past_years"), "past"),
)


class PlaceholderError(ValueError):
    """A placeholder no window is known for, or a window with no year in it."""


def year_window(name: str, reference: int) -> tuple[int, int]:
    """The first and last year (inclusive) of the window a placeholder names."""
    for pattern, kind in _WINDOWS:
        found = pattern.fullmatch(name)
        if found is None:
            continue
        n = int(found[1]) if found.groups() else 0
        if kind == "back":
            lo, hi = EARLIEST_YEAR, reference - n
        elif kind == "within":
            lo, hi = reference - n, reference
        elif kind == "later":
            lo, hi = reference - n, LATEST_YEAR
        else:
            lo, hi = FIRST_PAST_YEAR, reference - 1
        lo, hi = max(lo, EARLIEST_YEAR), min(hi, LATEST_YEAR)
        if lo > hi:
            raise PlaceholderError(f"<<{name}>> holds no year with reference year {reference}")
        return lo, hi
    raise PlaceholderError(
        f"unknown placeholder <<{name}>> (known: years_N_or_more_back, years_within_last_N, "
        "years_N_back_or_later, past_years)"
    )


def _digits(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"[{lo}-{hi}]"


def year_regex(lo: int, hi: int) -> str:
    """A regex group matching the four-digit years lo ... hi and no other four digits."""
    parts: list[str] = []
    y = lo
    while y <= hi:
        if y % 100 == 0 and y + 99 <= hi:
            parts.append(rf"{y // 100}\d\d")
            y += 100
        elif y % 10 == 0 and y + 9 <= hi:
            # the whole decades from here to the century's end or the last whole one
            last = min((hi + 1) // 10 - 1, y // 100 * 10 + 9)
            parts.append(rf"{y // 100}{_digits(y // 10 % 10, last % 10)}\d")
            y = (last + 1) * 10
        else:
            last = min(hi, y // 10 * 10 + 9)
            parts.append(f"{y // 10}{_digits(y % 10, last % 10)}")
            y = last + 1
    return "(?:" + "|".join(parts) + ")"


def expand_years(pattern: str, reference: int) -> str:
    """The pattern with its year placeholders filled (``re:`` or token pattern).

    Raises ``PlaceholderError`` for an unknown placeholder or a stray ``<<``/``>>``.
    """
    if "<<" not in pattern and ">>" not in pattern:
        return pattern
    regex = pattern.startswith("re:")

    def fill(m: re.Match[str]) -> str:
        lo, hi = year_window(m[1], reference)
        if regex:
            return year_regex(lo, hi)
        return "|".join(str(y) for y in range(lo, hi + 1))

    out = _PLACEHOLDER.sub(fill, pattern)
    if "<<" in out or ">>" in out:
        raise PlaceholderError(f"a '<<' or '>>' that is no placeholder in {pattern!r}")
    return out
