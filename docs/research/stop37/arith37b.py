"""Stop 37, reviewer rev37b: recompute every number that became `derived` (or changed value)
in conditions/*.yaml and findings.yaml between 31dfbe9 and HEAD (14 rows, D1-D14), plus
read-only engine checks of the two fitted priors. Run from the worktree root:
    PYTHONPATH=src python3 docs/research/stop37/arith37b.py > docs/research/stop37/arith37b.out
"""
import sys

def p_or(orr, s):
    """P(exposure | condition) from an odds ratio (or RR) and the exposure share s among the rest."""
    return orr * s / (orr * s + 1 - s)

def show(tag, got, kb, note=""):
    flag = "ok" if abs(got - kb) < 0.0051 or abs(got - kb) / abs(kb) < 0.005 else "DIFFERS"
    print(f"{tag:4s} recomputed {got:.4f}   KB {kb}   {flag}  {note}")

def odds(p): return p / (1 - p)

print("== D1 cervical_cancer . abnormal_discharge (cancer.yaml) 0.25 expert -> 0.24")
inv = p_or(8.8, 0.124)
print(f"     invasive: 8.8 x 0.124 / (8.8 x 0.124 + 0.876) = {inv:.4f} (method 0.555)")
mix = (4 * inv + 11 * 0.124) / 15
show("D1", mix, 0.24, "(4 x inv + 11 x 0.124)/15")
lo, hi = (4 * p_or(5.2, .124) + 11 * .124) / 15, (4 * p_or(15, .124) + 11 * .124) / 15
print(f"     over OR 95% CI 5.2-15: {lo:.3f}-{hi:.3f} (method 0.20-0.27)")
print(f"     LR against the leak 0.124: {mix/0.124:.2f}; invasive cancer alone would give LR {inv/0.124:.2f}")

print("== D2 endometrial_cancer . hormonal_contraception (cancer.yaml) 0.04 expert -> 0.026")
s = (29.5 + 3.6 + 5.4 + 2.6) / 100
print(f"     s = 29.5+3.6+5.4+2.6 = {s*100:.1f}%")
w_pm = 0.0002 + 0.0012 + 0.019 + 0.0605
p16 = p_or(0.69, s)
print(f"     within 16-44: {p16:.4f} (method 0.325); postmenopausal curve 16-44 share {w_pm:.4f} (method 0.0809)")
show("D2", p16 * w_pm, 0.026)
print(f"     independence alone: {s*w_pm:.4f} (method 0.033); over RR CI 0.66-0.71: {p_or(.66,s)*w_pm:.4f}-{p_or(.71,s)*w_pm:.4f}")

print("== D3 endometrial_polyp . hormonal_contraception (growth.yaml) 0.2 expert -> 0.105")
w_ml = 0.0066 + 0.0115 + 0.0901 + 0.147
print(f"     midlife curve 16-44 share {w_ml:.4f} (method 0.2552)")
show("D3", s * w_ml, 0.105)
print(f"     with CGESOC RR 0.69 instead: {p_or(0.69, s)*w_ml:.4f} (method 0.083)")

print("== D4 endometrial_polyp . exam_cervical_polyp (growth.yaml) 0.08 expert -> 0.164")
show("D4", p_or(5.42, 0.035), 0.164, "adjusted OR 5.42, s = 0.035")
print(f"     crude OR 4.83: {p_or(4.83, .035):.4f} (method 0.149); check crude OR from 26.9% v 7.1%: "
      f"{odds(.269)/odds(.071):.2f}")
print(f"     s over Kundu's 2-5%: {p_or(5.42,.02):.3f}-{p_or(5.42,.05):.3f}")

