#!/usr/bin/env python3
"""Independent reference for ntk4j's infinite-width kernels (issue 10).

Gaussian expectations C = E[phi(u) phi(v)] and E = E[phi'(u) phi'(v)], (u, v) ~ N(mu 1, [[q1, c], [c, q2]]),
c = rho sqrt(q1 q2), by nested adaptive Gauss-Kronrod (scipy.integrate.quad, QUADPACK) in conditional form
E[phi(u) E[phi(v) | u]] with breakpoints at the kinks/jumps of phi and phi', and |rho| = 1 as a one-dimensional
integral. The activations are written here from DL4J M2.1's definitions (float constants where DL4J's ops use floats),
independently of ntk4j's Java code. Also the whole-network NNGP/NTK recursion of a few DL4J-like configurations.

Writes duals_golden.csv and networks_golden.csv next to this file. Run: python3 duals_reference.py (a few minutes).
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


def sig(z):
    return special.expit(z)


def softplus(z):
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


GC = F(1.702)
HS = F(0.2)
RA, RB = F(1.7159), F(1.41645)
SA, SL = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
RR = 0.5 * (1 / 8 + 1 / 3)


def rt(z):
    y = 2 * z / 3
    a = abs(y)
    return RA * math.copysign(1, y) * (1 - 1 / (1 + a + y * y + RB * y ** 4)) if y != 0 else 0.0


def rt_d(z):
    y = 2 * z / 3
    a = abs(y)
    den = 1 + a + y * y + RB * y ** 4
    return RA * (2 / 3) * (1 + 2 * a + 4 * RB * a ** 3) / den ** 2


# name: (phi, phi', breakpoints)
ACTS = {
    'RELU': (lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0, [0.0]),
    'LEAKYRELU': (lambda z: z if z >= 0 else 0.01 * z, lambda z: 1.0 if z > 0 else 0.01, [0.0]),
    'TANH': (math.tanh, lambda z: 1 - math.tanh(z) ** 2, []),
    'SIGMOID': (sig, lambda z: sig(z) * (1 - sig(z)), []),
    'SOFTPLUS': (softplus, sig, []),
    'SOFTSIGN': (lambda z: z / (1 + abs(z)), lambda z: 1 / (1 + abs(z)) ** 2, [0.0]),
    'CUBE': (lambda z: z ** 3, lambda z: 3 * z * z, []),
    'ELU': (lambda z: z if z > 0 else math.expm1(z), lambda z: 1.0 if z > 0 else math.exp(z), [0.0]),
    'SELU': (lambda z: SL * (z if z > 0 else SA * math.expm1(z)),
             lambda z: SL * (1.0 if z > 0 else SA * math.exp(z)), [0.0]),
    'GELU': (lambda z: z * sig(GC * z), lambda z: sig(GC * z) + GC * z * sig(GC * z) * (1 - sig(GC * z)), []),
    'SWISH': (lambda z: z * sig(z), lambda z: sig(z) + z * sig(z) * (1 - sig(z)), []),
    'MISH': (lambda z: z * math.tanh(softplus(z)),
             lambda z: math.tanh(softplus(z)) + z * (1 - math.tanh(softplus(z)) ** 2) * sig(z), []),
    'HARDTANH': (lambda z: min(1.0, max(-1.0, z)), lambda z: 1.0 if -1 < z < 1 else 0.0, [-1.0, 1.0]),
    'HARDSIGMOID': (lambda z: min(1.0, max(0.0, HS * z + 0.5)), lambda z: HS if -0.5 / HS < z < 0.5 / HS else 0.0,
                    [-0.5 / HS, 0.5 / HS]),
    'RELU6': (lambda z: min(6.0, max(0.0, z)), lambda z: 1.0 if 0 < z < 6 else 0.0, [0.0, 6.0]),
    'THRESHOLDEDRELU': (lambda z: z if z > 1 else 0.0, lambda z: 1.0 if z > 1 else 0.0, [1.0]),
    'RRELU': (lambda z: max(z, RR), lambda z: 1.0 if z > RR else 0.0, [RR]),
    'RATIONALTANH': (rt, rt_d, [0.0]),
    'RECTIFIEDTANH': (lambda z: math.tanh(z) if z > 0 else 0.0, lambda z: 1 - math.tanh(z) ** 2 if z > 0 else 0.0,
                      [0.0]),
    'IDENTITY': (lambda z: z, lambda z: 1.0, []),
}

warnings.simplefilter("ignore", integrate.IntegrationWarning)
PDF = lambda x: math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
R = 12.0


def quad1(fun, pts, eps=1e-15, lo=-R, hi=R):
    pts = sorted(p for p in set(pts) if lo < p < hi)
    val, _ = integrate.quad(fun, lo, hi, points=pts or None, limit=800, epsabs=eps, epsrel=1e-12)
    return val


def span(pts):
    # +-12 standard deviations, extended 12 beyond any breakpoint within 40 (pieces that start in the far tail)
    lo, hi = -R, R
    for p in pts:
        if -40 < p < 0:
            lo = min(lo, p - R)
        elif 0 <= p < 40:
            hi = max(hi, p + R)
    return lo, hi


def expect_pair(f, g, brk, mu, q1, q2, rho, eps=1e-15):
    """eps: absolute tolerance (the callers pass 1e-15 times the Cauchy-Schwarz scale)"""
    s1, s2 = math.sqrt(q1), math.sqrt(q2)
    feat = brk + [0.0]
    if abs(rho) == 1.0 or s2 == 0:
        pts = [(b - mu) / s1 for b in feat] + [(b - mu) / (rho * s2) for b in feat]
        return quad1(lambda x: f(mu + s1 * x) * g(mu + rho * s2 * x) * PDF(x), pts, eps, *span(pts))
    s = math.sqrt(1 - rho * rho)

    def inner(x):
        m = mu + rho * s2 * x
        pts = [(b - m) / (s2 * s) for b in feat]
        return quad1(lambda e: g(m + s2 * s * e) * PDF(e), pts, 1e-16, *span(pts))

    pts = [(b - mu) / s1 for b in feat] + ([(b - mu) / (rho * s2) for b in feat] if rho != 0 else [])
    return quad1(lambda x: f(mu + s1 * x) * inner(x) * PDF(x), pts, eps, *span(pts))


def duals(name, mu, q1, q2, rho):
    f, d, brk = ACTS[name]
    c1 = expect_pair(f, f, brk, mu, q1, q1, 1.0, 0.0)
    c2 = expect_pair(f, f, brk, mu, q2, q2, 1.0, 0.0)
    e1 = expect_pair(d, d, brk, mu, q1, q1, 1.0, 0.0)
    e2 = expect_pair(d, d, brk, mu, q2, q2, 1.0, 0.0)
    c = expect_pair(f, f, brk, mu, q1, q2, rho, 1e-15 * math.sqrt(c1) * math.sqrt(c2))
    e = expect_pair(d, d, brk, mu, q1, q2, rho, 1e-15 * math.sqrt(e1) * math.sqrt(e2))
    return [name, mu, q1, q2, rho, repr(c), repr(e), repr(math.sqrt(c1) * math.sqrt(c2)), repr(math.sqrt(e1) * math.sqrt(e2))]


def grid():
    cases = []
    for name in ACTS:
        if name == 'IDENTITY':
            continue
        for q in (1e-3, 1e-2, 1.0, 10.0, 100.0):
            for rho in (-1.0, -0.9, 0.0, 0.5, 0.999, 1.0):
                cases.append((name, 0.0, q, q, rho))
        for q1, q2 in ((1e-2, 1.0), (1.0, 100.0)):
            for rho in (0.5, 0.999):
                cases.append((name, 0.0, q1, q2, rho))
        for rho in (-0.9, 0.5, 0.999):
            cases.append((name, 0.3, 1.0, 2.0, rho))
    # activations whose derivative jumps and that have no closed form: the correlations where Mehler's series of
    # the kink split (ntk4j's KinkPart) takes over from the plain series, centred and not
    for name in ('RECTIFIEDTANH', 'SELU'):
        for q in (1e-2, 0.1, 1.0, 10.0):
            for rho in (-0.8, 0.7, 0.8, 0.9, 0.95):
                cases.append((name, 0.0, q, q, rho))
        for rho in (-0.8, 0.8, 0.9, 0.95):
            cases.append((name, 0.0, 0.05, 0.2, rho))
            cases.append((name, 0.3, 0.1, 0.2, rho))
    return cases


# networks: (name, input dim, [(width, sigma_w^2 or 'XAVIER', bias mean, has bias, activation)]), last = readout
NETS = [
    ('relu_tanh_RELU', 3, [(64, 2.0, 0.0, True, 'RELU'), (32, 2.0, 0.0, True, 'TANH'), (1, 2.0, 0.0, True, None)]),
    ('selu_selu_NORMAL', 3, [(64, 1.0, 0.0, True, 'SELU'), (48, 1.0, 0.0, True, 'SELU'), (1, 1.0, 0.0, True, None)]),
    ('elu_gelu_XAVIER_bias', 3, [(64, 'XAVIER', 0.1, True, 'ELU'), (32, 'XAVIER', 0.1, True, 'GELU'),
                                 (1, 'XAVIER', 0.1, True, None)]),
    ('tanh_hardsigmoid_swish_nobias', 3, [(64, 'XAVIER', 0.0, False, 'TANH'), (32, 'XAVIER', 0.0, False,
                                                                           'HARDSIGMOID'),
                                          (16, 'XAVIER', 0.0, False, 'SWISH'), (1, 'XAVIER', 0.0, False, None)]),
    ('relu6_mish_hardtanh_RELU', 3, [(64, 2.0, 0.0, True, 'RELU6'), (32, 2.0, 0.0, True, 'MISH'),
                                     (32, 2.0, 0.0, True, 'HARDTANH'), (1, 2.0, 0.0, True, None)]),
    ('thresholdedrelu_rrelu_cube_XAVIER', 3, [(64, 'XAVIER', 0.0, True, 'THRESHOLDEDRELU'),
                                              (32, 'XAVIER', 0.0, True, 'RRELU'), (16, 'XAVIER', 0.0, True, 'CUBE'),
                                              (1, 'XAVIER', 0.0, True, None)]),
    ('rationaltanh_rectifiedtanh_RELU_bias', 3, [(64, 2.0, 0.1, True, 'RATIONALTANH'),
                                                 (32, 2.0, 0.1, True, 'RECTIFIEDTANH'), (1, 2.0, 0.1, True, None)]),
]
X = np.array([[1.0, -0.5, 2.0], [0.3, 0.8, -1.2], [1.1, -0.4, 1.9]])


def network(net):
    name, d, layers = net
    n = len(X)
    rows = []
    for param in ('standard', 'ntk'):
        chat = X @ X.T / d
        theta = np.zeros((n, n))
        fan = d
        for li, (width, sw, mu, bias, act) in enumerate(layers):
            sw2 = 2.0 * fan / (fan + width) if sw == 'XAVIER' else sw
            k = sw2 * chat
            a_l, c_l = (fan, 1.0 if bias else 0.0) if param == 'standard' else (sw2, 0.0)
            theta = a_l * chat + c_l + (sw2 * edot * theta if li > 0 else 0.0)
            if act is not None:
                f, dd, brk = ACTS[act]
                nc = np.zeros((n, n))
                ne = np.zeros((n, n))
                for i in range(n):
                    for j in range(i, n):
                        rho = 1.0 if i == j else max(-1.0, min(1.0, k[i, j] / math.sqrt(k[i, i] * k[j, j])))
                        nc[i, j] = nc[j, i] = expect_pair(f, f, brk, mu, k[i, i], k[j, j], rho, 1e-16)
                        ne[i, j] = ne[j, i] = expect_pair(dd, dd, brk, mu, k[i, i], k[j, j], rho, 1e-16)
                chat, edot = nc, ne
            fan = width
        for i in range(n):
            for j in range(n):
                rows.append([name, param, i, j, repr(float(k[i, j])), repr(float(theta[i, j]))])
    return rows


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with Pool(int(sys.argv[1]) if len(sys.argv) > 1 else 2) as pool:
        rows = pool.starmap(duals, grid())
        nets = pool.map(network, NETS)
    with open(os.path.join(here, 'duals_golden.csv'), 'w', newline='') as fh:
        w = csv.writer(fh)
        w.writerow(['activation', 'mean', 'q1', 'q2', 'rho', 'nngp_dual', 'ntk_dual', 'nngp_scale', 'ntk_scale'])
        w.writerows(rows)
    with open(os.path.join(here, 'networks_golden.csv'), 'w', newline='') as fh:
        w = csv.writer(fh)
        w.writerow(['network', 'parameterization', 'i', 'j', 'nngp', 'ntk'])
        for r in nets:
            w.writerows(r)
    with open(os.path.join(here, 'networks_inputs.csv'), 'w', newline='') as fh:
        csv.writer(fh).writerows(X.tolist())


if __name__ == '__main__':
    main()
