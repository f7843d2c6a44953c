"""Stop 54, kb54a: the first_intercourse leak (share of acts of sex that are one of a
person's first few vaginal intercourses), recomputed from the knowledge base's own
derived profiles and their sources.  Run: python docs/research/stop54/kb54a_calc.py

Inputs
- teen_young profile (findings.yaml, derived): first intercourses per person by band,
  from Liu 2014 (NHANES: 13.7 %, 40.9 %, 84.1 % ever had sex at 14, 16, 20) and NSFG 1995
  ('Never had intercourse' 12.1, 4.2, 2.7, 1.4, 1.4 % at 20-24 ... 40-44).
- Twenge 2017 (Abstract): 'about 80 times per year' in the 20s, 'about 20 times per year'
  in the 60s; log-linear through 80 at 25 and 20 at 65.  Under 20 the rate at 20 times the
  cumulative share who ever had sex relative to that at 20 (the teen_young curve: points at
  the middle of each age, 0 at 13.5), as the default profile scales it.
- default profile (findings.yaml, derived): the act-weighted age of people who have sex.
"""
import numpy as np

PTS = [(13.5, 0), (14.5, .137), (16.5, .409), (20.5, .841), (22.5, .879), (27.5, .958),
       (32.5, .973), (37.5, .986), (42.5, .986)]
XS, YS = zip(*PTS, strict=True)


def ever(a):
    return np.interp(a, XS, YS)


def rate(a):
    r = 80 * 0.25 ** ((a - 25) / 40)
    return np.where(a < 20, 80 * 0.25 ** ((20 - 25) / 40) * ever(a) / ever(20), r)


BANDS = [(12, 16), (16, 20), (20, 25), (25, 35), (35, 45), (45, 55), (55, 65), (65, 85)]
NAMES = ['12-15', '16-19', '20-24', '25-34', '35-44', '45-54', '55-64', '65+']
TEEN_YOUNG = [0.341, 0.446, 0.1315, 0.061, 0.0065, 0.004, 0.0042, 0.0058]
DEFAULT = [0.0168, 0.0935, 0.1651, 0.2721, 0.1747, 0.1206, 0.0888, 0.0684]

total = under45 = 0.0
for (lo, hi), name, t, d in zip(BANDS, NAMES, TEEN_YOUNG, DEFAULT, strict=True):
    a = np.arange(lo, hi, 0.001) + 0.0005
    acts = rate(a).sum() * 0.001
    per_act = t / acts
    total += per_act * d
    under45 += per_act * d if lo < 45 else 0
    print(f"{name:6s} acts per person {acts:6.1f}  first acts per act {per_act:.3g}")
print(f"first act share {total:.6f} ({under45 / total:.1%} from under 45)")
for k in (3, 4, 5):
    print(f"x {k}: {k * total:.5f}")
