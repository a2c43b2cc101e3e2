#!/usr/bin/env python3
"""numpy (OpenBLAS) time of a list of matrix products, a sanity check for `ntk bench`'s GEMM baseline.

Usage: python3 numpy_gemm.py --dtype float32 --reps 5 M,K,N[,s] [M,K,N[,s] ...]
Each M,K,N is one product [M, K] x [K, N] into a preallocated output; M,K,M,s is the symmetric product A A^T of one
[M, K] matrix, which numpy's dot may compute with syrk (half the multiply-adds; FLOPs are counted as for syrk). Prints one JSON line with the minimum over
repetitions of the summed time of all products ("min_s") and the GFLOP of one round.
"""
import argparse
import json
import time

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("shapes", nargs="+")
    a = p.parse_args()
    rng = np.random.default_rng(7)
    ops = []
    for s in a.shapes:
        parts = s.split(",")
        m, k, n = (int(v) for v in parts[:3])
        x = rng.standard_normal((m, k)).astype(a.dtype)
        y = x.T if parts[3:] == ["s"] else rng.standard_normal((k, n)).astype(a.dtype)
        ops.append((x, y, np.empty((m, n), dtype=a.dtype)))
    best = float("inf")
    for _ in range(a.reps + 1):
        t0 = time.perf_counter()
        for x, y, out in ops:
            np.dot(x, y, out=out)
        best = min(best, time.perf_counter() - t0)
    flop = sum((x.shape[0] * (x.shape[0] + 1) if y.base is x else 2.0 * x.shape[0] * y.shape[1]) * x.shape[1]
               for x, y, _ in ops)
    print(json.dumps({"min_s": best, "gflop": flop / 1e9}))


if __name__ == "__main__":
    main()
