#!/usr/bin/env bash
# Local-mode figures of docs/scale.md ("Kernels on Apache Spark"): the empirical NTK of the MLP 32 -> 512 -> 512 -> 1
# (FLOAT) on N Gaussian inputs, tiles of 512, in one run: the single machine (in memory), ./ntk kernel --spark local[K]
# (in memory on the driver), and the same Spark job with the driver's budget forced low, so that the driver writes the
# kernel out of core (KernelFile). One JSON line each, the bytes of the tile directory, and the agreement.
#   nice -n 19 scripts/spark/figures.sh 5000 2        N = 5000, local[2]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n="${1:-4000}" k="${2:-2}"
work="$(mktemp -d "${TMPDIR:-/tmp}/ntk-spark-figures.XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$root/ntk" --version >/dev/null 2>&1 || true   # builds ntk.jar on first use
(cd "$work" && java -cp "$root/ntk-examples/target/ntk.jar" "$root/scripts/spark/MakeMlp.java" "$n" 512)
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
elapsed() { python3 -c "import sys; print('# whole command, JVM and Spark start included: %.1f s' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$(date +%s.%N)"; }
echo "# single machine"
s=$(date +%s.%N)
"$root/ntk" kernel --model "$work/m.zip" --x1 "$work/x.npy" --out "$work/k1.npy" --json
elapsed "$s"
echo "# local[$k], OMP_NUM_THREADS=1 (one native thread per task thread), kernel assembled in the driver's memory"
s=$(date +%s.%N)
OMP_NUM_THREADS=1 "$root/ntk" kernel --model "$work/m.zip" --x1 "$work/x.npy" --out "$work/k2.npy" \
  --spark "local[$k]" --spark-dir "$work/tiles" --json
elapsed "$s"
echo "# tile directory: $(find "$work/tiles" -name 'tile-*.npy' | wc -l) tiles, $(du -sb "$work/tiles" | cut -f1) bytes"
echo "# local[$k], the driver's budget forced to 8m: the kernel written out of core, tile by tile as tasks finish"
s=$(date +%s.%N)
OMP_NUM_THREADS=1 "$root/ntk" kernel --model "$work/m.zip" --x1 "$work/x.npy" --out "$work/k3.npy" \
  --spark "local[$k]" --spark-dir "$work/tiles3" --memory-budget 8m --json 2>/dev/null
elapsed "$s"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/k1.npy" "$work/k2.npy" "$work/k3.npy" <<'PY'
import sys, numpy as np
a, b, c = (np.load(p) for p in sys.argv[1:])
for name, x in (("spark in memory", b), ("spark out of core", c)):
    print("# max |single - %s| = %.3g, relative Frobenius %.3g" % (name, np.abs(a - x).max(), np.linalg.norm(a - x) / np.linalg.norm(a)))
PY
