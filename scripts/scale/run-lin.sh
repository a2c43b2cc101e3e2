#!/bin/bash
# docs/scale.md, `ntk linearize --kernel` at N = 10k / 25k / 50k: one run, under /usr/bin/time -v, with the JVM
# options of ./ntk (-Xmx4g, 12G off-heap: default memory budget 6 GiB), the preconditioner's per-block log (rank,
# block nu, residual trace) on stderr, the predictions in /tmp/scale/pN.npy and the CG coefficients in alphaN.npy
# (for check_residual.py).
#   run-lin.sh N KERNEL.npy [RANK]   (x/y: the first N rows of /tmp/scale/x.npy, y.npy; RANK: --preconditioner-rank,
#   default: the library's, the largest that fits the memory budget; NTK_JAR: the CLI jar)
set -e
N=$1; K=$2; R=${3:+--preconditioner-rank $3}
here="$(cd "$(dirname "$0")" && pwd)"
cd /tmp/scale
[ -f x$N.npy ] || python3 -c "import numpy as np; np.save('x$N.npy', np.load('x.npy')[:$N]); np.save('y$N.npy', np.load('y.npy')[:$N])"
echo "start $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -v java -Xmx4g -Dorg.bytedeco.javacpp.maxphysicalbytes=12G \
    -Dlogback.configurationFile="$here/logback-debug.xml" -cp "$NTK_JAR" org.ntk4j.examples.NtkCli \
    linearize --model mlp.zip --train-x x$N.npy --train-y y$N.npy --test-x x$N.npy --diag-reg 1 --kernel $K $R \
    --out /tmp/scale/p$N.npy --coefficients-out /tmp/scale/alpha$N.npy --json
echo "end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
