"""s24 menpreg: arithmetic for the prostate_cancer age table TRIED and NOT adopted (rule 6; see menpreg.md). python3 menpreg_calc.py"""
# prostate_cancer age table: USCS 2019 prostate cancer new cases (CancerDB prostate.scroll, commit 10687734)
# x share of men sexually active in the past 12 months (Lindau 2007, men: 57-64 83%, 65-74 67%, 75-85 38%).
SUPP = 8  # '~' = suppressed (fewer than 16): counted as 8 a band, as in urothelial_cancer's table
cases = {"10-14": SUPP, "15-19": SUPP, "20-24": SUPP, "25-29": SUPP, "30-34": SUPP, "35-39": 60, "40-44": 576,
         "45-49": 2942, "50-54": 11014, "55-59": 26419, "60-64": 41923, "65-69": 53316, "70-74": 42827,
         "75-79": 25759, "80-84": 11854, "85+": 8013}
active = {b: 0.83 for b in cases}
active.update({"65-69": 0.67, "70-74": 0.67, "75-79": 0.38, "80-84": 0.38, "85+": 0.38})
bands = {"12-15": ["10-14"], "16-19": ["15-19"], "20-24": ["20-24"], "25-34": ["25-29", "30-34"],
         "35-44": ["35-39", "40-44"], "45-54": ["45-49", "50-54"], "55-64": ["55-59", "60-64"],
         "65+": ["65-69", "70-74", "75-79", "80-84", "85+"]}
w = {m: sum(cases[b] * active[b] for b in bs) for m, bs in bands.items()}
tot = sum(w.values())
for m, v in w.items():
    print(f"{m:6s} weight {v:10.2f}  share {v / tot:.4f}")
print("total", round(tot, 2))
