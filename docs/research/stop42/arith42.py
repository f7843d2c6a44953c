"""Stop 42 reviewer: recompute the 11 rows converted to `derived` this stop (part 1) and the
10 drawn derived numbers (Random(420), part 2), plus a few checks on drawn cites.

Run from the worktree root:
    PYTHONPATH=src python docs/research/stop42/arith42.py src/spotcheck/kb/data/model
Read-only: it loads the YAML (and, for D6, the engine on the current tree) and prints; it writes nothing.
"""
import math, sys
from pathlib import Path
import yaml

MODEL = Path(sys.argv[1] if len(sys.argv) > 1 else "src/spotcheck/kb/data/model")
Phi = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))
odds = lambda p: p / (1 - p)
prob = lambda o: o / (1 + o)
F = {f["id"]: f for f in yaml.safe_load((MODEL / "findings.yaml").read_text())["findings"]}
PROF = {k: v.get("p") for k, v in F["age"]["profiles"].items()}
C = {}
for f in sorted((MODEL / "conditions").glob("*.yaml")):
    for c in yaml.safe_load(f.read_text())["conditions"]:
        C[c["id"]] = c
L = lambda cid, key: C[cid]["likelihoods"][key]

def show(tag, got, kb, how, tol=0.0051):
    ok = abs(got - kb) < tol + 1e-9
    print(f"  {tag}: {how} = {got:.4f}  (KB {kb}; {'reproduces' if ok else 'DIFFERS'})")

def wilson(k, n, z=1.96):
    p = k / n; d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d; h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return c - h, c + h

def meno(a):  # share past natural menopause at age a (mid-year), N(49.9, 3.0)
    return Phi((a + 0.5 - 49.9) / 3.0)

band_meno = {"35-44": sum(meno(a) for a in range(35, 45)) / 10,
             "45-54": sum(meno(a) for a in range(45, 55)) / 10,
             "55-64": sum(meno(a) for a in range(55, 65)) / 10, "65+": 1.0}

print("=== PART 1: the 11 rows converted to derived in stop 42 ===\n")
print("P1 uterine_fibroids . known_fibroids (0.51)")
tot = 0.35 + 0.65 * 0.51
show("P1", 0.35 / tot, L("uterine_fibroids", "known_fibroids")["p"], f"0.35/(0.35+0.65*0.51) [= 0.35/{tot:.4f}]")

cond = 0.2875
print("\nP2-P4 unprotected_sex from an odds ratio on the leak's base (condom at last sex 28.75% = mean of women 23.8%, men 33.7%)")
for tag, cid, key, r, lo, hi in [("P2 chlamydia female", "chlamydia", "female", 0.4, 0.2, 1.0),
                                 ("P3 gonorrhoea female", "gonorrhoea", "female", 0.1, 0.0, 0.7),
                                 ("P4 genital_herpes (both sexes)", "genital_herpes", None, 0.70, 0.40, 0.94)]:
    row = L(cid, "unprotected_sex")
    kb = row["by_sex"][key]["p"] if key else row["p"]
    f = lambda rr, base=cond: 1 - prob(rr * odds(base))
    show(tag, f(r), kb, f"1 - P(condom), odds {r} x {odds(cond):.4f}")
    print(f"     interval: ratio {hi} -> {f(hi):.3f}, ratio {lo} -> {f(lo):.3f}; "
          f"on women's own 23.8%: {f(r, 0.238):.3f}; LR against the leak 0.71: {kb/0.71:.3f}")
    if key == "female":
        print(f"     'right' LR on the women's base (P(no condom | inf) / P(no condom | women)) = {f(r, 0.238)/(1-0.238):.3f}")

print("\nP5/P6 cervicitis false-positive shares (Schachter 2005, patient-collected vaginal swab)")
show("P5 test_chlamydia_positive", 1 - 0.965, L("cervicitis", "test_chlamydia_positive")["p"], "1 - 0.965")
print("     clinician-collected swab: 1 - 0.952 = 0.048; chlamydia line sensitivity:",
      L("chlamydia", "test_chlamydia_positive")["by_sex"]["female"]["p"])
