#!/usr/bin/env python3
"""Coefficients of ntk4j's normal upper tail Q(z) (org.ntk4j.core.analytic.internal.BivariateNormal.q).

For z >= 0, Q(z) = phi(z) m(z) with the Mills ratio m = Q/phi. The function h(t) = (1 + z) m(z), with
z = K (1 + t) / (1 - t), K = 4, is analytic on [-1, 1] (h -> sqrt(pi/2) at z = 0, -> 1 as z -> infinity); its
Chebyshev coefficients are computed here with 40-digit mpmath at 160 Chebyshev nodes and printed as a Java array
(first coefficient not halved: the Java evaluation uses c0/2). Run: python3 scripts/normal_tail_chebyshev.py
Also prints the largest relative error of the double-precision evaluation on a grid (against mpmath).
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
K = mp.mpf(4)
N = 160
TERMS = 28


def mills(z):
    return mp.sqrt(mp.pi / 2) * mp.erfc(z / mp.sqrt(2)) * mp.exp(z * z / 2)


def coefficients():
    th = [mp.pi * (j + mp.mpf(1) / 2) / N for j in range(N)]
    vals = []
    for a in th:
        t = mp.cos(a)
        z = K * (1 + t) / (1 - t)
        vals.append((1 + z) * mills(z))
    return [2 * mp.fsum(vals[j] * mp.cos(k * th[j]) for j in range(N)) / N for k in range(TERMS)]


def q_double(z, c):
    t = (z - 4.0) / (z + 4.0)
    b1 = b2 = 0.0
    for ck in reversed(c[1:]):
        b1, b2 = 2 * t * b1 - b2 + ck, b1
    h = t * b1 - b2 + 0.5 * c[0]
    return np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi) * h / (1 + z)


def main():
    c = coefficients()
    cd = [float(x) for x in c]
    print('    private static final double[] TAIL = {')
    for i in range(0, TERMS, 3):
        print('        ' + ', '.join(repr(x) for x in cd[i:i + 3]) + ',')
    print('    };')
    worst = 0.0
    for z in np.concatenate([np.linspace(0, 10, 2001), np.linspace(10, 37, 541)]):
        ref = mp.erfc(mp.mpf(float(z)) / mp.sqrt(2)) / 2
        worst = max(worst, abs(float((q_double(float(z), cd) - ref) / ref)))
    print('// largest relative error on [0, 37]:', worst)


if __name__ == '__main__':
    main()
