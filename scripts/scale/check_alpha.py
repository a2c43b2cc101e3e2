#!/usr/bin/env python3
"""docs/scale.md (solver section): the CG coefficients alpha of IterativeKernelSolver on a float32 kernel file against
scipy's float64 Cholesky solve of that very kernel (a different method on the same matrix).

  python3 check_alpha.py K.npy Y.npy F0.npy LAMBDA ALPHA.npy
      K: [n, n] kernel file; Y, F0: [>= n, 1] targets and the network's outputs (the first n rows are used);
      ALPHA: [n, 1] from scripts/scale/solve12k.jsh. Prints max |lambda (alpha - alpha*)| (the difference of the
      predictions at the training points, y + lambda alpha) and ||alpha - alpha*|| / ||alpha*||.
"""
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402

k = np.load(sys.argv[1], mmap_mode="r")
n = k.shape[0]
y = np.load(sys.argv[2]).astype(np.float64)[:n]
f0 = np.load(sys.argv[3]).astype(np.float64)[:n]
lam = float(sys.argv[4])
alpha = np.load(sys.argv[5]).astype(np.float64)
t0 = time.time()
a = np.array(k, dtype=np.float64)
a[np.diag_indices_from(a)] += lam
# LAPACK directly on the Fortran-order view a.T, whose upper triangle is the file's lower one (the triangle the library
# reads), so no second 8 n^2-byte copy. Multithreaded OpenBLAS 0.3.31 dpotrf crashes (SIGSEGV) at n = 25,000 on this
# machine; one thread (set above, before numpy loads) does not: 128 s at n = 25,000.
u, info = scipy.linalg.lapack.dpotrf(a.T, lower=False, overwrite_a=True, clean=False)
assert info == 0, f"K + lambda I is not positive definite (dpotrf info {info})"
ref, info = scipy.linalg.lapack.dpotrs(u, (f0 - y).reshape(n, -1), lower=False)
assert info == 0, info
ref = ref.reshape(alpha.shape)
print(f"n={n} lambda={lam}: float64 Cholesky {time.time() - t0:.1f} s; max |lambda (alpha - alpha*)| = "
      f"{np.abs(lam * (alpha - ref)).max():.3e}; ||alpha - alpha*|| / ||alpha*|| = "
      f"{np.linalg.norm(alpha - ref) / np.linalg.norm(ref):.3e}")
