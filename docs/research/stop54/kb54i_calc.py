# Arithmetic for helper kb54i (stop 54). Run from the repository root:
#   python3 docs/research/stop54/kb54i_calc.py
# 1. vaginal_laceration . pregnant, within age (docs/evidence.md, top): the cause's own
#    mixture (Padoa 2020: 8/20 first intercourse, 3/20 postmenopausal, 9/20 other; the
#    stop-42 age table, docs/research/stop42/kb42g_calc.py) gives, in each age band, the share
#    of tears that are of the 'other' kind; only those can be pregnant (a first intercourse
#    comes before any pregnancy, and a woman past the menopause is not pregnant).
import yaml

B = ['12-15', '16-19', '20-24', '25-34', '35-44', '45-54', '55-64', '65+']
with open('src/spotcheck/kb/data/model/findings.yaml') as fh:
    prof = yaml.safe_load(fh)
age = next(f for f in prof['findings'] if f['id'] == 'age')['profiles']
teen = age['teen_young']['p']
repro = age['reproductive']['p']
default = age['default']['p']
have_sex = [0.84, 4.71, 8.22, 17.57, 16.22, 16.08, 16.23, 12.32]
past = [0, 0, 0, 0, 0.006, 0.51, 0.995, 1.0]
post_raw = [h * p for h, p in zip(have_sex, past, strict=True)]
post = {b: v / sum(post_raw) for b, v in zip(B, post_raw, strict=True)}
w_first, w_post, w_other = 8 / 20, 3 / 20, 9 / 20
other = {b: w_other * repro[b] / (w_first * teen[b] + w_post * post[b] + w_other * repro[b]) for b in B}
print('share of tears of the other kind, by band:', {b: round(v, 3) for b, v in other.items()})
# where a pregnant woman who asks is found: the pregnant leak's own model (Strid 2024, 3.9% of
# women 15-49 at any time, the same in every year of age, act-weighted by the default profile)
in_15_49 = {'12-15': 1 / 4, '16-19': 1, '20-24': 1, '25-34': 1, '35-44': 1, '45-54': 5 / 10,
            '55-64': 0, '65+': 0}
print('default profile:', default)
share_15_49 = sum(default[b] * in_15_49[b] for b in B)
print('act-weighted share of ages 15-49 (leak says 0.7699):', round(share_15_49, 4))
w = {b: default[b] * in_15_49[b] / share_15_49 for b in B}
print('ages of pregnant askers:', {b: round(v, 3) for b, v in w.items()})
ratio = sum(w[b] * other[b] for b in B)
print('within-age ratio, weighted by the ages of pregnant askers:', round(ratio, 4))
leak = 0.03
print('line = ratio x leak =', round(ratio * leak, 4))
lo = min(other[b] for b in B if in_15_49[b] > 0)
hi = max(other[b] for b in B if in_15_49[b] > 0)
print('band range of the ratio over 15-49:', round(lo, 3), '-', round(hi, 3),
      '-> line', round(lo * leak, 4), '-', round(hi * leak, 4))
# Sensitivity: weight the bands instead by where the cause's own pregnant cases fall
# (the cause's age table x the share of its tears of the other kind, within 15-49).
tab = {'12-15': 0.1432, '16-19': 0.2166, '20-24': 0.1193, '25-34': 0.167, '35-44': 0.1339,
       '45-54': 0.099, '55-64': 0.0683, '65+': 0.0526}
w2 = {b: tab[b] * other[b] * in_15_49[b] for b in B}
s2 = sum(w2.values())
ratio2 = sum(w2[b] / s2 * other[b] for b in B)
print('ratio weighted by the cause\'s own pregnant cases:', round(ratio2, 4), '-> line', round(ratio2 * leak, 4))
# Old floor (stop 45): 9/17 of the women not past the menopause were not at a first intercourse
print('stop-45 floor: 9/17 x 0.03 =', round(9 / 17 * leak, 4))
