"""ev62_scan.py: the expert numbers of the knowledge base, and two quick filters (stop 62, ev62).

Run from the repository root:  PYTHONPATH=src python docs/research/stop62/ev62_scan.py
Prints (1) the expert yes/no lines whose value equals their finding's leak, with the leak's kind,
and (2) the expert yes/no lines whose value equals a percentage quoted in their own reason
(within 0.6 percentage points), then (3) the expert numbers by the shape of their reason.
Candidates only: each has to be read against its source before any kind is changed.
"""

from __future__ import annotations

import collections
import re

from spotcheck import Engine
from spotcheck.kb._provenance import records

PCT = re.compile(r"(\d+(?:\.\d+)?)\s?%")
FIG = re.compile(r"\d\s?%|\d+ of \d+|\d+ ?/ ?\d+")


def main() -> None:
    kb = Engine.default().kb
    leaks = {
        fid: (f.leak.p, f.leak.source.kind)
        for fid, f in kb.findings.items()
        if f.leak is not None and f.leak.p is not None and f.leak.source is not None
    }
    print("== expert yes/no lines equal to a leak, or to a percentage in their own reason")
    for c in kb.conditions:
        for fid, lk in c.likelihoods.items():
            pairs = [("", lk)] if lk.by_sex is None else list(lk.by_sex.items())
            for sex, one in pairs:
                if one.p is None or one.source is None or one.source.kind != "expert":
                    continue
                if not isinstance(one.p, float):
                    continue
                reason = one.source.expert or ""
                tags = []
                if fid in leaks and abs(leaks[fid][0] - one.p) < 1e-9:
                    tags.append(f"= leak ({leaks[fid][1]})")
                if any(abs(float(x) / 100 - one.p) < 0.006 for x in PCT.findall(reason)):
                    tags.append("= a % in its reason")
                if tags:
                    print(f"{c.id} · {fid} {sex} = {one.p}  {tags}")
    print("== expert numbers by the shape of their reason")
    cat: collections.Counter[str] = collections.Counter()
    for r in records(kb):
        if r.kind != "expert":
            continue
        t = ((r.cite.expert if r.cite is not None else None) or "").lower()
        if r.prior:
            k = "prior"
        elif "profiles." in r.where or r.where.endswith(" leak"):
            k = "leak or shared profile"
        elif "moved with the leak" in t and "first_intercourse" in r.where:
            k = "first_intercourse line kept as a ratio to the leak"
        elif t.startswith("not independent of the cause"):
            k = "line set by the cause's mechanism ('not independent of the cause')"
        elif r.numbers > 1:
            k = "table line (several states)"
        elif FIG.search(t):
            k = "yes/no line, figures read and judged"
        else:
            k = "yes/no line, no figure read"
        cat[k] += r.numbers
    for k, v in cat.most_common():
        print(f"{v:4d}  {k}")
    print(f"{sum(cat.values()):4d}  all expert numbers")


if __name__ == "__main__":
    main()
