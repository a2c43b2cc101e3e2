// jshell -R-Xmx2g -R-Dorg.bytedeco.javacpp.maxphysicalbytes=12G -R-Dk=K12k.npy -R-Dlam=1 -R-Dr=8192 -R-Dnu=0 \
//   --class-path <ntk-core classes>:<ntk.jar> scripts/scale/solve.jsh
// IterativeKernelSolver on a kernel file in /tmp/scale (b = f0 - y, first n rows): preconditioner info, time of one
// kernel-vector product, CG iterations and residual; writes /tmp/scale3/alpha_<file>_<lam>_<r>_<nu>.npy
import org.ntk4j.core.linalg.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.indexing.NDArrayIndex;
var name = System.getProperty("k");
var kr = KernelRows.mapped(java.nio.file.Path.of("/tmp/scale/" + name));
int n = (int) kr.size();
double lam = Double.parseDouble(System.getProperty("lam"));
var y = org.ntk4j.core.io.ArrayFiles.read(java.nio.file.Path.of("/tmp/scale/y.npy")).castTo(DataType.DOUBLE).get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).dup();
var f0 = org.ntk4j.core.io.ArrayFiles.read(java.nio.file.Path.of("/tmp/scale/f0.npy")).castTo(DataType.DOUBLE).get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).dup();
var b = f0.sub(y);
var s = IterativeKernelSolver.builder(kr).diagReg(lam).preconditionerRank(Integer.parseInt(System.getProperty("r"))).adaptiveStop(Double.parseDouble(System.getProperty("nu"))).tolerance(1e-6).build();
long t0 = System.nanoTime(); s.multiply(b); long t1 = System.nanoTime(); s.multiply(b); long t2 = System.nanoTime();
System.out.printf("n %d: kernel-vector product %.2f s (first, page cache cold or warm) then %.2f s%n", n, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
var info = s.preconditionerInfo();
System.out.println("preconditioner " + info);
var sol = s.solve(b);
System.out.println("lam " + lam + " iterations " + sol.iterations() + " resid " + sol.relativeResidual() + " solve s " + sol.seconds() + " passes " + sol.kernelPasses());
org.ntk4j.core.io.ArrayFiles.write(sol.solution(), java.nio.file.Path.of("/tmp/scale3/alpha_" + name + "_" + lam + "_" + System.getProperty("r") + "_" + System.getProperty("nu") + ".npy"));
/exit