show("P6 test_gonorrhoea_positive", 1 - 0.993, L("cervicitis", "test_gonorrhoea_positive")["p"], "1 - 0.993", 0.0006)
print("     LR P5 against the leak 0.013:", round(0.035 / F["test_chlamydia_positive"]["leak"]["p"], 2),
      "| P6 against 0.001:", round(0.007 / F["test_gonorrhoea_positive"]["leak"]["p"], 2),
      "| chlamydia's line / cervicitis line:", round(0.983 / 0.035, 1))

print("\nP7 pelvic_inflammatory_disease . postmenopausal (0.01)")
pid = "pelvic_inflammatory_disease"
prof = PROF[L(pid, "age")["profile"]]
print("  profile", L(pid, "age")["profile"], {k: prof[k] for k in ("35-44", "45-54", "55-64", "65+")})
print("  band menopause shares", {k: round(v, 4) for k, v in band_meno.items()})
s = sum(prof[k] * band_meno[k] for k in band_meno)
show("P7", s, L(pid, "postmenopausal")["p"], "sum(profile x share past menopause)", 0.0006)

print("\nP8 anticoagulant_bleeding . bleeding_tendency (0.37)")
show("P8", 567 / 1525, L("anticoagulant_bleeding", "bleeding_tendency")["p"], "567/1525")
print("     Rusin 2020 (Can J Cardiol) 77/173 =", round(77 / 173, 3), "| LR against leak 0.03:", round(0.37 / 0.03, 1))

print("\nP9 testicular_torsion . blood_in_semen (0.005)")
tt = "testicular_torsion"
show("P9", 139 / 26126, L(tt, "blood_in_semen")["p"], "139/26126", 0.0006)
print("     leak:", F["blood_in_semen"]["leak"]["p"])

print("\nP10 vaginal_laceration . sudden_onset_pain (0.61)")
show("P10", 0.609 * 1.0, L("vaginal_laceration", "sudden_onset_pain")["p"], "0.609 x 1")
print("     lower_abdominal_pain none =", L("vaginal_laceration", "lower_abdominal_pain")["p"]["none"],
      "| 14/23 =", round(14 / 23, 3), "| Wilson 95% for 14/23:", tuple(round(x, 2) for x in wilson(14, 23)),
      "| leak", F["sudden_onset_pain"]["leak"]["p"])

print("\nP11 vaginal_laceration . pale_clammy_skin (0.09)")
show("P11", 3 / 33, L("vaginal_laceration", "pale_clammy_skin")["p"], "(1+2)/(20+13)")
print("     Wilson 95%:", tuple(round(x, 3) for x in wilson(3, 33)), "| systolic_bp <90:",
      L("vaginal_laceration", "systolic_bp")["p"]["<90"], "| Leach 2023 check 6/81 =", round(6 / 81, 3),
      "| Frioux added, 6/37 =", round(6 / 37, 3))

print("\n=== PART 2: the 10 drawn derived numbers (Random(420)) ===\n")
show("D1 endometrial_cancer . tamoxifen", 2.53 * 0.0045 / (2.53 * 0.0045 + 0.9955), 0.011, "RR s/(RR s + 1 - s)", 0.0006)
for rr in (1.35, 4.97):
    print(f"     RR {rr}: {rr*0.0045/(rr*0.0045+0.9955):.4f}")
print("     s = 137/30.44/1000 =", round(137 / 30.44 / 1000, 5))
print("D2 vaginal_laceration . intermenstrual_bleeding: no arithmetic (0.17 = Shapley 17%); leak",
      F["intermenstrual_bleeding"]["leak"]["p"])
