# rough re-computation of the late_reproductive age profile (review56 Task 2)
import math
# US female population 2019 (millions, Census estimates, approximate) by 5-year group
pop5 = {10:10.3,15:10.4,20:10.6,25:11.5,30:10.9,35:10.7,40:9.9,45:10.3,50:10.6,55:11.0,60:10.4,65:9.0,70:7.6}
def pop(a): return pop5[(a//5)*5]/5
def active(a):
    if a < 14: return 0.0
    if a < 20:
        pts = [(14.5,0.137),(16.5,0.409),(20.5,0.841)]
        x = a+0.5
        # interpolate between 14.5,16.5,20.5
        for (x0,y0),(x1,y1) in zip(pts,pts[1:]):
            if x0 <= x <= x1: return y0+(y1-y0)*(x-x0)/(x1-x0)
        return 0.137
    if a <= 56: return 0.777
    if a <= 64: return 0.73
    return 0.53
def pre(a):  # not yet past natural menopause at mid-year
    z = (a+0.5-49.9)/3.0
    return 1-0.5*(1+math.erf(z/math.sqrt(2)))
def fib(a):
    if a < 30: return 0.0088
    if a < 35: return 0.0373
    if a < 40: return 0.0622
    if a < 45: return 0.0911
    if a < 50: return 0.112
    return 0.115
bands = {'12-15':(12,15),'16-19':(16,19),'20-24':(20,24),'25-34':(25,34),'35-44':(35,44),'45-54':(45,54),'55-64':(55,64),'65+':(65,74)}
w = {b: sum(fib(a)*pop(a)*active(a)*pre(a) for a in range(lo,hi+1)) for b,(lo,hi) in bands.items()}
t = sum(w.values())
kb = {'12-15': 0.0028, '16-19': 0.0157, '20-24': 0.0273, '25-34': 0.1513, '35-44': 0.4633, '45-54': 0.3356, '55-64': 0.004, '65+': 5e-09}
for b in bands: print(b, round(w[b]/t,4), kb[b])
