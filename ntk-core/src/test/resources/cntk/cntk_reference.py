#!/usr/bin/env python3
"""Independent reference for ntk4j's ConvolutionalKernel (infinite-width CNN NNGP / NTK).

Writes cntk_golden.txt next to this script:  python3 cntk_reference.py

Method (deliberately different from the Java code, which runs one example pair at a time on gathered taps): all
images of a case are stacked and the JOINT covariance over every (image, pixel) index pair is carried as one dense
matrix; each convolution tap o is an explicit 0/1 patch-selection matrix G_o (im2col as a matrix, zero rows for
padding), so a convolution maps the activation covariance C to sigma2/(kh kw) * sum_o G_o C G_o^T (+ bias variance),
an average pooling to M C M^T with an explicit pooling matrix M, the flatten readout takes the mean of same-pixel
entries, the global readouts pool with M = 1^T/P (or 1^T). Per-image variances are read off the joint diagonal.
Gaussian moments use the textbook closed forms (arc-cosine for ReLU, arcsine for erf, identity) written here. For
activations without a closed form (tanh, SELU) they are computed by a high-accuracy method unlike ntk4j's (which expands
in Hermite polynomials, Mehler's series, or nests Fejer panels): E[phi(u) phi(v)] = E[phi(u) g(u)] with
g(u) = E[phi(v) | u]; for SELU g is in closed form (normal CDFs), for tanh it is a composite Gauss-Legendre integral;
the outer integral is composite Gauss-Legendre on panels graded geometrically towards the kink (relative accuracy far
below 1e-10, checked by halving the panels: see moments_check()).

File format, one array per line:  <case>.<name> <dims comma separated> <values, C order, %.17g>
"""
import math
import os

import numpy as np


