"""Reviewer draw: 20 cites (Random(STOP)) and 10 derived (Random(10 * STOP)).

Usage: draw34.py [MODEL_DIR] [STOP]; STOP is 34 by default (stop 35 ran it with 35).
"""
import json, random, sys
from pathlib import Path
import yaml

MODEL = Path(sys.argv[1] if len(sys.argv) > 1 else "src/spotcheck/kb/data/model")
STOP = int(sys.argv[2]) if len(sys.argv) > 2 else 34
OUT = Path(__file__).parent

cites, derived = [], []
records = {}

def norm(path):
    p = list(path)
    if p and p[0] == "likelihoods":
        p = p[1:]
    if p and p[-1] == "source":
        p = p[:-1]
    return ".".join(str(x) for x in p)

def walk(node, rel, cur_id, path, parent_p):
    if isinstance(node, dict):
        if "id" in node and isinstance(node["id"], str):
            cur_id, path = node["id"], []
        if isinstance(node.get("cite"), str):
            t = (rel, cur_id, norm(path))
            cites.append(t); records.setdefault(("cite",) + t, []).append({"p": parent_p, **node})
        if "derived" in node:
            t = (rel, cur_id, norm(path))
            derived.append(t); records.setdefault(("derived",) + t, []).append({"p": parent_p, **node})
        for k, v in node.items():
            pp = node.get("p", parent_p) if k == "source" else parent_p
            walk(v, rel, cur_id, path + [k], pp)
    elif isinstance(node, list):
        for v in node:
            walk(v, rel, cur_id, path, parent_p)

files = sorted(f for f in MODEL.rglob("*.yaml") if "sources" not in f.relative_to(MODEL).parts)
for f in files:
    walk(yaml.safe_load(f.read_text()), str(f.relative_to(MODEL)), None, [], None)

# plain text count
txt_c = sum(f.read_text().count("cite:") for f in files)
txt_d = sum(f.read_text().count("{derived:") for f in files)
per_file = {str(f.relative_to(MODEL)): f.read_text().count("cite:") for f in files}
print("files:", [str(f.relative_to(MODEL)) for f in files])
print("walker: cites", len(cites), "unique", len(set(cites)), "| derived", len(derived), "unique", len(set(derived)))
print("text:   'cite:'", txt_c, "| '{derived:'", txt_d)
print("cite: per file", {k: v for k, v in per_file.items() if v})

sc, sd = sorted(cites), sorted(derived)
dc = random.Random(STOP).sample(sc, 20)
dd = random.Random(10 * STOP).sample(sd, 10)
print("\n== 20 cites ==")
for i, t in enumerate(dc, 1):
    r = records[("cite",) + t][0]
    print(i, t, "p=", r["p"], "|", r["cite"], "|", r.get("at"), "|", r.get("says"))
print("\n== 10 derived ==")
for i, t in enumerate(dd, 1):
    r = records[("derived",) + t][0]
    print(i, t, "p=", r["p"], "|", r["derived"], "|", r.get("method"))
json.dump({"cites": sc, "derived": sd, "drawn_cites": dc, "drawn_derived": dd},
          open(OUT / f"all{STOP}.json", "w"), indent=1)
