"""Golden values of SlopeFitTest: scipy.stats.linregress on log-log data, 95 % t interval of the slope.

Run: python3 slope_fit_golden.py   (prints the Java constants used in SlopeFitTest)
"""
import numpy as np
from scipy import stats

x = np.array([64, 64, 256, 256, 1024, 1024], dtype=float)
y = np.array([0.35, 0.24, 0.077, 0.065, 0.024, 0.021])
r = stats.linregress(np.log(x), np.log(y))
t = stats.t.ppf(0.975, len(x) - 2)
print(f"slope={r.slope!r} intercept={r.intercept!r} low={r.slope - t * r.stderr!r} high={r.slope + t * r.stderr!r}")
