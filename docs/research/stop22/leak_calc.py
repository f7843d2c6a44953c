"""Reproducible arithmetic for the s22 'leak' derivations (findings.yaml leaks).

Run: python3 leak_calc.py   (standard library only)
Same method as /work/staging/research/s21/leak_calc.py: a population rate by age, weighted by the
model's own act-weighted age profile (findings.yaml age.profiles.default).
Every input figure is named with its source id (see sources/evidence_s22_leak.yaml).
"""

# --- the model's own act-weighted age profile (findings.yaml, age.profiles.default) ---
DEFAULT = {'12-15': 0.0168, '16-19': 0.0935, '20-24': 0.1651, '25-34': 0.2721,
           '35-44': 0.1747, '45-54': 0.1206, '55-64': 0.0888, '65+': 0.0684}
BANDS = {'12-15': (12, 16), '16-19': (16, 20), '20-24': (20, 25), '25-34': (25, 35),
         '35-44': (35, 45), '45-54': (45, 55), '55-64': (55, 65), '65+': (65, 100)}


def share(*bands):
    return sum(DEFAULT[b] for b in bands)


def weighted_by_year(rate):
    """rate(age) -> prevalence; each band's weight spread evenly over its single years."""
    tot = 0.0
    for b, (lo, hi) in BANDS.items():
        n = hi - lo
        tot += DEFAULT[b] * sum(rate(a) for a in range(lo, hi)) / n
    return tot


out = {}

# 1. tamoxifen ("Takes tamoxifen"): England primary care, Oct 2010 - May 2013, about 137 average daily
#    quantities (ADQ) per 1,000 women aged 35-74 per month (curtis_2018_tamoxifen).
adq_per_1000_month = 137
days_per_month = 365.25 / 12
on_tamoxifen_35_74 = adq_per_1000_month / days_per_month / 1000   # women taking it on a given day
out['tamoxifen_share_women_35_74'] = on_tamoxifen_35_74
# uniform over 35-74, none below 35; 65+ band taken whole (75+ are a small part of the act weight)
out['tamoxifen'] = on_tamoxifen_35_74 * share('35-44', '45-54', '55-64', '65+')

# 2. anticoagulants ("blood thinners ... or regular aspirin/antiplatelets"): low-dose aspirin for primary
#    or secondary CVD prevention, US NHIS 2012-2015 (stuntz_2017_aspirin, Tables 2 and 3), by age:
asp_primary = {'40-49': 0.098, '50-64': 0.240, '65+': 0.350}
asp_secondary = {'40-49': 0.019, '50-64': 0.068, '65+': 0.169}
asp = {k: asp_primary[k] + asp_secondary[k] for k in asp_primary}
out['aspirin_by_age'] = {k: round(v, 3) for k, v in asp.items()}


def aspirin_rate(age):
    if age < 40:
        return 0.0        # no figure under 40; taken as none (a floor)
    if age < 50:
        return asp['40-49']
    if age < 65:
        return asp['50-64']
    return asp['65+']


out['anticoagulants'] = weighted_by_year(aspirin_rate)

# 3. test_chlamydia_positive: Natsal-3 urine NAAT prevalence, sexually experienced 16-44 in Britain
#    (sonnenberg_2013_natsal_sti): 16-44 women 1.5%, men 1.1%; 16-24 women 3.1%, men 2.3%.
ct_16_24 = (0.031 + 0.023) / 2
ct_16_44 = (0.015 + 0.011) / 2        # taken for 25-44 (includes the younger, higher group: a ceiling)
out['test_chlamydia_positive'] = (ct_16_24 * share('16-19', '20-24')
                                  + ct_16_44 * share('25-34', '35-44'))   # 0 under 16 and from 45 (no figure)

# 4. test_gonorrhoea_positive: Natsal-3, 16-44, "less than 1 in 1000 (<0.1%)" -> 0.001 taken as the
#    leak (an upper bound; over 44 lower still).
out['test_gonorrhoea_positive'] = 0.001

for k, v in out.items():
    print(k, '=', v if not isinstance(v, float) else round(v, 5))
