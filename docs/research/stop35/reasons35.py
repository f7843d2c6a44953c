"""Stop-35 reviewer: draw 8 of the stop-35 rewritten `expert` reasons that quote or cite a passage (Random(3500)).

Population: every likelihood whose provenance is `expert` both at e8257f1 (before stop 35) and at HEAD, whose
reason text changed (helpers kb35a-c), and whose new reason quotes a passage ('...' quotation) or gives a figure
attributed to a named reading (an author and year, Medscape, NICE CKS, a series, an abstract or a page).
Run from the worktree root: python3 docs/research/stop35/reasons35.py
"""
import random, re, subprocess, yaml
from pathlib import Path

BASE, HEAD = "e8257f1", "HEAD"
M = "src/spotcheck/kb/data/model/"
files = sorted(str(p.relative_to(M)) for p in Path(M, "conditions").glob("*.yaml")) + ["findings.yaml"]

def load(rev, f):
    return yaml.safe_load(subprocess.check_output(["git", "show", f"{rev}:{M}{f}"]))

def walk(node, cur, path, out):
    if isinstance(node, dict):
        if isinstance(node.get("id"), str): cur, path = node["id"], []
        if isinstance(node.get("source"), dict) and "p" in node:
            out[(cur, ".".join(path))] = node
        for k, v in node.items():
            walk(v, cur, path + [str(k)], out)
    elif isinstance(node, list):
        for v in node: walk(v, cur, path, out)

QUOTE = re.compile(r"'[^']{8,}'")
CITED_FIGURE = re.compile(r"\d+(\.\d+)?%|\d+ of \d+")
NAMED = re.compile(r"[A-Z][a-z]+ (19|20)\d\d|Medscape|NICE|CKS|abstract|page|series", re.I)

pop = []
for f in files:
    a, b = {}, {}
    walk(load(BASE, f), None, [], a); walk(load(HEAD, f), None, [], b)
    for k, nb in b.items():
        na = a.get(k)
        if na and "expert" in na["source"] and "expert" in nb["source"] and na["source"]["expert"] != nb["source"]["expert"]:
            r = nb["source"]["expert"]
            quotes = bool(QUOTE.search(r)) or (bool(CITED_FIGURE.search(r)) and bool(NAMED.search(r)))
            pop.append((f, k[0], k[1], quotes, r))
pop.sort()
eligible = [(f, c, p, r) for f, c, p, q, r in pop if q]
print("rewritten expert reasons:", len(pop), "| quoting or citing a passage:", len(eligible))
for f, c, p, q, r in pop:
    print(("Q " if q else "- ") + f"{f} {c} {p}")
draw = random.Random(3500).sample(eligible, 8)
print("\n== 8 drawn (Random(3500)) ==")
for i, (f, c, p, r) in enumerate(draw, 1):
    print(i, f, c, p, "|", r)
