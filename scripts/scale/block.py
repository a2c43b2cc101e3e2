#!/usr/bin/env python3
"""The top-left N x N block of a kernel file (same model and features as its first N rows: what `ntk kernel` on the
first N rows writes, up to the float rounding of the tile it fell in), written in row chunks.

  python3 block.py K50k.npy 25000 K25k.npy
"""
import sys

import numpy as np

src = np.load(sys.argv[1], mmap_mode="r")
n = int(sys.argv[2])
dst = np.lib.format.open_memmap(sys.argv[3], mode="w+", dtype=src.dtype, shape=(n, n))
for r0 in range(0, n, 1000):
    dst[r0:r0 + 1000] = src[r0:r0 + 1000, :n]
dst.flush()
