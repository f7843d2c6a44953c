"""Stop 44 reviewer: recompute the 4 rows converted to `derived` this stop (kb44a, kb44b), the checks in
kb44b's rewritten urothelial_cancer . blood_in_semen reason, and the 10 drawn derived numbers
(Random(440)), with a few checks on the drawn cites (Random(44)).

Run from the worktree root:
    PYTHONPATH=src python docs/research/stop44/arith44.py src/spotcheck/kb/data/model
Read-only: it loads the YAML (and the engine on the current tree for the haematospermia and
urothelial checks) and prints; it writes nothing.
"""
import math
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


def line(cid, fid, sex=None):
    row = L(cid, fid)
    if row is None:
        return None
    if "by_sex" in row:
        return row["by_sex"][sex or "female"]["p"]
    return row.get("p")


def show(tag, got, kb, how, tol=0.0051):
    ok = abs(got - kb) < tol + 1e-9
    print(f"  {tag}: {how} = {got:.4f}  (KB {kb}; {'reproduces' if ok else 'DIFFERS'})")


def bisect(f, lo, hi, n=200):
    for _ in range(n):
        mid = (lo + hi) / 2
        if f(lo) * f(mid) <= 0:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def cp(k, n, a=0.05):
    """Clopper-Pearson exact interval by bisection on the binomial tail."""
    def tail_ge(p):  # P(X >= k)
        return 1 - sum(math.comb(n, i) * p**i * (1 - p)**(n - i) for i in range(k))
    def tail_le(p):  # P(X <= k)
        return sum(math.comb(n, i) * p**i * (1 - p)**(n - i) for i in range(k + 1))
    lo = 0.0 if k == 0 else bisect(lambda p: tail_ge(p) - a / 2, 1e-12, 1 - 1e-12)
    hi = 1.0 if k == n else bisect(lambda p: tail_le(p) - a / 2, 1e-12, 1 - 1e-12)
    return lo, hi


print("=== PART 1: the 4 rows converted to derived in stop 44, and the rewritten reason ===\n")

print("T1 trichomoniasis . test_chlamydia_positive (0.094)")
N, TV, CT, GC, POS = 8347, 410, 260, 35, 656


def solve_ct(OR):
    def g(x):
        q = (CT - TV * x) / (N - TV)
        return odds(x) - OR * odds(q)
    return bisect(g, 1e-9, CT / TV - 1e-9)


for OR in (1.6, 3.6, 8.2):
    x = solve_ct(OR)
    q = (CT - TV * x) / (N - TV)
    print(f"     OR {OR}: x = P(CT | TV) = {x:.4f}, q = P(CT | no TV) = {q:.4f}, women with both = {TV*x:.1f}")
show("T1", solve_ct(3.6), line("trichomoniasis", "test_chlamydia_positive"), "OR 3.6 applied to CHOICE")
print(f"     ceiling: ({GC}+{CT}+{TV}) - {POS} = {GC+CT+TV-POS} extra infections; /410 = {(GC+CT+TV-POS)/TV:.4f}")
lk = leak("test_chlamydia_positive")
x45 = prob(3.6 * odds(lk))
print(f"     at the leak's share ({lk}): prob(3.6 x odds) = {x45:.4f}; line/leak = {0.094/lk:.2f};"
      f" within-CHOICE ratio x/q = {solve_ct(3.6)/((CT-TV*solve_ct(3.6))/(N-TV)):.2f}")
for cid in ["gonorrhoea", "chlamydia", "mycoplasma_genitalium", "cervicitis", "pelvic_inflammatory_disease",
            "bacterial_vaginosis"]:
    print(f"     {cid:28s} test_chlamydia_positive: {line(cid, 'test_chlamydia_positive')}")

print("\nT2 trichomoniasis . test_gonorrhoea_positive (0.062)")
show("T2", 5 / 81, line("trichomoniasis", "test_gonorrhoea_positive"), "5/81 (mixed / TV by ITS-PCR)")
print(f"     5/64 (culture) = {5/64:.4f}; 5/54 (wet mount) = {5/54:.4f}")
gl = leak("test_gonorrhoea_positive")
p_no = (17 - 5) / (420 - 81)
print(f"     within Qom, if the mixed infections are PCR-gonorrhoea: P(GC | no TV) = 12/339 = {p_no:.4f};"
      f" ratio {5/81/p_no:.2f}; series GC 17/420 = {17/420:.4f}")
