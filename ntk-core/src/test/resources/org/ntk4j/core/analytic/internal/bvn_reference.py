#!/usr/bin/env python3
"""Independent reference for ntk4j's bivariate normal orthant probability (BivariateNormal.upper).

L(h, k, rho) = P(X > h, Y > k) = int_h^inf phi(x) Q((k - rho x) / sqrt(1 - rho^2)) dx with h >= k (the conditional
form with the larger threshold outside, not
the Plackett/Drezner-Wesolowsky integrals the Java code uses), by mpmath tanh-sinh quadrature at 40 digits; |rho| = 1
exactly. Writes bvn_golden.csv next to this file: h, k, rho, L. Run: python3 bvn_reference.py (about a minute).
"""
import csv
import os

import mpmath as mp

mp.mp.dps = 40

H = [-9.0, -3.0, -1.0, -0.3, 0.0, 0.2, 1.0, 2.5, 5.0, 9.0, 20.0]
RHO = [-1.0, -0.9999999, -0.999, -0.97, -0.93, -0.925, -0.9, -0.7, -0.5, -0.2, 0.0, 0.1, 0.3, 0.6, 0.8, 0.924,
       0.93, 0.97, 0.999, 0.9999999, 1.0]


def q(x):
    return mp.erfc(x / mp.sqrt(2)) / 2


def pdf(x):
    return mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)


def orthant(h, k, rho):
    h, k, rho = mp.mpf(h), mp.mpf(k), mp.mpf(rho)
    if rho == 1:
        return q(max(h, k))
    if rho == -1:
        return max(mp.mpf(0), q(h) - q(-k))
    if k > h:
        h, k = k, h
    # outer variable: the one with the larger threshold, so that its density carries the tail; its decay scale in
    # the tail is 1/h. The conditional tail switches on near x = k / rho over a width r / |rho|
    r = mp.sqrt((1 - rho) * (1 + rho))
    step = 1 / max(mp.mpf(1), h)
    pts = [h + step * j for j in (0, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64)]
    if rho != 0:
        c = k / rho
        for w in (-16, -8, -4, -2, -1, -0.5, -0.25, 0, 0.25, 0.5, 1, 2, 4, 8, 16):
            x = c + w * r / abs(rho)
            if x > h:
                pts.append(x)
    pts = sorted(set(pts))
    pts.append(mp.inf)
    return mp.quad(lambda x: pdf(x) * q((k - rho * x) / r), pts, maxdegree=10)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, 'bvn_golden.csv'), 'w', newline='') as fh:
        w = csv.writer(fh)
        w.writerow(['h', 'k', 'rho', 'upper'])
        for h in H:
            for k in H:
                for rho in RHO:
                    w.writerow([h, k, rho, mp.nstr(orthant(h, k, rho), 25, min_fixed=1, max_fixed=0)])


if __name__ == '__main__':
    main()
