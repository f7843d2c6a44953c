"""Text read as people write it (issue 9, part 5): faintness, negation scope, hedges,
menopause and missed pills, amounts, times in hours, numbers in words, someone writing
for the person who bled, and Russian typed in Latin letters."""

from __future__ import annotations

from typing import Any

import pytest

from spotcheck import Engine


def facts(engine: Engine, text: str) -> dict[str, Any]:
    return engine.parse(text).facts()


def subset(got: dict[str, Any], want: dict[str, Any]) -> bool:
    return all(got.get(k) == v for k, v in want.items())


# --- fainting ("fainted or nearly fainted") versus dizziness (light-headed) -----------------


@pytest.mark.parametrize(
    ("text", "fainting", "dizziness"),
    [
        ("bled after sex and I feel a bit faint", None, True),
        ("I feel faint and light-headed", None, True),
        ("I nearly passed out in the bathroom", True, None),
        ("I almost blacked out after sex", True, None),
        ("I fainted in the shower", True, None),
        ("I feel like I'm going to faint", True, None),
        ("I'm a bit woozy but I haven't fainted", False, True),
        ("чуть не потеряла сознание", True, None),
        ("немного кружится голова", None, True),
        ("сознание не теряла, голова не кружится", False, False),
    ],
)
def test_fainting_versus_dizziness(
    engine: Engine, text: str, fainting: bool | None, dizziness: bool | None
) -> None:
    got = facts(engine, text)
    assert got.get("fainting") == fainting, got
    assert got.get("dizziness") == dizziness, got


# --- negation scope -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "No pain but the bleeding is heavy.",
            {"lower_abdominal_pain": "none", "bleeding_amount": "heavy"},
        ),
        ("not pregnant and the bleeding is heavy", {"pregnant": False, "bleeding_amount": "heavy"}),
        ("No fever. The bleeding has not stopped.", {"fever": False, "bleeding_ongoing": True}),
        ("Мазок давно не сдавала.", {"screening_overdue": True}),
        ("давно не делала мазок", {"screening_overdue": True}),
        ("Ни разу не сдавала мазок", {"screening_overdue": True}),
        (
            "Боли нет, но кровь идёт сильно.",
            {"lower_abdominal_pain": "none", "bleeding_amount": "heavy"},
        ),
        ("кровь никак не останавливается — не ручьём, но идёт", {"bleeding_ongoing": True}),
        (
            "секс без резинки с девушкой из приложения",
            {"unprotected_sex": True, "new_or_multiple_partners": True},
        ),
    ],
)
def test_negation_scope(engine: Engine, text: str, expected: dict[str, Any]) -> None:
    got = facts(engine, text)
    assert subset(got, expected), got


# --- hedges: unsure findings are shown for the person to confirm ------------------------------


@pytest.mark.parametrize(
    ("text", "fid"),
    [
        ("Not pregnant as far as I know", "pregnant"),
        ("I think I'm not pregnant", "pregnant"),
        ("no fever, not pregnant I think", "pregnant"),
        ("вроде бы не больно", "lower_abdominal_pain"),
        ("Кажется, не беременна.", "pregnant"),
        ("Насколько я знаю, не беременна.", "pregnant"),
        ("наверное не беременна", "pregnant"),
        ("По-моему выделений нет.", "abnormal_discharge"),
    ],
)
def test_a_hedged_reassurance_stays_unknown_and_is_unsure(
    engine: Engine, text: str, fid: str
) -> None:
    result = engine.parse(text)
    assert fid not in result.facts()
    unsure = [f for f in result.unsure() if f.finding == fid]
    assert unsure, result.findings
    assert unsure[0].uncertain
    assert fid in result.facts(uncertain=True)
    assert result.to_dict()["unsure"][0]["uncertain"] is True


def test_a_hedged_sign_still_counts_and_is_unsure(engine: Engine) -> None:
    # policy `hedged: cautious`: a red flag is never dropped because the writer hedged it
    result = engine.parse("36 weeks pregnant, I think my waters broke after sex")
    assert result.facts()["waters_broken"] is True
    assert [f.finding for f in result.unsure()] == ["waters_broken"]


