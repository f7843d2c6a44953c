"""Calibration: canonical presentations land inside published ranges.

Each test names the figure, its source (an id in kb/data/model/sources) and
the range we accept.  The ranges are wide on purpose: they say where the
published series put the answer for the population each series studied; a
number that drifts out of them is a bug in the knowledge base, not noise.
See docs/evidence.md for how each target was derived.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from spotcheck import KnowledgeBaseError
from spotcheck.engine import Engine
from spotcheck.kb import CANONICAL_PRESENTATIONS, provenance_report
from spotcheck.kb._load import validate
from spotcheck.kb._schema import ConditionsFile, SourcesFile


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


def p(engine: Engine, cause: str, **facts: Any) -> float:
    return float(engine.posterior(facts)[cause])


def test_every_calibration_source_is_registered(engine: Engine) -> None:
    for sid in (
        "shapley_2006",
        "godfrey_2019",
        "clarke_2018",
        "satchi_2020",
        "han_2004",
        "hematospermia_342",
        "liu_2017",
        "cohen_2019",
        "selo_ojeme_2004",
        "abu_2006",
        "deutchman_2009",
        "tsikouras_2016",
        "uscs_2019",
        "lindau_2007",
        "acs_endometrial_2014",
        "madhushankha_2021",
        "hakam_2022",
        "tracy_2008",
        "liu_nhanes_2014",
        "nsfg_1995_contraception",
        "dreisler_2009",
        "choe_2020",
        "appiah_2021",
    ):
        assert sid in engine.kb.sources, sid


# --- cervical cancer or high-grade CIN after bleeding after sex ---------------------------
#
# shapley_2006 (Abstract, Results): the risk that a woman in the community with
# postcoital bleeding has cervical cancer is 1 in 44,000 at 20-24 and 1 in 2,400
# at 45-54.  godfrey_2019 (Abstract, Results): of 635 women referred to
# colposcopy with PCB, 1.7% had high-grade dysplasia and 0.6% cancer (CIN2+ 2.3%).
# Lower bound: the community cancer risk times the CIN2+-per-cancer ratio of the
# referred series (15/4); upper bound: the referred series itself (plus a tenth).


def test_cervical_cin2plus_at_45_54_between_community_and_referred(engine: Engine) -> None:
    community_cin2 = 1 / 2400 * 15 / 4  # 0.16 %
    referred_cin2 = (11 + 4) / 635  # 2.4 %
    for age in (45, 50, 54):
        got = p(engine, "cervical_cancer", sex="female", age=age)
        assert community_cin2 <= got <= referred_cin2 * 1.1, (age, got)


def test_cervical_cin2plus_at_20_24_far_below_referred(engine: Engine) -> None:
    community_cin2 = 1 / 44000 * 15 / 4  # 0.0085 %
    for age in (20, 22, 24):
        got = p(engine, "cervical_cancer", sex="female", age=age)
        assert community_cin2 <= got <= 0.005, (age, got)


def test_cervical_risk_rises_with_age_as_in_shapley(engine: Engine) -> None:
    # Shapley's community risk rises 18-fold from 20-24 to 45-54; CIN2+ rises
    # less steeply than cancer, so accept 5- to 40-fold.
    ratio = p(engine, "cervical_cancer", sex="female", age=50) / p(
        engine, "cervical_cancer", sex="female", age=22
    )
    assert 5 <= ratio <= 40, ratio


def test_cervical_cin2plus_at_25_34_below_a_second_referred_series(engine: Engine) -> None:
    # cohen_2019 (Abstract, Results): CIN2+ in 3 of 411 women with PCB at colposcopy (0.7%),
    # PCB most common at 26-30.  A referred series is an upper bound for the app's users.
    for age in (25, 30, 34):
        got = p(engine, "cervical_cancer", sex="female", age=age)
        assert 1 / 44000 * 15 / 4 <= got <= 3 / 411, (age, got)


# --- endometrial cancer after the menopause --------------------------------------------------
#
# clarke_2018 (Abstract, Results): endometrial cancer risk among women with
# postmenopausal bleeding 9% (95% CI 8-11%); by region 5% (North America) to
# 13% (Western Europe); by hormone therapy use 7% to 12%.  Bleeding after sex
# after the menopause is managed as postmenopausal bleeding (nhs_pcb_pathway).


@pytest.mark.parametrize("age", [55, 60, 64, 70])
def test_endometrial_cancer_in_postmenopausal_bleeding(engine: Engine, age: int) -> None:
    got = p(engine, "endometrial_cancer", sex="female", age=age, postmenopausal=True)
    assert 0.05 <= got <= 0.13, (age, got)


def test_atrophy_in_postmenopausal_bleeding(engine: Engine) -> None:
    # kim_2017_pmb (Abstract): atrophy in 51.1% of 792 women with postmenopausal
    # bleeding (a tertiary series; reviews give 60-80%).  The prior is fitted there;
    # accepted 45-80% (ours).
    got = p(engine, "genitourinary_atrophy", sex="female", age=60, postmenopausal=True)
    assert 0.45 <= got <= 0.80, got


def test_vaginitis_causes_in_the_published_order(engine: Engine) -> None:
    # afp_vaginitis_2018 (Abstract): when a cause is found, bacterial vaginosis 40-50%,
    # candidiasis 20-25%, trichomoniasis 15-20%.  A woman of 30 with abnormal discharge:
    # the three keep that order, BV at least 1.5 times candidiasis.
    facts = {"sex": "female", "age": 30, "abnormal_discharge": True}
    bv, vvc, tv = (
        p(engine, c, **facts) for c in ("bacterial_vaginosis", "candidiasis", "trichomoniasis")
    )
    assert bv >= 1.5 * vvc, (bv, vvc)
    assert vvc > tv, (vvc, tv)


def test_mens_urethritis_split_as_published(engine: Engine) -> None:
    # A man of 30 with urethral discharge: gonorrhoea 17.2% of the urethritis causes
    # (chen_2019_urethritis, Abstract, Results); the rest as nongonococcal urethritis
    # splits in wetmore_2011_ngu (Abstract, Results: chlamydia 22.3%, M. genitalium
    # 12.5%, trichomonas 2.5%, the rest non-specific).  The five priors are fitted
    # there, so a likelihood change that moves the split more than 1 point (ours)
    # fails here and asks for a refit (stop 38: 3 points had let M. genitalium drift
    # to 8.4 % against 10.35 %, review38).
    post = engine.posterior({"sex": "male", "age": 30, "urethral_discharge": True})
    group = ("chlamydia", "gonorrhoea", "mycoplasma_genitalium", "trichomoniasis", "urethritis")
    total = sum(float(post[c]) for c in group)
    share = {c: float(post[c]) / total for c in group}
    ngu = 0.828 / (0.223 + 0.125 + 0.025 + 0.627)
    published = {
        "gonorrhoea": 0.172,
        "chlamydia": ngu * 0.223,
        "mycoplasma_genitalium": ngu * 0.125,
        "trichomoniasis": ngu * 0.025,
        "urethritis": ngu * 0.627,
    }
    for cause, target in published.items():
        assert abs(share[cause] - target) <= 0.01, (cause, share)
    # the five's total is the earlier judgement the fit holds (81.6 %)
    assert abs(total - 0.816) <= 0.02, total
    assert share["urethritis"] > share["chlamydia"] > share["mycoplasma_genitalium"], share
    assert share["mycoplasma_genitalium"] > share["trichomoniasis"], share


def test_endometrial_cancer_not_dismissed_by_dryness(engine: Engine) -> None:
    # Dryness points to atrophy, but atrophy does not rule cancer out: stay >= 3 %.
    facts = {"sex": "female", "age": 60, "postmenopausal": True, "vaginal_dryness": True}
    got = float(engine.posterior(facts)["endometrial_cancer"])
    assert got >= 0.03, got


def test_endometrial_cancer_with_hrt(engine: Engine) -> None:
    # Women who bleed while on HRT have endometrial cancer less often than those who
    # do not: buchanan_2022_hrt_pmb (Abstract, Results: 1 of 214 HRT users under 60,
    # 0.47%, against 25 of 1124 non-users, 2.18%); menoint_2012_hrt_pmb (Abstract,
    # Results: adjusted odds ratio 0.229 among 4847 women, 750 on HRT; about 1.7% of
    # users).  So the share with HRT lies below the pooled 9% (95% CI 8-11%) of all
    # women with postmenopausal bleeding (clarke_2018).  Accepted: Buchanan's 0.47% up
    # to Clarke's upper limit, 11%.  The model sits near the ceiling: it has no cause
    # for bleeding from HRT itself (docs/research/stop37/kb37f.md).
    got = p(engine, "endometrial_cancer", sex="female", age=60, postmenopausal=True, hrt=True)
    assert 0.0047 <= got <= 0.11, got


def test_tamoxifen_raises_endometrial_cancer(engine: Engine) -> None:
    base = p(engine, "endometrial_cancer", sex="female", age=60, postmenopausal=True)
    got = p(engine, "endometrial_cancer", sex="female", age=60, postmenopausal=True, tamoxifen=True)
    assert 1.5 * base <= got <= 0.35, (base, got)


def test_endometrial_age_curve_three_quarters_from_55(engine: Engine) -> None:
    # The `postmenopausal` age curve is derived from registry cases (uscs_2019) weighted by
    # sexual activity (lindau_2007).  acs_endometrial_2014: "Most (about 3 out of 4) cases
    # are found in women aged 55 and over" -- an independent check.  Tolerance +-5 points.
    curve = engine.kb.findings["age"].profiles["postmenopausal"].p
    assert 0.70 <= curve["55-64"] + curve["65+"] <= 0.80, curve
    assert curve["12-15"] + curve["16-19"] + curve["20-24"] + curve["25-34"] < 0.03, curve


# --- blood in semen ------------------------------------------------------------------------
#
# satchi_2020 (Results): prostate cancer in 5.3% of 393 men investigated for
# haematospermia at a referral centre, 7.2% of those aged 40 or more.
# han_2004 (Results): 19 of 139 men with haematospermia in a screening study
# of men 50 or over (13.7%).  Accept 1% up to Han's 13.7% plus 3 points.


@pytest.mark.parametrize("age", [45, 55, 65])
def test_prostate_cancer_in_blood_in_semen_over_40(engine: Engine, age: int) -> None:
    got = p(engine, "prostate_cancer", sex="male", age=age, blood_in_semen=True)
    assert 0.01 <= got <= 0.167, (age, got)


# The infective causes of blood in semen, as the series group them.
INFECTIONS_WITH_BLOOD_IN_SEMEN = (
    "prostatitis",
    "urethritis",
    "chlamydia",
    "gonorrhoea",
    "mycoplasma_genitalium",
    "trichomoniasis",
    "urinary_tract_infection",
    "epididymo_orchitis",
)


def test_causes_of_blood_in_semen_at_45(engine: Engine) -> None:
    # hematospermia_342 (Abstract, Results): 342 men, mean age 45: inflammation or
    # infection 49.4%, prostate cancer 8 (2.3%).  Tolerance: +-10 points, 1-5%.
    post = engine.posterior({"sex": "male", "age": 45, "blood_in_semen": True})
    infection = sum(post[c] for c in INFECTIONS_WITH_BLOOD_IN_SEMEN)
    assert 0.394 <= infection <= 0.594, infection
    assert 0.01 <= post["prostate_cancer"] <= 0.05, post["prostate_cancer"]
    # idiopathic 96 (28.1%) plus ductal obstruction and cysts 34 (9.9%) = 38.0%;
    # the model has no separate benign structural cause.  Tolerance +-10 points.
    assert 0.28 <= post["haematospermia"] <= 0.48, post["haematospermia"]
    # the series' systemic factors (9.4%) and testicular cancer (0.9%) have no
    # counterpart of that size in the model: the rest stays small.
    assert infection + post["haematospermia"] + post["prostate_cancer"] >= 0.897


def test_prostate_cancer_over_40_brackets_the_pooled_series(engine: Engine) -> None:
    # madhushankha_2021 (Abstract, Results): prostate cancer in 67 of 1,362 men over 40 with
    # haematospermia in 11 studies (4.9%).  The men's ages are not given, so the pooled
    # figure must lie between the model's figure at 45 and at 65.
    pooled = 67 / 1362
    low = p(engine, "prostate_cancer", sex="male", age=45, blood_in_semen=True)
    high = p(engine, "prostate_cancer", sex="male", age=65, blood_in_semen=True)
    assert low <= pooled <= high, (low, pooled, high)


def test_prostate_cancer_over_40_pooled_over_the_series_ages(engine: Engine) -> None:
    # Stop 32.  Two published shares of prostate cancer among men 40 or over with blood in
    # semen: 67 of 1,362 (4.9%) in 11 studies (madhushankha_2021, Abstract, Results) and
    # 7.2% of the >=40 group of 393 referred men (satchi_2020, Results: "overall prostate
    # cancer detection rate was 5.3% and 7.2% in the >=40 years group").  Neither gives its
    # men's ages, so the model is pooled over the ages of the 342 men of hematospermia_342
    # (Abstract, Results: mean 45.05, SD 14.04, range 18-85), one-year steps from 40 to 85.
    # Range: the two published figures, no tolerance added.
    num = den = 0.0
    for age in range(40, 86):
        w = math.exp(-0.5 * ((age - 45.05) / 14.04) ** 2)
        num += w * p(engine, "prostate_cancer", sex="male", age=age, blood_in_semen=True)
        den += w
    assert 67 / 1362 <= num / den <= 0.072, num / den


# --- urothelial cancer in a man with visible blood in the urine (stop 33) -------------------
#
# shapley_2010_ppv_review (Table 6), men in primary care: haematuria computer codes
# (Jones 2007; urethra, bladder, ureter and kidney cancers) PPV 8.5% (95% CI 6.9 to
# 10.3) at 55-64 and 11.2% (9.7 to 12.9) at 65-74; macroscopic haematuria (Bruyninckx
# 2003; any urological cancer) 22.1% (15.8 to 30.1) at 60 or over.  Floor: the lower
# confidence limit of the coded-haematuria PPV for the age band (visible haematuria,
# the finding, carries more risk than any haematuria code; the codes' kidney cancers
# are a minority).  Ceiling: the upper limit of the macroscopic-haematuria PPV at 60 or
# over, which counts every urological cancer (khadhouri_2021_identify puts referred
# bladder cancer at 24.7%, 95% CI 19.1-30.2, close to it).  No tolerance added.
# A population cohort agrees on the floors: urothelial cancer in gross haematuria,
# women and men together, 25/253 (9.9%, Wilson 95% CI 6.8-14.2%) at 55-64 and 25/224
# (11.2%) at 65-74 (takeuchi_2021_haematuria, Table 3); men's share is higher.
# Prostate cancer below urothelial cancer in both bands: 2.8% against 1.0% in primary
# care (price_2014_haematuria; hamilton_2006_prostate), 17% + 0.75% of visible
# haematuria against 124 prostate cancers in 10,896 referrals in clinics
# (rai_2022_haematuria_review; khadhouri_2021_identify).  At 65-74 the order is the
# fit of `prostate_cancer · blood_in_urine` (its ratio, 2.8); at 55-64 it is not.


@pytest.mark.parametrize(("age", "floor"), [(58, 0.069), (61, 0.069), (68, 0.097), (72, 0.097)])
def test_urothelial_cancer_in_a_man_with_visible_haematuria(
    engine: Engine, age: int, floor: float
) -> None:
    for sid in (
        "shapley_2010_ppv_review",
        "price_2014_haematuria",
        "hamilton_2006_prostate",
        "rai_2022_haematuria_review",
        "khadhouri_2021_identify",
        "takeuchi_2021_haematuria",
    ):
        assert sid in engine.kb.sources, sid
    post = engine.posterior({"sex": "male", "age": age, "blood_in_urine": True})
    uc, pc = float(post["urothelial_cancer"]), float(post["prostate_cancer"])
    assert floor <= uc <= 0.301, (age, uc)
    assert pc < uc, (age, pc, uc)


def _predictive(engine: Engine, finding: str, facts: dict[str, Any]) -> float:
    """P(finding = yes | facts): each cause's probability times its P(finding | cause)."""
    post = engine.posterior(facts)
    leak = engine.kb.findings[finding].leak
    total = 0.0
    for c in engine.kb.conditions:
        lk = c.likelihoods.get(finding)
        q = lk.p if lk is not None and isinstance(lk.p, float) else None
        if q is None:
            assert leak is not None
            assert isinstance(leak.p, float)
            q = leak.p
        total += float(post[c.id]) * q
    return total


