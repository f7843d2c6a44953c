# Arithmetic for the gro helper (stop 23): derived likelihoods in cancer.yaml and growth.yaml.
from math import erf, sqrt

def past_meno(age, mu=49.9, sd=3.0):
    return 0.5 * (1 + erf((age - mu) / (sd * sqrt(2))))

def band_share(lo, hi):
    ages = [a + 0.5 for a in range(lo, hi + 1)]
    return sum(past_meno(a) for a in ages) / len(ages)

# 1. vulvovaginal_cancer.postmenopausal: the KB's `postmenopausal` age profile (used by this condition)
prof = {'12-15': 0.0002, '16-19': 0.0002, '20-24': 0.0012, '25-34': 0.019, '35-44': 0.0605,
        '45-54': 0.1626, '55-64': 0.3983, '65+': 0.358}
shares = {'12-15': 0.0, '16-19': 0.0, '20-24': 0.0, '25-34': band_share(25, 34), '35-44': band_share(35, 44),
          '45-54': band_share(45, 54), '55-64': band_share(55, 64), '65+': 1.0}
tot = sum(prof.values())
vv = sum(prof[b] * shares[b] for b in prof) / tot
print('band shares past menopause', {b: round(s, 4) for b, s in shares.items()})
print('profile total', tot, 'vulvovaginal postmenopausal', round(vv, 4))

# 2. tamoxifen shares by the relative-risk route: P = RR s / (RR s + 1 - s)
s_tam = 137 / 30.44 / 1000   # women 35-74 taking tamoxifen on a given day (Curtis 2018, as in the leak)
def rr_share(rr, s):
    return rr * s / (rr * s + 1 - s)
print('s_tam', round(s_tam, 5))
print('endometrial_cancer.tamoxifen RR 2.53 ->', round(rr_share(2.53, s_tam), 4))
print('endometrial_polyp.tamoxifen PR 3.6 (36%/10%) ->', round(rr_share(0.36 / 0.10, s_tam), 4))
pm = 0.67  # P(postmenopausal | endometrial polyp), derived in stop 21
print('  polyp, RR applied only after menopause:', round(pm * rr_share(3.6, s_tam) + (1 - pm) * s_tam, 4))

# 3. endometrial_cancer.hrt: Million Women Study mix of last-used HRT types and their RRs
mix = {'continuous combined': (22, 0.71), 'cyclic combined': (45, 1.05), 'tibolone': (9, 1.79), 'oestrogen only': (4, 1.45)}
rr_hrt = sum(w * r for w, r in mix.values()) / sum(w for w, r in mix.values())
s_hrt = 0.121  # UK women with a recorded menopause or aged 50+ prescribed HRT, 2023/24 (as in the hrt leak)
post = 0.76   # P(postmenopausal | endometrial cancer), Pakish 2016 (cite in cancer.yaml)
p_post = rr_share(rr_hrt, s_hrt)
print('RR_hrt', round(rr_hrt, 4), 'P(HRT | postmenopausal EC)', round(p_post, 4), 'x 0.76 =', round(post * p_post, 4))
for s in (0.0686, 0.121):
    print('  sensitivity s =', s, '->', round(post * rr_share(rr_hrt, s), 4))
