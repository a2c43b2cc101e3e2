#!/usr/bin/env python3
"""docs/scale.md (why the rank must grow with N): the eigenvalues of the training NTK (float64 eigvalsh of the float32
kernel file) at the harmonic-block boundaries of random d = 32 inputs (cumulative multiplicities 1, 33, 560, 6512 of the
degree-0..3 spherical harmonics), the mean diagonal and the smallest eigenvalue.

  python3 spectrum.py K.npy [N]      (N: use the top-left N x N block; default the whole file)
"""
import sys
import time

import numpy as np

k = np.load(sys.argv[1], mmap_mode="r")
n = int(sys.argv[2]) if len(sys.argv) > 2 else k.shape[0]
t0 = time.time()
a = np.array(k[:n, :n], dtype=np.float64)
diag = float(np.mean(np.diag(a)))
w = np.linalg.eigvalsh(a)[::-1]
np.save(f"/tmp/scale3/eig{n}.npy", w)
print(f"n={n}: eigvalsh {time.time() - t0:.1f} s; mean diagonal {diag:.1f}; trace {w.sum():.4g}")
for i in [1, 2, 33, 34, 560, 561, 1000, 2000, 3000, 4096, 5000, 6000, 6512, 6513, 7000, 8192, 10000, 12000, 25000]:
    if i <= n:
        print(f"  lambda_{i} = {w[i - 1]:.4g}")
print(f"  lambda_min = {w[-1]:.4g}")
for lo, hi in [(2, 33), (34, 560), (561, 6512), (6513, n)]:
    if lo <= n:
        blk = w[lo - 1:min(hi, n)]
        print(f"  block {lo}..{min(hi, n)}: sum {blk.sum():.4g} (per row {blk.sum() / n:.4g}), "
              f"mean {blk.mean():.4g}, max {blk.max():.4g}, min {blk.min():.4g}")
