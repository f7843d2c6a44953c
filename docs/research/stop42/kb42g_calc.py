# Arithmetic for helper kb42g (stop 42): the vaginal_laceration age table and the
# days_since_procedure leak. Run: python3 docs/research/stop42/kb42g_calc.py
import yaml

B = ['12-15', '16-19', '20-24', '25-34', '35-44', '45-54', '55-64', '65+']
with open('src/spotcheck/kb/data/model/findings.yaml') as fh:
    prof = yaml.safe_load(fh)
age = next(f for f in prof['findings'] if f['id'] == 'age')['profiles']
teen = age['teen_young']['p']          # first intercourse (derived)
repro = age['reproductive']['p']       # women who have sex, before the menopause (derived)
# women who have sex (millions) and share past the menopause, per band: docs/evidence.md,
# "Issue 10, fourth pass", "The inputs" (uscs_2019, liu_nhanes_2014, natsal3_2013, lindau_2007,
# choe_2020, appiah_2021)
have_sex = [0.84, 4.71, 8.22, 17.57, 16.22, 16.08, 16.23, 12.32]
past = [0, 0, 0, 0, 0.006, 0.51, 0.995, 1.0]
post_raw = [h * p for h, p in zip(have_sex, past, strict=True)]
post = {b: v / sum(post_raw) for b, v in zip(B, post_raw, strict=True)}
print('postmenopausal women who have sex:', {b: round(v, 4) for b, v in post.items()})

# Padoa 2020 (Abstract): 8/20 first-time intercourse, 3/20 postmenopausal, the other 9/20
w_first, w_post, w_other = 8 / 20, 3 / 20, 9 / 20
mix = {b: w_first * teen[b] + w_post * post[b] + w_other * repro[b] for b in B}
tot = sum(mix.values())
mix = {b: v / tot for b, v in mix.items()}
print('mixture:', {b: round(v, 4) for b, v in mix.items()}, 'sum', round(sum(mix.values()), 6))
mid = {'12-15': 14, '16-19': 18, '20-24': 22.5, '25-34': 30,
       '35-44': 40, '45-54': 50, '55-64': 60, '65+': 72}
mean = sum(mix[b] * mid[b] for b in B)
print('mean age of the mixture (band midpoints, 65+ at 72):', round(mean, 1),
      'against the series 27.6 +- 12.5 (n = 20, SE 2.8)')
past_b = dict(zip(B, past, strict=True))
# the reproductive curve is before the menopause by construction
teen_past = sum(teen[b] * past_b[b] for b in B)
print('share past the menopause implied: 0.15 +', w_first, 'x', round(teen_past, 4), '=',
      round((w_post + w_first * teen_past) / tot, 3), '(cited 0.15)')

# days_since_procedure: days 0-41 (within the last 6 weeks), sex spread evenly
d = list(range(42))
print('days 0-6 / 7-28 / 29+:', round(sum(1 for x in d if x <= 6) / 42, 4),
      round(sum(1 for x in d if 7 <= x <= 28) / 42, 4), round(sum(1 for x in d if x >= 29) / 42, 4))
print('all LLETZ, no sex before day 28:', 0, round(1 / 14, 4), round(13 / 14, 4))