print("== D5 endometrial_hyperplasia . hrt (growth.yaml) 0.35 expert -> 0.057")
rr = (22 * .71 + 45 * 1.05 + 9 * 1.79 + 4 * 1.45) / 80
print(f"     MWS weighted RR = {rr:.4f} (method 1.06); weights 22+45+9+4 = {22+45+9+4}")
grow = 2.6 / 1.48
s_h = 0.0686 * grow
print(f"     NHSBSA 2.6 M (2023/24, 2024 release) / 1.48 M (2020/21, 2022 release) = {grow:.3f} (method 1.757); s = {s_h:.4f} (0.121)")
pp = p_or(1.06, 0.121)
print(f"     RR s/(RR s + 1 - s) = {pp:.4f} (method 0.127); premenopausal 55.2% -> postmenopausal {1-.552:.3f}")
show("D5", 0.448 * pp, 0.057)
print(f"     with s = 0.0686 (2020, no growth factor): {0.448*p_or(1.06,.0686):.4f}")
print(f"     old 0.35 implied, among postmenopausal women, P(HRT | hyperplasia) = {0.35/0.448:.3f}: odds ratio vs s "
      f"{odds(min(0.35/0.448,0.999))/odds(0.121):.1f}")

print("== D6 endometrial_hyperplasia . hormonal_contraception (growth.yaml) 0.08 expert -> 0.083")
show("D6", p_or(0.69, s) * w_ml, 0.083)

print("== D7 mycoplasma_genitalium . urethral_discharge (infection.yaml) 0.5 expert -> 0.41")
show("D7", 49 / 120, 0.41, "49/120 NGU column, Chen 2019 Table 1")
print(f"     GU column for comparison 18/25 = {18/25:.3f}; all 145 men 67/145 = {67/145:.3f}")

print("== D8 genital_herpes . prior.male (infection.yaml) 20 expert -> 17.46")
t = 74 / (278 - 98 - 8)
print(f"     target 74/(278-98-8) = {t:.4f} (method 43.0%); abstract counts 98+74+8+12+91 = {98+74+8+12+91}")
new = 20 * odds(0.430) / odds(0.464)
show("D8", new, 17.46, "20 x odds(0.430)/odds(0.464)")
print(f"     with the unrounded target {t:.4f}: {20*odds(t)/odds(0.464):.2f}")

print("== D9 cervicitis . abnormal_discharge (infection.yaml) 0.5 expert -> 0.48")
show("D9", 0.48, 0.48, "upper end of the quoted 25-48% range (no arithmetic)")

print("== D10 urethritis . new_or_multiple_partners (men.yaml) 0.65 expert -> 0.77")
show("D10", 92 / 120, 0.77, "92/120 (printed 75.0%)")
print(f"     printed 75.0% would be 90/120; GU column 21/25 = {21/25:.2f}; all 113/145 = {113/145:.3f} (printed 77.9%)")

print("== D11 partner_source . abnormal_discharge (men.yaml) 0.07 expert -> 0.124")
co = 0.554 / 0.446; ct = co / 8.8
show("D11", ct / (1 + ct), 0.124, f"case odds {co:.3f}, control odds {ct:.4f}")

print("== D12 prostate_cancer . urethral_discharge (men.yaml) 0.01 expert -> 0.012")
show("D12", 0.012, 0.012, f"Add Health 1.2% (the leak's figure); old LR 0.01/0.012 = {0.01/0.012:.2f}")

print("== D13 urothelial_cancer . prior.female (men.yaml) 0.5 expert -> 0.168")
show("D13", 0.5 * odds(0.083) / odds(0.2123), 0.168, "0.5 x odds(0.083)/odds(0.2123)")
print(f"     Jones 2007 women pooled: {(846*5.9+688*6.8+293*8.5)/(846+688+293):.2f}% (method 6.7%)")
print(f"     Takeuchi Table 2 LT-UC women 47/2303 = {47/2303:.3%}, men 125/2150 = {125/2150:.3%}")
print(f"     Takeuchi Table 3 gross 65-74: LT-UC 23/224 = {23/224:.3%}; LT+UT UC 25/224 = {25/224:.3%} (method says 'lower-tract ... 25 of 224')")
r = 25 / 224
print(f"     half women, women's rate = men's x 2.0/5.8: {2*r/(1+5.8/2.0):.3%} (method about 5.7%)")