@pytest.mark.parametrize(
    ("finding", "pooled"), [("blood_in_urine", 65 / 566), ("testicular_pain", 68 / 631)]
)
def test_symptoms_with_blood_in_semen_as_pooled(
    engine: Engine, finding: str, pooled: float
) -> None:
    # madhushankha_2021 (Abstract, Results), men with haematospermia, mean age 46.2:
    # haematuria 65/566 (11.5%), testicular pain 68/631 (10.7%).  Tolerance: half to
    # one and a half times.  Dysuria (16.4%) and urinary symptoms (13.6%) are recorded
    # mismatches (the model predicts about 29% and 33%; docs/evidence.md).
    got = _predictive(engine, finding, {"sex": "male", "age": 46, "blood_in_semen": True})
    assert 0.5 * pooled <= got <= 1.5 * pooled, (finding, got, pooled)


def test_prostate_cancer_rare_under_40(engine: Engine) -> None:
    got = p(engine, "prostate_cancer", sex="male", age=30, blood_in_semen=True)
    assert got < 0.01, got


# hakam_2022 (Abstract): US insurance claims, men 18-64 with benign haematospermia:
# one cancer (testicular) among 15,106 men under 40, none of them prostate cancer;
# 46 cancers among 40,611 men aged 40 or more.  The app's users are more selected
# than an insured population, so the bound is ours: at most 0.5% under 40.


