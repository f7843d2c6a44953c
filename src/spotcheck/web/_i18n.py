"""The patient web app's languages: choosing one, and numbers with their units.

The interface texts are gettext message catalogues (``spotcheck/locale``,
English msgids, see :mod:`spotcheck.locale`); templates translate through
Jinja2's i18n extension and Python code through :class:`Translator`.  Medical
texts (questions, answer options, triage levels, advice, causes) come from the
knowledge base's language packs (``engine.kb.text(lang)``), as do the few
interface words in the pack's ``ui`` section (``Translator.ui``).
"""

from __future__ import annotations

from ..locale import DEFAULT_LANG, LANGS, Translator

__all__ = ["DEFAULT_LANG", "LANGS", "LANGUAGE_NAMES", "Translator", "best_language", "with_unit"]

# Each language's name written in that language (for the switcher).
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}

# The knowledge base's unit hints (English and Russian), as the word whose forms the
# catalogue has, so that the number and its word agree ("21 год", "22 года").
_UNIT_WORDS = {
    "years": "year",
    "лет": "year",
    "weeks": "week",
    "недель": "week",
    "days": "day",
    "дней": "day",
    "hours": "hour",
    "часов": "hour",
    "episodes": "episode",
    "раз": "episode",
}


def with_unit(t: Translator | str, value: float, unit: str) -> str:
    """A number with its unit in the agreeing form and the language's number format:
    "21 год", "1 week", "38,5 °C"."""
    if isinstance(t, str):
        t = Translator(t)
    num = t.number(value)
    match _UNIT_WORDS.get(unit):
        case "year":
            return t.ngettext("%(num)s year", "%(num)s years", value, num=num)
        case "week":
            return t.ngettext("%(num)s week", "%(num)s weeks", value, num=num)
        case "day":
            return t.ngettext("%(num)s day", "%(num)s days", value, num=num)
        case "hour":
            return t.ngettext("%(num)s hour", "%(num)s hours", value, num=num)
        case "episode":
            return t.ngettext("%(num)s episode", "%(num)s episodes", value, num=num)
    return f"{num} {unit}".rstrip()


def best_language(accept_language: str | None) -> str:
    """The supported language a browser prefers most (``Accept-Language``), else English.

    >>> best_language("ru-RU,ru;q=0.9,en-US;q=0.8")
    'ru'
    >>> best_language("de-DE, en;q=0.5, ru;q=0.7")
    'ru'
    >>> best_language(None)
    'en'
    """
    best, best_q = DEFAULT_LANG, 0.0
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGS:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        # Earlier entries win ties, as browsers list them in order of preference.
        score = quality - position * 1e-6
        if score > best_q:
            best, best_q = primary, score
    return best