print("== D14 urothelial_cancer . smoker (men.yaml) 0.339 cite -> 0.298")
show("D14", p_or(3.14, 0.119), 0.298, "OR 3.14, s = 0.119")
print(f"     over CI 2.53-3.75: {p_or(2.53,.119):.3f}-{p_or(3.75,.119):.3f} (method 0.255-0.336)")
print(f"     LR new {p_or(3.14,.119)/.119:.2f} vs old {0.339/0.119:.2f}")
# former smokers: ONS 2023 ex-smoker share not read; show the sensitivity with an assumed 25% former
for f in (0.20, 0.25, 0.30):
    nev = 1 - 0.119 - f
    den = 3.14 * .119 + 1.83 * f + nev
    print(f"     if former smokers are {f:.0%} of adults (SOR 1.83): P(current | cancer) = {3.14*.119/den:.3f}")

former = 0.105 * 0.709 / (1 - 0.709)
nev = 1 - 0.119 - former
print(f"     ONS OPN 2023 (GB 16+): current 10.5%, 70.9% of ever-regular smokers quit -> former = {former:.3f} of adults;"
      f" P(current | cancer) = {3.14*.119/(3.14*.119 + 1.83*former + nev):.3f} (the method's 'slight ceiling')")

print("== D5 in the engine's naive-Bayes form (postmenopausal and hrt both answered)")
leak_pm, leak_hrt = 0.219, 0.028
rows = {"endometrial_hyperplasia": (0.448, 0.057), "endometrial_cancer": (0.76, 0.097),
        "endometrial_polyp": (0.67, 0.092), "genitourinary_atrophy": (0.75, 0.15)}
for c, (pm, h) in rows.items():
    print(f"     {c:24s} LR(pm) {pm/leak_pm:5.2f}  LR(hrt) {h/leak_hrt:5.2f}  P(hrt | cause, pm) implied by the row {h/pm:.3f}")
print("     HRT moves hyperplasia against cancer by", round((0.057/0.028)/(0.097/0.028), 2),
      "in the engine; within postmenopausal women the chain itself gives 0.127 for both (ratio 1.0)")

# ---- read-only engine checks ----
print("== engine checks (read-only)")
try:
    from spotcheck.engine import Engine
except Exception as e:
    print("engine not importable:", e); sys.exit(0)
eng = Engine.default()
for age in (25, 30, 34):
    post = eng.posterior({"sex": "male", "age": age, "genital_lump_or_ulcer": True})
    print(f"     D8: man {age}, genital lump or ulcer: P(genital_herpes) = {post['genital_herpes']:.4f} (target 0.430)")
for age in (65, 70, 80):
    post = eng.posterior({"sex": "female", "age": age, "blood_in_urine": True})
    print(f"     D13: woman {age}, blood in urine: P(urothelial_cancer) = {post['urothelial_cancer']:.4f} (target 0.083)")
post = eng.posterior({"sex": "female", "age": 60, "blood_in_urine": True})
print(f"     D13: woman 60: {post['urothelial_cancer']:.4f}; woman 55:", round(eng.posterior({"sex": "female", "age": 55, "blood_in_urine": True})['urothelial_cancer'], 4))
post = eng.posterior({"sex": "female", "age": 60, "postmenopausal": True, "hrt": True})
print(f"     D5: woman 60, postmenopausal, on HRT: P(endometrial_cancer) = {post['endometrial_cancer']:.4f} "
      f"(kb37d commit: 0.083), P(endometrial_hyperplasia) = {post['endometrial_hyperplasia']:.4f}")
post = eng.posterior({"sex": "female", "age": 60, "postmenopausal": True, "hrt": False})
print(f"     D5: woman 60, postmenopausal, no HRT: P(endometrial_hyperplasia) = {post['endometrial_hyperplasia']:.4f}")