def test_plain_findings_are_not_unsure(engine: Engine) -> None:
    result = engine.parse("no pain, not pregnant, now I think about it my wee was pink")
    assert result.unsure() == ()
    assert subset(result.facts(), {"pregnant": False, "blood_in_urine": True})


# --- phrasings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I haven't had a period in over a year", {"postmenopausal": True}),
        ("no periods for about 14 months", {"postmenopausal": True}),
        ("67F, LMP aged 52", {"postmenopausal": True}),
        ("месячных нет больше года", {"postmenopausal": True}),
        (
            "I'm on the pill and missed a couple this month",
            {"missed_pills": True, "contraception_failure": True},
        ),
        ("on the pill, took it 20 hours late", {"missed_pills": True}),
        ("I took Monday's pill about 20 hours late", {"missed_pills": True}),
        ("забыла выпить таблетку", {"missed_pills": True}),
        ("пью ОК, выпила таблетку на 20 часов позже", {"missed_pills": True}),
        ("bleeding like a period after sex", {"bleeding_amount": "moderate"}),
        ("soaking a pad an hour", {"bleeding_amount": "heavy"}),
        ("кровь как при месячных", {"bleeding_amount": "moderate"}),
        ("maybe a tablespoon of blood", {"bleeding_amount": "light"}),
        ("est. 40-50 ml, now settling", {"bleeding_amount": "moderate"}),
        ("Had a massive leg day at the gym", {}),
        ("my pee had blood in it", {"blood_in_urine": True}),
        ("sore swollen testicle", {"testicular_pain": True}),
        ("сильно болит живот", {"lower_abdominal_pain": "severe"}),
        ("живот твёрдый как камень", {"abdomen_hard_or_tender": True}),
        ("срок 33 недели, кровь после секса", {"pregnancy_weeks": 33, "pregnant": True}),
        ("35 weeks, bleeding after sex", {"pregnancy_weeks": 35}),
        # completed weeks, as obstetric notes count them and the readable holdout writers
        # give them 5 of 5 (stop 62, nlu62h): 33+2 is week 33
        (
            "at 33+2 wks, painless bleeding",
            {"pregnancy_weeks": 33, "lower_abdominal_pain": "none"},
        ),
        ("Тёмно-красная кровь после секса", {"bleeding_colour": "dark_red"}),
    ],
)
def test_phrasings(engine: Engine, text: str, expected: dict[str, Any]) -> None:
    got = facts(engine, text)
    assert subset(got, expected), got
    if not expected:
        assert "bleeding_amount" not in got


def test_a_week_ago_is_not_a_week_of_pregnancy(engine: Engine) -> None:
    got = facts(engine, "Не беременна, месячные были две недели назад.")
    assert "pregnancy_weeks" not in got


# --- numbers in words and time since sex in hours ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("I bled after sex two days ago", 48),
        ("had sex 5 hours ago", 5),
        ("секс был два дня назад, мажет", 48),
        ("секс был сутки назад, мажет", 24),
        ("we had sex last night, about 10 hours ago, and I bled", 10),
        # a number with no unit after it inside the phrase gives way to the one with its
        # unit (stop 37, h32en-047: "a few" had been read as 3 hours)
        ("we had rough sex for over an hour after a few drinks, 12 hours ago now", 12),
    ],
)
def test_time_since_sex_in_hours(engine: Engine, text: str, hours: int) -> None:
    result = engine.parse(text)
    assert result.facts()["hours_since_sex"] == hours
    assert "hours_since_sex" not in {f.finding for f in result.unsure()}


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("we had sex last night and I bled", 12),
        ("last night we had sex and I bled", 12),
        ("bled after sex yesterday", 24),
        ("bled after sex this morning", 4),
        ("кровь после секса вчера", 24),
        ("позавчера был секс, кровь", 48),
        ("ночью был секс, мажет", 12),
    ],
)
def test_a_time_said_in_words_is_an_estimate_to_confirm(
    engine: Engine, text: str, hours: int
) -> None:
    # "last night" is about 12 hours: offered for the person to confirm, not decided
    # (every independent annotator of the holdout sets leaves it unknown)
    result = engine.parse(text)
    assert "hours_since_sex" not in result.facts()
    assert [(f.finding, f.value) for f in result.unsure()] == [("hours_since_sex", hours)]
    assert result.facts(uncertain=True)["hours_since_sex"] == hours


