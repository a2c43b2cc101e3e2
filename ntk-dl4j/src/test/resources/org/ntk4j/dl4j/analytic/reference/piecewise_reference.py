#!/usr/bin/env python3
"""Independent reference for ntk4j's closed forms of piecewise-linear activations (issue 10).

C = E[phi(u) phi(v)] and E = E[phi'(u) phi'(v)], (u, v) ~ N(mu 1, [[q1, c], [c, q2]]), c = rho sqrt(q1 q2), as the
one-dimensional conditional integral E[phi(u) g(u)], g(u) = E[phi(v) | u]: g in closed form from one-dimensional
Gaussian moments over each linear piece (v | u is normal), the outer integral by adaptive Gauss-Kronrod
(scipy.integrate.quad, QUADPACK, epsrel 1.2e-14) split at the breakpoints of phi in u, around the points where g
switches, and across the tails; |rho| = 1 and zero variances as direct one-dimensional integrals. This is a different
method from ntk4j's (bivariate-normal orthant probabilities and Stein's lemma, no quadrature). The activations are
written here from DL4J M2.1's definitions (float constants where DL4J's ops use floats). A few cases are recomputed
with mpmath at 30 digits as a check of this script's own accuracy (printed).

Writes piecewise_golden.csv next to this file: activation, mean, q1, q2, rho, C, E, and the Cauchy-Schwarz scales
sqrt(E[phi(u)^2] E[phi(v)^2]) and sqrt(E[phi'(u)^2] E[phi'(v)^2]). Run: python3 piecewise_reference.py [processes].
"""
import csv
import math
import os
import sys
import warnings
from multiprocessing import Pool

import numpy as np
from scipy import integrate, special

F = lambda v: float(np.float32(v))
HS = F(0.2)
RR = 0.5 * (1 / 8 + 1 / 3)

# name: list of pieces (lo, hi, intercept, slope, derivative); value on (lo, hi) is intercept + slope * z
INF = math.inf
ACTS = {
    'HARDTANH': [(-INF, -1, -1, 0, 0), (-1, 1, 0, 1, 1), (1, INF, 1, 0, 0)],
    'HARDSIGMOID': [(-INF, -0.5 / HS, 0, 0, 0), (-0.5 / HS, 0.5 / HS, 0.5, HS, HS), (0.5 / HS, INF, 1, 0, 0)],
    'RELU6': [(-INF, 0, 0, 0, 0), (0, 6, 0, 1, 1), (6, INF, 6, 0, 0)],
    'THRESHOLDEDRELU': [(-INF, 1, 0, 0, 0), (1, INF, 0, 1, 1)],
    'RRELU': [(-INF, RR, RR, 0, 0), (RR, INF, 0, 1, 1)],
    # DL4J's ActivationReLU(max = 3, threshold = 0.5, negativeSlope = 0.1): 0.1 (z - 0.5) below 0.5, z, capped at 3
    'RELU_CONFIGURED': [(-INF, 0.5, -0.05, 0.1, 0.1), (0.5, 3, 0, 1, 1), (3, INF, 3, 0, 0)],
    'LEAKYRELU': [(-INF, 0, 0, 0.01, 0.01), (0, INF, 0, 1, 1)],
}

warnings.simplefilter("ignore", integrate.IntegrationWarning)
SQ2PI = math.sqrt(2 * math.pi)


def pdf(x):
    return math.exp(-0.5 * x * x) / SQ2PI if abs(x) < 40 else 0.0


def interval(a, b):
    """P(a < X < b) without cancellation"""
    if b <= a:
        return 0.0
    if a >= 0:
        return 0.5 * (special.erfc(a / math.sqrt(2)) - special.erfc(b / math.sqrt(2)))
    if b <= 0:
        return 0.5 * (special.erfc(-b / math.sqrt(2)) - special.erfc(-a / math.sqrt(2)))
    return 1 - 0.5 * special.erfc(b / math.sqrt(2)) - 0.5 * special.erfc(-a / math.sqrt(2))


def pdf_or0(x):
    return 0.0 if math.isinf(x) else pdf(x)


def cond(pieces, which, m, tau):
    """E[psi(v)] for v ~ N(m, tau^2): psi = phi (which = 0) or phi' (which = 1), exact per piece"""
    s = 0.0
    for lo, hi, a, b, d in pieces:
        if tau == 0:
            if lo < m < hi:
                return a + b * m if which == 0 else d
            continue
        al, be = (lo - m) / tau, (hi - m) / tau
        p = interval(al, be)
        if which == 0:
            # E[(a + b v) 1] = (a + b m) P + b tau (pdf(al) - pdf(be))
            s += (a + b * m) * p + b * tau * (pdf_or0(al) - pdf_or0(be))
        else:
            s += d * p
    return s


def point(pieces, which, z):
    # at a breakpoint itself (measure zero inside the integrals; a zero-variance case avoids them) the left piece
    for lo, hi, a, b, d in pieces:
        if lo < z <= hi:
            return a + b * z if which == 0 else d
    raise ValueError(z)


def quad_split(fun, pts):
    pts = sorted(set(pts))
    total = 0.0
    for a, b in zip(pts[:-1], pts[1:]):
        v, _ = integrate.quad(fun, a, b, limit=400, epsabs=0.0, epsrel=1.2e-14)
        total += v
    return total


def tail_points(x0, lo, hi):
    """points around x0 graded by the density's decay scale there"""
    step = 1 / max(1.0, abs(x0))
    return [x0 + sgn * step * j for j in (0, 0.25, 0.5, 1, 2, 4, 8, 16, 32) for sgn in (-1, 1)
            if lo < x0 + sgn * step * j < hi]


