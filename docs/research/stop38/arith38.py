"""Stop 38 reviewer: recompute the 10 drawn derived numbers (Random(380)) and two checks on cites.

Run from the worktree root:
    PYTHONPATH=src python3 docs/research/stop38/arith38.py src/spotcheck/kb/data/model
Read-only: it loads the YAML (and, for D3, the engine at the current tree) and prints; it writes nothing.
The D3 fit-time figure (shares at c130a9d) was obtained once with the engine on a `git archive c130a9d`
copy in /tmp (outside the repository) and is quoted here as a constant.
"""
import math, sys
from pathlib import Path
import yaml

MODEL = Path(sys.argv[1] if len(sys.argv) > 1 else "src/spotcheck/kb/data/model")
Phi = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))
odds = lambda p: p / (1 - p)
findings = {f["id"]: f for f in yaml.safe_load((MODEL / "findings.yaml").read_text())["findings"]}
prof = {k: v.get("p") for k, v in findings["age"]["profiles"].items()}

def conds():
    for f in sorted((MODEL / "conditions").glob("*.yaml")):
        for c in yaml.safe_load(f.read_text())["conditions"]:
            yield c
C = {c["id"]: c for c in conds()}

def show(tag, got, kb, how):
    print(f"  {tag}: {how} = {got:.4f}  (KB {kb}; {'reproduces' if abs(got - kb) < 0.0051 + 1e-9 else 'DIFFERS'})")

print("D1 temperature . profiles.febrile  (<38 0.853, 38-38.9 0.103, 39+ 0.044)")
fev = {"prostatitis": C["prostatitis"]["likelihoods"]["fever"]["p"],
       "uti_female": C["urinary_tract_infection"]["likelihoods"]["fever"]["by_sex"]["female"]["p"],
       "uti_male": C["urinary_tract_infection"]["likelihoods"]["fever"]["by_sex"]["male"]["p"],
       "epididymo_orchitis": C["epididymo_orchitis"]["likelihoods"]["fever"]["p"]}
print("  fever rows in the KB:", fev)
m = (fev["prostatitis"] + fev["uti_female"] + fev["epididymo_orchitis"]) / 3
print(f"  (0.09 + 0.10 + 0.25)/3 = {m:.4f}; <38 = {1-m:.3f}; 7:3 split {0.7*m:.3f} / {0.3*m:.3f}")
m2 = (fev["prostatitis"] + (fev["uti_female"] + fev["uti_male"]) / 2 + fev["epididymo_orchitis"]) / 3
print(f"  with the UTI row's two sexes averaged (0.12): {m2:.4f}; <38 = {1-m2:.3f} (not stated in the method)")

print("\nD2 endometrial_polyp . tamoxifen (0.016)")
R, s = 36 / 10, 137 / 30.44 / 1000
show("D2", R * 0.0045 / (R * 0.0045 + 1 - 0.0045), 0.016, "3.6*0.0045/(3.6*0.0045+0.9955)")
print(f"  s from Curtis: 137 ADQ/1000/month / 30.44 = {s:.5f}; postmenopause-only variant 0.67*0.016 = {0.67*0.016:.4f}")

print("\nD3 mycoplasma_genitalium . prior.male (39.95): the men's urethritis split")
gc = 0.172; rest = 1 - gc
tgt = {"gonorrhoea": gc, "chlamydia": rest * 0.223, "mycoplasma_genitalium": rest * 0.125,
       "trichomoniasis": rest * 0.025, "urethritis": rest * (1 - 0.223 - 0.125 - 0.025)}
