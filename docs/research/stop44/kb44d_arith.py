# ectopic_pregnancy · hormonal_contraception: Bayes over population figures (stop 44, kb44d); not adopted
leak=0.29                      # findings.yaml hormonal_contraception leak (Natsal-3 x act weight)
share={'pill':29.5,'inj':3.6,'implant':5.4,'ius':2.6}   # Natsal-3 usual method, % of women 16-44 who had sex
tot=sum(share.values())
# EP incidence per 1,000 woman-years among users (Kopp-Kallner 2022, Sweden; DMPA from Kaiser 2021 abstract)
low ={'pill':0.20,'inj':0.18,'implant':0.20,'ius':0.30}
high={'pill':0.30,'inj':0.18,'implant':0.31,'ius':0.60}
pop=0.95                       # Kaiser 2021: 9.5 per 10,000 woman-years, all women 15-44 (US)
for name,r in (('low',low),('high',high)):
    rh=sum(share[k]*r[k] for k in share)/tot
    for ph in (tot/100,0.30):
        rn=(pop-ph*rh)/(1-ph)
        rr=rh/rn
        line=rr*leak/(rr*leak+1-leak)
        print(f"{name}: r_h={rh:.3f}/1000wy  P(h) in pop={ph:.3f}  r_non={rn:.3f}  RR={rr:.3f}  line={line:.3f}")
# if 20% of the population rate's women are not sexually active, the non-user rate among the sexually active is higher
rh=sum(share[k]*low[k] for k in share)/tot; ph=tot/100
rn=(pop-ph*rh)/(1-ph)/0.8; rr=rh/rn
print("abstinent 20% adj (low):", round(rr*leak/(rr*leak+1-leak),3))
# ectopic · iud via Li 2014 AOR1 0.17 (against non-users), leak 0.055
rr=0.17; print("iud via Li 2014:", round(rr*0.055/(rr*0.055+1-0.055),4), "ratio to 0.08:", round(0.08/(rr*0.055/(rr*0.055+1-0.055)),1))
# ectopic · pregnant bracket: amenorrhoea 0.741 x awareness 0.5 (5.5 wk) .. 1.0 (8 wk ceiling), 0.77 at 7 wk
print("pregnant bracket:", round(0.741*0.5,2), round(0.741*0.77,3), round(0.741*1.0,2))
