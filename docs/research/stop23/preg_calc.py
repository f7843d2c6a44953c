"""Reproducible arithmetic for the s23 'preg' derivations (pregnancy_weeks profiles and pregnancy leaks).
Run: python3 preg_calc.py   (standard library only). Every input is named with its source id
(sources/evidence_s23_preg.yaml and earlier source files)."""
from math import erf, sqrt, log, exp

def Phi(x):
    return 0.5 * (1 + erf(x / sqrt(2)))

out = {}

# 1. pregnancy_weeks 'late' (placental_bleeding; window 20-42 zeroes 0-5, 6-11, 12-19)
# praevia: antepartum bleeding at 31.4 +- 3.3 weeks, range 24-37 (ceog_2021_praevia_aph); normal, truncated to the range
m, sd, lo, hi = 31.4, 3.3, 24, 37
tot = Phi((hi - m) / sd) - Phi((lo - m) / sd)
praevia_lt28 = (Phi((28 - m) / sd) - Phi((lo - m) / sd)) / tot
out['praevia_share_before_28'] = round(praevia_lt28, 4)
# abruption: 16.1% of 1,936 abruptions delivered < 32 weeks (lasic_2022_abruption); the 20-31 window split
# evenly per week (stated assumption): 8/12 of it before 28
abr_lt28 = 0.161 * 8 / 12
out['abruption_share_before_28'] = round(abr_lt28, 4)
# mix by the causes of 256 placental bleeds (tsikouras_2016): 140 praevia, 57 + 59 = 116 abruption
w_p, w_a = 140 / 256, 116 / 256
late_2027 = w_p * praevia_lt28 + w_a * abr_lt28
out['late'] = {'0-5': 0.0, '6-11': 0.0, '12-19': 0.0, '20-27': round(late_2027, 3), '28+': round(1 - late_2027, 3)}

# 2. previous_ectopic leak: controls of Irvine 1994 (irvine_1994_ectopic): 2.0% (cases 9.9%, the ectopic likelihood)
out['previous_ectopic'] = 0.020
out['previous_ectopic_LR_ectopic'] = round(0.099 / 0.020, 2)

# 3. possibly_pregnant leak: Natsal-3 women 16-44 who ever had vaginal sex, current contraceptive use 76.4%
#    (french_2020_natsal_contraception, Abstract) -> no method 23.6%; conditional on not pregnant and not
#    postmenopausal: act share 16-44 (age default 0.0935+0.1651+0.2721+0.1747 = 0.7054) over 1 - 0.219 - 0.030
no_method = 1 - 0.764
act_16_44 = 0.0935 + 0.1651 + 0.2721 + 0.1747
eligible = 1 - 0.219 - 0.030
out['possibly_pregnant_conditional'] = round(no_method * act_16_44 / eligible, 3)
out['possibly_pregnant_unconditional'] = round(no_method * act_16_44, 3)

for k, v in out.items():
    print(k, '=', v)
