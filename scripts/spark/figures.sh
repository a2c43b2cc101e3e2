#!/usr/bin/env bash
# Local-mode figures of docs/scale.md ("Kernels on Apache Spark"): the empirical NTK of the MLP 32 -> 512 -> 512 -> 1
# (FLOAT) on N Gaussian inputs, single machine vs ./ntk kernel --spark local[K], tiles of 512, one JSON line each.
#   scripts/spark/figures.sh 4000 2        N = 4000, local[2]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n="${1:-4000}" k="${2:-2}"
work="$(mktemp -d "${TMPDIR:-/tmp}/ntk-spark-figures.XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$root/ntk" --version >/dev/null 2>&1 || true   # builds ntk.jar on first use
(cd "$work" && java -cp "$root/ntk-examples/target/ntk.jar" "$root/scripts/spark/MakeMlp.java" "$n" 512)
echo "# single machine"
"$root/ntk" kernel --model "$work/m.zip" --x1 "$work/x.npy" --out "$work/k1.npy" --json
echo "# local[$k], OMP_NUM_THREADS=1 (one native thread per task thread)"
s=$(date +%s.%N)
OMP_NUM_THREADS=1 "$root/ntk" kernel --model "$work/m.zip" --x1 "$work/x.npy" --out "$work/k2.npy" \
  --spark "local[$k]" --json
python3 -c "import sys; print('# whole command, JVM and Spark start included: %.1f s' % (float(sys.argv[2]) - float(sys.argv[1])))" "$s" "$(date +%s.%N)"
python3 - "$work/k1.npy" "$work/k2.npy" <<'PY'
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
print("# max |single - spark| = %.3g, relative Frobenius %.3g" % (np.abs(a - b).max(), np.linalg.norm(a - b) / np.linalg.norm(a)))
PY