@pytest.mark.parametrize(
    "text",
    [
        "Sharp pain after sex, positive pregnancy test yesterday",
        "Вчера потеряла сознание, кровотечение после секса.",
    ],
)
def test_a_time_said_of_something_else_is_not_the_time_of_sex(engine: Engine, text: str) -> None:
    assert "hours_since_sex" not in facts(engine, text)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("I'm twenty five, bled after sex", 25),
        ("I'm thirty-four and eight weeks pregnant", 34),
        ("Мне двадцать пять, кровь после секса", 25),
    ],
)
def test_ages_in_words(engine: Engine, text: str, age: int) -> None:
    assert facts(engine, text)["age"] == age


def test_weeks_in_words_are_not_an_age(engine: Engine) -> None:
    got = facts(engine, "I'm twenty weeks pregnant")
    assert got.get("pregnancy_weeks") == 20
    assert "age" not in got


# --- someone writing for the person who bled -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my wife is 34 and bled after sex", {"sex": "female", "age": 34}),
        (
            "I'm 40, male. My girlfriend bled after sex, no pain",
            {"sex": "female", "lower_abdominal_pain": "none"},
        ),
        (
            "My wife and I had sex and she bled heavily, she is 29 and 8 weeks pregnant",
            {"sex": "female", "age": 29, "bleeding_amount": "heavy", "pregnancy_weeks": 8},
        ),
        ("у дочери кровь после секса, ей 16", {"sex": "female", "age": 16}),
        ("Жена (34) после секса кровит, боли нет", {"sex": "female", "age": 34}),
        ("Пишу за подругу: у неё кровь после секса, ей 19", {"sex": "female", "age": 19}),
    ],
)
def test_writing_for_someone_else(engine: Engine, text: str, expected: dict[str, Any]) -> None:
    got = facts(engine, text)
    assert subset(got, expected), got
    if "40" in text:
        assert "age" not in got  # the writer's age is not hers


# a relative's age taken back (stop 37): the proxy reader's own age regexes now pass the
# number through the same correction markers as the rules' numbers
@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("My daughter is 16 - sorry, 17 - and she bled after sex.", 17),
        ("my wife is 43, no, 44, and bled after sex", 44),
        ("my daughter is sixteen, sorry, seventeen, she bled after sex", 17),
        ("My daughter is 17, not 16, and she bled after sex.", 17),
        ("my wife is 34 and bled after sex, 3 times now - no, 4", 34),
    ],
)
def test_a_relatives_age_taken_back(engine: Engine, text: str, age: int) -> None:
    assert facts(engine, text).get("age") == age


@pytest.mark.parametrize(
    "text",
    ["My friend had bleeding after sex and was fine.", "У подруги была кровь после секса."],
)
def test_hearsay_is_not_writing_for_someone(engine: Engine, text: str) -> None:
    assert facts(engine, text) == {}


