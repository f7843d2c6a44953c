"""review44b: recompute every line the within-age convention changed (kb44c) and kb44e's two lines.

Read-only on the YAML. Run from the worktree root:
    PYTHONPATH=src python docs/research/stop44/arith44b.py src/spotcheck/kb/data/model
"""
import sys
from pathlib import Path
import yaml

M = Path(sys.argv[1] if len(sys.argv) > 1 else "src/spotcheck/kb/data/model")
F = yaml.safe_load((M / "findings.yaml").read_text())
findings = {f["id"]: f for f in F["findings"]}
conds = {}
for f in sorted((M / "conditions").glob("*.yaml")):
    for c in yaml.safe_load(f.read_text()).get("conditions", []):
        conds[c["id"]] = c


def leak(fid):
    return float(findings[fid]["leak"]["p"])


def line(cid, fid):
    return float(conds[cid]["likelihoods"][fid]["p"])


def on(rr, s):
    """The convention: RR x s / (RR x s + 1 - s)."""
    return rr * s / (rr * s + 1 - s)


def odds(p):
    return p / (1 - p)


prof = F["findings"][0]
age = next(f for f in F["findings"] if f["id"] == "age")
P = age["profiles"]["default"]["p"]
w1644 = P["16-19"] + P["20-24"] + P["25-34"] + P["35-44"]
w2564 = P["25-34"] + P["35-44"] + P["45-54"] + P["55-64"]
w35 = P["35-44"] + P["45-54"] + P["55-64"] + P["65+"]
print(f"act-weighted shares: 16-44 {w1644:.4f}  25-64 {w2564:.4f}  35+ {w35:.4f}")
print("leaks:", {k: leak(k) for k in ["hormonal_contraception", "iud", "hrt", "pregnant",
      "breastfeeding_or_postpartum", "screening_overdue", "tamoxifen", "anticoagulants",
      "test_chlamydia_positive"]})
s_hc = 0.411 * w1644
print(f"HC leak check 0.411 x {w1644:.4f} = {s_hc:.4f}; iud 0.078 x w = {0.078*w1644:.4f};"
      f" screening 0.281 x {w2564:.4f} = {0.281*w2564:.4f}; tamoxifen 137/30.44/1000 = {137/30.44/1000:.5f}")

rows = []  # (cause, finding, stated, computed, note)
L = leak
hc = L("hormonal_contraception")
rows.append(("endometrial_cancer", "hormonal_contraception", 0.22, on(0.69, hc), f"RR 0.69; CI {on(0.66,hc):.3f}-{on(0.71,hc):.3f}"))
rows.append(("vulvovaginal_cancer", "hormonal_contraception", 0.29, hc, "independence: the leak"))
rows.append(("endometrial_hyperplasia", "hormonal_contraception", 0.22, on(0.69, hc), "RR 0.69 (carcinoma RR borrowed)"))
rows.append(("endometrial_polyp", "hormonal_contraception", 0.29, hc, "independence (ceiling): the leak"))
rows.append(("uterine_fibroids", "hormonal_contraception", 0.15, on(0.43, hc),
             f"RR 0.43; CI {on(0.25,hc):.3f}-{on(0.73,hc):.3f}; Ying 1.91 -> {on(1.91,hc):.3f}; ever 0.88 -> {on(0.88,hc):.3f}"))
rows.append(("ovarian_cyst_rupture", "hormonal_contraception", 0.23, on(0.72, hc), f"OR 0.72; CI {on(0.53,hc):.3f}-{on(0.99,hc):.3f}"))
r = 29.5 / 41.1
rows.append(("menstruation_onset", "hormonal_contraception", 0.23, on(r, hc), f"R 29.5/41.1 = {r:.4f}; within 16-44 29.5/88.4 = {29.5/88.4:.4f}"))
comp = (w1644 * 0.411 + (P["45-54"] + 0.5 * P["55-64"]) * 0.13) / (w1644 + P["45-54"] + 0.5 * P["55-64"])
rr_ac = (475 / 1888) / comp
rows.append(("anticoagulant_bleeding", "hormonal_contraception", 0.22, on(rr_ac, hc),
             f"475/1888 = {475/1888:.4f}; comparator {comp:.4f} (45-59 weight {P['45-54'] + 0.5*P['55-64']:.4f}); RR {rr_ac:.3f}"))