print("  targets:", {k: round(v, 4) for k, v in tgt.items()})
fit = {"chlamydia": 0.1846, "gonorrhoea": 0.172, "mycoplasma_genitalium": 0.1035, "trichomoniasis": 0.0207, "urethritis": 0.5192}
print("  engine at the fitting commit c130a9d (man 30, urethral discharge):", fit, "five total 0.8159")
try:
    from spotcheck.engine import Engine
    post = Engine.default().posterior({"sex": "male", "age": 30, "urethral_discharge": True})
    five = list(tgt)
    S = sum(post[c] for c in five)
    now = {c: post[c] / S for c in five}
    print("  engine now:", {c: round(v, 4) for c, v in now.items()}, f"five total {S:.4f} (held at 0.816)")
    pri = {c: C[c]["prior"]["male"]["p"] for c in five}
    lam = odds(0.816) / odds(S)
    refit = {c: pri[c] * tgt[c] / now[c] * lam for c in five}
    print("  male priors now:", pri)
    print("  one-step refit (prior x target/now x", round(lam, 4), "to hold the total):",
          {c: round(v, 2) for c, v in refit.items()})
except Exception as e:  # engine not importable
    print("  engine not run:", e)

print("\nD4 anticoagulants . leak (0.10)")
d = prof["default"]
a = [d["35-44"] / 2 * 0.117, d["45-54"] * (0.117 + 0.308) / 2, d["55-64"] * 0.308, d["65+"] * 0.519]
print("  NHIS sums: 9.8+1.9 = %.1f, 24.0+6.8 = %.1f, 35.0+16.9 = %.1f" % (9.8 + 1.9, 24.0 + 6.8, 35.0 + 16.9))
show("D4", sum(a), 0.10, " + ".join(f"{x:.4f}" for x in a))

print("\nD5 urothelial_cancer . prior.female (0.168)")
show("D5", 0.5 * odds(0.083) / odds(0.2123), 0.168, "0.5*odds(0.083)/odds(0.2123)")
print("  current prior:", C["urothelial_cancer"]["prior"]["female"]["p"])

print("\nD6 anorectal_injury . blood_in_semen (0.005)")
show("D6", 139 / 26126, 0.005, "139/26126")
print("  blood_in_semen leak:", findings["blood_in_semen"]["leak"]["p"])

print("\nD7 urinary_tract_infection . lower_abdominal_pain (0.5 / 0.455 / 0.045)")
print(f"  none = 1 - 0.50 = 0.50; 0.50 split 10:1 -> {0.5*10/11:.4f} / {0.5/11:.4f}; old 0.5:0.05 = {0.5/0.05:.0f}:1")

print("\nD8 hrt . leak (0.028)")
show("D8", 0.0686 * 2.6 / 1.48 * 0.2328, 0.028, "0.0686*2.6/1.48*0.2328")
base = 2.3 / 1.29
print(f"  restated 2021/22 (2023 release: 2.3 m in 2022/23 'a 29% increase') = {base:.3f} m;"
      f" 2023/24 / 2021/22 = {2.6/base:.3f}; 0.0686*{2.6/base:.3f}*0.2328 = {0.0686*2.6/base*0.2328:.4f} (a two-year gap, 2020 -> 2021/22 taken flat)")

print("\nD9 known_endometriosis . leak (0.02): no arithmetic (ONS 'approximately 2%')")

print("\nD10 missed_pills . leak (0.065)")
s1644 = d["16-19"] + d["20-24"] + d["25-34"] + d["35-44"]
show("D10", 0.295 * s1644 * 0.31, 0.065, f"0.295*{s1644:.4f}*0.31")
print(f"  conditional variant 0.31*29.5/41.1 = {0.31*29.5/41.1:.4f}; hormonal_contraception leak = {findings['hormonal_contraception']['leak']['p']}")
print(f"  with the stop-38 denominator (women with sex in the last year): 0.295/0.926 = {0.295/0.926:.4f} -> {0.295/0.926*s1644*0.31:.4f}")

print("\nCite checks")
print("  C2 Giesen T2 fever sens 0.10 spec 0.92 -> LR+ %.2f; vaginal discharge sens 0.15 spec 0.77 -> LR+ %.2f" % (0.10 / 0.08, 0.15 / 0.23))
print("  C3 Soudais: 14% of consultations; the UTI row's men include prostatitis (36%)")