def axis(n, k, s, d, same, pad):
    eff = k + (k - 1) * (d - 1)
    if same:
        out = -(-n // s)
        before = int(((out - 1) * s + eff - n) / 2)  # Java integer division (truncation)
        return out, before
    return (n + 2 * pad - eff) // s + 1, pad


def tap_matrices(h, w, kh, kw, sh, sw, dh, dw, same, ph, pw):
    oh, bh = axis(h, kh, sh, dh, same, ph)
    ow, bw = axis(w, kw, sw, dw, same, pw)
    mats = []
    for ty in range(kh):
        for tx in range(kw):
            g = np.zeros((oh * ow, h * w))
            for oy in range(oh):
                for ox in range(ow):
                    iy = oy * sh - bh + ty * dh
                    ix = ox * sw - bw + tx * dw
                    if 0 <= iy < h and 0 <= ix < w:
                        g[oy * ow + ox, iy * w + ix] = 1.0
            mats.append(g)
    return mats, oh, ow


def moments(act, mean, k):
    """E[phi(u)phi(v)], E[phi'(u)phi'(v)] for the joint covariance matrix k (all entries at once)."""
    d = np.sqrt(np.maximum(np.diag(k), 0.0))
    if act == "identity":
        return k + mean * mean, np.ones_like(k)
    if act in ("tanh", "selu"):
        return numerical_moments(act, mean, k)
    assert mean == 0.0
    if act == "relu":
        s = np.outer(d, d)
        rho = np.clip(np.divide(k, s, out=np.zeros_like(k), where=s > 0), -1.0, 1.0)
        np.fill_diagonal(rho, 1.0)  # a pixel of an image with itself: u = v exactly (no rounding into arccos)
        th = np.arccos(rho)
        c = s / (2 * math.pi) * (np.sin(th) + (math.pi - th) * np.cos(th))
        e = (math.pi - th) / (2 * math.pi)
        return c, e
    if act == "erf":
        v = 1 + 2 * np.diag(k)
        den = np.sqrt(np.outer(v, v))
        c = 2 / math.pi * np.arcsin(np.clip(2 * k / den, -1, 1))
        e = 4 / math.pi / np.sqrt(np.outer(v, v) - 4 * k * k)
        return c, e
    raise ValueError(act)


SELU_L = 1.0507009873554804934193349852946
SELU_A = 1.6732632423543772848170429916717


def gl_panels(edges, nodes):
    """Composite Gauss-Legendre nodes and weights on the panels between consecutive edges."""
    x, w = np.polynomial.legendre.leggauss(nodes)
    a, b = edges[:-1, None], edges[1:, None]
    return ((a + b) / 2 + (b - a) / 2 * x).ravel(), ((b - a) / 2 * w).ravel()


def outer_rule(refine=1):
    """Standard-normal rule on [-12, 12], panels graded geometrically towards 0 (where SELU kinks)."""
    pos = np.concatenate([[0.0], np.geomspace(1e-10, 0.5, 48 * refine), np.arange(0.75, 12.0001, 0.25 / refine)])
    edges = np.concatenate([-pos[::-1], pos[1:]])
    x, w = gl_panels(edges, 16)
    return x, w * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def selu(z):
    return SELU_L * np.where(z > 0, z, SELU_A * np.expm1(np.minimum(z, 0.0)))


def selu_d(z):
    return SELU_L * np.where(z > 0, 1.0, SELU_A * np.exp(np.minimum(z, 0.0)))


def selu_conditional(m, tau):
    """E[selu(v)], E[selu'(v)] for v ~ N(m, tau^2), closed form (tau > 0)."""
    from scipy.special import ndtr, log_ndtr
    h = m / tau
    pos = m * ndtr(h) + tau * np.exp(-0.5 * h * h) / math.sqrt(2 * math.pi)   # E[v+]
    neg_p = ndtr(-h)                                                          # P(v < 0)
    neg_e = np.exp(m + 0.5 * tau * tau + log_ndtr(-(m + tau * tau) / tau))    # E[e^v 1{v<0}]
    return SELU_L * (pos + SELU_A * (neg_e - neg_p)), SELU_L * (ndtr(h) + SELU_A * neg_e)


def pair_moments(act, mean, s1, s2, rho, refine=1):
    """E[phi(u)phi(v)], E[phi'(u)phi'(v)] for one pair: u = mean + s1 xi, v | xi ~ N(mean + rho s2 xi, tau^2)."""
    xo, wo = outer_rule(refine)
    u = mean + s1 * xo
    cm = mean + rho * s2 * xo
    tau = s2 * math.sqrt(max(0.0, 1 - rho * rho))
    if act == "selu":
        f, d = selu(u), selu_d(u)
        if tau > 0:
            gf, gd = selu_conditional(cm, tau)
        else:
            gf, gd = selu(cm), selu_d(cm)
    else:
        t = np.tanh(u)
        f, d = t, 1 - t * t
        xi, wi = gl_panels(np.arange(-12.0, 12.0001, 0.5 / refine), 12)
        wi = wi * np.exp(-0.5 * xi * xi) / math.sqrt(2 * math.pi)
        ti = np.tanh(cm[:, None] + tau * xi[None, :])
        gf = ti @ wi
        gd = (1 - ti * ti) @ wi
    return float(np.sum(wo * f * gf)), float(np.sum(wo * d * gd))


def numerical_moments(act, mean, k):
    n = k.shape[0]
    d = np.sqrt(np.maximum(np.diag(k), 0.0))
    c = np.zeros_like(k)
    e = np.zeros_like(k)
    for i in range(n):
        for j in range(i, n):
            s = d[i] * d[j]
            rho = 1.0 if i == j else (min(1.0, max(-1.0, k[i, j] / s)) if s > 0 else 0.0)
            a, b = (i, j) if d[i] >= d[j] else (j, i)
            c[i, j], e[i, j] = pair_moments(act, mean, d[a], d[b], rho)
            c[j, i], e[j, i] = c[i, j], e[i, j]
    return c, e


def moments_check():
    """The numerical moments against themselves on refined panels, and against closed forms where they exist."""
    worst = 0.0
    for act in ("tanh", "selu"):
        for s1, s2, rho in [(0.3, 2.5, 0.99999), (1.0, 1.0, 1.0), (2.0, 0.5, -0.7), (1.5, 1.2, 0.3), (0.1, 3.0, 0.999)]:
            mean = 0.0 if act == "selu" else 0.2
            a = pair_moments(act, mean, s1, s2, rho)
            b = pair_moments(act, mean, s1, s2, rho, refine=2)
            worst = max(worst, abs(a[0] - b[0]) / abs(b[0]), abs(a[1] - b[1]) / abs(b[1]))
    # SELU at rho = 0: E[selu(u)] E[selu(v)] from the closed form of the conditional (1-d, independent)
    ef1, _ = selu_conditional(np.array([0.0]), 1.3)
    ef2, _ = selu_conditional(np.array([0.0]), 0.4)
    c, _ = pair_moments("selu", 0.0, 1.3, 0.4, 0.0)
    worst = max(worst, abs(c - ef1[0] * ef2[0]) / abs(c))
    assert worst < 1e-11, worst
    return worst


def kernel(case, x):
    """x: [n, C, H, W] (channel-first). Returns (nngp, ntk) [n, n]."""
    n, c0, h, w = x.shape
    std = case["param"] == "standard"
    flat = x.reshape(n, c0, h * w).transpose(0, 2, 1).reshape(n * h * w, c0)  # rows (image, pixel)
    C = flat @ flat.T / c0
    T = np.zeros_like(C)
    ch = c0
    eye = np.eye(n)
    for st in case["stages"]:
        if st["type"] == "conv":
            mats, oh, ow = tap_matrices(h, w, st["k"][0], st["k"][1], st["s"][0], st["s"][1], st["d"][0], st["d"][1],
                                        st["same"], st["p"][0], st["p"][1])
            kk = len(mats)
            AC = sum(np.kron(eye, g) @ C @ np.kron(eye, g).T for g in mats) / kk
            AT = sum(np.kron(eye, g) @ T @ np.kron(eye, g).T for g in mats) / kk
            fan_in = ch * kk
            K = st["sw"] * AC + st["sb"]
            Th = (fan_in if std else st["sw"]) * AC + ((1.0 if st["bias"] else 0.0) if std else st["sb"]) + st["sw"] * AT
            C, E = moments(st["act"], st["mean"], K)
            T = E * Th
            ch = st["ch"]
        else:
            mats, oh, ow = tap_matrices(h, w, st["k"][0], st["k"][1], st["s"][0], st["s"][1], st["d"][0], st["d"][1],
                                        st["same"], st["p"][0], st["p"][1])
            m = sum(mats)
            if st["include_pad"]:
                m = m / len(mats)
            else:
                m = m / np.maximum(m.sum(axis=1, keepdims=True), 1.0)
            M = np.kron(eye, m)
            C = M @ C @ M.T
            T = M @ T @ M.T
        h, w = oh, ow
    P = h * w
    first = case["dense"][0]
    if case["readout"] == "flatten":
        sel = np.zeros((n, n * P, n * P))
        idx = np.arange(P)
        Cg = np.array([[C[i * P + idx, j * P + idx].mean() for j in range(n)] for i in range(n)])
        Tg = np.array([[T[i * P + idx, j * P + idx].mean() for j in range(n)] for i in range(n)])
        width = ch * P
    else:
        wgt = 1.0 / P if case["readout"] == "gap" else 1.0
        M = np.kron(eye, np.full((1, P), wgt))
        Cg = M @ C @ M.T
        Tg = M @ T @ M.T
        width = ch
    K = first["sw"] * Cg + first["sb"]
    Th = (width if std else first["sw"]) * Cg + ((1.0 if first["bias"] else 0.0) if std else first["sb"]) \
        + first["sw"] * Tg
    prev = first
    for layer in case["dense"][1:]:
        Cg, E = moments(prev["act"], prev["mean"], K)
        Tg = E * Th
        K = layer["sw"] * Cg + layer["sb"]
        Th = (prev["width"] if std else layer["sw"]) * Cg + ((1.0 if layer["bias"] else 0.0) if std else layer["sb"]) \
            + layer["sw"] * Tg
        prev = layer
    return K, Th


def conv(ch, k, act, sw=2.0, s=(1, 1), d=(1, 1), same=False, p=(0, 0), sb=0.0, mean=0.0, bias=True):
    return dict(type="conv", ch=ch, k=k, s=s, d=d, same=same, p=p, sw=sw, sb=sb, mean=mean, bias=bias, act=act)


def pool(k, s, same=False, p=(0, 0), d=(1, 1), include_pad=True):
    return dict(type="pool", k=k, s=s, d=d, same=same, p=p, include_pad=include_pad)


def dense(width, act="identity", sw=1.0, sb=0.0, mean=0.0, bias=True):
    return dict(width=width, act=act, sw=sw, sb=sb, mean=mean, bias=bias)


CASES = {
    # ReLU, SAME 3x3 then strided 2x2 with explicit padding; flatten (per-pixel representation); two dense layers
    "relu_flatten": dict(c0=2, h=5, w=6, last=False, param="standard", readout="flatten",
                         stages=[conv(7, (3, 3), "relu", same=True),
                                 conv(5, (2, 2), "relu", s=(2, 2), p=(1, 1), sw=1.7)],
                         dense=[dense(9, "relu", sw=2.0), dense(3, sw=1.3)]),
    # erf, dilated SAME conv, average pooling excluding padding, truncating conv, global average; NTK parameterization
    "erf_pool_gap": dict(c0=3, h=6, w=5, last=False, param="ntk", readout="gap",
                         stages=[conv(4, (3, 2), "erf", d=(2, 1), same=True, sw=1.5, sb=0.2),
                                 pool((2, 2), (2, 2), same=True, include_pad=False),
                                 conv(6, (2, 2), "erf", p=(1, 0), sw=0.8, sb=0.1)],
                         dense=[dense(1, sw=1.1, sb=0.3)]),
    # identity with bias means, channels-last input, global sum, standard parameterization
    "identity_sum_nhwc": dict(c0=2, h=4, w=4, last=True, param="standard", readout="sum",
                              stages=[conv(3, (3, 3), "identity", same=True, sw=1.0, mean=0.3),
                                      conv(3, (2, 3), "identity", s=(1, 2), sw=0.6, mean=-0.2)],
                              dense=[dense(2, sw=0.9)]),
    # ReLU with an average pooling before a flatten (full representation), layer without bias
    "relu_pool_flatten": dict(c0=1, h=6, w=6, last=False, param="standard", readout="flatten",
                              stages=[conv(4, (3, 3), "relu", p=(1, 1), bias=False),
                                      pool((3, 3), (2, 2), p=(1, 1), include_pad=True),
                                      conv(5, (2, 2), "relu", same=True, s=(2, 2))],
                              dense=[dense(1, sw=1.0)]),
    # activations without a closed form (the error-controlled rule in ntk4j): tanh with bias means through an average
    # pooling and a global average; SELU with a flatten readout and a hidden SELU dense layer, NTK parameterization
    "tanh_pool_gap": dict(c0=1, h=4, w=4, last=False, param="standard", readout="gap",
                          stages=[conv(3, (3, 3), "tanh", same=True, sw=1.8, sb=0.1, mean=0.2),
                                  pool((2, 2), (1, 1)),
                                  conv(4, (2, 2), "tanh", same=True, sw=1.2, mean=-0.1)],
                          dense=[dense(1, sw=1.0)], n=(2, 1)),
    "selu_flatten": dict(c0=2, h=4, w=3, last=False, param="ntk", readout="flatten",
                         stages=[conv(5, (3, 3), "selu", same=True, sw=1.0, sb=0.05),
                                 conv(4, (2, 2), "selu", sw=1.4)],
                         dense=[dense(6, "selu", sw=1.0, sb=0.1), dense(2, sw=0.9)], n=(2, 1)),
}


def fmt(name, a):
    a = np.asarray(a, dtype=float)
    return name + " " + ",".join(str(d) for d in a.shape) + " " + " ".join("%.17g" % v for v in a.ravel()) + "\n"


def main():
    print("numerical moments self-check, worst relative difference:", moments_check())
    rng = np.random.default_rng(20261201)
    out = []
    for name, case in CASES.items():
        n1, n2 = case.get("n", (3, 2))
        x = rng.standard_normal((n1 + n2, case["c0"], case["h"], case["w"]))
        nngp, ntk = kernel(case, x)
        stored = x.transpose(0, 2, 3, 1) if case["last"] else x
        out.append(fmt(name + ".x1", stored[:n1]))
        out.append(fmt(name + ".x2", stored[n1:]))
        out.append(fmt(name + ".nngp11", nngp[:n1, :n1]))
        out.append(fmt(name + ".ntk11", ntk[:n1, :n1]))
        out.append(fmt(name + ".nngp12", nngp[:n1, n1:]))
        out.append(fmt(name + ".ntk12", ntk[:n1, n1:]))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cntk_golden.txt")
    with open(path, "w") as f:
        f.writelines(out)


if __name__ == "__main__":
    main()
