"""Stop-34 reviewer: recompute the 10 drawn `derived` numbers from their method text.

Run: python3 arith34.py  (the engine checks need PYTHONPATH=src;
PYTHONDONTWRITEBYTECODE=1 keeps the read-only worktree clean).
"""
import math, os, sys

def Phi(z): return 0.5 * (1 + math.erf(z / math.sqrt(2)))
def show(tag, got, yaml):
    print(f"{tag}: recomputed {got}  | YAML {yaml}")

# D1 urethritis . urethral_discharge (harkins_2011 Table 1, NGU column)
dys = (0.53 + 0.75) / 2          # 'Dysuria (% of cases) ... 53-75' -> midpoint
both = 0.38                      # 'Combination of dysuria and discharge ... 38'
show("D1", round(1 - dys + both, 3), 0.74)

# D2 age . profiles.haematospermia : N(45.05, 14.04) truncated 12-100, band integrals, normalised
BANDS = [("12-15", 12, 16), ("16-19", 16, 20), ("20-24", 20, 25), ("25-34", 25, 35),
         ("35-44", 35, 45), ("45-54", 45, 55), ("55-64", 55, 65), ("65+", 65, 100)]
mu, sd = 45.05, 14.04
raw = {b: Phi((hi - mu) / sd) - Phi((lo - mu) / sd) for b, lo, hi in BANDS}
tot = sum(raw.values())
d2 = {b: round(v / tot, 4) for b, v in raw.items()}
yaml_d2 = {'12-15': 0.0101, '16-19': 0.0181, '20-24': 0.0398, '25-34': 0.1619, '35-44': 0.264,
           '45-54': 0.2646, '55-64': 0.1631, '65+': 0.0784}
show("D2", d2, yaml_d2)
print("   max |diff| =", max(abs(d2[b] - yaml_d2[b]) for b in d2))
u40 = (Phi((40 - mu) / sd) - Phi((18 - mu) / sd)) / (Phi((65 - mu) / sd) - Phi((18 - mu) / sd))
print(f"   check: share under 40 of ages 18-64 = {u40:.3f} (method '37%'); Hakam 15,106/(15,106+40,611) = {15106/55717:.3f} ('27%'); abstract total 56,157")

# D3 endometrial_polyp . prior.female : refit 22.7 x 0.25 / 0.67 ; target ratio 9%/8%
show("D3", round(22.7 * 0.25 / 0.67, 2), 8.47)
print("   target ratio polyps/adenocarcinoma (Gredmark) = 9/8 =", 9 / 8)

# D4 placental_bleeding . exam_pelvic_tenderness : 0.70 x 116/256 + 0 x 140/256
abruption = 57 + 59; praevia = 140
show("D4", round(0.70 * abruption / (abruption + praevia), 4), 0.32)

# D5 placental_bleeding . prior.female : target (140+57+59)/480
print(f"D5: target share = (140+57+59)/480 = {(140+57+59)/480:.4f} (percentages summed: 29.2+11.9+12.3 = 53.4); YAML 4.39 stated to give 45.2%")

# D6 uterine_fibroids . pain_during_sex : none = 1-0.235; 0.235 split 5:35
t = 0.235
show("D6", {"none": round(1 - t, 3), "superficial": round(t * 5 / 40, 3), "deep": round(t * 35 / 40, 3)},
     {"none": 0.765, "superficial": 0.029, "deep": 0.206})
print("   unrounded superficial, deep =", t * 5 / 40, t * 35 / 40)

# D7 age . profiles.default : acts of sex by age
men = {"10-14": 10629162, "15-19": 10752848, "20-24": 11066850, "25-29": 12020738, "30-34": 11370500,
       "35-39": 10892543, "40-44": 9906220, "45-49": 10082635, "50-54": 10082296, "55-59": 10639047,
       "60-64": 9851308, "65-69": 8191801, "70-74": 6499159, "75-79": 4317707, "80-84": 2678743, "85+": 2374207}
women = {"10-14": 10190891, "15-19": 10313575, "20-24": 10577124, "25-29": 11518714, "30-34": 11093732,
         "35-39": 10861340, "40-44": 10014341, "45-49": 10307804, "50-54": 10387588, "55-59": 11232044,
         "60-64": 10708826, "65-69": 9252566, "70-74": 7527818, "75-79": 5333117, "80-84": 3636357, "85+": 4225260}