print(f"     leak {gl}; line/leak = {0.062/gl:.0f}; setting/leak = {(17/420)/gl:.0f}")
print(f"     the within-series ratio on other bases: CHOICE 35/8347 = {35/8347:.4f} -> "
      f"{prob(5/81/p_no * odds(35/8347)):.4f}; the leak {gl} -> {prob(5/81/p_no*odds(gl)):.4f}")
for cid in ["gonorrhoea", "chlamydia", "mycoplasma_genitalium", "cervicitis", "pelvic_inflammatory_disease"]:
    print(f"     {cid:28s} test_gonorrhoea_positive: {line(cid, 'test_gonorrhoea_positive')}")

print("\nP3 pelvic_inflammatory_disease . exam_cervical_motion_tenderness (0.65)")
v = line("pelvic_inflammatory_disease", "exam_cervical_motion_tenderness")
cl = leak("exam_cervical_motion_tenderness")
print(f"  P3: the floor 0.65 taken as the value: KB {v}")
print(f"     leak {cl}; LR present {v/cl:.0f} (was {0.6/cl:.0f}); LR absent {(1-v)/(1-cl):.3f} (was {0.4/(1-cl):.3f})")
for cid, c in C.items():
    r = line(cid, "exam_cervical_motion_tenderness")
    if r is not None:
        print(f"     {cid:28s} exam_cervical_motion_tenderness: {r}")
print(f"     pelvic tenderness line {line('pelvic_inflammatory_disease', 'exam_pelvic_tenderness')}")

print("\nH haematospermia . dysuria (0.03)")
hv = line("haematospermia", "dysuria")
dl = leak("dysuria")
print(f"  H: the background figure 3% (Michels 2015): KB {hv}; dysuria leak {dl}; LR against the leak {hv/dl:.2f}"
      f" (was 0.1/{dl} = {0.1/dl:.2f})")
print("     men's causes and their dysuria line (None = reads the leak):")
male = [cid for cid, c in C.items() if isinstance(c.get("prior"), dict) and "male" in c["prior"]]
for cid in male:
    print(f"       {cid:28s} {line(cid, 'dysuria', 'male')}")
try:
    from spotcheck.engine import Engine
    eng = Engine.default()
    for age in (30, 45, 65):
        for dys in (True, False):
            post = eng.posterior({"sex": "male", "age": age, "blood_in_semen": True, "dysuria": dys})
            h = post["haematospermia"]
            # unnormalised weight scales with the line; what the line at the leak (0.06) would give:
            f = (0.06 / hv) if dys else ((1 - 0.06) / (1 - hv))
            h2 = h * f / (1 - h + h * f)
            top = sorted(post.items(), key=lambda kv: -kv[1])[:3]
            print(f"     man {age}, blood in semen, dysuria={dys}: haematospermia {h:.4f}"
                  f" (with the line at the leak 0.06: {h2:.4f}); top {[(k, round(v, 3)) for k, v in top]}")
except Exception as ex:  # pragma: no cover
    print("     engine not run:", ex)

print("\nU urothelial_cancer . blood_in_semen (0.15, expert, reason rewritten)")
lo, hi = cp(1, 735)
print(f"     pooled 1/735 = {1/735:.5f}; exact 95% {lo*100:.4f}% to {hi*100:.3f}%")
try:
    ages = range(18, 86)
    mu, sd = 45.05, 14.04
    w = [math.exp(-0.5 * ((a - mu) / sd) ** 2) for a in ages]
    s = sum(w)
    w = [x / s for x in w]
    pu = [eng.posterior({"sex": "male", "age": a, "blood_in_semen": True})["urothelial_cancer"] for a in ages]
    avg = sum(wi * pi for wi, pi in zip(w, pu))
    w40 = [wi if a >= 40 else 0 for wi, a in zip(w, ages)]
    avg40 = sum(wi * pi for wi, pi in zip(w40, pu)) / sum(w40)
    print(f"     engine, man with blood in semen only, averaged over N(45.05, 14.04) on 18-85 by whole year:"
          f" {avg*100:.3f}% (40+: {avg40*100:.3f}%)")
    # posterior odds scale with the line for a rare cause: value that hits a target share
    for tgt in (1 / 735, lo, hi):
        print(f"       line that gives {tgt*100:.4f}% (rare-cause scaling): {0.15 * tgt / avg:.4f}")
except Exception as ex:  # pragma: no cover
    print("     engine not run:", ex)

