"""The interface's message catalogues (spotcheck/locale, issue 11).

The catalogues are complete (every msgid has its Russian, in every plural
form), the committed .mo files are what the .po files compile to, and the
.pot holds exactly what the sources use: a string added to the code or a
template without `make i18n` fails here.  Plural forms, numbers and dates
follow the language.
"""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from spotcheck import Engine
from spotcheck.cli import app as cli_app
from spotcheck.locale import LANGS, Translator, translations
from spotcheck.web import create_app
from spotcheck.web._i18n import with_unit
from spotcheck.web._settings import Settings

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "spotcheck" / "locale"

MessageKey = tuple[str, str | None]  # (msgid, msgctxt)


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def _po(lang: str) -> Catalog:
    return _read(LOCALE / lang / "LC_MESSAGES" / "messages.po", lang)


def _keys(catalog: Catalog) -> set[MessageKey]:
    return {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog if m.id}


TEMPLATE = _read(LOCALE / "messages.pot")


# --- the catalogues are complete and compiled ---


def test_every_msgid_has_its_russian_in_every_plural_form() -> None:
    russian = _po("ru")
    assert russian.num_plurals == 3
    assert "nplurals=3" in russian.plural_forms
    assert len(TEMPLATE) > 100
    assert _keys(russian) == _keys(TEMPLATE)  # nothing missing, nothing obsolete
    plurals = 0
    for message in TEMPLATE:
        if not message.id:
            continue
        found = russian.get(message.id, message.context)
        assert found is not None, message.id
        assert not found.fuzzy, message.id
        if isinstance(message.id, str):
            assert isinstance(found.string, str), message.id
            assert found.string.strip(), message.id
        else:
            plurals += 1
            assert isinstance(found.string, tuple | list), message.id
            assert len(found.string) == 3, message.id
            assert all(form.strip() for form in found.string), message.id
    # ages, weeks, days, hours, episodes, questions and the two "N days" sentences
    assert plurals >= 8


def test_the_english_catalogue_has_english_plural_rules() -> None:
    english = _po("en")
    assert english.num_plurals == 2
    assert _keys(english) == _keys(TEMPLATE)


@pytest.mark.parametrize("lang", LANGS)
def test_the_committed_mo_files_are_compiled_from_the_po_files(lang: str, tmp_path: Path) -> None:
    compiled = tmp_path / "messages.mo"
    with compiled.open("wb") as f:
        write_mo(f, _po(lang))
    fresh = Translations(io.BytesIO(compiled.read_bytes()))
    committed = Translations(
        io.BytesIO((LOCALE / lang / "LC_MESSAGES" / "messages.mo").read_bytes())
    )
    assert committed._catalog == fresh._catalog
    assert committed.plural(21) == fresh.plural(21)


def _keywords_of_the_makefile() -> dict[str, object]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"^I18N_KEYWORDS := (.+)$", makefile, re.M)
    assert found is not None, "the Makefile's i18n keywords"
    return dict(parse_keywords(found.group(1).split()[1::2]))


