#!/usr/bin/env python3
"""docs/scale.md (preconditioner rank vs N): an independent numpy re-implementation of the solver's preconditioner
(block randomly pivoted Cholesky F of the kernel, residual diagonal D = diag(K - F F^T), P = F F^T + D + lambda I by
Woodbury) and of preconditioned CG on (K + lambda I) a = b, for a sweep of ranks on the top-left N x N block of a
float32 kernel file (read in row chunks, so N = 50,000 needs no 20 GB copy).

  python3 rank_sweep.py K.npy N LAMBDA RANKS [F0.npy Y.npy]
      RANKS: comma-separated, e.g. 2048,4096,6144,8192 (the factor is grown once to the largest, and its leading
      columns are the smaller ranks' factors). b = f0 - y when F0/Y are given, else a fixed random vector.
      Prints per rank: CG iterations to relative residual 1e-6, and per block the Nystrom estimate
      nu = lambda_max(C^T D'^-1 C) of the block's new columns C (the signal of the adaptive stop).
"""
import sys
import time

import numpy as np
import scipy.linalg

kf = np.load(sys.argv[1], mmap_mode="r")
n = int(sys.argv[2])
lam = float(sys.argv[3])
ranks = [int(r) for r in sys.argv[4].split(",")]
CH = 2048


def rows(idx):
    return np.asarray(kf[np.sort(idx)][:, :n], dtype=np.float64), np.argsort(np.argsort(idx))


def matvec(v):
    out = np.empty(n)
    for r0 in range(0, n, CH):
        r1 = min(n, r0 + CH)
        out[r0:r1] = np.asarray(kf[r0:r1, :n], dtype=np.float64) @ v
    return out + lam * v


diag = np.array([kf[i, i] for i in range(n)], dtype=np.float64)
d = diag.copy()
kmax = max(ranks)
f = np.zeros((n, kmax))
rng = np.random.default_rng(1)
got = 0
t0 = time.time()
log = []
while got < kmax:
    b = min(128, kmax - got)
    s = np.unique(rng.choice(n, size=b, p=d / d.sum()))
    g, inv = rows(s)
    g = g[inv].T                                   # [n, b] = K[:, s]
    g -= f[:, :got] @ f[s, :got].T
    gs = g[s, :]
    gs = 0.5 * (gs + gs.T)
    # greedy pivoted Cholesky of the b x b residual block
    m_keep = []
    a = gs.copy()
    dg = np.diag(a).copy()
    cols = []
    for _ in range(len(s)):
        j = int(np.argmax(np.where(np.isin(np.arange(len(s)), m_keep), -1, dg)))
        if dg[j] <= 1e-12 * diag.mean():
            break
        c = (a[:, j] - sum(cc * cc[j] for cc in cols)) / np.sqrt(dg[j]) if cols else a[:, j] / np.sqrt(dg[j])
        cols.append(c)
        m_keep.append(j)
        dg = dg - c * c
        dg[m_keep] = 0
    lmat = np.array([[cols[cc][m_keep[r]] for cc in range(len(cols))] for r in range(len(cols))])
    c = scipy.linalg.solve_triangular(lmat, g[:, m_keep].T, lower=True).T      # [n, m]
    dp = d + lam
    nu = np.linalg.eigvalsh((c / dp[:, None]).T @ c)[-1]
    f[:, got:got + len(m_keep)] = c
    d = np.maximum(0, d - (c * c).sum(1))
    d[s[m_keep]] = 0
    got += len(m_keep)
    log.append((got, nu, d.sum()))
print(f"n={n} lambda={lam}: factor to rank {got} in {time.time() - t0:.0f} s")
last = 0
for got_, nu, tr in log:
    if got_ // 256 > last // 256 or got_ == got:
        last = got_
        print(f"  rank {got_:5d}: block nu {nu:8.3f}, residual trace per row {tr / n:8.3f}")
if len(sys.argv) > 6:
    f0 = np.load(sys.argv[5]).astype(np.float64)[:n, 0]
    y = np.load(sys.argv[6]).astype(np.float64)[:n, 0]
    rhs = f0 - y
else:
    rhs = np.random.default_rng(2).standard_normal(n)
for k in ranks:
    fk = f[:, :k]
    dk = np.maximum(0, diag - (fk * fk).sum(1)) + lam
    sk = np.eye(k) + (fk / dk[:, None]).T @ fk
    cf = scipy.linalg.cho_factor(sk, lower=True)

    def prec(v):
        u = v / dk
        return u - (fk @ scipy.linalg.cho_solve(cf, fk.T @ u)) / dk

    x = np.zeros(n)
    r = rhs.copy()
    z = prec(r)
    p = z.copy()
    rz = r @ z
    bn = np.linalg.norm(rhs)
    it = 0
    t1 = time.time()
    while np.linalg.norm(r) > 1e-6 * bn and it < 2000:
        q = matvec(p)
        al = rz / (p @ q)
        x += al * p
        r -= al * q
        z = prec(r)
        rz2 = r @ z
        p = z + (rz2 / rz) * p
        rz = rz2
        it += 1
    true = np.linalg.norm(rhs - matvec(x)) / bn
    print(f"  rank {k:5d}: CG iterations {it:4d}, true relative residual {true:.2e} ({time.time() - t1:.0f} s)")
