"""The rule files: valid, loaded through importlib.resources, and well-formed patterns."""

from __future__ import annotations

import warnings
from importlib import resources
from pathlib import Path

import pytest
import yaml

from spotcheck import Engine, KnowledgeBaseError
from spotcheck.nlu import _rules
from spotcheck.nlu._dsl import PatternError, compile_pattern, expand_first
from spotcheck.nlu._matching import FastMatcher, literal_phrases
from spotcheck.nlu._rules import MATCH_ATTR, SURFACE_ATTR, load_language, load_policy
from spotcheck.nlu._schema import Lexicon
from spotcheck.nlu._speller import Speller

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
    facts = engine.parse("the semen was dark red after sex. no pain. 41", "en").facts()
    assert facts["age"] == 41
    assert facts["lower_abdominal_pain"] == "none"


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


def test_a_broken_rule_file_names_file_and_field(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("policy.yaml", "messages.yaml", "languages.yaml"):
        (tmp_path / name).write_text(
            (resources.files("spotcheck.nlu") / "rules" / name).read_text()
        )
    en = tmp_path / "en"
    en.mkdir()
    source = resources.files("spotcheck.nlu") / "rules" / "en"
    for name in ("lexicon.yaml", "context.yaml"):
        (en / name).write_text(source.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(_rules, "_root", lambda: tmp_path)
    _rules._language.cache_clear()
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


def test_past_years_end_the_year_before_this_one() -> None:
    import datetime

    years = _rules.past_years(datetime.date(2027, 3, 1))
    assert years[0] == "1985"
    assert years[-1] == "2026"
    assert "2027" not in years
    # the English lexicon's declared set is filled when the rules load
    lexicon = load_language(Engine.default().kb, "en").lexicon
    this_year = datetime.date.today().year
    assert lexicon.sets["past_year"][-1] == str(this_year - 1)
    assert str(this_year) not in lexicon.sets["past_year"]


def test_a_past_year_opens_a_past_frame_every_year() -> None:
    import datetime

    last_year = datetime.date.today().year - 1
    engine = Engine.default()
    text = (
        f"Back in {last_year} I bled heavily after sex and passed out. "
        "Now a little spotting after sex, 30F."
    )
    facts = engine.parse(text, lang="en").facts()
    assert "fainting" not in facts
    assert facts["bleeding_amount"] == "spotting"
