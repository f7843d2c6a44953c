"""Reproducible arithmetic for the s23 'ctx' leak derivations (findings.yaml leaks).
Run: python3 leak_calc.py   (standard library only)
Same method as stops 21-22: a population rate by age, weighted by the model's own act-weighted
age profile (findings.yaml age.profiles.default), each band spread evenly over its single years.
"""
DEFAULT = {'12-15': 0.0168, '16-19': 0.0935, '20-24': 0.1651, '25-34': 0.2721,
           '35-44': 0.1747, '45-54': 0.1206, '55-64': 0.0888, '65+': 0.0684}
BANDS = {'12-15': (12, 16), '16-19': (16, 20), '20-24': (20, 25), '25-34': (25, 35),
         '35-44': (35, 45), '45-54': (45, 55), '55-64': (55, 65), '65+': (65, 100)}


def weighted_by_year(rate):
    tot = 0.0
    for b, (lo, hi) in BANDS.items():
        tot += DEFAULT[b] * sum(rate(a + 0.5) for a in range(lo, hi)) / (hi - lo)
    return tot


out = {}
# urinary_symptoms (men): moderate-to-severe LUTS, AUA symptom index >= 8, BACH survey (Kupelian 2006):
# 10.5% at 30-39, 25.5% at 70-79 (no sex difference). Linear between the decade middles (35, 75);
# 10.5% below 35 (a ceiling for the young, no figure under 30), 25.5% from 75.
def luts(age):
    if age <= 35:
        return 0.105
    if age >= 75:
        return 0.255
    return 0.105 + (0.255 - 0.105) * (age - 35) / 40
out['urinary_symptoms'] = weighted_by_year(luts)
# check against Olmsted County (Chute 1993): 13% at 40-49, 28% at 70+ (men); the line gives at 45:
out['luts_line_at_45'] = luts(45)
for k, v in out.items():
    print(k, '=', round(v, 4))
