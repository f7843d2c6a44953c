"""Stop 39 reviewer: recompute the 10 drawn derived numbers (Random(390)), check the 20 drawn cites
against the numbers their `says` print, and two engine checks (D9 refit drift, cite #4 age double count).

Run from the worktree root:
    PYTHONPATH=src python3 docs/research/stop39/arith39.py src/spotcheck/kb/data/model
Read-only: it loads the YAML and the engine at the current tree and prints; it writes nothing.
"""
import sys
from pathlib import Path
import yaml

MODEL = Path(sys.argv[1] if len(sys.argv) > 1 else "src/spotcheck/kb/data/model")
F = {f["id"]: f for f in yaml.safe_load((MODEL / "findings.yaml").read_text())["findings"]}
C = {}
for f in sorted((MODEL / "conditions").glob("*.yaml")):
    for c in yaml.safe_load(f.read_text())["conditions"]:
        C[c["id"]] = c


def lik(cid, key, sex=None):
    row = C[cid]["likelihoods"][key]
    return row["by_sex"][sex]["p"] if sex else row["p"]


def show(tag, got, kb, how, tol=0.0051):
    if isinstance(kb, dict):
        ok = all(abs(got[k] - kb[k]) <= tol for k in kb)
        g = {k: round(v, 4) for k, v in got.items()}
    else:
        ok = abs(got - kb) <= tol
        g = round(got, 4)
    print(f"  {tag}: {how} = {g}  (KB {kb}; {'reproduces' if ok else 'DIFFERS'})")


print("== 20 cites: KB value against the number the quoted passage prints ==")
cites = [
    (1, lik("trichomoniasis", "dysuria", "female"), 0.165, "Manshoori: dysuria, 16.5%% (15/91 = %.4f)" % (15 / 91)),
    (2, lik("bleeding_disorder", "heavy_periods"), 0.931, "Pittsburgh 1999: 93.1% of adult women"),
    (3, lik("urinary_tract_infection", "abnormal_discharge"), 0.15, "Giesen T2: Vaginal discharge 0.15"),
    (4, lik("endometrial_cancer", "postmenopausal"), 0.76, "Pakish: postmenopausal 76%% (57/75 = %.4f)" % (57 / 75)),
    (5, lik("mycoplasma_genitalium", "test_gonorrhoea_positive", "female"), 0.02, "MSHC 2019: 2%% gonorrhoea (1/62 = %.4f)" % (1 / 62)),
    (6, lik("trichomoniasis", "urethral_discharge"), 0.54, "Krieger: 54% of infected men"),
    (7, lik("urinary_tract_infection", "dysuria", "female"), 0.80, "Giesen T2: Dysuria 0.80"),
    (8, lik("endometrial_cancer", "abnormal_discharge"), 0.554, "Pakish: 55.4%% (41/74 = %.4f)" % (41 / 74)),
    (9, F["irregular_periods"]["leak"]["p"], 0.143, "Jung 2018: 14.3%"),
    (10, lik("prostate_cancer", "test_psa_raised"), 0.93, "Merriel: sensitivity 0.93"),
    (11, lik("gonorrhoea", "urethral_discharge"), 0.802, "Martin-Sanchez: 80.2%"),
    (12, lik("genitourinary_atrophy", "exam_atrophy"), 0.907, "AGATA: pallor 90.7% (lowest of 99 / 92.1 / 90.7)"),
    (13, lik("urinary_tract_infection", "fever", "female"), 0.10, "Giesen T2: Fever 0.10"),
    (14, lik("vaginal_laceration", "postmenopausal"), 0.15, "Padoa: 3 of 20 = %.2f" % (3 / 20)),
    (15, lik("gonorrhoea", "test_gonorrhoea_positive", "female"), 0.961, "Schachter: AGC patient-collected vaginal swab 96.1%"),
    (16, lik("prostate_cancer", "exam_prostate_abnormal"), 0.51, "Naji: pooled sensitivity 0.51"),
    (17, lik("endometriosis", "dysuria"), 0.182, "Al-Jefout: 10/55 = %.4f" % (10 / 55)),
    (18, lik("genitourinary_atrophy", "genital_itching"), 0.566, "AGATA: itching 56.6%"),
    (19, lik("urinary_tract_infection", "lower_back_pain", "female"), 0.38, "Giesen T2: Back pain 0.38"),
    (20, lik("uterine_fibroids", "heavy_periods"), 0.598, "Zimmermann: heavy bleedings 59.8%"),
]
for n, kb, src, how in cites:
    print(f"  C{n}: KB {kb} vs source {src} -> {'equal' if abs(kb - src) < 1e-9 else 'DIFFERS'}  [{how}]")
