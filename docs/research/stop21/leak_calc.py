"""Reproducible arithmetic for the s21 'leak' derivations (findings.yaml leaks and profiles).

Run: python3 leak_calc.py   (standard library only)
Every input figure is named with its source id (see sources/evidence_s21_leak.yaml).
"""
from math import erf, exp, log, sqrt

# --- the model's own act-weighted age profile (findings.yaml, age.profiles.default) ---
DEFAULT = {'12-15': 0.0168, '16-19': 0.0935, '20-24': 0.1651, '25-34': 0.2721,
           '35-44': 0.1747, '45-54': 0.1206, '55-64': 0.0888, '65+': 0.0684}
BANDS = {'12-15': (12, 16), '16-19': (16, 20), '20-24': (20, 25), '25-34': (25, 35),
         '35-44': (35, 45), '45-54': (45, 55), '55-64': (55, 65), '65+': (65, 100)}


def Phi(z):
    return 0.5 * (1 + erf(z / sqrt(2)))


def band_mean(f, band):
    lo, hi = BANDS[band]
    return sum(f(a + 0.5) for a in range(lo, hi)) / (hi - lo)


def weighted(f):
    return sum(DEFAULT[b] * band_mean(f, b) for b in DEFAULT)


def share(*bands):
    return sum(DEFAULT[b] for b in bands)


out = {}

# 1. postmenopausal: natural menopause ~ Normal(49.9, 3.0) (appiah_2021, choe_2020), as in the file
post = lambda age: Phi((age - 49.9) / 3.0)
out['postmenopausal'] = weighted(post)
out['postmenopausal_by_band'] = {b: round(band_mean(post, b), 4) for b in DEFAULT}

# 2. breastfeeding_or_postpartum ("given birth in the last 6 months, or breastfeeding")
gfr = 58.3 / 1000          # births per woman 15-44 per year, USA 2019 (nvss_births_2019)
bf6, bf12 = 0.576, 0.359   # any breastfeeding at 6 and 12 months, infants born 2015 (cdc_breastfeeding_2018)
years_in_state = 0.5 + 0.5 * (bf6 + bf12) / 2   # first 6 months all; 6-12 months those still breastfeeding (linear); none counted after 12 months
prev_15_44 = gfr * years_in_state
out['bf_years_in_state'] = years_in_state
out['bf_prevalence_15_44'] = prev_15_44
out['breastfeeding_or_postpartum'] = prev_15_44 * share('16-19', '20-24', '25-34', '35-44')

# 3. unprotected_sex ("Did you have sex without a condom?"): 1 - condom at last sex (copen_2017_nsfg_condom)
condom_women, condom_men = 0.238, 0.337
out['unprotected_sex'] = 1 - (condom_women + condom_men) / 2

# 4. hysterectomy (nchs_db494_hysterectomy): 2.8% at 18-44, 22.1% at 45-64, 41.8% at 75+ (taken for 65+)
hyst = {'12-15': 0.0, '16-19': 0.028, '20-24': 0.028, '25-34': 0.028, '35-44': 0.028,
        '45-54': 0.221, '55-64': 0.221, '65+': 0.418}
out['hysterectomy'] = sum(DEFAULT[b] * hyst[b] for b in DEFAULT)

# 5. pregnancy_weeks default: weeks of pregnancy at which a woman who KNOWS she is pregnant has sex
#    awareness: lognormal with mean 5.5 weeks and 23% at >= 7 weeks (branum_2017)
mean_aw, late = 5.5, 0.23
z = 0.7388  # Phi^-1(1 - 0.23)
# solve s^2/2 - z s + (ln 7 - ln 5.5) = 0 for the lognormal sigma (smaller root)
c = log(7) - log(mean_aw)
s = (z - sqrt(z * z - 2 * c))
mu = log(mean_aw) - s * s / 2
aware = lambda w: 0.0 if w <= 0 else Phi((log(w) - mu) / s)
out['awareness_sigma_mu'] = (round(s, 4), round(mu, 4), 'median', round(exp(mu), 2))


# weekly probability of intercourse relative to conception (blumenstock_2022): -18%/week to week 11,
# +3%/week 11-21, -6%/week 21-40; read as relative changes of the weekly probability
def sexprob(w):
    if w < 2:
        return 0.0
    if w <= 11:
        return 0.82 ** (w - 2)
    if w <= 21:
        return 0.82 ** 9 * 1.03 ** (w - 11)
    return 0.82 ** 9 * 1.03 ** 10 * 0.94 ** (w - 21)


PW = {'0-5': (0, 6), '6-11': (6, 12), '12-19': (12, 20), '20-27': (20, 28), '28+': (28, 40)}
step = 0.01
tot = {}
for b, (lo, hi) in PW.items():
    w, acc = lo, 0.0
    while w < hi:
        acc += aware(w + step / 2) * sexprob(w + step / 2) * step
        w += step
    tot[b] = acc
S = sum(tot.values())
out['pregnancy_weeks_default'] = {b: round(v / S, 4) for b, v in tot.items()}
# same without the sex-frequency factor (time x awareness only), for the report
tot2 = {}
for b, (lo, hi) in PW.items():
    w, acc = lo, 0.0
    while w < hi:
        acc += aware(w + step / 2) * (1.0 if w >= 2 else 0.0) * step
        w += step
    tot2[b] = acc
S2 = sum(tot2.values())
out['pregnancy_weeks_time_x_awareness_only'] = {b: round(v / S2, 4) for b, v in tot2.items()}

for k, v in out.items():
    print(k, '=', v if not isinstance(v, float) else round(v, 4))

# 6. first_intercourse ("the first time having vaginal sex, or one of the first few times"), per act:
#    lifetime acts from the age profile's own frequency curve (twenge_2017: ~80 a year at 25, ~20 at 65,
#    log-linear), from first sex at 17 (liu_nhanes_2014: 40.9% at 16, 84.1% at 20) to 80 years
lam = log(80 / 20) / 40
lifetime = 80 / lam * (exp(lam * (25 - 17)) - exp(-lam * (80 - 25)))
k_first_few = 3
print('first_intercourse lifetime acts =', round(lifetime), ' share (k=3) =', round(k_first_few / lifetime, 5),
      ' share (k=1) =', round(1 / lifetime, 5))
