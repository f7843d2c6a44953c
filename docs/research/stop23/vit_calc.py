"""Arithmetic behind the stop-23 'vit' conversions (standard library only): python3 vit_calc.py"""
from statistics import NormalDist as N

# --- haemorrhage profile: Mutschler 2013 (Crit Care 17:R172) Table 2, SI groups III (1.0-<1.4) and IV (>=1.4)
# group sizes from the intubation row, n = count / share: III 1,538 / 0.683, IV 805 / 0.807
n3, n4 = 1538 / 0.683, 805 / 0.807
w3, w4 = n3 / (n3 + n4), n4 / (n3 + n4)
print(f"group sizes III {n3:.0f} IV {n4:.0f}; weights {w3:.3f} {w4:.3f}")
hr3, hr4 = N(109.1, 17.9), N(122.7, 19.5)       # HR at ED, mean (SD)
sb3, sb4 = N(96.9, 16.8), N(70.6, 15.7)         # SBP at ED, mean (SD)
lt100 = w3 * hr3.cdf(100) + w4 * hr4.cdf(100)
lt120 = w3 * hr3.cdf(120) + w4 * hr4.cdf(120)
print(f"HR  <100 {lt100:.3f}  100-119 {lt120-lt100:.3f}  120+ {1-lt120:.3f}")
lt90 = w3 * sb3.cdf(90) + w4 * sb4.cdf(90)
lt100s = w3 * sb3.cdf(100) + w4 * sb4.cdf(100)
print(f"SBP <90 {lt90:.3f}  90-99 {lt100s-lt90:.3f}  100+ {1-lt100s:.3f}")

# --- temperature default: Obermeyer 2017, 99% range 35.3-37.7 C -> at most 0.5% at or above 37.7 (so >= 38)
hi = 0.005
print(f"temp default <38 {1-hi:.4f}  38-38.9 {hi*5/6:.4f}  39+ {hi/6:.4f}  (split 5:1 as the old judgement)")

# --- temperature febrile: mean of the fever likelihoods of the three conditions that use the profile
f = (0.09 + 0.10 + 0.25) / 3
print(f"febrile >=38 {f:.4f}: <38 {1-f:.3f}  38-38.9 {f*0.7:.3f}  39+ {f*0.3:.3f}  (split 7:3 as the old judgement)")

# --- exam_atrophy leak: postmenopausal leak 0.219 x GSM 79.1% x pallor 90.7% (AGATA)
print(f"exam_atrophy {0.219*0.791*0.907:.4f}")
# --- exam_ectropion leak: midpoint of 17-50% x share not postmenopausal (1 - 0.219)
print(f"exam_ectropion {(0.17+0.50)/2*(1-0.219):.4f}")
# --- exam_cervical_polyp: midpoint of 2-5%
print(f"exam_cervical_polyp {(0.02+0.05)/2:.4f}")

# --- systolic_bp default: WHO MONICA Population Survey Data Book, Table 6.1.2, SPA-CAT (Catalonia), final survey,
# mean (SD) by sex and age; act-weighted age profile (age default); under 25 take 25-34, 65+ take 55-64; sexes 50/50
age_w = {'12-15': 0.0168, '16-19': 0.0935, '20-24': 0.1651, '25-34': 0.2721, '35-44': 0.1747,
         '45-54': 0.1206, '55-64': 0.0888, '65+': 0.0684}
men = {'25-34': (115.5, 10.7), '35-44': (116.6, 12.5), '45-54': (121.6, 15.9), '55-64': (127.3, 17.6)}
women = {'25-34': (105.7, 9.8), '35-44': (110.0, 13.4), '45-54': (119.5, 16.4), '55-64': (128.9, 18.3)}
band = {'12-15': '25-34', '16-19': '25-34', '20-24': '25-34', '25-34': '25-34', '35-44': '35-44',
        '45-54': '45-54', '55-64': '55-64', '65+': '55-64'}
def sbp(tab):
    a = sum(w * N(*tab[band[b]]).cdf(90) for b, w in age_w.items())
    c = sum(w * N(*tab[band[b]]).cdf(100) for b, w in age_w.items())
    return a, c - a, 1 - c
for name, tab in (('men', men), ('women', women)):
    print('SBP default', name, ' '.join(f'{x:.4f}' for x in sbp(tab)))
m, w = sbp(men), sbp(women)
print('SBP default both', ' '.join(f'{(x + y) / 2:.4f}' for x, y in zip(m, w)))

# --- heart_rate default: Avram 2019 (Health eHeart, smartphone PPG, real-world): mean 79.1, SD 14.5, taken as normal
hr = N(79.1, 14.5)
print(f"HR default <100 {hr.cdf(100):.4f}  100-119 {hr.cdf(120)-hr.cdf(100):.4f}  120+ {1-hr.cdf(120):.4f}  95th pct {hr.inv_cdf(0.95):.1f}")
