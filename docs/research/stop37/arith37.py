"""Stop 37 reviewer: recompute the arithmetic of the 10 drawn derived numbers (Random(370)).

Run from the repository root:  python docs/research/stop37/arith37.py src/spotcheck/kb/data/model
Read-only: it loads the YAML and prints; it writes nothing.
"""
import math, sys
from pathlib import Path
import yaml

MODEL = Path(sys.argv[1] if len(sys.argv) > 1 else "src/spotcheck/kb/data/model")
Phi = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))
findings = yaml.safe_load((MODEL / "findings.yaml").read_text())["findings"]
prof = {k: v.get("p") for f in findings if f["id"] == "age" for k, v in f["profiles"].items()}
BANDS = ["12-15", "16-19", "20-24", "25-34", "35-44", "45-54", "55-64", "65+"]

def conds():
    for f in sorted((MODEL / "conditions").glob("*.yaml")):
        for c in yaml.safe_load(f.read_text())["conditions"]:
            yield c

fem = {c["id"]: c["prior"]["female"]["p"] for c in conds() if "female" in c.get("prior", {})}
tot = sum(fem.values())

print("D1 endometrial_polyp . postmenopausal (0.67)")
m = lambda a: Phi((a - 49.9) / 3.0)          # share past natural menopause at age a
prev = lambda a: 0.009 if a < 30 else 0.058 * (1 - m(a)) + 0.118 * m(a)
def band_share(lo, hi):                       # mean over single years, at mid-year
    ages = [a + 0.5 for a in range(lo, hi + 1)]
    return sum(0.118 * m(a) for a in ages) / sum(prev(a) for a in ages)
shares = {"35-44": band_share(35, 44), "45-54": band_share(45, 54),
          "55-64": band_share(55, 64), "65+": band_share(65, 99)}
print("  band shares", {k: round(v, 3) for k, v in shares.items()}, "(method: 0.013 / 0.678 / 0.997 / 1.0)")
mid = prof["midlife"]
print("  midlife weights", [mid[b] for b in ("35-44", "45-54", "55-64", "65+")])
w = sum(mid[b] * shares[b] for b in shares)
w_m = 0.147 * 0.013 + 0.2213 * 0.678 + 0.2965 * 0.997 + 0.2258 * 1.0
print("  weighted (my band shares) %.4f; with the method's band shares %.4f" % (w, w_m))

print("\nD2 placental_bleeding . contractions (0.27)")
print("  0.35*116/256 + 0.20*140/256 = %.4f + %.4f = %.4f" % (0.35 * 116 / 256, 0.20 * 140 / 256, 0.35 * 116 / 256 + 0.20 * 140 / 256),
      "; 57+59 =", 57 + 59, "; 57+59+140 =", 57 + 59 + 140)

print("\nD3 screening_overdue . leak (0.18)")
d = prof["default"]
s2564 = sum(d[b] for b in ("25-34", "35-44", "45-54", "55-64"))
print("  default profile share 25-64 = %.4f; (1-0.719)*that = %.4f" % (s2564, (1 - 0.719) * s2564))
print("  note: the default profile adds women and men; the finding applies to women only")

print("\nD4 hrt . leak (0.028)")
scale = 2.6 / 1.48
print("  0.0686 * 2.6/1.48 = 0.0686 * %.4f = %.4f; * 0.2328 = %.4f" % (scale, 0.0686 * scale, 0.0686 * scale * 0.2328))
print("  (0.2328 taken as given; for comparison the postmenopausal leak is 0.219)")

print("\nD5 gonorrhoea . prior.female (13.18)")
four = ["cervicitis", "chlamydia", "gonorrhoea", "mycoplasma_genitalium"]
old = {"cervicitis": 60, "chlamydia": 60, "gonorrhoea": 10, "mycoplasma_genitalium": 15}  # git show f15b6ff^
for c in four:
    print("  %-22s now %7.2f  old %3d  ratio %.4f" % (c, fem[c], old[c], fem[c] / old[c]))
s4 = sum(fem[c] for c in four)
print("  four together / all female priors = %.2f / %.2f = %.4f ; target 68/411 = %.4f" % (s4, tot, s4 / tot, 68 / 411))

print("\nD6 vaginal_laceration . new_or_multiple_partners (0.5)")
print("  (8+2)/20 = %.2f" % ((8 + 2) / 20))

print("\nD7 coital_microtrauma . test_chlamydia_positive (0.014)")
r = prof["reproductive"]
a = 0.027 * (r["16-19"] + r["20-24"]); b = 0.013 * (r["25-34"] + r["35-44"])
print("  0.027*(%.4f+%.4f) + 0.013*(%.4f+%.4f) = %.4f + %.4f = %.4f" % (r["16-19"], r["20-24"], r["25-34"], r["35-44"], a, b, a + b))
print("  means: (3.1+2.3)/2 = %.2f ; (1.5+1.1)/2 = %.2f" % ((3.1 + 2.3) / 2, (1.5 + 1.1) / 2))

