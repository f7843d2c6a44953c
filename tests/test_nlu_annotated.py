"""The annotated sets: per-finding precision and recall per language (issue 4 targets).

``tests/cases/nlu_<lang>.jsonl``: realistic messages with the facts a careful
reader takes from them.  Cases marked ``"split": "holdout"`` were written
with the others but never used to tune the rules.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spotcheck import Engine
from spotcheck.nlu import AnnotatedCase, load_annotated, score

from .conftest import CASES

LANGS = ["en", "ru"]
MIN_PRECISION, MIN_RECALL = 0.90, 0.80


def cases(engine: Engine, lang: str) -> list[AnnotatedCase]:
    return load_annotated(CASES / f"nlu_{lang}.jsonl", engine.kb)


@pytest.mark.parametrize("lang", LANGS)
def test_set_is_large_and_varied(engine: Engine, lang: str) -> None:
    loaded = cases(engine, lang)
    assert len(loaded) >= 40
    assert len({c.id for c in loaded}) == len(loaded)
    assert sum(c.split == "holdout" for c in loaded) >= 10
    values = [v for c in loaded for v in c.expected.values()]
    assert False in values  # negations
    assert any("partner_blood_in_semen" in c.expected for c in loaded)
    assert any(not c.expected for c in loaded) or lang == "en"  # a hypothetical-only message
    for case in loaded:
        assert engine.parse(case.text).lang == lang, case.id


@pytest.mark.parametrize("lang", LANGS)
def test_precision_and_recall(engine: Engine, lang: str) -> None:
    result = score(engine.parse, cases(engine, lang))
    assert result.precision >= MIN_PRECISION, result.errors
    assert result.recall >= MIN_RECALL, result.errors


@pytest.mark.parametrize("lang", LANGS)
def test_precision_and_recall_on_the_holdout(engine: Engine, lang: str) -> None:
    result = score(engine.parse, cases(engine, lang), split="holdout")
    assert result.n >= 10
    assert result.precision >= MIN_PRECISION, result.errors
    assert result.recall >= MIN_RECALL, result.errors


def test_scorer_counts_pairs(engine: Engine) -> None:
    expected: dict[str, bool | str | float] = {
        "fever": False,
        "bleeding_amount": "spotting",
        "age": 30,
    }
    one = [AnnotatedCase("x", "no fever, bit of spotting after sex", expected)]
    result = score(engine.parse, one)
    assert (result.total.tp, result.total.fp, result.total.fn) == (2, 0, 1)
    assert result.recall == pytest.approx(2 / 3)
    wrong = [AnnotatedCase("y", "heavy bleeding", {"bleeding_amount": "light"})]
    result = score(engine.parse, wrong)
    assert (result.total.tp, result.total.fp, result.total.fn) == (0, 1, 1)
    assert result.errors[0]["wrong"] == {"bleeding_amount": "heavy"}
    assert result.to_dict()["by_finding"]["bleeding_amount"]["precision"] == 0.0


def test_bad_annotation_names_the_line(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = {"id": "a", "text": "no fever", "expected": {"fever": False}}
    bad = {"id": "b", "text": "x", "expected": {"fever": "maybe"}}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match="line 2"):
        load_annotated(path, engine.kb)


# Frozen blind holdouts (issue 9), written by writers who never saw the rules.
# Holdout 1 was later used to find classes of error.  Holdout 2 is used for
# development from this point (issue 9, "text reading as people write"): first
# measured blind at English 0.900 / 0.856 and Russian 0.887 / 0.884; its odd
# half was worked from while the even half was held out (English 0.893 / 0.864
# -> 0.889 / 0.883, Russian 0.899 / 0.894 -> 0.900 / 0.900 before its errors
# were read), then all of it.  The floors sit just under the measured figures
# so a regression fails.  Holdout 3 (80 + 80, written 2026-12-01 by a writer
# who saw neither the rules nor the earlier sets) is the measure of
# generalisation: English 0.878 / 0.803 before stop 15's changes, 0.885 / 0.841
# after; Russian 0.887 / 0.791 -> 0.898 / 0.825.  Holdout 3 is used for
# development from stop 15: its odd lines were worked from
# while the even ones were held out (English 0.876 / 0.812 -> 0.876 / 0.816,
# Russian 0.896 / 0.833 -> 0.901 / 0.847 while the odd half went to 0.928 /
# 0.967 and 0.924 / 0.970), then the even lines were read too; all of it now
# English 0.907 / 0.897, Russian 0.913 / 0.911.  Issue 9's targets (0.95 /
# 0.90) are not met on it; holdout 4 is the next measure.  Stop 16 (holdout 4
# as development data): holdout 3 English 0.918 / 0.926, Russian 0.935 / 0.962.
BLIND_FLOORS = {
    "nlu_holdout": (0.94, 0.97),
    "nlu_holdout2": (0.93, 0.97),
    "nlu_holdout3": (0.905, 0.915),
    # Holdout 4 (70 + 70, written after the second round): English 0.846 / 0.757
    # at the start of stop 15, 0.850 / 0.820 after round 1 and 0.858 / 0.832 after
    # round 2; Russian 0.839 / 0.797 -> 0.854 / 0.822 -> 0.859 / 0.856.  Development
    # data from stop 16: English 0.907 / 0.997, Russian 0.933 / 0.997 (precision is
    # held back by labelling conventions: docs/nlu.md, "Stop 16").
    "nlu_holdout4": (0.89, 0.98),
    # Holdout 5 (70 + 70): development data from stop 17, English 0.915 / 0.879 ->
    # 0.953 / 0.964, Russian 0.895 / 0.827 -> 0.936 / 0.963 (docs/nlu.md, "Stop 17").
    "nlu_holdout5": (0.93, 0.95),
    # Holdout 6 (70 + 70, written at the start of stop 17 by a writer who saw no
    # rules and no earlier set), never read for tuning: the measure of
    # generalisation.  English 0.907 / 0.885 on the stop-16 reader, 0.919 / 0.885
    # with times in words as estimates, 0.923 / 0.896 after round 4; Russian
    # 0.918 / 0.854 -> 0.924 / 0.854 -> 0.929 / 0.862.  Issue 9's 0.95 / 0.90
    # is not met.  Development data from stop 18 (round 6): English 0.955 /
    # 0.989, Russian 0.957 / 0.974.
    "nlu_holdout6": (0.95, 0.97),
    # Holdout 7 (70 + 70, written at the start of stop 18): unseen on the stop-17
    # reader English 0.924 / 0.889, Russian 0.951 / 0.879; after round 6 0.924 /
    # 0.894 and 0.952 / 0.886; then development data for round 7.
    "nlu_holdout7": (0.935, 0.94),
    # Holdout 8 (70 + 70, written after round 6), never read: the measure of
    # generalisation.  Stop-17 reader English 0.946 / 0.914, Russian 0.938 /
    # 0.899; after stop 18's rounds 0.948 / 0.931 and 0.941 / 0.922 (docs/nlu.md,
    # "Stop 18").  Recall meets issue 9's 0.90 in both languages; precision does
    # not reach 0.95.  Development data from stop 19 (round 8): English 0.973 /
    # 0.989, Russian 0.969 / 0.993.
    "nlu_holdout8": (0.96, 0.985),
    # Holdout 9 (70 + 70, written at the start of stop 19): unseen on the stop-18
    # reader English 0.923 / 0.838, Russian 0.905 / 0.825; after round 8 0.927 /
    # 0.838 and 0.914 / 0.843; then development data for round 9: 0.948 / 0.906
    # and 0.957 / 0.971.
    "nlu_holdout9": (0.945, 0.90),
    # Holdout 10 (70 + 70, written after round 8), never read: the measure of
    # generalisation.  Stop-18 reader English 0.912 / 0.874, Russian 0.912 /
    # 0.852; after round 8 0.916 / 0.881 and 0.917 / 0.860; after round 9 0.916 /
    # 0.882 and 0.916 / 0.870 (docs/nlu.md, "Stop 19").  Issue 9's 0.95 / 0.90 is
    # not met on it.  Development data for round 10 (stop 20): English 0.942 /
    # 0.977, Russian 0.937 / 0.949.
    "nlu_holdout10": (0.935, 0.94),
    # Holdout 11 (70 + 70, written at the start of stop 20), never read: stop-19
    # reader English 0.929 / 0.881, Russian 0.909 / 0.854; after round 10 0.930 /
    # 0.892 and 0.908 / 0.860 (docs/nlu.md, "Stop 20").  Issue 9's 0.95 / 0.90 is
    # not met on it.  Development data for round 11 (stop 21): English 0.949 /
    # 0.935, Russian 0.938 / 0.972.
    "nlu_holdout11": (0.935, 0.93),
    # Holdout 12 (70 + 70, written at the start of stop 21), never read: stop-20
    # reader English 0.937 / 0.904, Russian 0.939 / 0.913; after round 11 0.939 /
    # 0.905 and 0.941 / 0.917 (docs/nlu.md, "Stop 21").  Recall meets issue 9's
    # 0.90 in both languages; precision does not reach 0.95.  Development data for
    # round 12 (stop 22): English 0.954 / 0.938, Russian 0.957 / 0.983.
    "nlu_holdout12": (0.95, 0.93),
    # Holdout 13 (70 + 70, written at the start of stop 22), never read: stop-21
    # reader English 0.891 / 0.865, Russian 0.934 / 0.844; after round 12 and
    # blind_r's classes 0.891 / 0.866 and 0.935 / 0.855; at the end of stop 22
    # (after blind_s-w's classes) 0.891 / 0.870 and 0.935 / 0.855 (docs/nlu.md).
    # Development data for round 13 (stop 23): English 0.916 / 0.916, Russian
    # 0.963 / 0.966.
    "nlu_holdout13": (0.91, 0.91),
    # Holdout 14 (70 + 70, written at the start of stop 23), never read: stop-22
    # reader English 0.885 / 0.831, Russian 0.899 / 0.850; at the end of stop 23
    # 0.888 / 0.845 and 0.896 / 0.854 (docs/nlu.md, "Stop 23").  Issue 9's
    # 0.95 / 0.90 is not met on it.  Development data for round 14 (stop 24):
    # English 0.912 / 0.928, Russian 0.950 / 0.969.
    "nlu_holdout14": (0.90, 0.90),
    # Holdout 15 (70 + 70, written at the start of stop 24), never read: stop-23
    # reader English 0.889 / 0.817, Russian 0.912 / 0.830; at the end of stop 24
    # 0.892 / 0.829 and 0.915 / 0.841 (docs/nlu.md, "Stop 24").  Development data
    # for round 15 (stop 25): English 0.924 / 0.911, Russian 0.959 / 0.966.
    "nlu_holdout15": (0.92, 0.90),
    # Holdout 16 (70 + 70, written at the start of stop 25): unseen on the stop-24
    # reader English 0.922 / 0.884, Russian 0.916 / 0.894; after round 15 0.927 /
    # 0.893 and 0.917 / 0.900; read at the end of stop 25: 0.934 / 0.914 and
    # 0.928 / 0.925.
    "nlu_holdout16": (0.92, 0.90),
    # Holdout 17 (70 + 70, written mid-stop 25), never read: stop-24 reader English
    # 0.915 / 0.855, Russian 0.918 / 0.868; at the end of stop 25 0.917 / 0.862 and
    # 0.922 / 0.878 (docs/nlu.md, "Stop 25").  Issue 9's 0.95 / 0.90 is not met.
    # Development data for stop 26: English 0.932 / 0.929, Russian 0.944 / 0.908.
    "nlu_holdout17": (0.93, 0.90),
    # Holdout 18 (70 + 70, written at the start of stop 26): unseen on the stop-25
    # reader English 0.933 / 0.921, Russian 0.930 / 0.920; then development data:
    # English 0.948 / 0.962, Russian 0.953 / 0.959.
    "nlu_holdout18": (0.94, 0.95),
    # Holdout 19 (70 + 70, written mid-stop 26): unseen on the stop-25 reader English
    # 0.939 / 0.898, Russian 0.927 / 0.902 (0.939 / 0.900 and 0.931 / 0.903 on the
    # reader of that moment); then development data (docs/nlu.md, "Stop 26"):
    # English 0.950 / 0.934, Russian 0.953 / 0.950.
    "nlu_holdout19": (0.94, 0.93),
    # Holdout 20 (70 + 70, written late in stop 26), never read: stop-25 reader
    # English 0.939 / 0.953, Russian 0.939 / 0.922; at the end of stop 26 0.943 /
    # 0.959 and 0.943 / 0.926.  Recall meets issue 9's 0.90; precision does not
    # reach 0.95.
    "nlu_holdout20": (0.94, 0.92),
    # Holdout 21 (70 + 70, written at the start of stop 27): unseen on the stop-26
    # reader English 0.892 / 0.918, Russian 0.901 / 0.911; then development data:
    # English 0.921 / 0.972, Russian 0.921 / 0.974 (docs/nlu.md, "Stop 27").
    "nlu_holdout21": (0.91, 0.96),
    # Holdout 22 (70 + 70, written at the start of stop 27), never read: stop-26
    # reader English 0.940 / 0.929, Russian 0.924 / 0.924; at the end of stop 27
    # 0.944 / 0.931 and 0.924 / 0.926.  Issue 9's 0.95 / 0.90: recall met,
    # precision not.
    "nlu_holdout22": (0.92, 0.92),
    # Holdout 23 (70 + 70, written at the start of stop 28: times, counts, amounts
    # and who is speaking): unseen on the stop-27 reader English 0.920 / 0.906,
    # Russian 0.938 / 0.917; then development data (docs/nlu.md, "Stop 28"):
    # English 0.940 / 0.976, Russian 0.954 / 0.970.
    "nlu_holdout23": (0.93, 0.96),
    # Holdout 24 (70 + 70, written at the start of stop 29: everyday phone writing):
    # unseen on the stop-28 reader English 0.922 / 0.924, Russian 0.938 / 0.908;
    # then development data (docs/nlu.md, "Stop 29"): English 0.958 / 0.983,
    # Russian 0.963 / 0.986.
    "nlu_holdout24": (0.95, 0.98),
    # Holdout 25 (70 + 70, questions and letters, written at the start of stop 30):
    # unseen on the stop-29 reader English 0.949 / 0.910, Russian 0.956 / 0.925;
    # then development data (docs/nlu.md, "Stop 30"): English 0.972 / 0.983,
    # Russian 0.974 / 0.970.
    "nlu_holdout25": (0.965, 0.965),
    # Holdout 26 (70 + 70, "a week of the inbox", written at the start of stop 31):
    # unseen on the stop-30 reader English 0.946 / 0.937, Russian 0.937 / 0.924; at
    # the end of stop 31, still unread, 0.952 / 0.939 and 0.937 / 0.924; then
    # development data for stop 32.
    "nlu_holdout26": (0.93, 0.92),
    # Holdout 27 (70 + 70, "corrections and structure", written at the start of stop
    # 32), never read: unseen on the stop-31 reader English 0.918 / 0.902, Russian
    # 0.931 / 0.925; at the end of stop 32, still unread, 0.918 / 0.902 and 0.933 /
    # 0.927; then development data for stop 33.
    "nlu_holdout27": (0.91, 0.89),
    # Holdout 28 (70 + 70, "how much, what colour, where, and what came with it",
    # written at the start of stop 33), never read: unseen on the stop-32 reader
    # English 0.945 / 0.942, Russian 0.956 / 0.928.
    "nlu_holdout28": (0.93, 0.91),
    # Holdout 29 (70 + 70, "a representative mix", written at the start of stop
    # 34), never read: unseen on the stop-33 reader English 0.954 / 0.903,
    # Russian 0.954 / 0.913.
    "nlu_holdout29": (0.94, 0.89),
    # Holdout 30 (70 + 70, "time and sequence", written at the start of stop 35),
    # never read: unseen on the stop-34 reader English 0.951 / 0.919, Russian
    # 0.953 / 0.906.
    "nlu_holdout30": (0.94, 0.89),
    # Holdout 31 (70 + 70, "saying no and not knowing", written at the start of
    # stop 36), never read: unseen on the stop-35 reader English 0.967 / 0.977,
    # Russian 0.953 / 0.960.
    "nlu_holdout31": (0.94, 0.93),
    # Holdout 32 (70 + 70, "when and how much", written at the start of stop 37):
    # unseen on the stop-36 reader English 0.951 / 0.925, Russian 0.942 / 0.909;
    # then development data: 0.967 / 0.965 and 0.967 / 0.949.
    "nlu_holdout32": (0.955, 0.94),
    # Holdout 33 (70 + 70, "names and words people really use": brands, slang,
    # typos, abbreviations), never read: unseen on the stop-36 reader English
    # 0.932 / 0.910, Russian 0.937 / 0.925.
    # then development data for stop 38's waves: English 0.960 / 0.962, Russian
    # 0.964 / 0.972.
    "nlu_holdout33": (0.955, 0.955),
    # Holdout 34 (70 + 70, "a representative mix", written at the start of stop 38),
    # never read: unseen on the stop-37 reader English 0.952 / 0.937, Russian
    # 0.954 / 0.895; then development data for stop 39's waves: English 0.973 / 0.971,
    # Russian 0.971 / 0.963.
    "nlu_holdout34": (0.965, 0.96),
    # Holdout 35 (70 + 70, "a representative mix", written at the start of stop 39),
    # never read: unseen on the stop-38 reader English 0.968 / 0.964, Russian
    # 0.970 / 0.932.
    "nlu_holdout35": (0.96, 0.925),
    # Holdout 36 (70 + 70, "a representative mix" from a clinic's web form, a
    # women's forum and a men's chat, written at the start of stop 40): unseen on
    # the stop-39 reader English 0.963 / 0.921, Russian 0.946 / 0.919; then
    # development data for stop 40's waves: English 0.968 / 0.954, Russian 0.963 /
    # 0.975.
    "nlu_holdout36": (0.955, 0.95),
    # Holdout 37 (70 + 70, "a representative mix" from a GP's online form, an
    # out-of-hours line and a Russian-speaking chat, written at the start of stop 41):
    # unseen on the stop-40 reader English 0.943 / 0.930, Russian 0.951 / 0.939; then
    # development data for stop 41's waves: English 0.961 / 0.972, Russian 0.971 /
    # 0.975.
    "nlu_holdout37": (0.955, 0.965),
    # Holdout 38 (70 + 70, "the other side of the counter": a sexual-health clinic's text
    # line, a pharmacy chat, a student health service, a Russian-speaking women's forum
    # and their clinicians' notes; written at the start of stop 42): unseen on the
    # stop-41 reader English 0.955 / 0.942, Russian 0.964 / 0.919; then development data
    # for stop 42's waves: English 0.974 / 0.989, Russian 0.973 / 0.970.
    "nlu_holdout38": (0.965, 0.96),
    # Holdout 39 (70 + 70, "a representative mix, written late": a helpline's web chat,
    # an urgent-care form, a Russian-language telemedicine service, a university clinic
    # and their clinicians' notes; written near the end of stop 42), never read: unseen
    # on the stop-41 reader English 0.956 / 0.958, Russian 0.969 / 0.956; on the stop-42
    # reader English 0.958 / 0.958, Russian the same.
    "nlu_holdout39": (0.95, 0.95),
    # Holdout 40 (70 + 70, "a representative mix, a new month": a sexual-health clinic's
    # booking form, a pharmacy chat, a Russian-language forum and telemedicine service, a
    # hospital same-day clinic and their clinicians' notes; written at the start of stop
    # 43): unseen on the stop-42 reader English 0.958 / 0.955, Russian 0.962 / 0.959;
    # then development data for stop 43's waves: English 0.979 / 0.997, Russian 0.983 /
    # 0.994.
    "nlu_holdout40": (0.975, 0.99),
    # Holdout 41 (70 + 70, "a representative mix, written mid-stop": a rural GP
    # practice's online form, a walk-in centre, a men's-health clinic, a Russian-language
    # patient hotline, a university health service and their clinicians' notes; written
    # mid-stop 43): unseen on the stop-42 reader English 0.960 / 0.966, Russian 0.943 /
    # 0.945; on the stop-43 reader English the same, Russian 0.952 / 0.945. Russian never
    # read; some English errors were shown once at the end (docs/nlu.md, "Stop 43").
    "nlu_holdout41": (0.95, 0.94),
    # Holdout 42 (70 + 70, "a representative mix, written late": a coastal town's GP
    # e-consult form, a 111-style line, a student sexual-health drop-in, a Russian-language
    # clinic's WhatsApp line, a hospital gynaecology ward and their clinicians' notes;
    # written near the end of stop 43), never read: unseen on the stop-42 reader English
    # 0.963 / 0.960, Russian 0.948 / 0.909; on the stop-43 reader English 0.965 / 0.960,
    # Russian 0.952 / 0.909.
    "nlu_holdout42": (0.95, 0.90),
    # Holdout 43 (70 + 70, "a representative mix, written first": an inner-city walk-in
    # centre's online form, an out-of-hours GP line, a university health chat, a
    # Russian-language private clinic's Telegram bot, an early-pregnancy unit and their
    # clinicians' notes; written at the start of stop 44): unseen on the stop-43 reader
    # English 0.966 / 0.962, Russian 0.956 / 0.979; then development data for stop 44.
    "nlu_holdout43": (0.95, 0.95),
    # Holdout 44 (70 + 70, "a representative mix, written mid-way": a market town's
    # pharmacy consultation service, an urgent-treatment centre's online check-in, a
    # sexual-health clinic's text line, a Russian-language family-medicine centre's VK
    # page, a urology outpatient clinic and their clinicians' notes; written mid-stop 44),
    # never read: on the stop-43 reader and on the stop-44 reader the same, English
    # 0.964 / 0.961, Russian 0.944 / 0.932 (Russian precision under the 0.95 aim).
    "nlu_holdout44": (0.94, 0.93),
    # Holdout 45 (70 + 70, "a representative mix, written first": a city sexual-health
    # and contraception service's online form, a 111-style line, a men's-health telehealth
    # app, a Russian-language women's clinic's messenger line, a maternity triage unit and
    # their clinicians' notes; written at the start of stop 45): unseen on the stop-44
    # reader English 0.958 / 0.933, Russian 0.953 / 0.947; then development data for stop 45.
    "nlu_holdout45": (0.95, 0.93),
    # Holdout 46 (70 + 70, "a representative mix, written mid-way": a university town's GP
    # practice online form, an urgent-care triage desk, a gay men's sexual-health clinic
    # chat, a Russian-language private medical centre's chat and phone line, an
    # early-pregnancy unit and their clinicians' notes; written mid-stop 45), never read:
    # unseen on the stop-44 reader English 0.957 / 0.928, Russian 0.973 / 0.928.
    "nlu_holdout46": (0.95, 0.92),
    # Holdout 47 (70 + 70, "nights and weekends": a night-time telephone advice line, a
    # weekend walk-in centre, an emergency department's triage desk, a sexual-health
    # clinic's weekend chat, a Russian-language private clinic's night line and messenger,
    # on-call clinicians' notes; written at the start of stop 46): unseen on the stop-45
    # reader English 0.959 / 0.940, Russian 0.979 / 0.946; then development data for stop 46.
    "nlu_holdout47": (0.95, 0.93),
    # Holdout 48 (70 + 70, "a representative mix, written mid-way": a seaside town's GP
    # practice, a festival medical tent, a student union's sexual-health drop-in, a rural
    # Russian district hospital's phone line and a Russian telemedicine app, an antenatal
    # day unit, a men's health clinic and their clinicians' notes; written mid-stop 46),
    # never read: unseen on the stop-45 reader English 0.968 / 0.910, Russian 0.959 / 0.896.
    "nlu_holdout48": (0.95, 0.89),
    # Holdout 49 (70 + 70, "pregnancy, youth and later life": a young people's
    # sexual-health chat, a university health centre, an early-pregnancy unit and a
    # maternity triage line, a menopause clinic and a urology clinic, a Russian youth
    # clinic's messenger, a женская консультация's phone line and a Russian pensioners'
    # forum, and their clinicians' notes; written at the start of stop 47): unseen on the
    # stop-46 reader (dbc899d) English 0.965 / 0.940, Russian 0.971 / 0.945; then
    # development data for stop 47.
    "nlu_holdout49": (0.95, 0.95),
    # Holdout 50 (70 + 70, "a representative month, written mid-way": a cold midwinter
    # month at an inner-city GP practice, an emergency department's triage notes, a
    # sexual-health text service, a Russian-language city polyclinic's form and a Russian
    # telemedicine chat, a maternity assessment unit, a urology and men's health clinic and
    # their clinicians' notes; written at the start of stop 47), never read: unseen on the
    # stop-46 reader (dbc899d) English 0.962 / 0.920, Russian 0.958 / 0.920.
    "nlu_holdout50": (0.95, 0.91),
    # Holdout 51 (70 + 70, "men, older women and medicines": a urology clinic and a men's
    # health app, a menopause clinic, an anticoagulation clinic, a rapid-access gynaecology
    # clinic, a sexual-health clinic, a Russian urologist's and gynaecologist's online
    # consultations and a Russian 50+ forum, and their clinicians' notes; written at the start
    # of stop 48): unseen on the stop-47 reader (52e62db) English 0.951 / 0.918, Russian
    # 0.949 / 0.962; then development data for stop 48.
    "nlu_holdout51": (0.95, 0.95),
    # Holdout 52 (70 + 70, "a representative fortnight in early spring": a rural GP practice,
    # a small town's urgent treatment centre, NHS 111-style phone notes, a student health
    # service, a sexual-health walk-in, a Russian district hospital and a Russian regional
    # telemedicine service, and their clinicians' notes; written at the start of stop 48),
    # never read: unseen on the stop-47 reader (52e62db) English 0.960 / 0.955, Russian
    # 0.943 / 0.945 (Russian precision below issue 9's 0.95).
    "nlu_holdout52": (0.94, 0.94),
    # Holdout 53 (70 + 70, "long-term couples, contraception and infections": a contraception
    # clinic, a pharmacy chat, a sexual-health clinic, an HIV clinic's nurse line, a colposcopy
    # booking form, a walk-in centre, a Russian gynaecologist's Telegram consultations and a
    # Russian dermatovenerologist, and their clinicians' notes; written at the start of stop
    # 49): unseen on the stop-48 reader (15ff920) English 0.917 / 0.920, Russian 0.946 /
    # 0.920; then development data for stop 49 (end of stop 49: English 0.952 / 0.974,
    # Russian 0.962 / 0.953).
    "nlu_holdout53": (0.95, 0.95),
    # Holdout 54 (70 + 70, "a representative fortnight in late autumn": a market town's GP
    # practice, a city emergency department, NHS 111-style phone notes, a pharmacy, a military
    # base's medical centre, a Russian city polyclinic and a Russian ambulance dispatcher, and
    # their clinicians' notes; written at the start of stop 49), never read: unseen on the
    # stop-48 reader (15ff920) English 0.961 / 0.921, Russian 0.954 / 0.937.
    "nlu_holdout54": (0.95, 0.92),
    # Holdout 55 (70 + 70, "later life and pregnancy": a menopause clinic, a rapid-access
    # postmenopausal bleeding clinic, a urology nurse line, an early pregnancy unit, a
    # maternity triage line, a Russian women's consultation and a Russian pregnancy app's
    # midwife chat, and their clinicians' notes; written at the start of stop 50): unseen on
    # the stop-49 reader (6a9ecea) English 0.946 / 0.939, Russian 0.948 / 0.939; then
    # development data for stop 50 (end of stop 50: English 0.958 / 0.961, Russian 0.957 /
    # 0.964).
    "nlu_holdout55": (0.95, 0.95),
    # Holdout 56 (70 + 70, "a representative week in early winter": a city GP practice, an
    # urgent treatment centre, NHS 111-style call notes, a university health service, a
    # sexual-health clinic, a Russian private clinic's chat and a Russian regional hospital's
    # emergency department, and their clinicians' notes; written at the start of stop 50),
    # never read: unseen on the stop-49 reader (6a9ecea) English 0.944 / 0.941, Russian
    # 0.941 / 0.943.
    "nlu_holdout56": (0.94, 0.94),
    # Holdout 57 (70 + 70, "hard to say, and after a procedure": a sexual assault referral
    # centre, a domestic abuse service's nurse, a learning-disability nurse, an interpreted GP
    # call, a colposcopy clinic, a coil clinic, a fertility clinic, a urology day unit, a
    # Russian crisis centre's chat and a Russian private clinic's post-procedure chat, and
    # their clinicians' notes; written at the start of stop 51): unseen on the stop-50 reader
    # (87115f4) English 0.949 / 0.922, Russian 0.943 / 0.931; read by stop 51's waves,
    # end English 0.969 / 0.986, Russian 0.957 / 0.990.
    "nlu_holdout57": (0.95, 0.95),
    # Holdout 58 (70 + 70, "a representative week over the winter holidays": a seaside GP
    # practice, an NHS 111-style line, an emergency department, a sexual-health text service,
    # a ski resort's medical centre, a Russian polyclinic's on-duty doctor and a Russian
    # telemedicine app, and their clinicians' notes; written at the start of stop 51), never
    # read: unseen on the stop-50 reader (87115f4) English 0.958 / 0.931, Russian 0.970 / 0.949.
    "nlu_holdout58": (0.95, 0.93),
    # Holdout 59 (70 + 70, "a representative fortnight in late spring": a suburban GP
    # practice, a walk-in centre, NHS 111-style notes, a college nurse, a sexual-health
    # clinic, a maternity assessment unit, a Russian district polyclinic and a Russian private
    # urology and gynaecology centre, and their clinicians' notes; written mid-way through
    # stop 51), never read: unseen on the stop-50 reader (87115f4) English 0.966 / 0.935,
    # Russian 0.941 / 0.930.
    "nlu_holdout59": (0.94, 0.93),
    # Holdout 60 (70 + 70, "two things at once, and away from home": a GP e-consult, a
    # sexual-health clinic's online triage, a travel-insurance helpline, a festival medical
    # tent, a Russian multi-specialty clinic's chat and a Russian telemedicine service for
    # people abroad, and their clinicians' notes; written at the start of stop 52): unseen on
    # the stop-51 reader (d93dd8d) English 0.927 / 0.930, Russian 0.954 / 0.958; read by
    # stop 52's waves: English 0.942 / 0.957, Russian 0.972 / 0.976.
    "nlu_holdout60": (0.94, 0.95),
    # Holdout 61 (70 + 70, "a representative fortnight in midsummer": a city GP practice's
    # online form, a hospital's urgent-care front door, NHS 111-style call notes, a
    # sexual-health text line, a community pharmacy, an early-pregnancy unit's phone line, a
    # Russian city polyclinic's online form and a Russian private clinic's Telegram chat, and
    # their clinicians' notes; written at the start of stop 52), never read: unseen on the
    # stop-51 reader (d93dd8d) English 0.956 / 0.939, Russian 0.980 / 0.926.
    "nlu_holdout61": (0.95, 0.92),
    # Holdout 62 (70 + 70, "a representative fortnight in early autumn": a market town's GP
    # e-consult, a district emergency department, NHS 111-style notes, a freshers' week
    # sexual-health drop-in, a pharmacy chat, a men's health clinic, a Russian women's
    # consultation's form and a Russian private centre's WhatsApp, and their clinicians' notes;
    # written mid-way through stop 52), never read: unseen on the stop-51 reader (d93dd8d)
    # English 0.940 / 0.877, Russian 0.921 / 0.896.
    "nlu_holdout62": (0.92, 0.87),
    # Holdout 63 (70 + 70, "times, amounts and ages written every way, and writing again": a
    # GP online form, an NHS 111-style call log, a sexual-health results line, a urology
    # follow-up clinic, a Russian clinic's online form and a Russian telemedicine chat, and
    # their clinicians' notes; written at the start of stop 53): unseen on the stop-52 reader
    # (1a79f9f) English 0.965 / 0.925, Russian 0.966 / 0.924; read by stop 53's waves: English
    # 0.971 / 0.964, Russian 0.981 / 0.968.
    "nlu_holdout63": (0.97, 0.96),
    # Holdout 64 (70 + 70, "a representative fortnight in early winter": a city GP practice's
    # e-consult, a major emergency department, NHS 111-style notes, a sexual-health clinic's
    # booking triage, a supermarket pharmacy, a gynaecology assessment unit's phone line, a
    # Russian polyclinic's online form and a Russian private clinic's Telegram bot, and their
    # clinicians' notes; written at the start of stop 53), never read: unseen on the stop-52
    # reader (1a79f9f) English 0.963 / 0.937, Russian 0.962 / 0.939.
    "nlu_holdout64": (0.95, 0.93),
    # Holdout 65 (70 + 70, "a representative fortnight in late winter": a coastal town's GP
    # online form, a county emergency department, NHS 111-style notes, a sexual-health phone
    # line, a high-street pharmacy, a men's health walk-in, a Russian women's consultation chat
    # and a Russian urology department's online form, and their clinicians' notes; written
    # mid-way through stop 53), never read: unseen on the stop-52 reader (1a79f9f) English
    # 0.968 / 0.961, Russian 0.968 / 0.944.
    "nlu_holdout65": (0.96, 0.94),
    # Holdout 66 (70 + 70, "a representative fortnight in early spring": the services of
    # blind_dp; written at the start of stop 54): unseen on the stop-53 reader (01ed160)
    # English 0.958 / 0.884, Russian 0.957 / 0.899; then development data for stop 54's
    # waves: English 0.967 / 0.931, Russian 0.962 / 0.920.
    "nlu_holdout66": (0.96, 0.91),
    # Holdout 67 (70 + 70, "a representative fortnight in late spring": a rural GP practice's
    # e-consult, NHS 111-style notes, a young people's sexual-health text line, a supermarket
    # pharmacy, a urology advice line, a district emergency department, a Russian women's
    # consultation online form and a Russian telemedicine chat, and their clinicians' notes;
    # written at the start of stop 54), never read: unseen on the stop-53 reader (01ed160)
    # English 0.947 / 0.920, Russian 0.953 / 0.914.
    "nlu_holdout67": (0.94, 0.91),
    # Holdout 68 (70 + 70, "a representative fortnight in early summer": a city GP practice's
    # online form, NHS 111-style notes, a university sexual-health web chat, a high-street
    # pharmacy, a maternity triage line, a major trauma centre's emergency triage, a Russian
    # district polyclinic's online form and a Russian women's forum, and their clinicians'
    # notes; written at the start of stop 55): unseen on the stop-54 reader (836aa92) English
    # 0.970 / 0.933, Russian 0.956 / 0.919; then development data for stop 55's waves:
    # English 0.972 / 0.954, Russian 0.962 / 0.942.
    "nlu_holdout68": (0.96, 0.94),
    # Holdout 69 (70 + 70, "a representative fortnight in late summer": a seaside GP
    # practice's e-consult, NHS 111-style notes, a sexual-health text line, a travel-hub
    # pharmacy, a men's health line, a minor injuries unit and a district emergency
    # department, a Russian women's consultation form and a Russian telemedicine chat, and
    # their clinicians' notes; written at the start of stop 55), never read: unseen on the
    # stop-54 reader (836aa92) English 0.959 / 0.950, Russian 0.957 / 0.922.
    "nlu_holdout69": (0.95, 0.92),
    # Holdout 70 (70 + 70, "a representative fortnight in early autumn": a market town GP
    # practice's online form, an urgent treatment centre and a hospital emergency department,
    # NHS 111-style notes, a sexual-health booking form, a student pharmacy, a fertility nurse
    # line, a men's sexual-health clinic, a Russian women's consultation form and a Russian
    # private centre's WhatsApp chat, and their clinicians' notes; written mid-way through stop
    # 55), never read: unseen on the stop-54 reader (836aa92) English 0.926 / 0.921, Russian
    # 0.937 / 0.926.
    "nlu_holdout70": (0.92, 0.92),
    # Holdout 71 (70 + 70, "a representative fortnight in late autumn, around the clocks going
    # back": a suburban GP practice's online form, a walk-in centre and a city emergency
    # department, overnight NHS 111-style notes, a sexual-health web chat, a supermarket
    # pharmacy, an early pregnancy unit's line, a urology advice line, a Russian district
    # polyclinic's online form and a Russian Telegram channel, and their clinicians' notes;
    # written at the start of stop 56): unseen on the stop-55 reader (b2a675d) English
    # 0.939 / 0.921, Russian 0.970 / 0.957; then development data for stop 56's waves:
    # English 0.947 / 0.938, Russian 0.976 / 0.967.
    "nlu_holdout71": (0.94, 0.93),
    # Holdout 72 (70 + 70, "a representative fortnight in early winter, before the holidays":
    # a rural GP practice's e-consult, a community hospital's urgent care and a large
    # emergency department, NHS 111-style notes, a sexual-health text line, a shopping-centre
    # pharmacy, a maternity assessment line, a men's health clinic, a Russian women's
    # consultation form and a Russian telemedicine chat, and their clinicians' notes; written
    # at the start of stop 56), never read: unseen on the stop-55 reader (b2a675d) English
    # 0.930 / 0.884, Russian 0.950 / 0.928.
    "nlu_holdout72": (0.92, 0.88),
    # Holdout 73 (70 + 70, "a representative fortnight in midwinter, over the new year": a
    # city-centre GP practice's online form, a walk-in centre and a major emergency
    # department, bank-holiday NHS 111-style notes, a sexual-health booking form, a late-night
    # pharmacy, an early pregnancy unit's answerphone, a urology nurse line, a Russian women's
    # consultation form and a Russian private clinic's messenger chat, and their clinicians'
    # notes; written mid-way through stop 56), never read: unseen on the stop-55 reader
    # (b2a675d) English 0.963 / 0.911, Russian 0.974 / 0.901.
    "nlu_holdout73": (0.96, 0.90),
    # Holdout 74 (70 + 70, "a representative fortnight in late January, after the holidays":
    # an inner-city GP practice's online form, a minor injuries unit and a district
    # hospital's emergency department, weekday-night NHS 111-style notes, a sexual-health
    # walk-in queue sheet, a high-street pharmacy, an early pregnancy unit's referral line, a
    # men's urology clinic's advice email, a Russian feldsher post's notes and a Russian
    # forum thread, and their clinicians' notes; written at the start of stop 57): unseen on
    # the stop-56 reader (d0d96ff) English 0.956 / 0.917, Russian 0.957 / 0.929; then
    # development data for stop 57's waves.
    "nlu_holdout74": (0.95, 0.91),
    # Holdout 75 (70 + 70, "a representative fortnight in mid-February, around Valentine's
    # Day": a market-town GP practice's e-consult, an urgent treatment centre and a teaching
    # hospital's emergency department, weekend NHS 111-style notes, a sexual-health
    # anonymous chat, a late-opening pharmacy, a maternity triage line, a urology nurse's
    # telephone clinic, a Russian women's consultation's reception notes and a Russian
    # messenger group, and their clinicians' notes; written at the start of stop 57), never
    # read: unseen on the stop-56 reader (d0d96ff) English 0.976 / 0.929, Russian 0.979 /
    # 0.921.
    "nlu_holdout75": (0.97, 0.92),
    # Holdout 76 (70 + 70, "a representative fortnight in early March, around International
    # Women's Day": a coastal town's GP practice online form, a walk-in centre and a busy
    # emergency department, weeknight NHS 111-style notes, a sexual-health phone triage line,
    # a railway-station pharmacy, an early pregnancy unit's triage notes, a prostate clinic's
    # telephone advice, a Russian polyclinic gynaecologist's notes and a Russian women's
    # online community, and their clinicians' notes; people who muddle their times; written
    # mid-way through stop 57), never read: unseen on the stop-56 reader (d0d96ff) English
    # 0.941 / 0.897, Russian 0.946 / 0.899.
    "nlu_holdout76": (0.94, 0.89),
    # Holdout 77 (70 + 70, "a representative fortnight in late March, when the clocks go
    # forward": a suburban GP practice's online form, a minor injuries unit and a district
    # hospital's emergency department, Sunday-night NHS 111-style notes, a sexual-health text
    # service, a supermarket pharmacy, an early pregnancy unit's answerphone messages, a
    # urology one-stop clinic's letters, a Russian gynaecology admissions log and a Russian
    # parenting forum, and their clinicians' notes; written at the start of stop 58): unseen
    # on the stop-57 reader (60e5b9c) English 0.946 / 0.884, Russian 0.958 / 0.915; then
    # development data for stop 58's waves.
    "nlu_holdout77": (0.94, 0.88),
    # Holdout 78 (70 + 70, "a representative fortnight in mid-April, over the Easter
    # holidays": a seaside GP practice's e-consult, an urgent treatment centre and a major
    # trauma centre's emergency department, bank-holiday NHS 111-style notes, a sexual-health
    # clinic's online booking questions, a motorway-services pharmacy, a maternity assessment
    # unit's line, a men's health clinic's email advice, a Russian polyclinic duty doctor's
    # notes and a Russian dacha-season messenger chat, and their clinicians' notes; written at
    # the start of stop 58), never read: unseen on the stop-57 reader (60e5b9c) English
    # 0.962 / 0.925, Russian 0.980 / 0.952.
    "nlu_holdout78": (0.96, 0.92),
    # stop 59: measured unseen on the stop-58 code (7ca9936: en 0.958 / 0.892, ru 0.945 / 0.940),
    # then read for the stop's waves
    "nlu_holdout79": (0.94, 0.89),
    # stop 59 ("late May, over half term and a heatwave": a market town's GP triage line, a minor
    # injuries unit and a rural emergency department, late-night NHS 111-style notes, postal
    # testing, an airport pharmacy, maternity triage, a men's health form; a Russian feldsher
    # post and a resort chat), never read: unseen on the stop-58 reader (7ca9936) English
    # 0.957 / 0.924, Russian 0.954 / 0.907.
    "nlu_holdout80": (0.95, 0.90),
    # stop 60: measured unseen on the stop-59 code (97ae303: en 0.952 / 0.919, ru 0.974 / 0.903),
    # then read for the stop's waves
    "nlu_holdout81": (0.95, 0.90),
    # stop 60 ("mid June, over the festival season and Father's Day": a festival medical tent,
    # a coastal urgent treatment centre and a district emergency department, weekend NHS
    # 111-style notes, a sexual-health text service, a supermarket pharmacy, a maternity
    # assessment line, an occupational-health nurse; a Russian admissions log and a fathers'
    # forum), never read: unseen on the stop-59 reader (97ae303) English 0.968 / 0.934,
    # Russian 0.969 / 0.925.
    "nlu_holdout82": (0.96, 0.92),
    # stop 61 ("mid July, a heatwave at the start of the school holidays": a seaside GP
    # e-consult, a minor injuries unit, night 111-style notes, a sexual-health web chat, a
    # holiday-camp first-aid post, a campsite pharmacy, a maternity triage line, a men's health
    # clinic; a Russian resort hospital's admissions, a parents' forum, a urologist), never
    # read: unseen on the stop-60 reader (6a7d57d) English 0.966 / 0.948, Russian 0.976 / 0.952.
    # stop 61 ("late June, around midsummer and the end of the school year": a suburban GP
    # online form, a walk-in centre, a city ED, evening 111-style notes, a sexual-health
    # booking form, a station pharmacy, an early pregnancy unit, urology letters; a Russian
    # women's clinic, a couples' forum, a private clinic's chat): unseen on the stop-60 reader
    # (6a7d57d) English 0.958 / 0.946, Russian 0.974 / 0.957, then read for the stop's waves.
    "nlu_holdout83": (0.95, 0.94),
    "nlu_holdout84": (0.96, 0.94),
    # stop 62 ("early August, wedding and holiday season": a market-town GP form, an urgent
    # treatment centre, a teaching hospital ED, weekend 111-style notes, a sexual-health
    # walk-in, an airport pharmacy, an early pregnancy unit, a urology letter, a student
    # health service; a Russian polyclinic, a newly-weds' forum): unseen on the stop-61
    # reader (f8b62a8) English 0.912 / 0.882, Russian 0.915 / 0.904, then read.
    # ("late August, the end of summer and results season": a coastal GP e-consult, a rural
    # minor injuries unit, a city ED, overnight 111-style notes, a sexual-health phone line,
    # a motorway pharmacy, a maternity unit, a men's health check, a college nurse; a Russian
    # dacha-season district hospital, a forum for women over 45), never read: unseen on the
    # stop-61 reader English 0.910 / 0.941, Russian 0.934 / 0.923.
    "nlu_holdout85": (0.91, 0.88),
    "nlu_holdout86": (0.91, 0.92),
    # stop 63 ("early December, office-party season": a city GP form, a walk-in centre, a
    # district hospital ED, out-of-hours 111-style notes, a sexual-health late session, a
    # supermarket pharmacy, an early pregnancy unit, a urology letter, a university health
    # centre; a Russian women's consultation, a couples' forum): unseen on the stop-62 reader
    # (dd1aeb39) English 0.960 / 0.926, Russian 0.946 / 0.918, then read.
    # ("Christmas and New Year, surgeries closed": a GP e-consult read on 2 January, a minor
    # injuries unit, a city ED, bank-holiday 111-style notes, a sexual-health phone line, a
    # late pharmacy, a labour ward line, a men's health clinic, a ski-resort medical centre;
    # a Russian New-Year admissions note, a women's forum), never read: unseen on the
    # stop-62 reader English 0.962 / 0.945, Russian 0.969 / 0.917.
    "nlu_holdout87": (0.94, 0.91),
    "nlu_holdout88": (0.96, 0.91),
    # stop 64 ("February, Valentine's Day and half-term": a market town GP form, an urgent
    # treatment centre, a teaching hospital ED, 111-style notes, a sexual-health walk-in, a
    # chemist, an antenatal day unit, a urology letter, a school nurse; a Russian online
    # gynaecologist chat, a men's forum): unseen on the stop-63 reader (9d088df9) English
    # 0.966 / 0.938, Russian 0.978 / 0.957, then read.
    # ("spring in a rural and coastal district": a dispensing practice, a minor injuries unit,
    # paramedic and air-ambulance logs, 111-style notes, a travelling sexual-health clinic, a
    # village pharmacy, a midwife-led birth centre, a urology letter; a Russian feldsher post,
    # a village women's chat), never read: unseen on the stop-63 reader English 0.905 /
    # 0.916, Russian 0.920 / 0.918.
    "nlu_holdout89": (0.96, 0.93),
    "nlu_holdout90": (0.90, 0.91),
    # stop 65 ("December, the office-party and Christmas season in a large city": a city GP
    # form, a walk-in centre, a major trauma centre ED, 111-style notes, an evening
    # sexual-health session, a late-night pharmacy, an early pregnancy unit, a maternity
    # triage line, a urology letter, a university health centre; a Russian online
    # gynaecologist chat, a city forum): unseen on the stop-64 reader (17f59bfc) English
    # 0.947 / 0.932, Russian 0.942 / 0.956, then read.
    # ("night shifts in an industrial port city": out-of-hours GP notes, a night urgent-care
    # centre, a district hospital ED at night, ambulance dispatch notes, a port health nurse,
    # a 24-hour pharmacy, a refuge worker, a community midwife; a Russian ship's crew
    # telemedicine consult, a shift workers' wives' group), never read: unseen on the
    # stop-64 reader English 0.930 / 0.918, Russian 0.939 / 0.947.
    "nlu_holdout91": (0.94, 0.93),
    "nlu_holdout92": (0.92, 0.91),
    # stop 66 ("New Year in a mid-sized northern town in the polar night": a remote GP form,
    # a small hospital ER, an air-ambulance log, a school nurse, a pharmacy, a sexual-health
    # text service, a urology letter, an offshore telemedicine consult; a Russian polyclinic
    # form, a feldsher post, a town forum, a regional admissions note): unseen on the
    # stop-65 reader (34584c0d) English 0.946 / 0.924, Russian 0.944 / 0.910, then read.
    # ("a coastal town with many retired people and an army garrison": a GP e-consult, a
    # minor injuries unit, a garrison medical centre, an ED, 999 notes, a care home, a
    # menopause clinic, a urology letter; a Russian retirees' chat, a military wives'
    # forum), never read: unseen on the stop-65 reader English 0.950 / 0.935, Russian
    # 0.946 / 0.910.  Floors sit 0.01 below the unseen figures rounded down.
    "nlu_holdout93": (0.93, 0.89),
    "nlu_holdout94": (0.93, 0.90),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(BLIND_FLOORS))
def test_frozen_blind_holdouts(engine: Engine, lang: str, name: str) -> None:
    path = CASES / "blind" / f"{name}_{lang}.jsonl"
    result = score(engine.parse, load_annotated(path, engine.kb))
    assert result.n >= 70
    precision, recall = BLIND_FLOORS[name]
    assert result.precision >= precision, (result.precision, result.errors[:5])
    assert result.recall >= recall, (result.recall, result.errors[:5])


# The sentences written for each round's classes of error (docs/nlu.md, "Stop 16",
# "Stop 17 (round 4)", "Stop 17 (round 5)", "Stop 18", "Stop 19"): from the round's
# first id on, each is read exactly, so a broken rule fails here and not only in
# the totals.
ROUNDS = {
    # round: (first id per language, how many sentences at least)
    "stop16": ({"en": 376, "ru": 320}, 40),
    "round4": ({"en": 450, "ru": 393}, 25),
    "round5": ({"en": 478, "ru": 428}, 10),
    "round6": ({"en": 499, "ru": 438}, 15),
    "round7": ({"en": 520, "ru": 485}, 20),
    "round8": ({"en": 544, "ru": 516}, 30),
    "round9": ({"en": 575, "ru": 553}, 35),
    "round10": ({"en": 621, "ru": 622}, 13),
    "round11": ({"en": 664, "ru": 637}, 29),
    "round12": ({"en": 698, "ru": 684}, 19),
    "round13": ({"en": 763, "ru": 736}, 35),
    "round14": ({"en": 806, "ru": 794}, 33),
    "round15": ({"en": 850, "ru": 872}, 38),
    "round15b": ({"en": 889, "ru": 932}, 0),
    "round16": ({"en": 904, "ru": 942}, 0),
    "round17": ({"en": 904, "ru": 957}, 19),
    "round18": ({"en": 985, "ru": 1009}, 30),
    "round19": ({"en": 1029, "ru": 1102}, 25),
    "round20": ({"en": 1061, "ru": 1136}, 25),
    "round21": ({"en": 1088, "ru": 1172}, 25),
    "round22": ({"en": 1126, "ru": 1212}, 25),
    # stop 33: holdout 27's classes (en-1207.., ru-1295..) and blind_bc's (en-1290.., ru-1390..)
    "round23": ({"en": 1207, "ru": 1295}, 25),
    # stop 34: holdout 28's classes (en-1293.., ru-1392..) and blind_be's (en-1390.., ru-1480..)
    "round24": ({"en": 1293, "ru": 1392}, 20),
    # stop 36: holdout 30's classes (en-1513.., ru-1612..) and blind_bj's (en-1600..)
    "round25": ({"en": 1513, "ru": 1612}, 50),
    # stop 37: the new-partner class (en-1610.., ru-1707..) and holdout 32's (en-1612.., ru-1665..)
    "round26": ({"en": 1610, "ru": 1665}, 40),
    # stop 38: holdout 33's classes (en-1655.., ru-1710..), the lead's and the second
    # wave's (en-1691.., ru-1748..), blind_bp's (en-1699.., ru-1762..)
    "round27": ({"en": 1654, "ru": 1709}, 55),
    # stop 39: holdout 34's classes (en-1712.., ru-1767..) and blind_bq's (en-1800..,
    # ru-1850..)
    "round28": ({"en": 1712, "ru": 1767}, 15),
    # stop 40: the lead's fixes from blind_bu and blind_bv, and the waves on holdout 36
    "round29": ({"en": 1741, "ru": 1797}, 24),
    # stop 41: the lead's fixes from blind_by and the read sets, and the waves on holdout 37
    "round30": ({"en": 1768, "ru": 1854}, 18),
    # stop 42: the lead's fixes from blind_cb and holdout 38's third parties, and the waves
    # on holdout 38
    "round31": ({"en": 1863, "ru": 1871}, 30),
    # stop 43: the lead's hearsay and period classes and holdout 40's waves (nlu43en,
    # nlu43ru)
    "round32": ({"en": 1901, "ru": 1921}, 25),
    # stop 44: holdout 43's waves (nlu44en, nlu44ru) and the lead's smear put off
    # (blind-cj-042) and "the baby has stopped moving"
    "round33": ({"en": 1934, "ru": 1946}, 17),
    # stop 45: holdout 45's waves (nlu45en, nlu45ru) and the text-mode misses of blind_cl
    # and blind_cm (blind-cl-018, blind-cm-010, blind-cm-019)
    "round34": ({"en": 1955, "ru": 1965}, 19),
    # stop 46: the lead's fixes (form answers at the end of a message, hedges, ooze despite
    # pressure, clinicians' day counts) and holdout 47's waves (nlu46en, nlu46ru, nlu46en2,
    # nlu46ru2)
    "round35": ({"en": 1990, "ru": 1994}, 20),
    # stop 47: holdout 49's waves (nlu47en, nlu47ru) and the pooled-recall waves
    # (nlu47en2, nlu47ru2)
    "round36": ({"en": 2030, "ru": 2016}, 20),
    # stop 48: holdout 51's waves (nlu48en, nlu48ru) and the lead's fixes from blind_cu and
    # blind_cv (en-2088.., ru-2055..)
    "round37": ({"en": 2067, "ru": 2039}, 19),
    # stop 49: holdout 53's waves (nlu49en, nlu49ru) and the pooled waves (nlu49en2 for
    # recall, nlu49ru2 for precision)
    "round38": ({"en": 2108, "ru": 2067}, 31),
    # stop 50: blind_da's and blind_db's text misses and holdout 55's waves (nlu50en,
    # nlu50ru, then nlu50en2 and nlu50ru2)
    "round39": ({"en": 2152, "ru": 2098}, 23),
    # stop 51: blind_dd's and blind_de's text misses and holdout 57's waves (nlu51en,
    # nlu51ru, nlu51en2, nlu51ru2, then nlu51en3 and nlu51ru3)
    "round40": ({"en": 2183, "ru": 2121}, 35),
    # stop 52: blind_dh's and blind_di's text misses and holdout 60's waves (nlu52en,
    # nlu52ru, then nlu52en2 and nlu52ru2)
    "round41": ({"en": 2218, "ru": 2168}, 28),
    # stop 53: blind_dl's and blind_dm's text misses, form-field ages and sex, and holdout
    # 63's waves (nlu53en, nlu53ru, then nlu53en2 and nlu53ru2)
    "round42": ({"en": 2259, "ru": 2196}, 26),
    # stop 54: holdout 66's waves (nlu54en, nlu54ru): note and form times, ages in form
    # questions, how long a bleed has gone on since the sex
    "round43": ({"en": 2300, "ru": 2222}, 11),
    # stop 55: holdout 68's waves (nlu55en, nlu55ru) and blind_dr's text misses: a caller
    # naming the patient as a relative, a bleed since the sex said later to have stopped,
    # the first sex after a coil or a birth, partners met at a festival or on holiday
    "round44": ({"en": 2339, "ru": 2242}, 19),
    # stop 55, second waves (nlu55en2, nlu55ru2): "nothing's sore", aching in a testicle,
    # a pink urine, a heavy frenulum bleed that stopped by itself
    "round45": ({"en": 2361, "ru": 2261}, 4),
    # stop 56: holdout 71's waves (nlu56en, nlu56ru): sex hints (an assault told by the
    # writer, a husband or boyfriend in Russian, «ж 31»), last night's bleed seen again, clock
    # times with weekdays, a belly sore only when pressed, a cautery not done; the lead's
    # "sex with a man" that was read as a man writing (en-2391 on)
    "round46": ({"en": 2365, "ru": 2265}, 22),
    # stop 57: holdout 74's waves (nlu57en, nlu57ru): a sentence "Felt dry.", sex N days
    # after a procedure, a coil out or only discussed, partners from a party or known weeks,
    # corrections after "...", a unit's 24-hour heading; ru hours from «прошло полчаса»,
    # «продолжает мазать», the same bleed «сегодня утром опять», dates with a month name,
    # «по пьяни»
    "round47": ({"en": 2396, "ru": 2287}, 11),
    # stop 57, second waves (nlu57en2, nlu57ru2): "since then" of bleeding between periods and
    # a count of the urine's blood are no recurrence, half hours kept from 3 hours; ru clock
    # times in words («в час ночи, сейчас 7 утра»), a discharge's or the semen's duration is
    # no recurrence time
    "round48": ({"en": 2414, "ru": 2298}, 11),
    # stop 58 (nlu58en, nlu58ru, nlu58px): clocks changed between two clock times, sex last
    # night with a heavier bleed now as ongoing, urine "passed as water", an organ's ml, an
    # age after a service label, a placed twinge; ru a pad soaking the day after, «N часа
    # льёт», «на стороне», «заныло яичко», «не осуждайте»; a caller named by role or
    # writing about a relative («звоню по поводу жены»).  ru-2309 was withdrawn with the
    # pattern that read it (a false positive on a never-read holdout).
    "round49": ({"en": 2426, "ru": 2310}, 15),
    # stop 58, second waves (nlu58en2, nlu58ru2): a clinician's third-person note's
    # pronouns are the patient's, a partner who came along or took obs is no subject,
    # severity after the onset, a lower-case weekday, a dictated correction; ru the writer
    # raped as a woman's hint, the husband's complaint then «а я», «spiral» in Latin
    # letters, a first time after «у них было», the writer's own hour count
    "round50": ({"en": 2478, "ru": 2353}, 11),
    # stop 59 (nlu59a, nlu59en, nlu59ru, nlu59en2, nlu59ru2): no period since a month named
    # without a year is a late period, a negation ends at "since" a procedure or method, the
    # writer's own periods denied as a woman's hint; "drank heavily", a relative's age where
    # the writer says whom they write for, a colon opening a clause about the blood; ru a
    # temperature felt but not taken, bleeding after sex for the Nth month, pads changed now
    # with hours counted, the last unprotected sex weeks ago with its noun left out; a
    # testicle that aches in other words, blood in a man's discharge, advised durations; ru a
    # little colour on the paper as spotting, constant spotting between periods
    "round51": ({"en": 2489, "ru": 2365}, 40),
    # stop 60 (nlu60a, nlu60b, nlu60en, nlu60ru, nlu60ef, nlu60en2, nlu60ru2, nlu60d): hours
    # since sex from a weekday and a clock time and today's (the same weekday today), short
    # times to a tenth; a sore on the penis in more shapes; an age as "Now NN.", a test result
    # told after where it was taken, recall letters missed, widowed for years as no
    # recurrence; what the writer read or was told is no finding; two pads within the hour in
    # any words; a dated procedure "so N days ago"; nursing as a job, a procedure years back;
    # dates with months and today's date (days since a procedure, weeks from the LMP, a late
    # period); ru an abbreviated age, the writer's age in brackets, writing «за сестру:», a
    # dragging testicle, burning «когда писаю», spots of blood, the last period's start dated
    "round52": ({"en": 2620, "ru": 2495}, 45),
    # stop 61: long-held methods and recent starts, smears and procedures in more words, the
    # first sex, "in the past hour" as no history (nlu61a); "had some spotting since" is not
    # ongoing, an assault dated "N weeks ago", a wound's sting is no dysuria, a pill covering a
    # split condom, "first pregnancy" (nlu61o). No Russian sentences this round.
    "round53": ({"en": 2800, "ru": 2700}, 0),
    # stop 62: holdout 83 redone (nlu62h: prom, "first ever", letters' openings, «Ps», «ПРИ:»),
    # holdout 85 and blind_ej (nlu62k, nlu62s: postfix negation "Itchy no.", hours "so like
    # 14 hours", call notes about a wife, a grandson or the patient's sister, «не сразу»),
    # false positives (nlu62p: an earlier sex dated by a test, a man's "bled a lot", a
    # partner's torn frenulum), Russian recall (nlu62r: sex from indirect cues, his semen,
    # «уже около года»), trying for a baby withholds a failure (nlu62o)
    "round54": ({"en": 3100, "ru": 2980}, 129),
    # stop 63: false positives (nlu63p: a man's bare "no pain", a bare "it hurts", stopped
    # periods as the menopause, contractions' rhythm), recall (nlu63r: a husband named as her
    # partner, deep pain and cystitis as a woman's, «два месяца пью КОК», "9.15pm"), holdout
    # 87 and blind_el (nlu63h: "it's his", "not relaxed/too dry", drinks named; nlu63k:
    # smears, «до сих пор», a husband's vasectomy, cycle day of length), leftovers (nlu63t:
    # "I'm not bleeding myself", an STI exposure dated before a later sex)
    "round55": ({"en": 3400, "ru": 3300}, 99),
    # stop 64: holdout 89 and blind_en (nlu64h: a note's "Lady, 74", ages in brackets, periods
    # gone for decades, "things were a bit dry", "still losing", DRE and PSA denials; nlu64k:
    # the baby's heartbeat is not the mother's racing heart, holdout 89 Russian), recall
    # (nlu64r: her own bleeding beside his bloody semen, her contraception or smears as a
    # woman's, "no contraception at all"), false positives (nlu64p: frequency words of
    # something else, unsure tiny bleeds, the colour after «выделения»), leftovers (nlu64t:
    # bottle feeding, a frenulum tear without the word, the subject's partner's symptoms),
    # holdout 85 (nlu64s: a denied tear, a history told by the husband, dyspareunia's site)
    # and clinicians' notes (nlu64c: a planned colposcopy, a pregnancy test not done)
    "round56": ({"en": 3620, "ru": 3500}, 105),
    # stop 65: recall (nlu65r: sex outside the couple in other words, a man's partner's period
    # that came early, painless or sore sex in a note's words, "dry as anything", a smear's
    # missed follow-up), men's examinations and whose symptom (nlu65c: a tender epididymis is
    # testicular pain, an enlarged prostate alone is no abnormal DRE, «Пишу за сына», a wife's
    # infection "burning and all"), holdout 91 and blind_ep (nlu65h: a pain taken back, a period
    # due after a dash, a message written for him), leftovers (nlu65k: «матка в гипертонусе»,
    # "my husband Ken is 67", "no hormones" near the menopause)
    "round57": ({"en": 3950, "ru": 3820}, 101),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("round_", sorted(ROUNDS))
def test_each_round_s_classes_are_read_exactly(engine: Engine, lang: str, round_: str) -> None:
    first, at_least = ROUNDS[round_]
    new = [c for c in cases(engine, lang) if int(c.id.split("-")[1]) >= first[lang]]
    assert len(new) >= at_least
    result = score(lambda text: engine.parse(text, lang), new)
    assert not result.errors, result.errors
