# Stop 42, second evidence round: the reviewer's arithmetic (review42b).
#
# Read-only: it loads the YAML of the knowledge base and, for the last check, the
# engine on the current tree; it prints and writes nothing.
# Run from the worktree root:
#   PYTHONPATH=src python docs/research/stop42/arith42b.py src/spotcheck/kb/data/model
import math
import sys
from pathlib import Path

import yaml

MODEL = Path(sys.argv[1] if len(sys.argv) > 1 else "src/spotcheck/kb/data/model")
F = {f["id"]: f for f in yaml.safe_load((MODEL / "findings.yaml").read_text())["findings"]}
C = {}
for path in sorted((MODEL / "conditions").glob("*.yaml")):
    for c in yaml.safe_load(path.read_text())["conditions"]:
        C[c["id"]] = c
B = ["12-15", "16-19", "20-24", "25-34", "35-44", "45-54", "55-64", "65+"]
MID = {"12-15": 14, "16-19": 18, "20-24": 22.5, "25-34": 30, "35-44": 40, "45-54": 50, "55-64": 60, "65+": 72}


def lik(cid, fid):
    return C[cid].get("likelihoods", {}).get(fid)


def phi(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def listers(fid):
    out = []
    for cid, c in C.items():
        spec = c.get("likelihoods", {}).get(fid)
        if spec is None:
            continue
        if "by_sex" in spec:
            out.append((cid, {s: v["p"] for s, v in spec["by_sex"].items()}))
        else:
            out.append((cid, spec["p"]))
    return out


print("=" * 78)
print("R1  genital_soreness leak (findings.yaml)")
leak_gs = F["genital_soreness"]["leak"]["p"]
print(f"    YAML now: {leak_gs}  (kind: {next(iter(F['genital_soreness']['leak']['source']))})")
women, men = 0.083, 105 / 1373
print(f"    Reed 2012 women 0.083; ASHR men 105/1373 = {men:.4f} (abstract rounds to 7.6%)")
print(f"    (0.083 + 0.076) / 2 = {(0.083 + 0.076) / 2:.4f} -> 0.08;  with 105/1373: {(women + men) / 2:.4f}")
print("    likelihood ratios of the causes that list the finding, old leak 0.12 -> new", leak_gs)
print("    (both columns use today's likelihood; partner_source's own line was 0.05 before, LR 0.42)")
for cid, p in listers("genital_soreness"):
    if isinstance(p, dict):
        print(f"      {cid:32s} {p}")
        continue
    print(f"      {cid:32s} p={p:<7} LR old {p / 0.12:6.2f}  new {p / leak_gs:6.2f}")
print("    BV line in the leak's convention (Klebanoff: irritation over 6 months 9% with BV, 14% without):")
print(f"      LR within the source 0.09/0.14 = {0.09 / 0.14:.3f};  0.08 x 0.09/0.14 = {0.08 * 0.09 / 0.14:.4f}")

print("=" * 78)
print("R2  partner_source . genital_soreness (men.yaml)")
p = lik("partner_source", "genital_soreness")["p"]
print(f"    YAML now: {p}; leak {leak_gs}; LR {p / leak_gs:.2f} (independence means 1)")
print(f"    partner_source prior: {C['partner_source']['prior']}")

print("=" * 78)
print("R3  testicular_pain leak (findings.yaml)")
leak_tp = F["testicular_pain"]["leak"]["p"]
print(f"    YAML now: {leak_tp}")
print(f"    Aljumaily 45/1203 = {45 / 1203:.4f};  Rottenstreich 3084/382036 = {3084 / 382036:.4f};"
      f"  ASHR 105/1373 = {105 / 1373:.4f}")
print("    the companion paper's 'Forbes et al.' 4.3% and Ciftci's 4.75% (same searches) for comparison")
print("    likelihood ratios of the causes that list the finding, old leak 0.03 -> new", leak_tp)
print("    (both columns use today's likelihood; frenulum_tear_injury's own line was 0.01 before, LR 0.33)")
for cid, p in listers("testicular_pain"):
    print(f"      {cid:32s} p={p:<7} LR old {p / 0.03:6.2f}  new {p / leak_tp:6.2f}")

print("=" * 78)
print("R4  frenulum_tear_injury . testicular_pain (men.yaml)")
p = lik("frenulum_tear_injury", "testicular_pain")["p"]
print(f"    YAML now: {p}; leak {leak_tp}; LR {p / leak_tp:.2f} (was 0.01/0.03 = {0.01 / 0.03:.2f})")

print("=" * 78)
print("R5  vaginal_laceration . age (natural.yaml)")
age = F["age"]["profiles"]
teen, repro = age["teen_young"]["p"], age["reproductive"]["p"]
default = age["default"]["p"]
# docs/evidence.md, Issue 10, fourth pass, "Per band": women who have sex (M), share past the menopause
have_sex = dict(zip(B, [0.84, 4.71, 8.22, 17.57, 16.22, 16.08, 16.23, 12.32]))
past_tab = dict(zip(B, [0, 0, 0, 0, 0.006, 0.51, 0.995, 1.0]))
# recompute the share past the menopause per band: N(49.9, 3.0) at each single year's middle
span = {"12-15": (12, 15), "16-19": (16, 19), "20-24": (20, 24), "25-34": (25, 34), "35-44": (35, 44),
        "45-54": (45, 54), "55-64": (55, 64), "65+": (65, 74)}
rec = {b: sum(phi((a + 0.5 - 49.9) / 3.0) for a in range(lo, hi + 1)) / (hi - lo + 1)
       for b, (lo, hi) in span.items()}
print("    share past menopause per band, evidence.md table vs recomputed (even spread within band):")
print("      ", {b: (past_tab[b], round(rec[b], 3)) for b in B})
post_raw = {b: have_sex[b] * past_tab[b] for b in B}
s = sum(post_raw.values())
post = {b: v / s for b, v in post_raw.items()}
print("    postmenopausal women who have sex:", {b: round(v, 4) for b, v in post.items() if v})
mix = {b: 0.40 * teen[b] + 0.15 * post[b] + 0.45 * repro[b] for b in B}
t = sum(mix.values())
mix = {b: v / t for b, v in mix.items()}
yaml_age = lik("vaginal_laceration", "age")["p"]
print("    band    mixture   YAML     old expert  default(leak)  LR new  LR old")
old = dict(zip(B, [0.065, 0.229, 0.194, 0.199, 0.122, 0.068, 0.066, 0.057]))
for b in B:
    print(f"    {b:6s}  {mix[b]:.4f}   {yaml_age[b]:<7}  {old[b]:<10}  {default[b]:<13}  "
          f"{yaml_age[b] / default[b]:5.2f}   {old[b] / default[b]:5.2f}")
print(f"    sum of weights before normalising {t:.6f}; YAML sum {sum(yaml_age.values()):.4f}")


def mean_sd(d):
    m = sum(d[b] * MID[b] for b in B)
    v = sum(d[b] * (MID[b] - m) ** 2 for b in B)
    return m, math.sqrt(v)


m, sd = mean_sd(mix)
print(f"    mixture mean {m:.1f} (band midpoints, 65+ at 72), SD across bands {sd:.1f};"
      f" series 27.6 +- 12.5, n 20, SE {12.5 / math.sqrt(20):.2f}; z = {(m - 27.6) / (12.5 / math.sqrt(20)):.2f}")
print(f"    old expert table mean {mean_sd(old)[0]:.1f}")
mt, _ = mean_sd(teen)
mp, _ = mean_sd(post)
mr, _ = mean_sd(repro)
print(f"    part means: first intercourse {mt:.1f}, postmenopausal {mp:.1f}, reproductive {mr:.1f}")
other = (27.6 * 20 - 8 * mt - 3 * mp) / 9
print(f"    mean the series' other 9 women would need if the first two parts are right: {other:.1f}"
      f" (reproductive curve {mr:.1f})")
p12 = mix["12-15"]
print(f"    youngest in the series 16: P(no woman under 16 of 20 | 12-15 share {p12:.3f}) = {(1 - p12) ** 20:.3f}")
print(f"    within the 8 first-intercourse women: P(none under 16 | teen_young 12-15 {teen['12-15']}) ="
      f" {(1 - teen['12-15']) ** 8:.3f}")
# sensitivity: teen_young with 12-15 removed (renormalised over 16+)
teen16 = {b: (0 if b == "12-15" else teen[b]) for b in B}
z = sum(teen16.values())
teen16 = {b: v / z for b, v in teen16.items()}
mix16 = {b: 0.40 * teen16[b] + 0.15 * post[b] + 0.45 * repro[b] for b in B}
z = sum(mix16.values())
mix16 = {b: v / z for b, v in mix16.items()}
print("    sensitivity, first-intercourse part from 16 (12-15 moved up pro rata):",
      {b: round(v, 4) for b, v in mix16.items()}, f"mean {mean_sd(mix16)[0]:.1f}")
share_post = 0.15 + 0.40 * sum(teen[b] * past_tab[b] for b in B)
print(f"    share past the menopause implied: {share_post / t:.3f} (cited 0.15)")


def wilson(k, n, zz=1.96):
    ph = k / n
    c = (ph + zz * zz / (2 * n)) / (1 + zz * zz / n)
    h = zz * math.sqrt(ph * (1 - ph) / n + zz * zz / (4 * n * n)) / (1 + zz * zz / n)
    return c - h, c + h
print("    Wilson 95%: 8/20", tuple(round(x, 3) for x in wilson(8, 20)),
      " 3/20", tuple(round(x, 3) for x in wilson(3, 20)))

print("=" * 78)
print("R6  days_since_procedure . default (findings.yaml, the leak's profile)")
dsp = F["days_since_procedure"]["profiles"]["default"]["p"]
print(f"    YAML now: {dsp}, sum {sum(dsp.values()):.3f}; bands {F['days_since_procedure']['bands']}")
print(f"    even spread over days 0-41: {7 / 42:.4f} / {22 / 42:.4f} / {13 / 42:.4f}")
print(f"    all LLETZ, no sex before day 28: 0 / {1 / 14:.4f} / {13 / 14:.4f}")


def bands(density):
    tot = sum(density)
    return (round(sum(density[0:7]) / tot, 4), round(sum(density[7:29]) / tot, 4),
            round(sum(density[29:42]) / tot, 4))


print("    rising sex density (each a density of acts over days 0-41) -> 0-6 / 7-28 / 29+:")
print("      no sex days 0-6, even after     ", bands([0] * 7 + [1] * 35))
print("      no sex days 0-2 (biopsy, coil)  ", bands([0] * 3 + [1] * 39))
print("      half LLETZ (none to 27), half even", bands([0.5 * (1 if d >= 28 else 0) * 42 / 14 + 0.5 for d in range(42)]))
print("      linear rise from 0              ", bands([d for d in range(42)]))
print("    -> under any density that rises with the days, 0-6 and 0-28 are at most 7/42 and 29/42"
      " (29+ at least 13/42), but 7-28 alone can be above 22/42")
try:
    from spotcheck.engine import Engine

    eng = Engine.default()
    base = {"sex": "female", "age": 32, "recent_gynae_procedure": True}
    p3 = eng.posterior({**base, "days_since_procedure": 3})
    p35 = eng.posterior({**base, "days_since_procedure": 35})
    pn = eng.posterior(base)
    diff = max(abs(p3[c] - p35[c]) for c in p3)
    diffn = max(abs(p3[c] - pn[c]) for c in p3)
    print(f"    engine: largest posterior difference, day 3 vs day 35: {diff:.2e}; day 3 vs unasked: {diffn:.2e}")
    users = [cid for cid, c in C.items() if "days_since_procedure" in c.get("likelihoods", {})]
    print(f"    causes that list days_since_procedure: {users}")
except Exception as e:  # pragma: no cover
    print("    engine not run:", e)

print("=" * 78)
print("Side check: findings that no cause lists (every cause reads the leak, so it cancels)")
listed = {fid for c in C.values() for fid in c.get("likelihoods", {})}
for fid, f in F.items():
    if fid in listed or fid == "sex":
        continue
    lk = f.get("leak", {})
    if "profile" in lk:
        prof = f["profiles"][lk["profile"]]
        kind = next(iter(prof["source"]))
        n = len(prof["p"])
    else:
        kind = next(iter(lk.get("source", {"?": 0})))
        n = 1 if not isinstance(lk.get("p"), dict) else len(lk["p"])
    print(f"    {fid:28s} leak kind {kind:8s} numbers {n}")
