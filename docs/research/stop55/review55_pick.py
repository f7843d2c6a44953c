"""Draw derived entries no review names.  usage: review55_pick.py [SEED N [ENTRY ...]]
(review55: seed 55, 10; review55b: seed 5502, 5, with its Task 1 entries as ENTRY).
"""
import glob, re, random, sys
from spotcheck.kb import load_knowledge_base
from spotcheck.kb._provenance import records
kb = load_knowledge_base()
recs = [r for r in records(kb) if r.kind == "derived"]
texts = [open(f).read() for f in sorted(glob.glob("docs/research/stop*/review*.md"))]
lines = [l for t in texts for l in t.splitlines()]
task1 = {"bleeding_disorder likelihoods.blood_in_urine", "anticoagulant_bleeding likelihoods.anticoagulants",
         "cervical_ectropion likelihoods.abnormal_discharge", "cervical_polyp likelihoods.known_polyp",
         "implantation_bleeding likelihoods.breastfeeding_or_postpartum"} | set(sys.argv[3:])
def named(r):
    w = r.where.split(" ")[0:2]
    a = w[0]
    if r.where.endswith(" leak"):
        pat = re.compile(r"\b%s\b`?\s*(·\s*|\(|,\s*)?(the\s+)?leak" % re.escape(a))
    else:
        kind, _, b = w[1].partition(".")
        if kind == "profiles":
            pat = re.compile(r"\b%s\b.*\b%s\b|\b%s\b.*\b%s\b" % (re.escape(a), re.escape(b), re.escape(b), re.escape(a)))
        else:
            pat = re.compile(r"\b%s\b.*\b%s\b" % (re.escape(a), re.escape(b)))
    return any(pat.search(l) for l in lines)
pool = [i for i, r in enumerate(recs) if " ".join(r.where.split(" ")[:2]) not in task1 and not named(r)]
print("derived entries", len(recs), "pool", len(pool))
seed, n = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) > 2 else (55, 10)
pick = random.Random(seed).sample(pool, n)
for i in pick:
    r = recs[i]; print(i, r.where, r.numbers, r.sources)