num = w1644 * (29.5 * 1.8 + 3.6 * 0.5 + 8.0) / 100
rows.append(("cervical_ectropion", "hormonal_contraception", 0.38, num / (num + 1 - hc),
             f"sum OR x share {num:.4f}; within 16-44 62.9/121.8 = {62.9/121.8:.4f}; crude 17.4/4.6, 10.9/4.6 -> "
             f"{(lambda n: n/(n+1-hc))(w1644*(29.5*17.4/4.6+3.6*10.9/4.6+8.0)/100):.3f}"))
rows.append(("ovulation_spotting", "hormonal_contraception", 0.05, on(2.6 / 41.1, hc), "expert kept; bound 2.6/41.1 on the leak"))
pr = L("pregnant")
rows.append(("candidiasis", "pregnant", 0.044, on(1.5, pr), "RR 30/20 on the pregnant leak"))
c, h = 0.052 * w1644, 0.026 * w1644
bv = lambda rr: (rr * c + h) / (rr * c + h + 1 - c - h)
rows.append(("bacterial_vaginosis", "iud", 0.065, bv(1.28), f"c {c:.4f} h {h:.4f}; CI {bv(1.12):.4f}-{bv(1.46):.4f}"))
tx = L("tamoxifen")
rows.append(("endometrial_cancer", "tamoxifen", 0.011, on(2.53, tx), f"RR 2.53 on {tx}; LR {0.011/tx:.2f}"))
rows.append(("endometrial_polyp", "tamoxifen", 0.016, on(3.6, tx), f"R 36/10 on {tx}; LR {0.016/tx:.2f}"))
rows.append(("endometrial_hyperplasia", "tamoxifen", 0.03, 0.03, f"expert; LR {0.03/tx:.2f} (was {0.03/0.002:.1f})"))
hr = L("hrt")
mws = (22 * 0.71 + 45 * 1.05 + 9 * 1.79 + 4 * 1.45) / 80
print(f"MWS weighted RR = {mws:.4f}; hrt leak check 0.0686 x 1.90 x 0.2328 = {0.0686*1.90*0.2328:.4f}")
rows.append(("endometrial_cancer", "hrt", 0.032, on(mws, hr), "MWS RR on the hrt leak"))
rows.append(("endometrial_hyperplasia", "hrt", 0.032, on(mws, hr), "same RR"))
rows.append(("endometrial_polyp", "hrt", 0.032, on(0.137 / 0.130, hr), f"ratio 0.137/0.130 = {0.137/0.130:.3f}"))
bf = L("breastfeeding_or_postpartum")
rows.append(("endometrial_cancer", "breastfeeding_or_postpartum", 0.027, on(0.89, bf), f"OR 0.89; CI {on(0.81,bf):.4f}-{on(0.98,bf):.4f}"))
rows.append(("hymenal_tear", "screening_overdue", 0.18, L("screening_overdue"), "independence: the leak"))
R = (126 / 6135) / 0.039
rows.append(("cervical_cancer", "pregnant", 0.016, on(R, pr), f"126/6135 = {126/6135:.4f}; R = {R:.3f}"))
rows.append(("vulvovaginal_cancer", "pregnant", 0.03, pr, "independence: the leak"))
rows.append(("coital_microtrauma", "test_chlamydia_positive", 0.013, L("test_chlamydia_positive"), "independence: the leak"))
io = L("iud")
rows.append(("endometrial_cancer", "iud", 0.022, on(0.39, io),
             f"OR 0.39; CI {on(0.30,io):.4f}-{on(0.49,io):.4f}; ever 0.81 -> {on(0.81,io):.4f}; inert 0.69 -> {on(0.69,io):.4f}"))
ac = L("anticoagulants")
rows.append(("ovarian_cyst_rupture", "anticoagulants", 0.10, on(1.0, ac), f"RR 1 floor; RR 2 -> {on(2, ac):.3f}"))