print("  C3 population: abnormal_discharge same_as for men:", F["abnormal_discharge"].get("same_as"))
print("  C5 male line: %s (expert)" % lik("mycoplasma_genitalium", "test_gonorrhoea_positive", "male"))
print("  brief item 3, prostatitis . dysuria:", lik("prostatitis", "dysuria"),
      "= CPSI 'pain during ... voiding ... 43%'")

print("\n== 10 derived ==")
print("D1 urothelial_cancer . blood_in_urine (0.85)")
show("D1", (0.80 + 0.90) / 2, lik("urothelial_cancer", "blood_in_urine"), "midpoint of 80-90%")

print("D2 urothelial_cancer . urinary_symptoms (0.25)")
show("D2", (0.20 + 0.30) / 2, lik("urothelial_cancer", "urinary_symptoms"), "midpoint of 20-30%")


def dysp_leak_split(share=0.15, sup=3, deep=2):
    return {"none": 1 - share, "superficial": share * sup / (sup + deep), "deep": share * deep / (sup + deep)}


leak_pds = F["pain_during_sex"]["profiles"]["default"]["p"]
print("D3 cervical_ectropion . pain_during_sex (0.85 / 0.09 / 0.06)")
show("D3", dysp_leak_split(), lik("cervical_ectropion", "pain_during_sex"), "1 - 0.15; 0.15 split 3:2")
print("  leak profile:", leak_pds, "-> likelihood ratio 1 for every value (independence)")

print("D4 test_gonorrhoea_positive . leak (0.001)")
lk = F["test_gonorrhoea_positive"]["leak"]["p"]
show("D4", 0.001, lk, "Natsal-3 bound 'less than 1 in 1000'")
spec = 0.993  # Schachter 2005, AGC patient-collected vaginal swab specificity (the KB's own source)
g_f = lik("gonorrhoea", "test_gonorrhoea_positive", "female")
print(f"  LR+ for gonorrhoea (women) against the leak: {g_f}/{lk} = {g_f / lk:.0f}")
print(f"  unconfirmed false-positive rate 1 - {spec} = {1 - spec:.3f}; leak with it ~ {lk + (1 - spec):.3f};"
      f" LR+ {g_f / (lk + 1 - spec):.0f} (still decisive)")

print("D5 prostatitis . pain_during_sex (0.55 / 0.045 / 0.405)")
show("D5", {"none": 1 - 0.45, "superficial": 0.45 * 0.1, "deep": 0.45 * 0.9},
     lik("prostatitis", "pain_during_sex"), "1 - 0.45; 0.45 split 1:9")

print("D6 urethritis . discharge_type")
mids = {"frank": (11 + 33) / 2, "muco": 50, "clear": (10 + 50) / 2}
tot = sum(mids.values())
pur, clr = (mids["frank"] + mids["muco"]) / tot, mids["clear"] / tot
print(f"  midpoints {mids}, sum {tot}; purulent {pur:.4f}, clear {clr:.4f}, clear/2 {clr / 2:.4f}; purulent - 0.02 = {pur - 0.02:.4f}")
got = {"thick_white": 0.01, "thin_grey": clr / 2, "yellow_green_frothy": 0.01, "purulent": pur - 0.02, "watery_blood_stained": clr / 2}
show("D6", got, lik("urethritis", "discharge_type"), "as the method")
print("  note: clear/2 is 0.147, the KB prints 0.145 so that the five sum to 1 after 0.686 -> 0.69;"
      " sum KB =", round(sum(lik("urethritis", "discharge_type").values()), 4))

