"""The rule files: valid, loaded through importlib.resources, and well-formed patterns."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
import yaml

from spotcheck import Engine, KnowledgeBaseError
from spotcheck.nlu import Parser, _rules
from spotcheck.nlu._dsl import PatternError, compile_pattern, expand_first
from spotcheck.nlu._matching import FastMatcher, literal_phrases
from spotcheck.nlu._rules import MATCH_ATTR, SURFACE_ATTR, load_language, load_policy
from spotcheck.nlu._schema import Lexicon
from spotcheck.nlu._speller import Speller
from spotcheck.nlu._years import expand_years, year_regex, year_window

LANGS = ["en", "ru"]
LEX = Lexicon(
    numbers={"two": 2, "a": 1},
    units={"week": ["week", "weeks"]},
    sets={"pain": ["pain", "ache"]},
    gap_blockers=["not"],
    negations=["not", "no"],
)


def test_rule_files_are_package_data() -> None:
    root = resources.files("spotcheck.nlu") / "rules"
    names = {p.name for p in root.iterdir()}
    assert {"policy.yaml", "messages.yaml", "languages.yaml", "en", "ru"} <= names
    for lang in LANGS:
        files = {p.name for p in (root / lang).iterdir()}
        assert {"lexicon.yaml", "context.yaml"} <= files
        assert len(files) > 4


@pytest.mark.parametrize("lang", LANGS)
def test_every_rule_names_a_finding_and_a_valid_value(engine: Engine, lang: str) -> None:
    rules = load_language(engine.kb, lang)
    assert len(rules.rules) > 100
    for rule in rules.rules:
        spec = engine.kb.findings[rule.spec.finding]
        if spec.type == "enum" and rule.spec.value != "*":
            assert rule.spec.value in (spec.values or []), rule.name


@pytest.mark.parametrize("lang", LANGS)
def test_every_pattern_passes_spacys_own_validation(engine: Engine, lang: str) -> None:
    from spotcheck.nlu._pipeline import _quiet_import

    spacy = _quiet_import()[0]
    rules = load_language(engine.kb, lang)
    vocab = spacy.blank(lang).vocab
    matcher: FastMatcher[str] = FastMatcher(vocab, MATCH_ATTR[lang], validate=True)
    patterns = [p for r in rules.rules for p in r.spec.patterns if not p.startswith("re:")]
    patterns += [p for c in rules.context for p in c.patterns]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for pattern in patterns:
            matcher.add(
                compile_pattern(pattern, MATCH_ATTR[lang], rules.lexicon, SURFACE_ATTR[lang]),
                pattern,
            )


@pytest.mark.parametrize("lang", LANGS)
def test_languages_cover_the_patient_findings(engine: Engine, lang: str) -> None:
    covered = {r.spec.finding for r in load_language(engine.kb, lang).rules}
    patient = {
        fid
        for fid, spec in engine.kb.findings.items()
        if spec.audience != "clinician" and not fid.startswith(("exam_", "test_"))
    }
    assert patient - covered == set()


def test_policy_names_only_known_findings(engine: Engine) -> None:
    policy = load_policy(engine.kb)
    assert policy.absent["lower_abdominal_pain"] == "none"
    assert policy.partner["blood_in_semen"] == "partner_blood_in_semen"


def test_a_policy_naming_an_unknown_finding_is_refused(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = yaml.safe_load(
        (resources.files("spotcheck.nlu") / "rules" / "policy.yaml").read_text(encoding="utf-8")
    )
    policy["not_negated"] = ["age", "no_such_finding"]
    (tmp_path / "policy.yaml").write_text(yaml.safe_dump(policy), encoding="utf-8")
    monkeypatch.setattr(_rules, "_root", lambda: tmp_path)
    load_policy.cache_clear()
    try:
        with pytest.raises(KnowledgeBaseError, match=r"policy\.yaml.*no_such_finding"):
            load_policy(engine.kb)
    finally:
        load_policy.cache_clear()


def test_an_age_after_a_denial_is_not_negated(engine: Engine) -> None:
    # policy `not_negated`: "... no pain. 41" is 41 years old, and the pain is still none
    facts = engine.parse("spotting after sex, bright red. no pain. 41", "en").facts()
    assert facts["age"] == 41
    assert facts["lower_abdominal_pain"] == "none"
    # a man's bare "no pain" says nothing of his belly (stop 63, `not_male`; readable
    # holdout writers 9 to 0), and his age is still read
    facts = engine.parse("the semen was dark red after sex. no pain. 41", "en").facts()
    assert facts["age"] == 41
    assert "lower_abdominal_pain" not in facts


@pytest.mark.parametrize(
    ("text", "raised"),
    [
        ("PSA 6.8 (age-ref <3.0). DRE smooth.", True),
        ("PSA 9.1, ref <4", True),
        ("PSA 5.5 (ref 0-4.5)", True),
        ("PSA 2.1 ng/ml (normal range 0-4)", False),
        ("PSA 3.2 (<4.0)", False),
    ],
)
def test_a_result_is_compared_with_the_reference_given_beside_it(
    engine: Engine, text: str, raised: bool
) -> None:
    # rule option `above_ref` (stop 47): the result above its reference limit is raised
    assert engine.parse(f"62M. {text}", "en").facts()["test_psa_raised"] is raised


@pytest.fixture
def english_rules_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A rules root holding the shared files and English's lexicon and context; yields en/."""
    for name in ("policy.yaml", "messages.yaml", "languages.yaml"):
        (tmp_path / name).write_text(
            (resources.files("spotcheck.nlu") / "rules" / name).read_text(encoding="utf-8"),
            encoding="utf-8",
        )
    en = tmp_path / "en"
    en.mkdir()
    source = resources.files("spotcheck.nlu") / "rules" / "en"
    for name in ("lexicon.yaml", "context.yaml"):
        (en / name).write_text(source.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(_rules, "_root", lambda: tmp_path)
    _rules._language.cache_clear()
    yield en
    _rules._language.cache_clear()


def test_a_broken_rule_file_names_file_and_field(engine: Engine, english_rules_only: Path) -> None:
    en = english_rules_only
    try:
        (en / "x.yaml").write_text(
            yaml.safe_dump({"rules": [{"finding": "no_such_finding", "patterns": ["x"]}]})
        )
        with pytest.raises(KnowledgeBaseError, match=r"en/x\.yaml.*no_such_finding"):
            load_language(engine.kb, "en")
        _rules._language.cache_clear()
        (en / "x.yaml").write_text(
            yaml.safe_dump(
                {"rules": [{"finding": "bleeding_amount", "value": "lots", "patterns": ["x"]}]}
            )
        )
        with pytest.raises(KnowledgeBaseError, match="lots"):
            load_language(engine.kb, "en")
        _rules._language.cache_clear()
        (en / "x.yaml").write_text(
            yaml.safe_dump({"rules": [{"finding": "fever", "patterns": ["@nothing here"]}]})
        )
        with pytest.raises(KnowledgeBaseError, match="unknown word set"):
            load_language(engine.kb, "en")
        _rules._language.cache_clear()
        (en / "x.yaml").write_text(
            yaml.safe_dump({"rules": [{"finding": "fever", "pattern": "x"}]})
        )
        with pytest.raises(KnowledgeBaseError, match=r"x\.yaml"):
            load_language(engine.kb, "en")
        _rules._language.cache_clear()
        # `also` is only for a silencer, and names findings of the knowledge base
        (en / "x.yaml").write_text(
            yaml.safe_dump(
                {"rules": [{"finding": "fever", "also": ["dysuria"], "patterns": ["x"]}]}
            )
        )
        with pytest.raises(KnowledgeBaseError, match="silencer"):
            load_language(engine.kb, "en")
        _rules._language.cache_clear()
        (en / "x.yaml").write_text(
            yaml.safe_dump(
                {"rules": [{"finding": "fever", "value": "*", "also": ["nope"], "patterns": ["x"]}]}
            )
        )
        with pytest.raises(KnowledgeBaseError, match="nope"):
            load_language(engine.kb, "en")
        _rules._language.cache_clear()
        # `keeps_cue` is for a hint only (a sex rule read from another person's word)
        (en / "x.yaml").write_text(
            yaml.safe_dump(
                {
                    "rules": [
                        {"finding": "sex", "value": "female", "keeps_cue": True, "patterns": ["x"]}
                    ]
                }
            )
        )
        with pytest.raises(KnowledgeBaseError, match="keeps_cue"):
            load_language(engine.kb, "en")
        _rules._language.cache_clear()
        # `above_ref` compares two groups of a regex: a pattern without `ref` is refused
        (en / "x.yaml").write_text(
            yaml.safe_dump(
                {
                    "rules": [
                        {
                            "finding": "test_psa_raised",
                            "above_ref": True,
                            "patterns": ["re:psa (?P<n>\\d+)"],
                        }
                    ]
                }
            )
        )
        with pytest.raises(KnowledgeBaseError, match="above_ref"):
            load_language(engine.kb, "en")
    finally:
        _rules._language.cache_clear()


# --- the token language ------------------------------------------------------------------


def test_dsl_compiles_words_sets_prefixes_and_gaps() -> None:
    compiled = compile_pattern("very? @pain|hurt* _{0,2} #num weeks", "NORM", LEX)
    tokens = compiled.tokens
    assert tokens[0] == {"NORM": "very", "OP": "?"}
    assert tokens[1] == {"NORM": {"REGEX": "^(?:ache|hurt.*|pain)$"}}
    assert tokens[2]["OP"] == "{0,2}"
    assert tokens[2]["IS_PUNCT"] is False
    assert tokens[4] == {"NORM": "weeks"}
    assert not compiled.negatable
    assert compile_pattern("head ~neg spinning", "NORM", LEX).negatable


@pytest.mark.parametrize("bad", ["", "@unknown", "a||b", "x? y?"])
def test_dsl_rejects_bad_patterns(bad: str) -> None:
    with pytest.raises(PatternError):
        compile_pattern(bad, "NORM", LEX)


def test_first_tokens_become_plain_tests() -> None:
    compiled = compile_pattern("a? two|three weeks", "NORM", LEX)
    variants = expand_first(compiled.raw)
    firsts = sorted(str(v[0]) for v in variants)
    assert all("IN" not in f and "REGEX" not in f for f in firsts)
    assert len(variants) == 3  # "a two|three weeks" keeps "a" first; without it: two, three


def test_plain_patterns_become_phrases() -> None:
    phrases = literal_phrases(compile_pattern("no? lower pain|ache", "NORM", LEX).raw, "NORM")
    assert phrases is not None
    assert sorted(phrases) == [
        ["lower", "ache"],
        ["lower", "pain"],
        ["no", "lower", "ache"],
        ["no", "lower", "pain"],
    ]
    assert literal_phrases(compile_pattern("pain _ weeks", "NORM", LEX).raw, "NORM") is None


def test_fast_matcher_finds_what_one_matcher_finds() -> None:
    """Patterns kept per first word, in shards and as phrases: the same matches."""
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

    from spotcheck.nlu._pipeline import _quiet_import

    vocab = _quiet_import()[0].blank("en").vocab
    fast: FastMatcher[str] = FastMatcher(vocab, "NORM")
    plain = Matcher(vocab)
    patterns = [
        "no? lower pain|ache",  # a phrase
        "pain _ weeks",  # first word "pain"
        "lower|sharp pain",  # two first words
        "#num weeks",  # a number first: not one plain word
        "two _{0,2} pain",
    ]
    for pattern in patterns:
        compiled = compile_pattern(pattern, "NORM", LEX)
        fast.add(compiled, pattern)
        plain.add(pattern, compiled.variants())
    assert fast.by_first
    assert fast.shards
    for text in [
        "sharp pain for two weeks",
        "no lower ache but 3 weeks of pain",
        "two bad pain weeks",
        "nothing here",
    ]:
        doc = Doc(vocab, words=text.split())
        for token in doc:
            token.norm_ = token.lower_
        expected = {(vocab.strings[k], s, e) for k, s, e in plain(doc)}
        assert set(fast(doc)) == expected, text


def test_speller_corrects_one_edit_towards_rule_words_only() -> None:
    speller = Speller(["bleeding", "discharge", "pregnant"], known={"bleeds"}.__contains__)
    assert speller.correct("bleding") == "bleeding"
    assert speller.correct("dicharge") == "discharge"
    assert speller.correct("pregnatn") == "pregnant"  # transposition
    assert speller.correct("bleeds") is None  # a known word
    assert speller.correct("blad") is None  # too short
    assert speller.correct("breeding") == "bleeding"
    assert speller.correct("xxxxxxx") is None


@pytest.mark.parametrize(
    ("text", "fainting"),
    [
        # a real word one edit from a rule word is left alone (blind-bp-008, stop 38:
        # "the nursery is painted" had called an ambulance)
        ("I'm 29, the nursery is painted and I bled a little after sex.", None),
        ("I'm 29, I tainted the sheets with blood after sex.", None),
        # a rare word that is mostly a typo, and a plain typo, are still corrected
        ("I'm 29, I feinted after sex.", True),
        ("I'm 29, I fainetd after sex.", True),
    ],
)
def test_english_speller_leaves_real_words_alone(text: str, fainting: bool | None) -> None:
    facts = Engine.default().parse(text, "en", sex="female").facts({"sex": "female"})
    assert facts.get("fainting") is fainting


# --- year windows (stop 61): placeholders filled from policy.yaml's reference_year -------


def _years_matched(regex: str) -> set[int]:
    return {y for y in range(1000, 3000) if re.fullmatch(regex, str(y))}


@pytest.mark.parametrize(
    ("name", "reference", "first", "last"),
    [
        ("years_6_or_more_back", 2026, 1900, 2020),
        ("years_4_or_more_back", 2026, 1900, 2022),
        ("years_3_or_more_back", 2026, 1900, 2023),
        ("years_2_or_more_back", 2026, 1900, 2024),
        ("years_within_last_3", 2026, 2023, 2026),
        ("years_3_back_or_later", 2026, 2023, 2099),
        ("past_years", 2026, 1985, 2025),
        # the windows move with the reference
        ("years_6_or_more_back", 2030, 1900, 2024),
        ("years_within_last_3", 2030, 2027, 2030),
        ("past_years", 2027, 1985, 2026),
    ],
)
def test_a_year_placeholder_expands_to_its_window(
    name: str, reference: int, first: int, last: int
) -> None:
    assert year_window(name, reference) == (first, last)
    years = set(range(first, last + 1))
    # in a regular expression: a group of digit ranges matching those years and no others
    regex = expand_years(f"re:<<{name}>>", reference)[3:]
    assert regex.startswith("(?:")
    assert _years_matched(regex) == years
    # in a token pattern: the years as alternatives of one token
    tokens = expand_years(f"since <<{name}>>?", reference).split()
    assert tokens[0] == "since"
    assert tokens[1].rstrip("?").split("|") == [str(y) for y in sorted(years)]
    assert tokens[1].endswith("?")


def test_the_years_of_the_rules_written_out_until_stop_61_are_kept() -> None:
    # each placeholder stands where a literal stood; with reference 2026 it matches the same
    expected = {
        "years_6_or_more_back": r"(?:19\d\d|200\d|201\d|2020)",
        "years_within_last_3": r"(?:2023|2024|2025|2026)",
        "years_4_or_more_back": r"(?:19\d\d|20[01]\d|202[0-2])",
        "years_3_or_more_back": r"(?:19\d\d|20[01]\d|202[0-3])",
        "years_2_or_more_back": r"(?:19\d\d|200\d|201\d|202[0-4])",
        "years_3_back_or_later": r"(?:202[3-9]|20[3-9]\d)",
        "past_years": "(?:" + "|".join(str(y) for y in range(1985, 2026)) + ")",
    }
    for name, old in expected.items():
        new = expand_years(f"re:<<{name}>>", 2026)[3:]
        assert _years_matched(new) == _years_matched(old), name


def test_rules_name_year_windows_not_years(engine: Engine) -> None:
    reference = load_policy(engine.kb).reference_year
    for lang in LANGS:
        rules = load_language(engine.kb, lang)
        patterns = [p for r in rules.rules for p in r.spec.patterns]
        patterns += [p for c in rules.context for p in c.patterns]
        assert not any("<<" in p for p in patterns)
        # the English "within the last 3 years" of a normal smear, counted from the reference
        if lang == "en":
            recent = year_regex(reference - 3, reference)
            assert any(recent in p for p in patterns)


def test_an_unknown_or_broken_placeholder_names_file_and_rule(
    engine: Engine, english_rules_only: Path
) -> None:
    en = english_rules_only
    fine = {"finding": "fever", "patterns": ["fever since <<past_years>>"]}
    try:
        for bad, message in [
            ("re:\\bsince\\s+<<years_since_ever>>\\b", "unknown placeholder <<years_since_ever>>"),
            ("fever since <<years_within_last>>", "unknown placeholder <<years_within_last>>"),
            ("fever since <<past_years", "no placeholder"),
        ]:
            rule = {"finding": "postmenopausal", "patterns": ["no period", bad]}
            (en / "x.yaml").write_text(yaml.safe_dump({"rules": [fine, rule]}), encoding="utf-8")
            with pytest.raises(
                KnowledgeBaseError, match=r"en/x\.yaml.*#2 \(postmenopausal\)"
            ) as exc:
                load_language(engine.kb, "en")
            assert message in str(exc.value)
            _rules._language.cache_clear()
        # a window that holds no year at the reference is refused too
        rule = {"finding": "postmenopausal", "patterns": ["since <<years_200_or_more_back>>"]}
        (en / "x.yaml").write_text(yaml.safe_dump({"rules": [rule]}), encoding="utf-8")
        with pytest.raises(KnowledgeBaseError, match=r"en/x\.yaml.*no year"):
            load_language(engine.kb, "en")
    finally:
        _rules._language.cache_clear()


def test_a_reference_year_outside_the_dates_read_is_refused(engine: Engine) -> None:
    with pytest.raises(KnowledgeBaseError, match="reference_year"):
        load_language(engine.kb, "en", reference_year=1850)


@pytest.fixture(scope="module")
def parser_2030(engine: Engine) -> Parser:
    """A reader that takes 2030 as this year (the policy's reference overridden)."""
    return Parser(engine.kb, reference_year=2030)


@pytest.mark.parametrize(
    ("text", "lang", "finding", "now", "in_2030"),
    [
        # a normal smear within the last 3 years is up to date; 7 years back it is overdue
        (
            "I'm 34. Last smear 2023 normal. Spotting after sex.",
            "en",
            "screening_overdue",
            False,
            True,
        ),
        # this year's smear is up to date; 4 years back it is neither
        (
            "I'm 34. Smear Jan 2026, normal. Spotting after sex.",
            "en",
            "screening_overdue",
            False,
            None,
        ),
        # «не сдавала с 2023»: recent now, four or more years back in 2030
        (
            "Мне 34. Мазок не сдавала с 2023 года. Кровь после секса.",
            "ru",
            "screening_overdue",
            None,
            True,
        ),
    ],
)
def test_moving_the_reference_year_moves_a_rules_window(
    engine: Engine,
    parser_2030: Parser,
    text: str,
    lang: str,
    finding: str,
    now: bool | None,
    in_2030: bool | None,
) -> None:
    reference = load_policy(engine.kb).reference_year
    assert reference < 2030
    assert engine.parse(text, lang).facts().get(finding) is now
    assert parser_2030.parse(text, lang).facts().get(finding) is in_2030


@pytest.mark.parametrize("lang", LANGS)
def test_a_past_year_opens_a_past_frame_and_this_year_does_not(
    engine: Engine, parser_2030: Parser, lang: str
) -> None:
    # "back in <last year>" is an earlier episode; the reference year may be this one's
    reference = load_policy(engine.kb).reference_year
    texts = {
        "en": "Back in {y} I bled heavily after sex and passed out. "
        "Now a little spotting after sex, 30F.",
        "ru": "В {y} году после секса было сильное кровотечение и я потеряла сознание. "
        "Сейчас немного мажет после секса, мне 30.",
    }
    past = engine.parse(texts[lang].format(y=reference - 1), lang).facts()
    assert "fainting" not in past
    assert past["bleeding_amount"] == "spotting"
    this_year = engine.parse(texts[lang].format(y=reference), lang).facts()
    assert this_year.get("fainting") is True
    # with 2030 as this year, the reference year is a past one
    assert "fainting" not in parser_2030.parse(texts[lang].format(y=reference), lang).facts()