print("\nD8 gonorrhoea . new_or_multiple_partners.by_sex.male (0.84)")
print("  21/25 = %.2f" % (21 / 25))

print("\nD9 age . profiles.cervical_polyp")
mu, sd = 48.6, 10.7
cdf = lambda x: Phi((x - mu) / sd)
Z = cdf(100) - cdf(12)
edges = {"12-15": (12, 16), "16-19": (16, 20), "20-24": (20, 25), "25-34": (25, 35), "35-44": (35, 45),
         "45-54": (45, 55), "55-64": (55, 65)}
raw = {k: (cdf(h) - cdf(l)) / Z * 0.73 for k, (l, h) in edges.items()}
raw["65+"] = ((cdf(75) - cdf(65)) * 0.53 + (cdf(100) - cdf(75)) * 0.26) / Z
S = sum(raw.values())
mine = {k: round(v / S, 4) for k, v in raw.items()}
print("  recomputed", mine)
print("  KB        ", prof["cervical_polyp"])
print("  max abs diff %.4f" % max(abs(mine[k] - prof["cervical_polyp"][k]) for k in BANDS))

print("\nD10 cervical_ectropion . prior.female (238.75)")
print("  238.75 / all female priors %.2f = %.4f ; target 20.66%% ; 491/2377 = %.4f" % (tot, fem["cervical_ectropion"] / tot, 491 / 2377))

print("\nCite #7 (urothelial_cancer . smoker 0.339): illustration only, not a KB number")
for rr in (2.0, 2.5, 3.0):
    for s in (0.12, 0.25):
        print("  RR %.1f, current-smoker share s=%.2f: RR*s/(RR*s+1-s) = %.3f" % (rr, s, rr * s / (rr * s + 1 - s)))
print("  LR as used: 0.339/0.12 = %.2f" % (0.339 / 0.12))

print("\nD5/D10 drift: the same shares with the female priors at the fitting commit f15b6ff (git show, read-only)")
import subprocess
def fem_at(commit):
    out = {}
    for f in ["cancer", "growth", "infection", "medicine", "men", "natural", "pregnancy"]:
        t = subprocess.run(["git", "show", f"{commit}:src/spotcheck/kb/data/model/conditions/{f}.yaml"],
                           capture_output=True, text=True, check=True).stdout
        for c in yaml.safe_load(t)["conditions"]:
            if "female" in c.get("prior", {}):
                out[c["id"]] = c["prior"]["female"]["p"]
    return out
try:
    old_f = fem_at("f15b6ff"); T0 = sum(old_f.values())
    print("  at f15b6ff: four %.4f (target 0.1655), ectropion %.4f (target 0.2066)"
          % (sum(old_f[c] for c in four) / T0, old_f["cervical_ectropion"] / T0))
    print("  now:        four %.4f, ectropion %.4f" % (s4 / tot, fem["cervical_ectropion"] / tot))
    print("  female priors changed since:", {k: (old_f[k], fem.get(k)) for k in old_f if old_f[k] != fem.get(k)})
except Exception as e:
    print("  (git not available here:", e, ")")

print("\nD4 check: the NHSBSA count definition changed between the two releases the method uses")
# 2022 release (old definition, BNF 6.4.1 + 7.2.1): 2021/22 1.93 m, 2020/21 1.48 m.
# 2023 release (HRT PPC list, back series restated): 2022/23 2.3 m, '+29% from 2021/22' -> 2021/22 restated = 2.3/1.29.
r21 = 2.3 / 1.29
ratio = r21 / 1.93
r20 = 1.48 * ratio
print("  2021/22 restated %.2f m vs old 1.93 m (new/old %.3f); 2020/21 restated if the same ratio holds: %.2f m" % (r21, ratio, r20))
print("  scaling 2.6/%.2f = %.3f (method 2.6/1.48 = %.3f); leak 0.0686 x %.3f x 0.2328 = %.4f (method 0.0281)"
      % (r20, 2.6 / r20, 2.6 / 1.48, 2.6 / r20, 0.0686 * 2.6 / r20 * 0.2328))

print("\nCite #7 check: the form every other smoker row uses, P = sum over states of RR_k s_k, current share")
# Freedman 2011 (NIH-AARP): HR former 2.22, current 4.06 vs never; s = 0.119 current (ONS 2023, the leak);
# former-smoker share f is not in the KB: shown for 0.20-0.30.
for f in (0.20, 0.25, 0.30):
    num = 4.06 * 0.119
    den = num + 2.22 * f + 1.0 * (1 - 0.119 - f)
    print("  former share %.2f: P(current | bladder cancer) = %.3f ; LR vs leak = %.2f" % (f, num / den, num / den / 0.12))