try:
    # pooled check for H: predicted P(dysuria | man 46, blood in semen) against Madhushankha's 16.4%
    post = eng.posterior({"sex": "male", "age": 46, "blood_in_semen": True})
    lk = eng.kb.findings["dysuria"].leak.p
    tot = 0.0
    for c in eng.kb.conditions:
        r = c.likelihoods.get("dysuria")
        q = lk
        if r is not None:
            q = r.by_sex["male"].p if getattr(r, "by_sex", None) else r.p
        tot += float(post[c.id]) * q
    h = post["haematospermia"]
    print(f"\n     H check: predicted P(dysuria | man 46, blood in semen) = {tot:.4f} (Madhushankha 38/232 = {38/232:.4f});"
          f" with the old 0.1 about {tot + h*(0.1-0.03):.4f}; at the leak 0.06 about {tot + h*(0.06-0.03):.4f}")
except Exception as ex:  # pragma: no cover
    print("     H check not run:", ex)

print("\n=== PART 2b: the 10 drawn derived numbers (Random(440)) ===\n")
show("D1 candidiasis . genital_soreness", 0.638, line("candidiasis", "genital_soreness"), "burning 63.8% (RBGO 2013)")
s = 0.295 + 0.036 + 0.054 + 0.026
x = prob(0.72 * odds(s))
show("D2 ovarian_cyst_rupture . hormonal_contraception", x * 0.841, line("ovarian_cyst_rupture", "hormonal_contraception"),
     f"OR 0.72 on s = {s:.3f} -> {x:.4f}, x 0.841 (reproductive 16-44)")
rep = F["age"]["profiles"]["reproductive"]["p"]
print(f"     reproductive profile share 16-44 = {sum(rep[b] for b in ['16-19','20-24','25-34','35-44']):.4f}")
hl = leak("hormonal_contraception")
print(f"     leak {hl} (= {s:.3f} x 0.7054 act-weighted 16-44); line/leak = {0.28/hl:.3f};"
      f" within-age ratio {x:.4f}/{s:.3f} = {x/s:.3f}")
print(f"     within-age reading on the leak: prob(0.72 x odds({hl})) = {prob(0.72*odds(hl)):.4f};"
      f" ratio x leak = {x/s*hl:.4f}; interval OR 0.53-0.99: {prob(0.53*odds(hl)):.3f}-{prob(0.99*odds(hl)):.3f}")
show("D3 prostatitis . urinary_symptoms", (0.52 * 90 + 0.540 * 389) / 479, line("prostatitis", "urinary_symptoms"),
     "(0.52 x 90 + 0.540 x 389)/479")
pd = L("prostatitis", "pain_during_sex")["p"]
print(f"  D4 prostatitis . pain_during_sex: none 1 - 0.45 = {1-0.45:.3f}, superficial 0.45/10 = {0.045:.3f},"
      f" deep 0.45 x 9/10 = {0.405:.3f}  (KB {pd})")
show("D5 bleeding_disorder . bleeding_tendency", 0.92, line("bleeding_disorder", "bleeding_tendency"), "92% (CDC, 102 women)")
print(f"     bleeding_tendency leak {leak('bleeding_tendency')}; LR {0.92/leak('bleeding_tendency'):.0f}")
show("D6 pelvic_inflammatory_disease . test_chlamydia_positive", 40 / 104,
     line("pelvic_inflammatory_disease", "test_chlamydia_positive"), "40/104 (BJOG 1995)")
show("D7 pelvic_inflammatory_disease . exam_cervical_motion_tenderness", 0.65,
     line("pelvic_inflammatory_disease", "exam_cervical_motion_tenderness"), "see P3")
show("D8 endometrial_hyperplasia . postmenopausal", 1 - 0.552, line("endometrial_hyperplasia", "postmenopausal"),
     "1 - 0.552 (floor from postmenopausal bleeding 0.308)")
show("D9 urethritis . urethral_discharge", 1 - (0.53 + 0.75) / 2 + 0.38, line("urethritis", "urethral_discharge"),
     "1 - 0.64 + 0.38")
print(f"     at the ends of 53-75: {1-0.53+0.38:.2f} / {1-0.75+0.38:.2f}")
show("D10 contraceptive_breakthrough_bleeding . smoker", prob(1.47 * odds(0.119)),
     line("contraceptive_breakthrough_bleeding", "smoker"), "1.47 x 0.119 / (1.47 x 0.119 + 0.881)")
print(f"     at 14.0% (ONS, ages 25-34): {prob(1.47*odds(0.14)):.4f}; smoker leak {leak('smoker')}")