u = C["urothelial_cancer"]; p = C["prostate_cancer"]
wu = u["prior"]["male"]["p"] * u["likelihoods"]["age"]["p"]["65+"] * u["likelihoods"]["blood_in_urine"]["p"]
wp_old = p["prior"]["male"]["p"] * p["likelihoods"]["age"]["p"]["65+"] * 0.1
print(f"D3 prostate_cancer . blood_in_urine: urothelial {wu:.4f}, prostate (at 0.1) {wp_old:.4f}, ratio {wu/wp_old:.3f}")
show("D3", 0.1 * (wu / wp_old) / 2.8, p["likelihoods"]["blood_in_urine"]["p"], "0.1 x ratio / 2.8", 0.0006)
wu55 = u["prior"]["male"]["p"] * u["likelihoods"]["age"]["p"]["55-64"] * 0.85
wp55 = p["prior"]["male"]["p"] * p["likelihoods"]["age"]["p"]["55-64"] * 0.076
print(f"     check 55-64: {wu55:.3f} / {wp55:.3f} = {wu55/wp55:.2f} (Price 1.2 / Hamilton 1.0 = 1.2)")
co = 0.554 / 0.446; ct = co / 8.8
show("D4 abnormal_discharge . leak", ct / (1 + ct), F["abnormal_discharge"]["leak"]["p"], "(0.554/0.446/8.8) as a share", 0.0006)
for orr in (8.75, 8.85):
    x = co / orr; print(f"     OR {orr}: {x/(1+x):.4f}")
print(f"D5 uterine_fibroids . pain_during_sex: none 1-0.235 = {1-0.235:.3f}; 5:35 split {0.235*5/40:.4f} / {0.235*35/40:.4f}",
      L("uterine_fibroids", "pain_during_sex")["p"])
print("D6 bacterial_vaginosis . prior.female (57.31): targets 45:22.5:17.5 =",
      tuple(round(x / 85, 4) for x in (45, 22.5, 17.5)), "of a held 20.2%")
try:
    from spotcheck.engine import Engine
    post = Engine.default().posterior({"sex": "female", "age": 30, "abnormal_discharge": True})
    three = ["bacterial_vaginosis", "candidiasis", "trichomoniasis"]
    S = sum(post[c] for c in three)
    print("     engine now (woman 30, abnormal discharge):", {c: round(post[c] / S, 4) for c in three},
          f"three-cause total {S:.4f}")
    print("     priors:", {c: C[c]["prior"]["female"]["p"] for c in three})
except Exception as e:
    print("     engine not run:", e)
show("D7 vulvovaginal_cancer . exam_atrophy", 0.84 * 0.791 * 0.907, L("vulvovaginal_cancer", "exam_atrophy")["p"], "0.84 x 0.791 x 0.907", 0.0006)
print("     postmenopausal line of the cause:", L("vulvovaginal_cancer", "postmenopausal")["p"], "| leak exam_atrophy:", F["exam_atrophy"]["leak"]["p"])
show("D8 urothelial_cancer . urinary_symptoms", (0.20 + 0.30) / 2, L("urothelial_cancer", "urinary_symptoms")["p"], "(0.20+0.30)/2")
d = PROF["default"]
pm = sum(d[k] * band_meno[k] for k in band_meno)
show("D9 postmenopausal . leak", pm, F["postmenopausal"]["leak"]["p"], "sum(default profile x share past menopause)", 0.0006)
print("     Phi((45-49.9)/3) =", round(Phi((45 - 49.9) / 3), 4), "(Choe: 1.7% + 3.4% = 5.1%)")
a, b = 0.007 * 300, 0.036 * 207
show("D10 endometrial_cancer . exam_atrophy", 0.76 * a / (a + b), L("endometrial_cancer", "exam_atrophy")["p"], f"0.76 x {a:.2f}/({a:.2f}+{b:.3f})")
print(f"     share after an atrophic smear {a/(a+b):.4f}; alternative 0.76 x 0.717 x RR-based =",
      round(0.76 * (0.19 * 0.717 / (0.19 * 0.717 + 0.283)), 3))

print("\n=== cite checks ===")
print("  cite #3 / #12 Pakish: postmenopausal 0.76 and discharge 0.554 are the abstract's percentages / 100")
print("  cite #20 UTI lower_back_pain female:", L("urinary_tract_infection", "lower_back_pain"))