# The form gives the sex of the person who bleeds: "my partner … he …" for a man is
# written for him (blind-be-046: read as the partner's blood, an anticoagulated man
# in shock was self-care), unless the writer names their own body or bleeding.
@pytest.mark.parametrize(
    ("sex", "text", "expected", "absent"),
    [
        (
            "male",
            "My partner is on rivaroxaban. He tore his frenulum during sex and it will not "
            "stop, he's grey and sweaty.",
            {"anticoagulants": True, "frenulum_tear": True, "pale_clammy_skin": True},
            "partner_blood_in_semen",
        ),
        (
            "female",
            "My girlfriend and I had sex last night and this morning she has bad pain low "
            "down and a temperature.",
            {"lower_abdominal_pain": "severe", "fever": True},
            "partner_was_bleeding",
        ),
        (
            "male",
            "My boyfriend's frenulum tore during sex and there was blood all over my penis.",
            {"partner_was_bleeding": True},
            "frenulum_tear",
        ),
        (
            "female",
            "My girlfriend used a toy on me and I bled a bit, she feels awful about it.",
            {"sex_toy_or_object": True},
            "fainting",
        ),
        (
            "female",
            "I'm 15 and me and my boyfriend (he's 15 too) had sex for the first time last night.",
            {"first_intercourse": True},
            "sex",
        ),
        (
            "male",
            "Мой муж на ксарелто. Во время секса у него порвалась уздечка, кровь не "
            "останавливается, он бледный.",
            {"anticoagulants": True, "frenulum_tear": True, "pale_clammy_skin": True},
            "partner_blood_in_semen",
        ),
        (
            "female",
            "Мы с девушкой занимались сексом, после этого у неё сильно заболел живот и "
            "поднялась температура",
            {"lower_abdominal_pain": "severe", "fever": True},
            "partner_was_bleeding",
        ),
        (
            "male",
            "У моего парня порвалась уздечка, и у меня на члене кровь",
            {"partner_was_bleeding": True},
            "frenulum_tear",
        ),
    ],
)
def test_the_given_sex_says_who_the_message_is_about(
    engine: Engine, sex: str, text: str, expected: dict[str, Any], absent: str
) -> None:
    got = engine.parse(text, sex=sex).facts({})
    assert subset(got, expected), got
    assert absent not in got, got


def test_without_the_given_sex_his_tear_is_the_partner_s_blood(engine: Engine) -> None:
    text = "My partner is on rivaroxaban. He tore his frenulum during sex."
    assert "frenulum_tear" not in facts(engine, text)
    assert engine.parse(text, "en", sex="male").facts({})["frenulum_tear"] is True


def test_a_partner_in_the_story_is_not_the_person(engine: Engine) -> None:
    got = facts(engine, "my boyfriend was rough and there was blood")
    assert got == {"rough_or_prolonged_sex": True}


# --- Russian typed in Latin letters -----------------------------------------------------------


def test_transliterated_russian_is_read_as_russian(engine: Engine) -> None:
    text = "silnoe krovotechenie posle seksa, golova kruzhitsya, beremennost 8 nedel"
    result = engine.parse(text)
    assert result.lang == "ru"
    assert subset(
        result.facts(),
        {"bleeding_amount": "heavy", "dizziness": True, "pregnancy_weeks": 8, "pregnant": True},
    )
    for f in result.findings:
        assert text[f.start : f.end] == f.text
        assert f.text
        assert f.text.isascii()


def test_a_transliterated_oi_ending_is_oi_short(engine: Engine) -> None:
    # "vtoroi", "s novoi devushkoi": «второй», «с новой девушкой» (not «-ои»)
    result = engine.parse("vtoroi raz krov posle seksa, s novoi devushkoi")
    assert subset(result.facts(), {"episode_count": 2, "new_or_multiple_partners": True})


@pytest.mark.parametrize(
    "text", ["hola tengo sangre despues del sexo", "asdf qwer zxcv", "I bled after sex"]
)
def test_other_latin_text_is_not_transliterated(engine: Engine, text: str) -> None:
    assert engine.parse(text).lang != "ru"


# --- stop 17 (round 4): the limits of its classes ------------------------------------------