@pytest.mark.parametrize("age", [20, 25, 30, 35, 39])
def test_prostate_cancer_under_40_near_the_community_zero(engine: Engine, age: int) -> None:
    got = p(engine, "prostate_cancer", sex="male", age=age, blood_in_semen=True)
    assert got <= 0.005, (age, got)


def test_haematospermia_age_curve_against_the_community(engine: Engine) -> None:
    # The `haematospermia` age curve is the referred series' normal distribution
    # (hematospermia_342: mean 45.05, SD 14.04).  hakam_2022 (Abstract): 15,106 of
    # 55,717 insured men aged 18-64 with benign haematospermia (27%) were under 40.
    # Share under 40 among 20-64 on the curve (half of 35-44 counted below 40):
    # between the community's 27% (less 2 points) and 45%.
    c = engine.kb.findings["age"].profiles["haematospermia"].p
    under_40 = c["20-24"] + c["25-34"] + 0.5 * c["35-44"]
    all_ages = c["20-24"] + c["25-34"] + c["35-44"] + c["45-54"] + c["55-64"]
    assert 0.25 <= under_40 / all_ages <= 0.45, under_40 / all_ages


def test_prostatitis_age_curve_against_clinic_prostatitis(engine: Engine) -> None:
    # The `men_older` curve is that of men with blood in semen from inflammation (three
    # haematospermia series, gonultas_2025 and lee_2015_pah among them).  Its mean age
    # (band midpoints, 65+ taken as 70) must lie below the 50 years of community men with
    # prostatitis-like symptoms (nickel_2001, Abstract) and above the youngest series'
    # 43.07 (gonultas_2025, Abstract): men who notice blood in semen are younger than all
    # prostatitis, and the inflammatory share is not younger than its series.
    c = engine.kb.findings["age"].profiles["men_older"].p
    mid = {"12-15": 14, "16-19": 18, "20-24": 22.5, "25-34": 30, "35-44": 40, "45-54": 50}
    mid |= {"55-64": 60, "65+": 70}
    mean = sum(mid[b] * w for b, w in c.items()) / sum(c.values())
    assert 43.07 <= mean <= 50, mean


