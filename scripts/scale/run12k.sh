#!/bin/bash
# docs/scale.md, iterative solver at N=12000: kernel for the numpy reference, then ntk linearize (targets y and 0)
CP=/tmp/lfc:/work/main/ntk-examples/target/ntk.jar
J="java -Xmx4g -Dorg.bytedeco.javacpp.maxphysicalbytes=12G -cp $CP org.ntk4j.examples.NtkCli"
cd /tmp/scale
/usr/bin/time -f "kernel: %e s, peak RSS %M KB" $J kernel --model mlp.zip --x1 x.npy --out K.npy --json
for t in y; do
  /usr/bin/time -f "linearize $t: %e s, peak RSS %M KB" $J linearize --model mlp.zip --train-x x.npy --train-y $t.npy \
     --test-x x.npy --diag-reg 1 --memory-budget 3g --out pred_$t.npy --json
done
