#!/usr/bin/env python3
"""Reference for docs/scale.md (iterative solver): data for `ntk linearize` at N examples, and the float64 dense
check of its solve on the same kernel.

  python3 linearize_check.py data N          writes /tmp/scale/x.npy [N, 32] f4, y.npy [N, 1] f4 (and zero.npy)
  python3 linearize_check.py check K.npy LAMBDA PRED.npy F0.npy
      K.npy: the training kernel written by `ntk kernel` (float32, [N, N]); PRED: predictions of
      `ntk linearize --test-x x.npy` at convergence; F0: the network's outputs on x (scripts/scale/f0.jsh). At the
      training points the ridge solution is f0 - K (K + lambda I)^-1 (f0 - y) = y + lambda (K + lambda I)^-1 (f0 - y),
      which this script computes by a float64 Cholesky (scipy) and compares.
  python3 linearize_check.py same LAMBDA      Klin.npy / alpha.npy of scripts/scale/same-kernel.jsh (the kernel the
      library used and its CG coefficients) against the float64 Cholesky solve of that very kernel: max |λ (α − α*)|,
      which is the difference of the predictions at the training points.
"""
import sys
import time

import numpy as np


def data(n):
    rng = np.random.default_rng(20261201)
    x = rng.standard_normal((n, 32)).astype(np.float32)
    w = rng.standard_normal((32, 1)) / np.sqrt(32)
    y = np.sin(3 * x.astype(np.float64) @ w).astype(np.float32)
    np.save("/tmp/scale/x.npy", x)
    np.save("/tmp/scale/y.npy", y)
    np.save("/tmp/scale/zero.npy", np.zeros_like(y))


def check(kfile, lam, pred, f0file):
    import scipy.linalg
    k = np.load(kfile, mmap_mode="r")
    y = np.load("/tmp/scale/y.npy").astype(np.float64)
    got = np.load(pred).astype(np.float64)
    f0 = np.load(f0file).astype(np.float64)
    t0 = time.time()
    a = np.array(k, dtype=np.float64)
    a[np.diag_indices_from(a)] += lam
    c = scipy.linalg.cho_factor(a, lower=True, overwrite_a=True, check_finite=False)
    ref = y + lam * scipy.linalg.cho_solve(c, f0 - y, check_finite=False)
    secs = time.time() - t0
    err = np.abs(got - ref).max()
    scale = np.abs(ref).max()
    fit = np.abs(ref - y).max()
    print(f"float64 dense Cholesky solve: {secs:.1f} s; max |ntk - ref| = {err:.3e} (max |ref| = {scale:.3e}, "
          f"relative {err / scale:.3e}); max |ref - y| = {fit:.3e} (ridge residual at the training points)")


def same(lam):
    import scipy.linalg
    k = np.load("/tmp/scale/Klin.npy", mmap_mode="r")
    alpha = np.load("/tmp/scale/alpha.npy").astype(np.float64)
    y = np.load("/tmp/scale/y.npy").astype(np.float64)
    f0 = np.load("/tmp/scale/f0.npy").astype(np.float64)
    t0 = time.time()
    a = np.array(k, dtype=np.float64)
    a[np.diag_indices_from(a)] += lam
    ref = scipy.linalg.cho_solve(scipy.linalg.cho_factor(a, lower=True, overwrite_a=True, check_finite=False),
                                 f0 - y, check_finite=False)
    secs = time.time() - t0
    d = lam * np.abs(alpha - ref)
    print(f"float64 dense Cholesky of the library's kernel: {secs:.1f} s; max |λ(α − α*)| = {d.max():.3e}, "
          f"relative ‖α − α*‖/‖α*‖ = {np.linalg.norm(alpha - ref) / np.linalg.norm(ref):.3e}")


if __name__ == "__main__":
    if sys.argv[1] == "same":
        same(float(sys.argv[2]))
    elif sys.argv[1] == "data":
        data(int(sys.argv[2]))
    else:
        check(sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5])