def pop(a):
    if a >= 85: key, span = "85+", 15
    else:
        lo = (a // 5) * 5; key, span = f"{lo}-{lo+4}", 5
    return (men[key] + women[key]) / span
def rate(x): return 80 * (20 / 80) ** ((x - 25) / 40)          # log-linear through 80 @25, 20 @65
PTS = [(13.5, 0.0), (14.5, 0.137), (16.5, 0.409), (20.5, 0.841)]  # Liu, at mid-year; 0 at 13.5 (docs/evidence.md)
def ever(x):
    if x <= PTS[0][0]: return 0.0
    for (x0, y0), (x1, y1) in zip(PTS, PTS[1:]):
        if x <= x1: return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return PTS[-1][1]
def acts(a, under20_factor=1.0):
    x = a + 0.5
    r = rate(x) if a >= 20 else under20_factor * rate(20.5) * ever(x) / ever(20.5)
    return pop(a) * r
def profile(f=1.0):
    raw = {b: sum(acts(a, f) for a in range(lo, hi)) for b, lo, hi in BANDS}
    s = sum(raw.values()); return {b: round(v / s, 4) for b, v in raw.items()}
d7 = profile()
yaml_d7 = {'12-15': 0.0168, '16-19': 0.0935, '20-24': 0.1651, '25-34': 0.2721, '35-44': 0.1747,
           '45-54': 0.1206, '55-64': 0.0888, '65+': 0.0684}
show("D7", d7, yaml_d7)
print("   max |diff| =", round(max(abs(d7[b] - yaml_d7[b]) for b in d7), 4), "; rate(20.5) =", round(rate(20.5), 1),
      "; rate(75.5), rate(85.5) =", round(rate(75.5), 1), round(rate(85.5), 1))

# D8 trichomoniasis . prior.female : split 45 : 22.5 : 17.5
s = 45 + 22.5 + 17.5
print("D8: split BV/VVC/TV =", [round(x / s * 100, 1) for x in (45, 22.5, 17.5)], "(method 52.9 : 26.5 : 20.6)")

# D9 cervicitis . prior.female : four inflamed-cervix causes together = 68/411
print(f"D9: target 68/411 = {68/411:.4f}; 68/201 biopsied = {68/201:.3f} (abstract prints 33.8%)")

# D10 partner_source . intermenstrual_bleeding : = Shapley 17%
show("D10", 0.17, 0.17)

# --- engine checks of the fitted priors (read-only use of the worktree) ---
try:
    from spotcheck.engine import Engine
except Exception as e:  # pragma: no cover
    print("engine not importable:", e); sys.exit(0)
eng = Engine.default()
post = eng.posterior({"sex": "female", "age": 60, "postmenopausal": True})
print(f"D3 engine: woman 60, postmenopausal: P(endometrial_polyp)={post['endometrial_polyp']:.4f}, "
      f"P(endometrial_cancer)={post['endometrial_cancer']:.4f}, ratio={post['endometrial_polyp']/post['endometrial_cancer']:.3f} (target 1.125)")
for w in (28, 32, 36):
    pb = eng.posterior({"sex": "female", "age": 30, "pregnant": True, "pregnancy_weeks": w})["placental_bleeding"]
    print(f"D5 engine: pregnant {w} wk, age 30: P(placental_bleeding) = {pb:.4f} (method: 45.2%; target 53.3%)")
post = eng.posterior({"sex": "female", "age": 30, "abnormal_discharge": True})
g = ("bacterial_vaginosis", "candidiasis", "trichomoniasis"); tot3 = sum(post[c] for c in g)
print("D8 engine: woman 30, abnormal discharge: split =", {c: round(post[c] / tot3, 3) for c in g},
      "total =", round(tot3, 3), "(method: total 20.2%)")
post = eng.posterior({"sex": "female"})
four = sum(post[c] for c in ("cervicitis", "chlamydia", "gonorrhoea", "mycoplasma_genitalium"))
print(f"D9 engine: woman, age unknown: four causes together = {four:.4f} (target 0.1655)")