def test_young_man_with_blood_in_semen_is_benign_or_infection(engine: Engine) -> None:
    # Efesoy 2020 (hematospermia_342) and madhushankha_2021: infection or inflammation is
    # the commonest cause, cancer very rare under 40; at 25 the benign and infection
    # causes together must hold at least 90%.
    post = engine.posterior({"sex": "male", "age": 25, "blood_in_semen": True})
    benign = sum(float(post[c]) for c in ("haematospermia", *INFECTIONS_WITH_BLOOD_IN_SEMEN))
    assert benign >= 0.90, benign


def test_epididymitis_age_curve_as_published(engine: Engine) -> None:
    # tracy_2008 (Introduction): epididymitis "mean patient age at presentation of 41
    # years. The majority of patients are 20 to 39 years old (43%), followed by those
    # 40 to 59 years old (29%)".  The curve drops the under-12s (outside the model's
    # ages), so its shares run slightly higher; tolerance +-5 points (35-44 and 55-64
    # split evenly at 40 and 60).
    c = engine.kb.findings["age"].profiles["epididymitis"].p
    from_20_to_39 = c["20-24"] + c["25-34"] + 0.5 * c["35-44"]
    from_40_to_59 = 0.5 * c["35-44"] + c["45-54"] + 0.5 * c["55-64"]
    assert 0.38 <= from_20_to_39 <= 0.48, from_20_to_39
    assert 0.24 <= from_40_to_59 <= 0.34, from_40_to_59


