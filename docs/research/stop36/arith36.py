"""Stop 36 review: recompute the 10 drawn derived numbers and the 12 stop-36 cite/derived rows."""
from math import exp, log
def show(name, got, kb): print(f"{name:55s} recomputed {got:.4f}  KB {kb}")
# drawn derived
show("D1 chlamydia.test_gonorrhoea_positive 332/4127", 332/4127, 0.08)
show("D2 PID.test_chlamydia_positive 40 (38.5%)", 0.385, 0.385)
show("D3 gonorrhoea.exam_atrophy 0.0100*0.791*0.907", 0.0100*0.791*0.907, 0.007)
show("D5 cervical_polyp prior target 32/553", 32/553, "fitted 66.87 (target 5.8%)")
show("D6 cervicitis group target 68/411", 68/411, "fitted 79.12 (target 16.5%)")
show("D8 BV thin_grey 0.82; rest 0.18*6,5,5,4/20", 0.18*6/20, "0.054/0.045/0.045/0.036")
print("   ", [round(0.18*k/20,4) for k in (6,5,5,4)])
show("D9 vaginal_laceration.hormonal_contraception 1/20", 1/20, 0.05)
show("D10 candidiasis.genital_itching 132/180", 132/180, 0.733)
print("    check 2*84+3*75+4*21 =", 2*84+3*75+4*21, " 132+122+61+162 =", 132+122+61+162)
# stop-36 rows
show("S anticoag.hormonal 475/1888*0.56", 475/1888*0.56, 0.14)
print("    age share 0.015+0.03+0.08+0.12+0.18+0.27/2 =", 0.015+0.03+0.08+0.12+0.18+0.27/2)
show("S penile_fracture.difficulty_passing_urine 2/12", 2/12, 0.167)
show("S penile_fracture.genital_soreness 74/77", (28+12+13+21)/(31+12+13+21), 0.96)
show("S penile_fracture.rough_or_prolonged_sex 17/21", 17/21, 0.81)
co = 0.554/0.446; cc = co/8.8
show("S abnormal_discharge leak (OR 8.8)", cc/(1+cc), 0.124)
for orr in (8.75, 8.85): c = co/orr; print(f"    OR {orr}: {c/(1+c):.4f}")
show("S blood_in_semen leak 139/26126", 139/26126, 0.005)
show("S blood_in_urine leak 2.2%", 0.022, 0.022)
show("S contraception_failure (1-0.764)+0.295*0.31", (1-0.764)+0.295*0.31, 0.33)
print("    x 0.7054 =", round(((1-0.764)+0.295*0.31)*0.7054, 4))
s = (0.15-0.032)/(1-0.058)
show("S exam_prostate_abnormal leak 0.118/0.942*0.2175", s*(0.0603+0.0888+0.0684), 0.027)
print("    share =", round(s, 4), " age share =", round(0.0603+0.0888+0.0684, 4))
show("S known_low_lying_placenta 21/25*0.05", 21/25*0.05, 0.042)
print("    alt (12*0.05+9*0.005)/25 =", round((12*0.05+9*0.005)/25, 4))
show("S mid_cycle 3/29.3", 3/29.3, 0.1)
print("    3/24.3 =", round(3/24.3, 4), " 5/29.3 =", round(5/29.3, 4))
rp, ri = -log(1-0.33), -log(1-0.44)
p, i = 1-exp(-rp*0.25), 1-exp(-ri*0.25)
show("S started_contraception_recently", (29.5*p+3.6*i)/33.1, 0.1)
print(f"    pill rate {rp:.3f} share {p:.4f}; inj rate {ri:.3f} share {i:.4f}")
# D7 age profiles.postmenopausal: uterine cancer cases 2019 x share sexually active (Lindau), normalised
bands = {"12-15": 8*0.73, "16-19": 8*0.73, "20-24": 60*0.73, "25-34": (264+652)*0.73,
         "35-44": (1172+1738)*0.73, "45-54": (2892+4927)*0.73, "55-64": (8525+10632)*0.73,
         "65+": (10737+8292)*0.53 + (4888+2649)*0.26 + 2019*0.26}
tot = sum(bands.values())
print("D7 postmenopausal profile:", {k: round(v/tot, 4) for k, v in bands.items()})
print("   KB: 0.0002 0.0002 0.0012 0.019 0.0605 0.1626 0.3983 0.358")
# S3 alternative: drop Natsal-3's 'no vaginal sex in last year' (7.4%, Table 1) from the non-users and the base
alt = (0.236 - 0.074)/(1 - 0.074) + 0.295/(1 - 0.074)*0.31
print(f"S3 alt contraception_failure without the 7.4% not having sex: {alt:.4f}")
