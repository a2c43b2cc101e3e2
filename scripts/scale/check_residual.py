#!/usr/bin/env python3
"""docs/scale.md (solver at 25k / 50k): an independent float64 check of `ntk linearize --kernel` where no dense solve
fits. numpy reads the whole kernel file (both triangles; the library reads only the lower one), multiplies it by the
CG coefficients in float64, row block by row block, and reports

  * the true relative residual  ||(K + lambda I) alpha - (f0 - y)|| / ||f0 - y||  (the library reports its own);
  * a bound on the distance to the exact ridge solution at the training points: f - f* = lambda (alpha - alpha*) and
    ||(K + lambda I)^-1|| <= 1 / lambda for PSD K, so  max |f - f*| <= ||lambda (alpha - alpha*)|| <= ||r||;
  * the predictions the CLI wrote against f0 - K alpha computed here, and the ridge identity max |(y - f) + lambda alpha|.

  python3 check_residual.py K.npy Y.npy F0.npy LAMBDA ALPHA.npy PRED.npy
      K: [n, n] kernel file; Y, F0: [>= n, 1] targets and the network's outputs on the training points (the first n
      rows are used); ALPHA: --coefficients-out of the run; PRED: its --out with --test-x = --train-x.
"""
import sys
import time

import numpy as np

k = np.load(sys.argv[1], mmap_mode="r")
n = k.shape[0]
y = np.load(sys.argv[2]).astype(np.float64)[:n].reshape(n)
f0 = np.load(sys.argv[3]).astype(np.float64)[:n].reshape(n)
lam = float(sys.argv[4])
alpha = np.load(sys.argv[5]).astype(np.float64).reshape(n)
pred = np.load(sys.argv[6]).astype(np.float64).reshape(n)
assert k.shape == (n, n) and alpha.shape == (n,), (k.shape, alpha.shape)
t0 = time.time()
ka = np.empty(n)
step = max(1, (1 << 26) // n)                     # rows per block: about 512 MB of float64
for i in range(0, n, step):
    j = min(n, i + step)
    ka[i:j] = np.asarray(k[i:j], dtype=np.float64) @ alpha
b = f0 - y
r = ka + lam * alpha - b
f = f0 - ka
print(f"n={n} lambda={lam}: K alpha in float64 by numpy, {time.time() - t0:.1f} s")
print(f"  relative residual ||(K + lambda I) alpha - (f0 - y)|| / ||f0 - y|| = {np.linalg.norm(r) / np.linalg.norm(b):.3e}")
print(f"  bound on max |f - f*| at the training points (||r||): {np.linalg.norm(r):.3e}")
print(f"  max |pred - (f0 - K alpha)| = {np.abs(pred - f).max():.3e} (pred stored as {np.load(sys.argv[6]).dtype})")
print(f"  ridge identity max |(y - f) + lambda alpha| = {np.abs((y - f) + lam * alpha).max():.3e}; "
      f"max |y - f| = {np.abs(y - f).max():.4g}")
