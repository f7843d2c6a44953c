"""Stop 38 reviewer, part 2: recompute every number this stop made `cite` or `derived`.

Run from the worktree root:
    python3 docs/research/stop38/arith38b.py src/spotcheck/kb/data/model
Read-only: it loads the YAML and prints; it writes nothing.
"""
import math, sys
from pathlib import Path
import yaml

MODEL = Path(sys.argv[1] if len(sys.argv) > 1 else "src/spotcheck/kb/data/model")
Phi = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))
F = {f["id"]: f for f in yaml.safe_load((MODEL / "findings.yaml").read_text())["findings"]}
C = {}
for f in sorted((MODEL / "conditions").glob("*.yaml")):
    for c in yaml.safe_load(f.read_text())["conditions"]:
        C[c["id"]] = c
L = lambda c, f: C[c]["likelihoods"][f]

def show(tag, got, kb, how, tol=0.0051):
    print(f"  {tag}: {how} = {got:.4f}  (KB {kb}; {'reproduces' if abs(got - kb) < tol else 'DIFFERS'})")

print("B1 possibly_pregnant . leak (0.15 expert -> 0.27) and B11 contraception_failure . leak (0.327 -> 0.27)")
nomethod = (23.6 - 7.4) / (100 - 7.4)
pill = 29.5 / 92.6 * (0.15 + 0.16)
for fid in ("possibly_pregnant", "contraception_failure"):
    show(fid, nomethod + pill, F[fid]["leak"]["p"], f"(23.6-7.4)/92.6 + 29.5/92.6*0.31 = {nomethod:.4f} + {pill:.4f}")
print(f"  old contraception_failure chain: (1-0.764) + 0.295*0.31 = {(1-0.764) + 0.295*0.31:.4f}")
print(f"  bounds with Natsal CIs: no method 22.3-25.0, no sex 6.6-8.3, pill 28.1-30.9 ->"
      f" {(22.3-8.3)/91.7 + 28.1/91.7*0.31:.3f} to {(25.0-6.6)/93.4 + 30.9/93.4*0.31:.3f}")
print(f"  ratio ectopic 0.9 / leak: old {0.9/0.15:.1f}, new {0.9/F['possibly_pregnant']['leak']['p']:.1f}")

print("\nB2 partner_blood_in_semen . leak (0.01 expert -> 0.005)")
show("B2", 139 / 26126, F["partner_blood_in_semen"]["leak"]["p"], "139/26126")

print("\nB3 cervicitis . lower_abdominal_pain (0.75/0.24/0.01 -> 0.875/0.12/0.005)")
p = L("cervicitis", "lower_abdominal_pain")["p"]
print(f"  8/64 = {8/64:.4f}; none {1-8/64:.3f}; 24:1 split {0.125*24/25:.4f} / {0.125/25:.4f}; KB {p}")
print(f"  old 0.24:0.01 = {0.24/0.01:.0f}:1")
print(f"  if gonorrhoea (17/64) carried BASHH's 'about a quarter': non-gonococcal share = "
      f"({8/64:.4f} - {17/64:.4f}*0.25)/{47/64:.4f} = {(8/64 - 17/64*0.25)/(47/64):.4f} (a bound, not a count)")

print("\nB4 epididymo_orchitis . dysuria (0.4 expert -> 0.3 cite):", L("epididymo_orchitis", "dysuria")["p"], "= 'Dysuria (30%)'")
print("B5 urinary_tract_infection . abnormal_discharge (0.05 expert -> 0.15 cite):", L("urinary_tract_infection", "abnormal_discharge")["p"],
      f"; leak {F['abnormal_discharge']['leak']['p']}; LR vs leak {0.15/F['abnormal_discharge']['leak']['p']:.2f};"
      f" Giesen's own LR+ (sens 0.15, spec 0.77) {0.15/0.23:.2f}")

print("\nB6 haematospermia . urinary_symptoms (0.08 expert -> 0.15)")
mu, sd = 45.05, 14.04
def luts(a):                         # the leak's straight line between the BACH decade middles
    if a < 35: return 0.105
    if a >= 75: return 0.255
    return 0.105 + (a - 35) * (0.255 - 0.105) / 40
num = den = 0.0
a = 12.0
while a < 100:
    w = math.exp(-0.5 * ((a + 0.005 - mu) / sd) ** 2)
    num += w * luts(a + 0.005); den += w; a += 0.01
show("B6", num / den, L("haematospermia", "urinary_symptoms")["p"], "mean over N(45.05, 14.04) on 12-100 of the BACH line")
print(f"  leak {F['urinary_symptoms']['leak']['p']}; old LR 0.08/0.133 = {0.08/0.133:.2f}; new {0.15/0.133:.2f}; pooled Madhushankha 113/833 = {113/833:.4f}")

print("\nB7 partner_source . blood_in_semen (0.03 expert -> 0.005)")
show("B7", 139 / 26126, L("partner_source", "blood_in_semen")["p"], "139/26126")
print("B8 anorectal_injury . blood_in_semen (0.01 expert -> 0.005)")
show("B8", 139 / 26126, L("anorectal_injury", "blood_in_semen")["p"], "139/26126")

print("\nB9 prostate_cancer . lower_back_pain (0.12 expert -> 0.119)")
show("B9", 0.119, L("prostate_cancer", "lower_back_pain")["p"], "Hoy point prevalence 11.9%")
print("  leak:", F["lower_back_pain"]["leak"]["p"])

print("\nB10 urothelial_cancer . fever (0.01 expert -> 0.009)")
show("B10", 68 / 7628, L("urothelial_cancer", "fever")["p"], "68/7628 (the abstract's '0.9%, 68/230': 68/230 would be 29.6%)")
print("  leak:", F["fever"]["leak"]["p"], "; prostate_cancer fever:", L("prostate_cancer", "fever")["p"])
