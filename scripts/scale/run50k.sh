#!/bin/bash
# docs/scale.md, `ntk linearize --kernel` at N = 50,000: data, model, the out-of-core kernel, the solve (under time -v)
set -e
mkdir -p /tmp/scale && cd /tmp/scale
python3 "$(dirname "$0")/linearize_check.py" data 50000                  # x.npy [50000, 32], y.npy [50000, 1]
jshell --class-path "$NTK_JAR" "$(dirname "$0")/make-model.jsh"           # mlp.zip
J="java -Xmx2g -Dorg.bytedeco.javacpp.maxphysicalbytes=8G -jar $NTK_JAR"
nice -n 19 /usr/bin/time -v $J kernel --model mlp.zip --x1 x.npy --out K50k.npy --memory-budget 2g
nice -n 19 /usr/bin/time -v $J linearize --model mlp.zip --train-x x.npy --train-y y.npy --test-x x.npy \
    --diag-reg 1 --kernel K50k.npy --out p50k.npy --json
