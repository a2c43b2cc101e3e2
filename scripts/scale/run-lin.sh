#!/bin/bash
# docs/scale.md, `ntk linearize --kernel` at N = 10k / 25k / 50k (scale3 branch): one run, under /usr/bin/time -v,
# with the preconditioner's per-block log (rank, block nu, residual trace) on stderr.
#   run-lin.sh N KERNEL.npy RANK [CLASSES]   (x/y: the first N rows of /tmp/scale/x.npy, y.npy; CLASSES: ntk-core
#   classes to put before the jar, for a branch build; NTK_JAR: the CLI jar)
set -e
N=$1; K=$2; R=$3; CLS=${4:+$4:}
cd /tmp/scale
[ -f x$N.npy ] || python3 -c "import numpy as np; np.save('x$N.npy', np.load('x.npy')[:$N]); np.save('y$N.npy', np.load('y.npy')[:$N])"
echo "start $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
nice -n 19 /usr/bin/time -v java -Xmx2g -Dorg.bytedeco.javacpp.maxphysicalbytes=14G \
    -Dlogback.configurationFile=/tmp/scale3/logback-debug.xml -cp "$CLS$NTK_JAR" org.ntk4j.examples.NtkCli \
    linearize --model mlp.zip --train-x x$N.npy --train-y y$N.npy --test-x x$N.npy --diag-reg 1 --kernel $K \
    --preconditioner-rank $R --out /tmp/scale3/p$N.npy --json
echo "end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