def test_the_template_holds_exactly_what_the_sources_use() -> None:
    """Extracted as `make i18n` does (babel.cfg and the Makefile's keywords)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]

    def only_the_package(path: str) -> bool:
        rel = Path(path).relative_to(ROOT).as_posix()
        return ("src/spotcheck".startswith(rel) or rel.startswith("src/spotcheck/")) and (
            "__pycache__" not in rel
        )

    extracted: set[MessageKey] = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        ROOT,
        method_map,
        options_map,
        keywords=_keywords_of_the_makefile(),  # type: ignore[arg-type]
        directory_filter=only_the_package,
    ):
        extracted.add((message if isinstance(message, str) else message[0], context))
    assert extracted - _keys(TEMPLATE) == set(), "run `make i18n`: new strings"
    assert _keys(TEMPLATE) - extracted == set(), "run `make i18n`: strings no longer used"


def test_no_gettext_call_hides_in_an_f_string() -> None:
    """The extractor does not look inside f-strings (Python 3.11): such a text would be
    shown untranslated."""
    call = re.compile(r"""\bf(["'])[^"'\n]*\{\s*(_|\w+\.n?p?gettext)\(""")
    sources = [ROOT / "src" / "spotcheck" / "cli.py"]
    sources += sorted((ROOT / "src" / "spotcheck" / "web").glob("*.py"))
    for path in sources:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not call.search(line), f"{path.name}:{number}"


# --- plural forms, numbers, dates ---


@pytest.mark.parametrize(
    ("lang", "n", "text"),
    [
        ("ru", 21, "21 год"),
        ("ru", 22, "22 года"),
        ("ru", 25, "25 лет"),
        ("ru", 111, "111 лет"),
        ("en", 1, "1 year"),
        ("en", 21, "21 years"),
    ],
)
def test_ages_agree_with_their_number(lang: str, n: int, text: str) -> None:
    t = Translator(lang)
    assert t.ngettext("%(num)s year", "%(num)s years", n) == text


@pytest.mark.parametrize(
    ("lang", "n", "text"),
    [
        ("ru", 1, "1 неделя"),
        ("ru", 2, "2 недели"),
        ("ru", 5, "5 недель"),
        ("en", 1, "1 week"),
        ("en", 2, "2 weeks"),
    ],
)
def test_weeks_agree_with_their_number(lang: str, n: int, text: str) -> None:
    assert Translator(lang).ngettext("%(num)s week", "%(num)s weeks", n) == text


def test_questions_left_agree_with_their_number() -> None:
    ru = Translator("ru")
    msg = ("About %(num)s more question", "About %(num)s more questions")
    assert ru.ngettext(*msg, 21) == "Осталось примерно 21 вопрос"
    assert ru.ngettext(*msg, 4) == "Осталось примерно 4 вопроса"
    assert ru.ngettext(*msg, 12) == "Осталось примерно 12 вопросов"
    assert Translator("en").ngettext(*msg, 1) == "About 1 more question"


def test_russian_numbers_use_a_decimal_comma() -> None:
    assert Translator("ru").number(1.5) == "1,5"
    assert Translator("en").number(1.5) == "1.5"
    assert with_unit("ru", 38.5, "°C") == "38,5 °C"
    assert with_unit("ru", 1.5, "недель") == "1,5 недели"


def test_dates_are_written_in_the_language() -> None:
    day = date(2026, 12, 1)
    assert Translator("en").date(day) == "1 December 2026"
    assert Translator("ru").date(day).startswith("1 декабря 2026")


def test_translations_are_package_data() -> None:
    assert translations("ru").gettext("Continue") == "Продолжить"
    assert translations("en").gettext("Continue") == "Continue"
    with pytest.raises(KeyError):
        translations("de")


# --- in use: the pages in two languages at once, and the terminal ---


def test_concurrent_pages_keep_their_own_language(tmp_path: Path) -> None:
    """One Jinja2 environment per language: English and Russian requests at the same time
    never get each other's words."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'i18n.sqlite3'}", rate_limit=0)
    app = create_app(settings, Engine.default())
    expected = {"en": "Start now", "ru": "Начать"}
    with TestClient(app, headers={"accept": "text/html"}) as client:

        def page(lang: str) -> tuple[str, str]:
            return lang, client.get(f"/?lang={lang}").text

        with ThreadPoolExecutor(max_workers=8) as pool:
            for lang, html in pool.map(page, ["en", "ru"] * 20):
                assert f'<html lang="{lang}">' in html
                assert expected[lang] in html
                assert expected["ru" if lang == "en" else "en"] not in html


def test_the_terminal_speaks_the_chosen_language() -> None:
    runner = CliRunner()
    ru = runner.invoke(cli_app, ["interview", "--lang", "ru", "--no-describe"], input="q\n")
    assert ru.exit_code == 0, ru.output
    assert "несколько вопросов о кровотечении после секса" in ru.output
    assert "Опрос остановлен. Ничего не сохранено." in ru.output
    assert "Введите номер ответа" in ru.output
    en = runner.invoke(cli_app, ["interview", "--no-describe"], input="q\n")
    assert "Stopped. Nothing was saved." in en.output


def _english_ui_sentences() -> set[str]:
    """Catalogue msgids of three words or more whose Russian differs: if one of
    them shows on a Russian page or terminal, a string escaped the catalogue."""
    with (LOCALE / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    out = set()
    for message in catalogue:
        if not isinstance(message.id, str) or not message.id:  # plural entries are tuples
            continue
        text = re.sub(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}", "\0", message.id)
        # The longest literal run between placeholders, as it would be printed.
        piece = max(text.split("\0"), key=len).strip(" .,:;")
        if len(piece.split()) >= 3 and message.string and piece not in str(message.string):
            out.add(piece)
    return out


def test_no_english_catalogue_sentence_reaches_a_russian_reader(tmp_path: Path) -> None:
    english = _english_ui_sentences()
    assert len(english) > 50
    runner = CliRunner()
    outputs = [
        runner.invoke(
            cli_app, ["interview", "--lang", "ru", "--no-describe"], input="1\n31\n" + "?\n" * 40
        ).output,
        runner.invoke(
            cli_app, ["assess", "--lang", "ru", "-f", "sex=female", "-f", "age=62"]
        ).output,
        runner.invoke(
            cli_app,
            [
                "assess",
                "--lang",
                "ru",
                "--explain",
                "-f",
                "sex=female",
                "-f",
                "age=25",
                "-f",
                "fainting=true",
            ],
        ).output,
    ]
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'ru.sqlite3'}", rate_limit=0)
    app = create_app(settings, Engine.default())
    with TestClient(app, headers={"accept": "text/html"}) as client:
        made = client.post(
            "/api/v1/sessions", json={"answers": {"sex": "female", "age": 30}, "lang": "ru"}
        )
        pages = ("/?lang=ru", "/describe?lang=ru", f"/s/{made.json()['id']}/q")
        for path in pages:
            page = client.get(path)
            assert page.status_code == 200, path
            outputs.append(page.text)
    for output in outputs:
        leaked = sorted(s for s in english if s in output)
        assert not leaked, leaked[:5]