print("D7 test_psa_raised . leak (0.05)")
show("D7", 1 - 0.95, F["test_psa_raised"]["leak"]["p"], "share above a 95th-percentile reference limit")
print("  audience:", F["test_psa_raised"].get("audience"), "(entered only when a PSA was done)")

print("D8 implantation_bleeding . lower_abdominal_pain (0.72 / 0.27 / 0.01)")
show("D8", {"none": 1 - 0.28, "mild": 0.28 * 29 / 30, "severe": 0.28 / 30},
     lik("implantation_bleeding", "lower_abdominal_pain"), "1 - 0.28; 0.28 split 29:1")

print("D9 prostatitis . prior.male (247.84): man of 45 with blood in semen, nothing else")
series = {"infl": 49.4, "idio": 28.1, "duct": 9.9, "pca": 8 / 342 * 100}
print(f"  series: infection 49.4, idiopathic 28.1 + ducts 9.9 = 38.0, prostate cancer 8/342 = {series['pca']:.2f}%")
print(f"  method targets (others 2.9%): infection {94.8 * 49.4 / 87.4:.2f}%, haematospermia {94.8 * 38.0 / 87.4:.2f}%")
INF = ("prostatitis", "urethritis", "chlamydia", "gonorrhoea", "mycoplasma_genitalium", "trichomoniasis",
       "epididymo_orchitis", "urinary_tract_infection")
try:
    from spotcheck.engine import Engine
    eng = Engine.default()
    post = eng.posterior({"sex": "male", "age": 45, "blood_in_semen": True})
    inf = sum(post.get(c, 0) for c in INF)
    hs, pca = post["haematospermia"], post["prostate_cancer"]
    other = 1 - inf - hs - pca
    print(f"  engine now: infection causes {inf:.4f} (prostatitis {post['prostatitis']:.4f}), haematospermia {hs:.4f},"
          f" prostate cancer {pca:.4f}, others {other:.4f}")
    left = 1 - pca - other
    t_inf = left * 49.4 / 87.4
    print(f"  targets with today's others ({other:.4f}): infection {t_inf:.4f}, haematospermia {left * 38.0 / 87.4:.4f};"
          f" ratio infection : haematospermia now {inf / hs:.3f} against 49.4/38.0 = {49.4 / 38.0:.3f}")
    # one odds step on prostatitis alone, others fixed: weight w_p -> w_p * k so that inf hits t_inf
    rest_inf = inf - post["prostatitis"]
    need_p = t_inf - rest_inf
    k = (need_p / post["prostatitis"]) * ((1 - post["prostatitis"]) / (1 - need_p))
    print(f"  prostatitis x {k:.4f} would hit it (prior {C['prostatitis']['prior']['male']['p']} -> "
          f"{C['prostatitis']['prior']['male']['p'] * k:.1f}); the test band is 39.4-59.4%")

    print("\nCite #4 observation: the age double count (docs/evidence.md, stop 22)")
    for pm in (None, True):
        facts = {"sex": "female", "age": 62}
        if pm is not None:
            facts["postmenopausal"] = pm
        p = eng.posterior(facts)
        print(f"  woman 62, postmenopausal={pm}: endometrial_cancer {p['endometrial_cancer']:.4f},"
              f" cervical_polyp {p['cervical_polyp']:.4f}, genitourinary_atrophy {p['genitourinary_atrophy']:.4f}")
    print(f"  LR of postmenopausal=yes for endometrial cancer against the leak: "
          f"{lik('endometrial_cancer', 'postmenopausal')}/{F['postmenopausal']['leak']['p']} = "
          f"{lik('endometrial_cancer', 'postmenopausal') / F['postmenopausal']['leak']['p']:.2f}")
except Exception as e:  # engine not importable
    print("  engine not run:", e)

print("D10 partner_source . pain_during_sex (0.85 / 0.09 / 0.06)")
show("D10", dysp_leak_split(), lik("partner_source", "pain_during_sex"), "= the leak (independence)")
