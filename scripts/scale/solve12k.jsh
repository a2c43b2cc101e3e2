// CG on the 12k kernel file (the top-left block of the 50k one), rank cap from -Dr; writes alpha_<lam>.npy
import org.ntk4j.core.linalg.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.indexing.NDArrayIndex;
var kr = KernelRows.mapped(java.nio.file.Path.of("/tmp/scale/K12k.npy"));
int n = (int) kr.size();
var y = org.ntk4j.core.io.ArrayFiles.read(java.nio.file.Path.of("/tmp/scale/y12000.npy")).castTo(DataType.DOUBLE);
var f0 = org.ntk4j.core.io.ArrayFiles.read(java.nio.file.Path.of("/tmp/scale/f0.npy")).castTo(DataType.DOUBLE).get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).dup();
var b = f0.sub(y);
for (double lam : new double[]{1.0, 1e-2}) {
  var s = IterativeKernelSolver.builder(kr).diagReg(lam).preconditionerRank(Integer.parseInt(System.getProperty("r"))).tolerance(1e-6).build();
  var info = s.preconditionerInfo();
  var sol = s.solve(b);
  System.out.println("lam " + lam + " " + info + " iterations " + sol.iterations() + " resid " + sol.relativeResidual() + " solve s " + sol.seconds() + " passes " + sol.kernelPasses());
  org.ntk4j.core.io.ArrayFiles.write(sol.solution(), java.nio.file.Path.of("/tmp/scale/alpha12k_" + lam + "_" + System.getProperty("r") + ".npy"));
}
/exit
