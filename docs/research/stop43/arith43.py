"""Stop 43 reviewer: recompute the 3 rows converted to `derived` this stop (part 1), kb43a's Bayes
floor for cervical_ectropion . pregnant, and the 10 drawn derived numbers (Random(430), part 2b),
with a few checks on the drawn cites (part 2a).

Run from the worktree root:
    PYTHONPATH=src python docs/research/stop43/arith43.py src/spotcheck/kb/data/model
Read-only: it loads the YAML (and, for P3 and two side checks, the engine on the current tree)
and prints; it writes nothing.
"""
import sys
from pathlib import Path
import yaml

MODEL = Path(sys.argv[1] if len(sys.argv) > 1 else "src/spotcheck/kb/data/model")
odds = lambda p: p / (1 - p)
prob = lambda o: o / (1 + o)
F = {f["id"]: f for f in yaml.safe_load((MODEL / "findings.yaml").read_text())["findings"]}
C = {}
for f in sorted((MODEL / "conditions").glob("*.yaml")):
    for c in yaml.safe_load(f.read_text())["conditions"]:
        C[c["id"]] = c
L = lambda cid, key: C[cid]["likelihoods"].get(key)
leak = lambda fid: F[fid]["leak"]["p"]


def show(tag, got, kb, how, tol=0.0051):
    ok = abs(got - kb) < tol + 1e-9
    print(f"  {tag}: {how} = {got:.4f}  (KB {kb}; {'reproduces' if ok else 'DIFFERS'})")


def line(cid, fid, sex="male"):
    row = L(cid, fid)
    if row is None:
        return None
    if "by_sex" in row:
        return row["by_sex"][sex]["p"]
    return row.get("p")


print("=== PART 1: the 3 rows converted to derived in stop 43 (kb43b) ===\n")

print("P1 urethritis . fever (0.009)")
show("P1", 68 / 7628, L("urethritis", "fever")["p"], "68/7,628 (Malone 2008, all respondents)")
print(f"     with the abstract's other denominator 68/7,268 (those who agreed) = {68/7268:.4f};"
      f" 68/230 (those with flu) = {68/230:.3f} (the abstract's '(0.9%, 68/230)' is 68 of all respondents)")
print(f"     fever leak {leak('fever')}; LR = {L('urethritis','fever')['p']/leak('fever'):.2f} (was 0.04/0.009 = {0.04/0.009:.2f})")
for cid in ["chlamydia", "gonorrhoea", "mycoplasma_genitalium", "trichomoniasis", "epididymo_orchitis",
            "prostatitis", "urinary_tract_infection"]:
    print(f"     {cid:24s} fever (men): {line(cid, 'fever') if line(cid, 'fever') is not None else 'reads the leak ' + str(leak('fever'))}")

print("\nP2 haematospermia . genital_soreness (0.076)")
show("P2", 105 / 1373, L("haematospermia", "genital_soreness")["p"], "105/1,373 (ASHR 2009, weighted men 16-64)")
gl = leak("genital_soreness")
print(f"     leak {gl}; LR now {0.076/gl:.3f} (was 0.05/{gl} = {0.05/gl:.3f})")
ps = line("prostatitis", "genital_soreness")
print(f"     prostatitis . genital_soreness: {ps if ps is not None else 'no line, reads the leak ' + str(gl)}")
pr = (ps if ps is not None else gl)
print(f"     ratio prostatitis : benign haematospermia on soreness: now {pr/0.076:.2f}, before {pr/0.05:.2f}")

print("\nP3 haematospermia . testicular_pain (0.037)")
show("P3", 45 / 1203, L("haematospermia", "testicular_pain")["p"], "45/1,203 (Aljumaily 2017)")
print(f"     floor 3,084/382,036 = {3084/382036:.4f}; ceiling 105/1,373 = {105/1373:.4f}; leak {leak('testicular_pain')}")
for cid in ["epididymo_orchitis", "prostatitis", "urethritis", "chlamydia", "gonorrhoea", "frenulum_tear_injury",
            "prostate_cancer", "partner_source"]:
    v = line(cid, "testicular_pain")
    print(f"     {cid:22s} testicular_pain: {v if v is not None else 'leak'}")