ROUND4_LIMITS: list[tuple[str, dict[str, Any]]] = [
    # an article is no age: "new guy a month ago" says nothing of the writer's sex
    ("New guy a month ago, no condom, bleeding after sex.", {"sex": None, "age": None}),
    ("(f, 31) new guy a month ago", {"sex": "female", "age": 31}),
    # the toilet, not the sex
    ("it stings every time I pee and I bled after sex", {"after_every_intercourse": None}),
    ("I bleed every time we have sex", {"after_every_intercourse": True}),
    # "keep bleeding after sex" is each time, not bleeding going on now
    ("I keep bleeding after sex", {"bleeding_ongoing": None, "recurrent": True}),
    ("I'm still bleeding and it keeps coming", {"bleeding_ongoing": True}),
    # an ulcer down there is no soreness
    ("a painful sore down there and I bled after sex", {"genital_soreness": None}),
    # a woman's blood-stained discharge is no urethral bleeding nor spotting
    (
        "blood stained discharge most days, female",
        {"urethral_bleeding": None, "bleeding_amount": None},
    ),
    # a polyp the patient was told about is known, one seen in a note is the exam's
    ("полип нашли на осмотре, после секса мажет", {"known_polyp": True}),
    ("Осмотр: полип цервикального канала 6 мм.", {"exam_cervical_polyp": True}),
    # «не могу писать» is still difficulty passing urine
    ("не могу писать, после секса кровь", {"difficulty_passing_urine": True}),
    ("писаю нормально, после секса кровь", {"difficulty_passing_urine": False}),
    # «Была сильная боль»: the pain, not the writer
    ("Была сильная боль после секса.", {"sex": None}),
    ("Была пьяная, после секса кровь.", {"sex": "female"}),
    # «раз 5 в день» is no episode count
    ("после секса кровь, в туалет хожу раз 5 в день", {"episode_count": None}),
    # «лет 5 назад» is a time ago, not a duration
    ("последний мазок лет 5 назад, после секса кровь", {"recurrence_weeks": None}),
    # "-tsya" is «-тся» unless only «-ться» is a word
    ("golova kruzhitsya posle seksa", {"dizziness": True}),
    ("mesyachnye dolzhny nachatsya zavtra, posle seksa mazhet", {"period_expected_soon": True}),
    ("posle seksa bolit pri mocheispuskanii", {"dysuria": True}),
]


# --- stop 17 (round 5): text-mode over-triage, the limits of its classes -----------------


ROUND5_LIMITS: list[tuple[str, dict[str, Any]]] = [
    # a count of the sex acts is no recurrence; a count of the bleeds still is
    ("we've done it twice now and tonight there was some blood", {"recurrent": None}),
    ("only had sex twice and the second time I bled a bit", {"episode_count": None}),
    ("this is the second time I've bled after sex", {"episode_count": 2, "recurrent": True}),
    ("we had sex again and I bled again", {"recurrent": True}),
    ("bled after sex again, third time this month", {"recurrent": True}),
    # «как раз в срок» is no «раз в месяц»
    ("после секса мазнуло, месячные пришли как раз в срок", {"recurrent": None}),
    ("после секса кровит раз в месяц", {"recurrent": True}),
    # bleeding since a procedure is not bleeding after sex again
    ("Had a LLETZ 10 days ago. Since then I've had light bleeding.", {"recurrent": None}),
    ("Since then I bleed after sex every time", {"recurrent": True}),
    ("a mild ache now and then, bled after sex", {"recurrent": None}),
    # a pregnancy that is over
    ("my smear was due while I was pregnant, spotting after sex", {"pregnant": None}),
    ("I'm pregnant and spotting after sex", {"pregnant": True}),
    # the bleeding turned into the period; a period that came last week did not
    ("bled after sex and today it's become my period", {"period_expected_soon": True}),
    ("it turned into a proper bleed after sex", {"period_expected_soon": None}),
    ("My period came last week, bled after sex", {"period_expected_soon": None}),
    # the time before the assault or the condom's mishap
    ("About 10 days ago I was sexually assaulted", {"hours_since_sex": 240}),
    ("Four days ago the condom split", {"hours_since_sex": 96}),
    ("Дней 10 назад меня изнасиловали", {"hours_since_sex": 240}),
    # «Внематочной раньше не было»
    ("Внематочной раньше не было, беременность 5 недель", {"previous_ectopic": False}),
    ("Раньше была внематочная", {"previous_ectopic": True}),
    # the partner's blood: only when the person says none was hers
    (
        "blood everywhere after sex, turns out it was him. I'm not bleeding at all.",
        {"bleeding_amount": None, "partner_was_bleeding": True},
    ),
    (
        "There was a lot of blood after sex. I'm not bleeding at all now.",
        {"bleeding_amount": "heavy"},
    ),
    # "sore" after a copula is the adjective; a sore on the labia is an ulcer
    ("I'm a little sore at the entrance after sex", {"genital_lump_or_ulcer": None}),
    ("I have a little sore on my labia", {"genital_lump_or_ulcer": True}),
    # emergency contraception long past is no possible pregnancy
    (
        "copper coil fitted as emergency contraception 4 months ago, bleed after sex",
        {"possibly_pregnant": None, "unprotected_sex": None},
    ),
    ("took the morning after pill 2 days ago", {"possibly_pregnant": True}),
    # "no contraception except condoms" is no contraception failure
    ("on no contraception except condoms, bleed after sex", {"contraception_failure": None}),
    ("no contraception, bleed after sex", {"contraception_failure": True}),
    # a doubt in brackets is no question
    ("tore the skin under the head (the banjo string?) during sex", {"frenulum_tear": True}),
    # weeks told as "makes me N weeks"; "nothing on one side" is a no
    (
        "positive test, which makes me 5 weeks today, nothing on one side",
        {"pregnancy_weeks": 5, "one_sided_pelvic_pain": False},
    ),
    ("it makes me 3 weeks late", {"pregnancy_weeks": None, "period_late": True}),
    ("I know exactly when I ovulated, positive test", {"mid_cycle": None}),
    # the pain of a blister is not the belly's
    ("really painful blisters on my labia", {"lower_abdominal_pain": None}),
    ("really painful cramps after sex", {"lower_abdominal_pain": "severe"}),
    # «ранка» after a torn frenulum is the tear
    ("порвалась уздечка, осталась небольшая ранка", {"genital_lump_or_ulcer": None}),
    ("на половых губах небольшая ранка", {"genital_lump_or_ulcer": True}),
]


