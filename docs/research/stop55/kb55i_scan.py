"""kb55i: list candidate lines of one class of error, a state counted twice.

Run from the repository root: PYTHONPATH=src python docs/research/stop55/kb55i_scan.py
Prints every condition line whose method or reason names the cause's own share of a
state the model scores separately (the menopause, pregnancy, the postpartum, hormonal
methods, a first intercourse, age through the cause's curve), or quotes the number of the
cause's own line on such a state. The list is for reading; each hit was judged by hand
(docs/research/stop55/kb55i.md).
"""
import re

from spotcheck.kb import load_knowledge_base

STATES = ("postmenopausal", "pregnant", "breastfeeding_or_postpartum",
          "hormonal_contraception", "first_intercourse", "iud", "hrt")
PATTERNS = (r"P\((postmenopausal|pregnant|hormonal|breastfeeding|first)", r"postmenopausal \|",
            r"past the menopause", r"menopausal share", r"age curve", r"its own age",
            r"cause's own", r"share of the cause", r"cause's ages", r"over the cause",
            r"curve's share", r"averaged over the")


def text(src):
    return src.method or src.expert or src.says or ""


kb = load_knowledge_base()
for c in kb.conditions:
    own = {f: lk.p for f, lk in c.likelihoods.items()
           if f in STATES and lk.by_sex is None and isinstance(lk.p, float)}
    for fid, lk in c.likelihoods.items():
        items = [("", lk)] if lk.by_sex is None else list(lk.by_sex.items())
        for sx, one in items:
            if one.p is None or one.source is None:
                continue
            t = text(one.source)
            hits = [p for p in PATTERNS if re.search(p, t, re.I)]
            for s, v in own.items():
                if s == fid:
                    continue
                for x in {f"{v}", f"{v:.2f}", f"{v:.3f}"}:
                    if re.search(r"(?<![\d.])" + re.escape(x) + r"(?!\d)\s*(x|\))", t) or \
                            re.search(r"x\s*" + re.escape(x) + r"(?!\d)", t):
                        hits.append(f"uses {s}={x}")
                        break
            if hits:
                print(f"{c.id} · {fid}{' ' + str(sx) if sx else ''} = {one.p} "
                      f"[{one.source.kind}] {hits}")