# --- bleeding in early pregnancy -------------------------------------------------------------
#
# nice_ng126 (Context): "The rate of ectopic pregnancy is 11 per 1,000 pregnancies";
# "Approximately 20% of pregnancies miscarry".  Bleeding makes both more likely,
# so the base rates are lower bounds; the upper bounds are ours (expert): ectopic
# 20%, miscarriage 60% (over half of women seen in early-pregnancy units with
# bleeding have a viable pregnancy).


@pytest.mark.parametrize("weeks", [4, 6, 8])
def test_ectopic_in_early_pregnancy_bleeding(engine: Engine, weeks: int) -> None:
    got = p(engine, "ectopic_pregnancy", sex="female", age=28, pregnant=True, pregnancy_weeks=weeks)
    assert 0.011 <= got <= 0.20, (weeks, got)


@pytest.mark.parametrize("weeks", [6, 8, 10])
def test_miscarriage_in_early_pregnancy_bleeding(engine: Engine, weeks: int) -> None:
    got = p(engine, "miscarriage", sex="female", age=28, pregnant=True, pregnancy_weeks=weeks)
    assert 0.20 <= got <= 0.60, (weeks, got)


def test_ectopic_not_below_the_community_share(engine: Engine) -> None:
    # Derived floor: P(ectopic | bleeding in the first trimester)
    # = P(bleeding | ectopic) x P(ectopic) / P(bleeding)
    # = 0.564 (medscape_ectopic) x 0.011 (nice_ng126) / 0.25 (deutchman_2009) = 2.5%.
    floor = 0.564 * 0.011 / 0.25
    for weeks in (6, 8, 10):
        got = p(
            engine, "ectopic_pregnancy", sex="female", age=28, pregnant=True, pregnancy_weeks=weeks
        )
        assert got >= floor, (weeks, got)


@pytest.mark.parametrize("weeks", [28, 32, 36])
def test_placental_bleeding_in_the_third_trimester(engine: Engine, weeks: int) -> None:
    # tsikouras_2016 (Abstract, Results): of 480 women with third-trimester bleeding,
    # placenta praevia 29.2% and placental abruption 11.9% + 12.3% = 53.4%.  The prior is
    # derived from it; the lower bound allows for bleeding after sex being more often
    # cervical, the upper for a hospital series.
    got = p(
        engine, "placental_bleeding", sex="female", age=30, pregnant=True, pregnancy_weeks=weeks
    )
    assert 0.40 <= got <= 0.60, (weeks, got)


# --- stage of pregnancy and missing organs as data --------------------------------------------