# The limits of stop 17's classes (rounds 4 and 5): what each class must and must not read.
@pytest.mark.parametrize(("text", "expected"), ROUND4_LIMITS + ROUND5_LIMITS)
def test_stop17_class_limits(engine: Engine, text: str, expected: dict[str, Any]) -> None:
    got = facts(engine, text)
    assert all(got.get(k) == v for k, v in expected.items()), got


@pytest.mark.parametrize(
    ("text", "ongoing"),
    [
        # half an hour after sex "still bleeding" is no bleeding that goes on for hours ...
        ("Sex 30 minutes ago and I'm still bleeding a bit.", None),
        # ... but on a blood thinner 20-30 minutes is already prolonged (S23)
        ("On warfarin. Sex about an hour ago and I'm still bleeding.", True),
        ("I have von Willebrand disease, sex an hour ago, still bleeding.", True),
    ],
)
def test_still_bleeding_needs_less_time_on_blood_thinners(
    engine: Engine, text: str, ongoing: bool | None
) -> None:
    assert facts(engine, text).get("bleeding_ongoing") is ongoing


# Stop 42: a relative's story told for comparison is not written for her, even when the
# form gives the person's sex, and what her own past says stays hers (blind_cb).
@pytest.mark.parametrize(
    ("lang", "text", "expected", "absent"),
    [
        (
            "en",
            "I'm 25 and bled a little after sex yesterday for the first time. My friend "
            "says she bleeds after sex every time, do I need to go too?",
            {"age": 25},
            "first_intercourse",
        ),
        (
            "en",
            "I'm 26 weeks, some pink spotting after sex this morning. My mum says she bled "
            "loads with me and it was nothing. I'm 33.",
            {"age": 33, "pregnancy_weeks": 26, "bleeding_amount": "spotting"},
            "bleeding_ongoing",
        ),
        (
            "en",
            "First time on Saturday, a bit of blood after. My friend got pregnant after her "
            "first time so I'm a bit paranoid. I'm 20 and we used a condom.",
            {"age": 20, "unprotected_sex": False},
            "pregnant",
        ),
        (
            "ru",
            "Мне 31, после секса пару капель крови. У мамы в климаксе тоже было после секса "
            "кровь, ей крем какой-то назначили. Мне тоже надо что-то мазать?",
            {"age": 31, "bleeding_amount": "spotting"},
            "postmenopausal",
        ),
    ],
)
def test_a_relative_s_story_for_comparison_is_hers(
    engine: Engine, lang: str, text: str, expected: dict[str, Any], absent: str
) -> None:
    got = engine.parse(text, lang, sex="female").facts({})
    assert subset(got, expected), got
    assert absent not in got, got
    assert got.get("bleeding_amount") != "heavy", got
