"""The interface's message catalogues (gettext, built with Babel) and locale formats.

English text is the msgid; ``<lang>/LC_MESSAGES/messages.po`` holds the
translations and the compiled ``messages.mo`` beside it is what runs (``make
i18n`` extracts, updates and compiles them; docs/web-app.md, "Translations").
The catalogues are package data read through :mod:`importlib.resources`, so an
installed wheel finds them.  Medical texts are not here: they come from the
knowledge base's language packs.

Used by the web app (``spotcheck.web``, also through Jinja2's i18n extension)
and the command line; it imports neither.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from babel.support import Translations

__all__ = [
    "DEFAULT_LANG",
    "DOMAIN",
    "LANGS",
    "N_",
    "Translator",
    "locale_of",
    "translations",
]

LANGS = ("en", "ru")
DEFAULT_LANG = "en"
DOMAIN = "messages"

# Numbers and dates in the conventions the service's readers expect: British English
# ("1 December 2026"), Russian ("1 декабря 2026 г.", "1,5").
_FORMAT_LOCALES = {"en": "en_GB", "ru": "ru_RU"}


def N_(message: str) -> str:  # noqa: N802 (the gettext convention for "mark only")
    """Mark ``message`` for extraction without translating it here (``gettext_noop``)."""
    return message


@functools.cache
def translations(lang: str) -> Translations:
    """The compiled catalogue of ``lang`` (``KeyError`` for a language we do not have)."""
    if lang not in LANGS:
        raise KeyError(lang)
    mo = resources.files(__name__).joinpath(lang, "LC_MESSAGES", f"{DOMAIN}.mo")
    # Bytes, not a path: works from a zipped install too.
    return Translations(io.BytesIO(mo.read_bytes()), domain=DOMAIN)


@functools.cache
def locale_of(lang: str) -> Locale:
    return Locale.parse(_FORMAT_LOCALES.get(lang, lang))


@dataclass(frozen=True)
class Translator:
    """The interface texts of one language, formatted the way Jinja2's newstyle gettext
    formats them (``%(name)s`` placeholders), so Python and templates share msgids.

    ``ui`` holds the knowledge base's ``ui`` texts for the language (data, not catalogue).
    """

    lang: str
    ui: Mapping[str, str] = field(default_factory=dict)

    @property
    def catalogue(self) -> Translations:
        return translations(self.lang)

    def gettext(self, message: str, /, **values: object) -> str:
        text = self.catalogue.gettext(message)
        return text % values if values else text

    def pgettext(self, context: str, message: str, /, **values: object) -> str:
        text = str(self.catalogue.pgettext(context, message))  # typed `str | object`
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: float, /, **values: object) -> str:
        """The form agreeing with ``n``; ``%(num)s`` is ``n`` unless given."""
        text = self.catalogue.ngettext(singular, plural, _plural_operand(n))
        return text % {"num": n, **values}

    def npgettext(
        self, context: str, singular: str, plural: str, n: float, /, **values: object
    ) -> str:
        text = self.catalogue.npgettext(context, singular, plural, _plural_operand(n))
        return text % {"num": n, **values}

    def number(self, value: float) -> str:
        """A number as this language writes it: "38.5", "38,5", "1 000"."""
        return format_decimal(value, locale=locale_of(self.lang))

    def date(self, value: date) -> str:
        """A date in words: "1 December 2026", "1 декабря 2026 г."."""
        return format_date(value, "long", locale=locale_of(self.lang))


def _plural_operand(n: float) -> int:
    """gettext's plural formulas take whole numbers.  CLDR puts fractions in the
    "other" category, which in English and Russian reads like 2: "1.5 weeks",
    "1,5 недели"."""
    if n == int(n):
        return abs(int(n))
    return 2