@pytest.mark.parametrize(
    ("cause", "weeks"),
    [
        ("implantation_bleeding", 9),
        ("implantation_bleeding", 24),
        ("placental_bleeding", 8),
        ("placental_bleeding", 16),
        ("miscarriage", 32),
        ("ectopic_pregnancy", 24),
    ],
)
def test_no_cause_outside_its_gestation_window(engine: Engine, cause: str, weeks: int) -> None:
    facts = {"sex": "female", "age": 28, "pregnant": True, "pregnancy_weeks": weeks}
    assert engine.posterior(facts)[cause] == 0.0
    shown = [c.id for c in engine.assess(facts).causes]
    assert cause not in shown


def test_causes_inside_their_window_stay_possible(engine: Engine) -> None:
    early = {"sex": "female", "age": 28, "pregnant": True, "pregnancy_weeks": 4}
    late = {"sex": "female", "age": 28, "pregnant": True, "pregnancy_weeks": 30}
    assert engine.posterior(early)["implantation_bleeding"] > 0.05
    assert engine.posterior(late)["placental_bleeding"] > 0.05


def test_hysterectomy_removes_womb_and_cervix_causes(engine: Engine) -> None:
    facts = {"sex": "female", "age": 60, "postmenopausal": True, "hysterectomy": True}
    post = engine.posterior(facts)
    for cause in ("cervical_cancer", "endometrial_cancer", "cervical_polyp", "endometrial_polyp"):
        assert post[cause] == 0.0, cause
    assert sum(post.values()) == pytest.approx(1.0)


# --- benign cervical causes: women with bleeding after sex, age unknown ----------------------


def share(engine: Engine, *causes: str) -> float:
    post = engine.posterior({"sex": "female"})
    return float(sum(post[c] for c in causes))


def test_ectropion_share_between_population_and_referred(engine: Engine) -> None:
    # liu_2017 (Abstract, Results): "cervical erosion and ectropion (20.66%)" among 2,377
    # women with PCB in a population-based sample; selo_ojeme_2004 (Abstract): 25% of 248
    # referred women; abu_2006 (Abstract): 31% at colposcopy.  Accept Liu -10% up to Abu.
    got = share(engine, "cervical_ectropion")
    assert 0.2066 * 0.9 <= got <= 0.31, got


def test_cervical_polyp_share_as_in_colposcopy_series(engine: Engine) -> None:
    # abu_2006 (Abstract): 7/142 (4.9%); cohen_2019 (Abstract, Results): 25/411 (6.1%).
    got = share(engine, "cervical_polyp")
    assert 0.04 <= got <= 0.075, got


def test_cervicitis_share_between_biopsy_floor_and_population_ceiling(engine: Engine) -> None:
    # cohen_2019: biopsy-proven cervicitis in 68 of 411 (16.5%; only 201 biopsied: a floor).
    # liu_2017: lower genital tract infection 46.11%, of which vaginitis 19.18%: at most
    # 26.9% for the other infections.
    got = share(engine, "cervicitis", "chlamydia", "gonorrhoea", "mycoplasma_genitalium")
    assert 68 / 411 * 0.95 <= got <= 0.4611 - 0.1918, got


# --- age curves derived from population surveys (issue 10, fourth pass) --------------------


def test_first_intercourse_curve_against_nhanes(engine: Engine) -> None:
    # `teen_young` is the age at first intercourse (liu_nhanes_2014 and nsfg_1995_contraception).
    # Independent check, the full paper of the same NHANES team (cited in the source's note,
    # Sex Transm Dis 2015, Abstract): median age at first sex 16.2 (women) and 16.1 (men) in
    # the 1980-89 cohort, and "more than 75% at age 19 years for both sexes".  So at most
    # half before 16, at least three quarters before 20.
    curve = engine.kb.findings["age"].profiles["teen_young"].p
    assert curve["12-15"] <= 0.5, curve
    assert curve["12-15"] + curve["16-19"] >= 0.75, curve


def test_endometrial_polyp_curve_rare_in_young_women(engine: Engine) -> None:
    # `midlife` is built from dreisler_2009 (Abstract): endometrial polyps in 0.9% of women
    # under 30 against 7.8% of all women 20-74.  Under 25 the curve must hold little: at most
    # 3% (the bands 12-24 hold a fifth of the sexually active women).
    curve = engine.kb.findings["age"].profiles["midlife"].p
    assert curve["12-15"] + curve["16-19"] + curve["20-24"] <= 0.03, curve


def test_atrophy_curve_matches_its_postmenopausal_share(engine: Engine) -> None:
    # `low_oestrogen` mixes women after the menopause (choe_2020: 5.1% reach it before 45;
    # appiah_2021: mean 49.9) and women pregnant or postpartum (nsfg_1995_contraception) in
    # the model's own P(postmenopausal | genitourinary_atrophy) = 0.75.  A consistency check:
    # the curve's share from 45 stays within 5 points of that 0.75.
    curve = engine.kb.findings["age"].profiles["low_oestrogen"].p
    atrophy = next(c for c in engine.kb.conditions if c.id == "genitourinary_atrophy")
    p_post = atrophy.likelihoods["postmenopausal"].p
    assert isinstance(p_post, float)
    from45 = curve["45-54"] + curve["55-64"] + curve["65+"]
    assert abs(from45 - p_post) <= 0.05, (from45, p_post)