try:
    from spotcheck.engine import Engine
    eng = Engine.default()

    def predictive(finding, facts):
        post = eng.posterior(facts)
        lk = eng.kb.findings[finding].leak
        tot = 0.0
        for c in eng.kb.conditions:
            r = c.likelihoods.get(finding)
            q = r.p if r is not None and isinstance(r.p, float) else lk.p
            tot += float(post[c.id]) * q
        return tot, post

    got, post = predictive("testicular_pain", {"sex": "male", "age": 46, "blood_in_semen": True})
    print(f"     engine: pooled P(testicular pain | man 46, blood in semen) = {got:.4f} "
          f"(Madhushankha 68/631 = {68/631:.4f}; test window 0.5x-1.5x = {0.5*68/631:.3f}-{1.5*68/631:.3f})")
    top = sorted(post.items(), key=lambda kv: -kv[1])[:6]
    print("     top causes there:", [(k, round(float(v), 3)) for k, v in top])
    # what the pooled share would be with the old 0.06 (sensitivity of the check only)
    h = float(post["haematospermia"])
    print(f"     haematospermia's share there {h:.3f}; with the old 0.06 the pooled share would be about "
          f"{got + h*(0.06-0.037):.4f} (posterior shift from the line itself ignored)")
    gs, _ = predictive("genital_soreness", {"sex": "male", "age": 46, "blood_in_semen": True})
    print(f"     engine: pooled P(genital soreness | man 46, blood in semen) = {gs:.4f}")
except Exception as e:  # pragma: no cover
    print("     engine not run:", e)

print("\nkb43a: cervical_ectropion . pregnant, the Bayes floor (value kept at 0.07, expert)")
print(f"  26/221 = {26/221:.4f} (the abstract's 11.7%)")
pl = leak("pregnant")
prior_share = 0.2066
fl = 0.117 * pl / prior_share
print(f"  floor 0.117 x {pl} / {prior_share} = {fl:.4f} (reason: 0.017)")
print(f"  implied share of ectropion behind bleeding after sex in pregnancy at 0.07: 0.07 x {prior_share} / {pl} = "
      f"{0.07*prior_share/pl:.3f} (reason: 48%)")
print(f"  same with P(pregnant | bleeding after sex) 0.05 instead of the leak 0.03: {0.07*prior_share/0.05:.3f}")
print(f"  LR of 'pregnant' for ectropion: 0.07 / {pl} = {0.07/pl:.2f}; at the floor: {fl/pl:.2f}")

print("\n=== PART 2a: checks on drawn cites ===")
print(f"  #4/#10 Singh 2021: 43/62 = {43/62:.4f} (69.35%), 32/62 = {32/62:.4f} (51.6%); 162 x 0.386 = {162*0.386:.1f}")
print(f"  #19 MSHC MG: 1/62 = {1/62:.4f} ('2%'); clinic-wide gonorrhoea 1%; LR of a positive GC test for MG vs leak "
      f"{leak('test_gonorrhoea_positive') if 'leak' in F.get('test_gonorrhoea_positive', {}) else '?'}: "
      f"{0.02/leak('test_gonorrhoea_positive'):.1f}")
print(f"  #3 gonorrhoea test female 0.961: LR vs leak {leak('test_gonorrhoea_positive')}: {0.961/leak('test_gonorrhoea_positive'):.0f}")
print(f"  cervicitis test lines now: chlamydia {line('cervicitis','test_chlamydia_positive','female')}, "
      f"gonorrhoea {line('cervicitis','test_gonorrhoea_positive','female')} (review42 mend 1)")
print(f"  #17 UTI . abnormal_discharge 0.15 vs leak {leak('abnormal_discharge')}: LR {0.15/leak('abnormal_discharge'):.2f}")
print(f"  #18 trichomoniasis dysuria female 0.165 vs leak {leak('dysuria')}: LR {0.165/leak('dysuria'):.2f}")

print("\n=== PART 2b: 10 derived numbers (Random(430)) ===\n")
print("D1 penile_fracture . urethral_discharge (0.012)")
show("D1", 0.012, L("penile_fracture", "urethral_discharge")["p"], "Add Health 1.2% (= the leak)")
print(f"     leak urethral_discharge {leak('urethral_discharge')}")

