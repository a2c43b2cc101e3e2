#!/usr/bin/env python3
"""PyTorch peer for `ntk bench --peer torch`: the structured empirical NTK of an MLP, written independently of ntk4j.

The network is  x -> [Dense(w_l) + ReLU]* -> Dense(o) (identity output), in the standard parameterization
z = a W + b, exactly as DL4J computes it.  The kernel is computed the way neural-tangents' "structured" method does
for dense layers: one forward pass, one explicit backward pass of all o outputs at once, and per layer the product of
two Gram matrices

    Theta[i, j, k, k'] = sum_l (A_{l-1}[i] . A_{l-1}[j] + 1) * (Delta_l[i, k] . Delta_l[j, k'])

with Delta_l[i, k] = d f_k(x_i) / d z_l.  TRACE is the mean over k of Theta[i, j, k, k]; FULL is [n, n, o, o].

Usage (timing, random weights):
    python3 torch_structured_ntk.py --n 256 --d 32 --widths 512,512 --o 1 --dtype float32 --mode trace --reps 5
Usage (agreement check; DIR holds W0.npy b0.npy W1.npy ... x.npy as written by ntk4j, W_l is [fan_in, fan_out]):
    python3 torch_structured_ntk.py --weights DIR --dtype float64 --mode full
    -> writes DIR/kernel.npy
Prints one JSON line: {"median_s": .., "min_s": .., "threads": .., "torch": .., "shape": [..]}
With --serve: prints 'ready' after the warm-up, then the seconds of one call per 'run' line read from stdin.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch


def structured_ntk(x, weights, biases, full):
    """weights[l]: [fan_in, fan_out]; biases[l]: [fan_out]; last layer is the identity output."""
    acts = [x]
    pre = []
    a = x
    for l, (w, b) in enumerate(zip(weights, biases)):
        z = torch.addmm(b, a, w)
        if l < len(weights) - 1:
            pre.append(z)
            a = torch.relu(z)
            acts.append(a)
    n = x.shape[0]
    o = weights[-1].shape[1]
    # backward pass of all outputs at once: delta [n, o, width]
    deltas = [None] * len(weights)
    eye = torch.eye(o, dtype=x.dtype)
    deltas[-1] = eye.expand(n, o, o)
    d = weights[-1].t().expand(n, o, weights[-1].shape[0])  # d f_k / d a_{L-1} = W_L[:, k]
    for l in range(len(weights) - 2, -1, -1):
        mask = (pre[l] > 0).to(x.dtype).unsqueeze(1)  # ReLU'(z)
        delta = d * mask
        deltas[l] = delta
        if l > 0:
            d = torch.matmul(delta, weights[l].t())
    if full:
        k = torch.zeros(n * o, n * o, dtype=x.dtype)
        for l in range(len(weights)):
            a_prev = acts[l]
            g = torch.addmm(torch.ones(n, n, dtype=x.dtype), a_prev, a_prev.t())
            dl = deltas[l].reshape(n * o, -1)
            dd = dl @ dl.t()
            k += dd * g.repeat_interleave(o, 0).repeat_interleave(o, 1)
        return k.reshape(n, o, n, o).permute(0, 2, 1, 3)
    k = torch.zeros(n, n, dtype=x.dtype)
    for l in range(len(weights)):
        a_prev = acts[l]
        g = torch.addmm(torch.ones(n, n, dtype=x.dtype), a_prev, a_prev.t())
        dl = deltas[l].reshape(n, -1)
        k += (dl @ dl.t()) * g
    return k / o


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=256)
    p.add_argument("--d", type=int, default=32)
    p.add_argument("--widths", default="512,512")
    p.add_argument("--o", type=int, default=1)
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--mode", default="trace", choices=["trace", "full"])
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--weights", default=None)
    p.add_argument("--serve", action="store_true",
                   help="after the warm-up print 'ready', then time one call per 'run' line on stdin (seconds, one per"
                        " line) until 'quit': lets ntk bench alternate blocks of calls of the two engines")
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads (default: all cores)")
    args = p.parse_args()
    torch.set_num_threads(max(1, args.threads))
    dtype = torch.float32 if args.dtype == "float32" else torch.float64
    full = args.mode == "full"
    torch.manual_seed(7)
    if args.weights:
        ws, bs = [], []
        l = 0
        while os.path.exists(os.path.join(args.weights, "W%d.npy" % l)):
            ws.append(torch.from_numpy(np.load(os.path.join(args.weights, "W%d.npy" % l))).to(dtype))
            bs.append(torch.from_numpy(np.load(os.path.join(args.weights, "b%d.npy" % l)).reshape(-1)).to(dtype))
            l += 1
        x = torch.from_numpy(np.load(os.path.join(args.weights, "x.npy"))).to(dtype)
    else:
        sizes = [args.d] + [int(w) for w in args.widths.split(",")] + [args.o]
        ws = [torch.randn(sizes[i], sizes[i + 1], dtype=dtype) * (2.0 / sizes[i]) ** 0.5 for i in range(len(sizes) - 1)]
        bs = [torch.zeros(sizes[i + 1], dtype=dtype) for i in range(len(sizes) - 1)]
        x = torch.randn(args.n, args.d, dtype=dtype)
    times = []
    with torch.no_grad():
        warm, w = time.perf_counter(), 0
        while w < 3 or time.perf_counter() - warm < 3.0:  # warm-up as ntk4j's (at least three calls and three seconds)
            k = structured_ntk(x, ws, bs, full)
            w += 1
        if args.serve:
            print("ready", flush=True)
            for line in sys.stdin:
                if line.strip() != "run":
                    break
                t0 = time.perf_counter()
                k = structured_ntk(x, ws, bs, full)
                float(k.sum())
                print(repr(time.perf_counter() - t0), flush=True)
            return 0
        for _ in range(max(1, args.reps)):
            t0 = time.perf_counter()
            k = structured_ntk(x, ws, bs, full)
            float(k.sum())
            times.append(time.perf_counter() - t0)
    if args.weights:
        np.save(os.path.join(args.weights, "kernel.npy"), k.contiguous().numpy().astype(np.float64))
    print(json.dumps({"median_s": statistics.median(times), "min_s": min(times), "threads": torch.get_num_threads(),
                      "torch": torch.__version__, "shape": list(k.shape)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