print("\n=== PART 2a: drawn cites, p against the quoted figure ===\n")
for tag, cid, fid, sex, fig in [
        ("1", "urinary_tract_infection", "fever", "female", 0.10), ("2", "genitourinary_atrophy", "vaginal_dryness", None, 0.782),
        ("3", "vaginal_laceration", "postmenopausal", None, 0.15), ("4", "gonorrhoea", "dysuria", "female", 0.12),
        ("5", "gonorrhoea", "urethral_discharge", None, 0.802), ("6", "urinary_tract_infection", "abnormal_discharge", None, 0.15),
        ("7", "trichomoniasis", "urethral_discharge", None, 0.54), ("8", "epididymo_orchitis", "dysuria", None, 0.30),
        ("9", "endometrial_cancer", "postmenopausal", None, 0.76), ("10", "ectopic_pregnancy", "exam_cervical_motion_tenderness", None, 0.43),
        ("13", "endometrial_cancer", "abnormal_discharge", None, 0.554), ("14", "uterine_fibroids", "heavy_periods", None, 0.598),
        ("15", "chlamydia", "test_chlamydia_positive", "female", 0.983), ("16", "ectopic_pregnancy", "period_late", None, 0.741),
        ("17", "bleeding_disorder", "heavy_periods", None, 0.931), ("18", "prostate_cancer", "test_psa_raised", None, 0.93),
        ("19", "gonorrhoea", "test_gonorrhoea_positive", "female", 0.961)]:
    v = line(cid, fid, sex)
    print(f"  #{tag} {cid} . {fid}: KB {v}, quoted {fig}: {'equal' if abs(v - fig) < 1e-9 else 'DIFFERS'}")
for tag, fid, fig in [("11", "heavy_periods", 0.25), ("12", "intermenstrual_bleeding", 0.17), ("20", "lower_back_pain", 0.119)]:
    print(f"  #{tag} {fid} leak: KB {leak(fid)}, quoted {fig}: {'equal' if abs(leak(fid) - fig) < 1e-9 else 'DIFFERS'}")
print(f"  #5 gonorrhoea . urethral_discharge against its leak {leak('urethral_discharge')}: LR {0.802/leak('urethral_discharge'):.0f}")
print(f"  #18 prostate_cancer . test_psa_raised leak {leak('test_psa_raised') if 'test_psa_raised' in F else 'n/a'}")

print("\n=== U, side check: Hakam 2022 claims (benign haematospermia, no haematuria, men 18-64) ===")
try:
    lo2, hi2 = cp(4, 56157)
    print(f"     bladder cancer 4/56,157 = {4/56157*100:.4f}% (exact 95% {lo2*100:.4f}% to {hi2*100:.4f}%)")
    # the US claims ages: the haematospermia profile restricted to 18-64 is not known; use Efesoy's normal on 18-64
    ages2 = range(18, 65)
    w2 = [math.exp(-0.5 * ((a - 45.05) / 14.04) ** 2) for a in ages2]
    s2 = sum(w2)
    w2 = [x / s2 for x in w2]
    for bu in (None, False):
        facts = lambda a: {"sex": "male", "age": a, "blood_in_semen": True, **({} if bu is None else {"blood_in_urine": bu})}
        pu2 = [eng.posterior(facts(a))["urothelial_cancer"] for a in ages2]
        avg2 = sum(wi * pi for wi, pi in zip(w2, pu2))
        print(f"     engine, 18-64, blood_in_urine={bu}: {avg2*100:.4f}%; line that gives Hakam's rate (rare-cause scaling):"
              f" {0.15 * (4/56157) / avg2:.4f} (interval {0.15*lo2/avg2:.4f}-{0.15*hi2/avg2:.4f})")
except Exception as ex:  # pragma: no cover
    print("     not run:", ex)

print("\n=== D2, side check: hormonal_contraception lines against the leak, and one engine example ===")
for cid in ["ovarian_cyst_rupture", "endometrial_cancer", "vulvovaginal_cancer", "endometrial_polyp",
            "endometrial_hyperplasia", "uterine_fibroids"]:
    v = line(cid, "hormonal_contraception")
    print(f"     {cid:24s} {v}  line/leak {v/hl:.3f}")
try:
    for age in (40, 47):
        base = {"sex": "female", "age": age, "postmenopausal": False}
        p0 = eng.posterior(base)
        p1 = eng.posterior({**base, "hormonal_contraception": True})
        print(f"     woman {age}, not postmenopausal: endometrial_cancer {p0['endometrial_cancer']:.5f} -> {p1['endometrial_cancer']:.5f}"
              f" with HC yes (x{p1['endometrial_cancer']/p0['endometrial_cancer']:.3f}); vulvovaginal_cancer"
              f" {p0['vulvovaginal_cancer']:.5f} -> {p1['vulvovaginal_cancer']:.5f}")
except Exception as ex:  # pragma: no cover
    print("     not run:", ex)