fem = {}
for cid, c in C.items():
    pr_ = c.get("prior", {})
    if "female" in pr_:
        fem[cid] = pr_["female"]["p"]
four = ["cervicitis", "chlamydia", "gonorrhoea", "mycoplasma_genitalium"]
s4 = sum(fem[k] for k in four)
tot = sum(fem.values())
print("\nD2/D9 cervicitis 79.12 and mycoplasma_genitalium 19.78 priors (female)")
print("     four priors:", {k: fem[k] for k in four}, f"sum {s4:.2f}; all female priors {tot:.2f}; share now {s4/tot:.4f}"
      f" (target 68/411 = {68/411:.4f})")
print(f"     scale factor check: 79.12/60 = {79.12/60:.4f}, 19.78/15 = {19.78/15:.4f}")
print(f"     to restore 68/411 exactly, the four would need x{(68/411)*(tot-s4)/((1-68/411)*s4):.4f}")

print("\nD3 vulvovaginal_cancer . exam_atrophy (0.603)")
pm = L("vulvovaginal_cancer", "postmenopausal")["p"]
show("D3", pm * 0.791 * 0.907, L("vulvovaginal_cancer", "exam_atrophy")["p"], f"{pm} x 0.791 x 0.907")

print("\nD4 chlamydia . unprotected_sex female (0.86)")
base = 0.2875
o = 0.4 * odds(base)
show("D4", 1 - prob(o), line("chlamydia", "unprotected_sex", "female"), "1 - P(condom), odds 0.4 x 0.2875/0.7125")
print(f"     (0.238 + 0.337)/2 = {(0.238+0.337)/2:.4f}; OR 1.0 -> {1-base:.3f}, OR 0.2 -> {1-prob(0.2*odds(base)):.3f}; "
      f"leak {leak('unprotected_sex')}")

print("\nD5 trichomoniasis . dysuria male (0.64)")
show("D5", (0.53 + 0.75) / 2, line("trichomoniasis", "dysuria", "male"), "(53 + 75)/2 %")
print(f"     non-specific urethritis dysuria (men): {line('urethritis','dysuria')}")

print("\nD6 days_since_procedure . default (0.167 / 0.523 / 0.31)")
d = F["days_since_procedure"]["profiles"]["default"]["p"]
print(f"     7/42 = {7/42:.4f}, 22/42 = {22/42:.4f}, 13/42 = {13/42:.4f}; KB {d}, sum {sum(d.values()):.3f}")
print(f"     no sex in the first week: 0 / {22/35:.3f} / {13/35:.3f}; half keep LLETZ advice: "
      f"{0.5*7/42:.3f} / {0.5*22/42+0.5*(1/14):.3f} / {0.5*13/42+0.5*(13/14):.3f}")
users = [cid for cid, c in C.items() if "days_since_procedure" in c.get("likelihoods", {})]
print(f"     conditions listing days_since_procedure: {users or 'none (inert)'}")

print("\nD7 urinary_tract_infection . lower_abdominal_pain female (0.5 / 0.455 / 0.045)")
r = L("urinary_tract_infection", "lower_abdominal_pain")["by_sex"]["female"]["p"]
print(f"     none 1 - 0.50 = 0.50; 0.50 x 10/11 = {0.5*10/11:.4f}, 0.50 x 1/11 = {0.5/11:.4f}; KB {r}")

print("\nD8 urethritis . fever: see P1")

print("\nD10 endometrial_polyp . tamoxifen (0.016)")
s = 137 / 30.44 / 1000
show("D10", 3.6 * s / (3.6 * s + 1 - s), L("endometrial_polyp", "tamoxifen")["p"], f"R 3.6, s = 137/30.44/1000 = {s:.5f}")
print(f"     R = 36/10 = {36/10}; with s = 0.0045 exactly: {3.6*0.0045/(3.6*0.0045+0.9955):.4f}; "
      f"tamoxifen leak {leak('tamoxifen')}; LR {L('endometrial_polyp','tamoxifen')['p']/leak('tamoxifen'):.2f}")
print(f"     only after the menopause (0.67 x): {0.67*3.6*0.0045/(3.6*0.0045+0.9955):.4f}")