print()
print(f"{'cause':26s} {'finding':28s} {'YAML':>7s} {'stated':>7s} {'recomp':>7s} {'LR yes':>7s} {'LR no':>6s}  ok  note")
for cid, fid, stated, comp_, note in rows:
    y = line(cid, fid)
    lk = L(fid)
    ok = abs(y - stated) < 1e-9 and (abs(round(comp_, 3) - y) <= 0.0051 or note.startswith("expert"))
    print(f"{cid:26s} {fid:28s} {y:7.4f} {stated:7.4f} {comp_:7.4f} {y/lk:7.3f} {(1-y)/(1-lk):6.3f}  {'ok' if ok else '??'}  {note}")

print()
print("Lines not changed that the convention bears on (values read from the YAML):")
so = L("screening_overdue")
y = line("cervical_cancer", "screening_overdue")
orr = odds(y) / odds(0.281)
print(f"cervical_cancer . screening_overdue {y}: LR yes {y/so:.2f}, no {(1-y)/(1-so):.3f}; within 25-64 share 0.281 ->"
      f" odds ratio {orr:.2f}, on the leak {on(orr, so):.3f} (LR {on(orr, so)/so:.2f}, no {(1-on(orr,so))/(1-so):.3f});"
      f" risk-ratio reading 0.65/0.281 = {y/0.281:.2f}")
y = line("vaginal_laceration", "hormonal_contraception")
print(f"vaginal_laceration . hormonal_contraception {y}: a series share (1/20 pill) against the act-weighted leak;"
      f" as an odds ratio to 0.411 on the leak: {on(odds(y)/odds(0.411), hc):.3f}; if all 30% unaccounted were hormonal"
      f" (7/20): {on(odds(0.35)/odds(0.411), hc):.3f}")
print(f"cervical_cancer . pregnant in the exact odds form: odds(0.0205)/odds(0.039) = {odds(126/6135)/odds(0.039):.4f}"
      f" -> {on(odds(126/6135)/odds(0.039), pr):.4f}")
for cid, fid in [("endometrial_hyperplasia", "iud"), ("endometrial_polyp", "pregnant"),
                 ("genitourinary_atrophy", "hormonal_contraception"), ("endometrial_cancer", "pregnant"),
                 ("hymenal_tear", "hormonal_contraception"), ("implantation_bleeding", "hormonal_contraception")]:
    y = line(cid, fid)
    print(f"{cid} . {fid} {y}: LR yes {y/L(fid):.3f}, no {(1-y)/(1-L(fid)):.3f}")
y = on(0.39, io)
print(f"endometrial_hyperplasia . iud with Felix's recent-use OR as a stand-in: {y:.4f}; at independence: {io}")

print()
print("Side checks:")
# Martinelli 2016 Table 1 (ashpublications.net/view-large/7501165): hormonal use by age group
u40 = 270 / (494 + 270)
o40 = 205 / (919 + 205)
print(f"EINSTEIN hormonal use by age: <40 {u40:.3f} (270/764), >=40 {o40:.3f} (205/1124); all 475/1888 = {475/1888:.3f}")
for rr in (0.8, 0.9, 1.0):
    print(f"  anticoagulant_bleeding . HC at a within-age ratio {rr}: {on(rr, hc):.3f}")
# cervical_cancer . screening_overdue with London coverage (64.7% screened, NHS Digital 2019-20) as comparator
orl = odds(0.647) / odds(1 - 0.647)
print(f"cervical_cancer . screening_overdue, comparator London 35.3% overdue: odds ratio {orl:.2f} -> {on(orl, so):.3f}")
print(f"  England comparator 28.1% overdue -> {on(odds(0.65)/odds(0.281), so):.3f}; risk-ratio form 2.31 -> {on(0.65/0.281, so):.3f}")
# endometrial_polyp . pregnant: Perez-Medina 2005, pregnancy RR 2.1 after polypectomy -> ratio 1/2.1 with the polyp in place
for r in (1 / 2.1, 1.0):
    print(f"endometrial_polyp . pregnant at a within-age ratio {r:.2f}: {on(r, pr):.4f} (LR {on(r, pr)/pr:.2f}; now 0.003, LR 0.10)")
# hymenal_tear . HC: the leak under independence given age
print(f"hymenal_tear . hormonal_contraception: line 0.15 = LR {0.15/hc:.2f}; independence given age would be the leak {hc}")