# --- age curves derived in Stop 16, round 2 (docs/evidence.md) -------------------------------


def test_stop16_round2_sources_are_registered(engine: Engine) -> None:
    for sid in ("nickel_2001", "fuldeore_2017"):
        assert sid in engine.kb.sources, sid


def test_hormonal_method_curve_against_nsfg_users(engine: Engine) -> None:
    # `young_adult` is women using the pill, an implant or an injectable
    # (nsfg_1995_contraception).  Independent of the 2019 population it is built on, the
    # NSFG table's own numbers of women (thousands) times its rates give the share of users
    # 15-44 who are 20-34: (9,041 x 39.4% + 9,693 x 31.3% + 11,065 x 22.5%) / 12,063 = 75.3%.
    # The curve's share 20-34 among the bands 16-44 must be within 5 points of it.
    curve = engine.kb.findings["age"].profiles["young_adult"].p
    nsfg = (9041 * 0.394 + 9693 * 0.313 + 11065 * 0.225) / (
        8961 * 0.167 + 9041 * 0.394 + 9693 * 0.313 + 11065 * 0.225 + 11211 * 0.091 + 10230 * 0.045
    )
    within = ("16-19", "20-24", "25-34", "35-44")
    share = (curve["20-24"] + curve["25-34"]) / sum(curve[b] for b in within)
    assert abs(share - nsfg) <= 0.05, (share, nsfg)


def test_cycle_curve_ends_with_the_menopause(engine: Engine) -> None:
    # `reproductive` is women who have sex and are before the menopause: mean age at
    # natural menopause 49.9 (appiah_2021), 5.1% before 45 (choe_2020).  From 55 the curve
    # holds at most 1% (the bound is ours), and 45-54, about half past the menopause, holds
    # less than 35-44.
    curve = engine.kb.findings["age"].profiles["reproductive"].p
    assert curve["55-64"] + curve["65+"] <= 0.01, curve
    assert curve["45-54"] < curve["35-44"], curve


def test_fibroid_curve_mean_age_against_the_survey(engine: Engine) -> None:
    # `late_reproductive` is women with a diagnosed fibroid who have sex, before the
    # menopause (fuldeore_2017, Table 1: average age 43.4 years of the 3,031 women 18-54 with
    # a diagnosed fibroid, past the menopause or not).  Leaving out women past the
    # menopause can only make the curve younger: its mean age (band midpoints) must lie
    # between 43.4 - 4 and 43.4 (the 4 years are ours).
    curve = engine.kb.findings["age"].profiles["late_reproductive"].p
    mid = {
        "12-15": 14,
        "16-19": 18,
        "20-24": 22,
        "25-34": 30,
        "35-44": 40,
        "45-54": 50,
        "55-64": 60,
        "65+": 70,
    }
    mean = sum(curve[b] * mid[b] for b in curve) / sum(curve.values())
    assert 43.4 - 4 <= mean <= 43.4, mean


# --- provenance ----------------------------------------------------------------------------


def _conditions(source: Any) -> dict[str, Any]:
    return {
        "conditions": [
            {
                "id": "x",
                "category": "natural",
                "icd10": "N93.8",
                "prior": {"female": {"p": 1, "source": source}},
                "urgency": "self_care",
                "likelihoods": {},
            }
        ]
    }


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"cite": "shapley_2006", "says": "1 in 2,400"}, "locator"),
        ({"cite": "shapley_2006", "at": "Abstract"}, "says"),
        ({"derived": ["shapley_2006"]}, "method"),
        ({"expert": "guess"}, "reason"),
        ({"expert": "a judgement", "cite": "shapley_2006", "at": "x", "says": "y"}, "exactly one"),
        ("expert", "bare name"),
    ],
)
def test_loader_rejects_incomplete_provenance(source: Any, message: str) -> None:
    with pytest.raises(KnowledgeBaseError, match=message):
        validate(ConditionsFile, _conditions(source), "model/conditions/x.yaml")


def test_loader_rejects_a_source_without_an_address() -> None:
    entry = {"id": "s", "kind": "paper", "authors": "A B", "title": "A title", "year": 2020}
    with pytest.raises(KnowledgeBaseError, match="address"):
        validate(SourcesFile, {"sources": [entry]}, "model/sources/x.yaml")


def test_every_source_has_authors_title_year_and_address(engine: Engine) -> None:
    for s in engine.kb.sources.values():
        assert s.authors, s.id
        assert s.title, s.id
        assert s.year, s.id
        assert s.url, s.id