def expect(pieces, which, mu, q1, q2, rho):
    s1, s2 = math.sqrt(q1), math.sqrt(q2)
    brk = [p[0] for p in pieces[1:]]
    if s1 == 0:
        return point(pieces, which, mu) * cond(pieces, which, mu, s2)
    xs = [(t - mu) / s1 for t in brk]
    lo = min([-40.0] + [x - 40 for x in xs])
    hi = max([40.0] + [x + 40 for x in xs])
    pts = [lo, hi] + list(np.arange(-40, 41, 2.0))
    for x in xs:
        pts += tail_points(x, lo, hi)
    r = math.sqrt(max(0.0, (1 - rho) * (1 + rho)))
    if rho != 0 and s2 > 0:
        for t in brk:
            c = (t - mu) / (rho * s2)
            for w in (-16, -8, -4, -2, -1, -0.5, 0, 0.5, 1, 2, 4, 8, 16):
                x = c + w * max(r, 1e-3) / abs(rho)
                if lo < x < hi:
                    pts.append(x)
            pts += tail_points(c, lo, hi)
    pts = [p for p in pts if lo <= p <= hi]

    def outer(x):
        u = mu + s1 * x
        return point(pieces, which, u) * cond(pieces, which, mu + rho * s2 * x, s2 * r) * pdf(x)

    return quad_split(outer, pts)


def row(name, mu, q1, q2, rho):
    p = ACTS[name]
    c = expect(p, 0, mu, q1, q2, rho)
    e = expect(p, 1, mu, q1, q2, rho)
    sc = math.sqrt(expect(p, 0, mu, q1, q1, 1.0)) * math.sqrt(expect(p, 0, mu, q2, q2, 1.0))
    se = math.sqrt(expect(p, 1, mu, q1, q1, 1.0)) * math.sqrt(expect(p, 1, mu, q2, q2, 1.0))
    return [name, mu, q1, q2, rho, repr(float(c)), repr(float(e)), repr(float(sc)), repr(float(se))]


def grid():
    cases = []
    for name in ACTS:
        for q in (1e-3, 1e-2, 1.0, 10.0, 100.0):
            for rho in (-1.0, -0.9, 0.0, 0.5, 0.999, 1.0):
                cases.append((name, 0.0, q, q, rho))
        for q1, q2 in ((1e-3, 1.0), (1.0, 100.0), (1e-2, 10.0)):
            for rho in (-0.5, 0.5, 0.999):
                cases.append((name, 0.0, q1, q2, rho))
        for mu, q1, q2 in ((0.3, 1.0, 2.0), (-1.2, 1e-2, 4.0), (2.0, 30.0, 0.5)):
            for rho in (-0.9, 0.5, 0.999, 1.0):
                cases.append((name, mu, q1, q2, rho))
        for mu in (-0.4, 0.7):
            cases.append((name, mu, 0.0, 2.0, 0.0))
    return cases


def mp_check():
    """A few cases at 30 digits with mpmath (same conditional formula, tanh-sinh quadrature)"""
    import mpmath as mp
    mp.mp.dps = 30
    out = []
    for name, mu, q1, q2, rho in (('HARDSIGMOID', 0.0, 10.0, 10.0, 0.5), ('RELU6', 0.3, 1.0, 2.0, -0.9),
                                  ('THRESHOLDEDRELU', 0.0, 1e-2, 1e-2, 0.999)):
        p = ACTS[name]
        s1, s2 = mp.sqrt(q1), mp.sqrt(q2)
        r = mp.sqrt((1 - mp.mpf(rho)) * (1 + mp.mpf(rho)))
        Q = lambda z: mp.erfc(z / mp.sqrt(2)) / 2
        ph = lambda z: mp.exp(-z * z / 2) / mp.sqrt(2 * mp.pi) if z not in (mp.inf, -mp.inf) else mp.mpf(0)

        def g(m, tau):
            s = mp.mpf(0)
            for lo, hi, a, b, d in p:
                al = (mp.mpf(lo) - m) / tau
                be = (mp.mpf(hi) - m) / tau
                s += (a + b * m) * (Q(al) - Q(be)) + b * tau * (ph(al) - ph(be))
            return s

        brk = [(mp.mpf(x[0]) - mu) / s1 for x in p[1:]]
        pts = sorted(set([-40, 40] + brk + [b + w for b in brk for w in (0.1, 1, 3)] +
                         [(mp.mpf(x[0]) - mu) / (rho * s2) + w * r for x in p[1:] for w in (-2, 0, 2)]))
        pts = [x for x in pts if -40 <= x <= 40]

        def phi(u):
            for lo, hi, a, b, d in p:
                if lo < u < hi:
                    return a + b * u
            return mp.mpf(0)

        val = mp.quad(lambda x: phi(mu + s1 * x) * g(mu + rho * s2 * x, s2 * r) * ph(x), pts)
        out.append((name, float(val), expect(p, 0, mu, q1, q2, rho)))
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with Pool(int(sys.argv[1]) if len(sys.argv) > 1 else 2) as pool:
        rows = pool.starmap(row, grid())
    with open(os.path.join(here, 'piecewise_golden.csv'), 'w', newline='') as fh:
        w = csv.writer(fh)
        w.writerow(['activation', 'mean', 'q1', 'q2', 'rho', 'nngp_dual', 'ntk_dual', 'nngp_scale', 'ntk_scale'])
        w.writerows(rows)
    for name, m, d in mp_check():
        print('mpmath check', name, m, d, 'relative difference', abs(m - d) / abs(m))


if __name__ == '__main__':
    main()