def test_provenance_report_counts(engine: Engine) -> None:
    report = provenance_report(engine.kb, top=5)
    json.dumps(report)
    for key in ("all", "priors", "age_curves", "cancer", "findings"):
        assert set(report[key]) == {"cite", "derived", "expert"}, key
    summary = ("all", "priors", "age_curves", "priors_and_age_curves", "most_sensitive_expert")
    per_group = sum(sum(report[g].values()) for g in report if g not in summary)
    assert per_group == sum(report["all"].values())
    assert len(report["most_sensitive_expert"]) == 5
    assert report["priors"]["derived"] + report["priors"]["cite"] >= 2


def test_sweep_reports_the_finding_a_likelihood_describes(engine: Engine) -> None:
    """A likelihood moves a posterior only once its finding is reported: one whose
    finding no canonical presentation gives still ranks (swept with it reported),
    and a likelihood of the other sex's finding does not move women's posteriors."""
    from spotcheck.kb._provenance import NumberRecord, _sweep

    def change(where: str, numbers: int) -> float:
        rec = NumberRecord("growth", where, "expert", numbers, ())
        [row] = _sweep(engine.kb, [rec], CANONICAL_PRESENTATIONS)
        return float(row["max_change"])

    assert not any("bleeding_colour" in c for c in CANONICAL_PRESENTATIONS)
    assert 0.005 < change("cervical_polyp likelihoods.bleeding_colour", 4) < 1
    women = [c for c in CANONICAL_PRESENTATIONS if c["sex"] == "female"]
    rec = NumberRecord("men", "prostatitis likelihoods.urethral_discharge", "expert", 1, ())
    assert _sweep(engine.kb, [rec], women)[0]["max_change"] == 0


def test_every_cite_states_its_number(engine: Engine) -> None:
    """A yes/no number cited from a source appears in what the source says."""
    kb = engine.kb
    checked = 0
    for c in kb.conditions:
        for fid, lk in c.likelihoods.items():
            src = lk.source
            if src is None or src.kind != "cite" or not isinstance(lk.p, float):
                continue
            assert src.at, (c.id, fid)
            stated = [float(x) for x in re.findall(r"(\d+(?:\.\d+)?)\s?%", src.says or "")]
            # a proportion stated as such ("sensitivity ... was 0.93")
            stated += [100 * float(x) for x in re.findall(r"\b(0\.\d+)\b(?!\s?%)", src.says or "")]
            # the value as a whole percent, or a stated decimal percent it rounds
            assert any(abs(x - 100 * lk.p) < 0.051 or x == round(100 * lk.p) for x in stated), (
                c.id,
                fid,
                lk.p,
                src.says,
            )
            checked += 1
    assert checked >= 3


# --- docs/seed-coverage.md tells the truth -------------------------------------------------

SEED_COVERAGE = Path(__file__).resolve().parents[1] / "docs" / "seed-coverage.md"


def test_seed_coverage_cites_only_registered_sources(engine: Engine) -> None:
    text = SEED_COVERAGE.read_text(encoding="utf-8")
    cited: set[str] = set()
    for line in text.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            cited.update(re.findall(r"[a-z][a-z0-9]*_[a-z0-9_]+|expert", line.rsplit("|", 2)[-2]))
    for group in re.findall(r"\(([a-z][a-z0-9_]*(?:; [a-z][a-z0-9_]*)*)\)", text):
        cited.update(x.strip() for x in group.split(";") if "_" in x or x.strip() == "expert")
    levels = set(engine.kb.levels)
    unknown = sorted(c for c in cited if c not in engine.kb.sources and c not in levels)
    assert not unknown, unknown


def test_seed_coverage_figures_match_the_knowledge_base(engine: Engine) -> None:
    text = SEED_COVERAGE.read_text(encoding="utf-8")
    claims = re.findall(r"P\((\w+) \\\| (woman|man) (\d+)((?:, \w+)*)\) ≈ ([0-9.]+)%", text)
    assert len(claims) >= 3
    for cause, who, age, extra, percent in claims:
        facts: dict[str, Any] = {"sex": "female" if who == "woman" else "male", "age": int(age)}
        facts.update({f.strip(): True for f in extra.split(",") if f.strip()})
        got = 100 * engine.posterior(facts)[cause]
        decimals = len(percent.split(".")[1]) if "." in percent else 0
        assert round(got, decimals) == float(percent), (cause, facts, got, percent)


def test_cervical_motion_tenderness_counts_for_pid_not_against_it(engine: Engine) -> None:
    # One of PID's minimum criteria (BASHH): it must not move belief from PID to an
    # ectopic pregnancy (which has its own cited share, 43 %) when a clinician finds it.
    base = {
        "sex": "female",
        "age": 23,
        "fever": True,
        "exam_pelvic_tenderness": True,
        "lower_abdominal_pain": "mild",
    }
    without = engine.posterior(base)
    with_cmt = engine.posterior({**base, "exam_cervical_motion_tenderness": True})
    assert with_cmt["pelvic_inflammatory_disease"] >= without["pelvic_inflammatory_disease"]
