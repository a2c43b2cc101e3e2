package org.ntk4j.dl4j.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.KernelFileSpec;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.internal.TileScheduler;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.internal.EmpiricalTiles.Side;
import org.ntk4j.dl4j.network.internal.ComputePlan;
import org.ntk4j.dl4j.network.internal.DenseChain;
import org.ntk4j.dl4j.network.internal.NtkEngine;
import org.ntk4j.dl4j.network.internal.ParamMode;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One empirical-NTK computation, planned: the engine, the number of outputs and bytes per example (probed on one
 * example, once per input shape), whether the dense-chain fast path runs it, the tile grid and its memory estimate.
 *
 * @param settings   the EmpiricalNtk's settings
 * @param chainPath  the dense chain of the plan, or null
 * @param engine     the general engine
 * @param side1      first side
 * @param side2      second side (the first when symmetric)
 * @param symmetric  whether x2 is x1
 * @param type       the network's type
 * @param n1         examples of the first side
 * @param n2         examples of the second side
 * @param o          outputs per example
 * @param perExample bytes of one example's block factors
 * @param chain      whether the dense chain computes the tiles
 */
public record EmpiricalJob(Settings settings, DenseChain chainPath, NtkEngine engine, Side side1, Side side2,
                           boolean symmetric, DataType type, long n1, long n2, int o, long perExample, boolean chain) {
    /**
     * The settings of an EmpiricalNtk that a computation depends on.
     *
     * @param implementation STRUCTURED, JACOBIAN or AUTO
     * @param mode           TRACE or FULL
     * @param outputs        selected graph outputs (empty: all)
     * @param blockSize      examples per tile edge
     */
    public record Settings(NtkImplementation implementation, OutputMode mode, List<String> outputs, int blockSize) {
    }

    /**
     * @param settings  the settings
     * @param plan      the network's plan
     * @param chainPath its dense chain, or null
     * @param probes    probe results per input shape (filled on first use)
     * @param side1     first side
     * @param side2     second side
     * @param symmetric whether x2 is x1
     * @param type      the network's type
     * @return the planned computation
     * @throws IllegalArgumentException when the two sides give different numbers of outputs
     */
    public static EmpiricalJob of(Settings settings, ComputePlan plan, DenseChain chainPath, Map<String, long[]> probes,
                                  Side side1, Side side2, boolean symmetric, DataType type) {
        ParamMode pm = settings.implementation() == NtkImplementation.JACOBIAN ? ParamMode.JACOBIAN
                : ParamMode.STRUCTURED;
        NtkEngine engine = new NtkEngine(plan, pm, plan.select(settings.outputs()));
        long n1 = side1.x()[0].size(0), n2 = side2.x()[0].size(0);
        // probe one example (once per input shape): number of outputs and bytes per example
        long[] probe = probe(probes, settings, engine, pm, n1 > 0 ? side1 : side2);
        if (n1 > 0 && n2 > 0 && !symmetric) {
            long[] probe2 = probe(probes, settings, engine, pm, side2);
            if (probe2[0] != probe[0]) {
                throw new IllegalArgumentException("x1 gives " + probe[0] + " outputs per example and x2 gives "
                        + probe2[0] + " (sequence outputs of different lengths): the kernel needs the same outputs on"
                        + " both sides; pad the shorter sequences to the same length and pass masks");
            }
            probe = new long[]{probe[0], Math.max(probe[1], probe2[1])};
        }
        boolean chain = pm == ParamMode.STRUCTURED && chainPath != null && side1.masks() == null
                && side2.masks() == null && settings.outputs().isEmpty();
        return new EmpiricalJob(settings, chainPath, engine, side1, side2, symmetric, type, n1, n2, (int) probe[0],
                probe[1], chain);
    }

    private static long[] probe(Map<String, long[]> probes, Settings settings, NtkEngine engine, ParamMode pm,
                                Side side) {
        Side one = side.x()[0].size(0) > 0 ? side.rows(0, 1) : side.zeroExample();
        StringBuilder key = new StringBuilder(pm.name()).append(settings.outputs());
        for (INDArray p : one.x()) {
            key.append(Arrays.toString(p.shape()));
        }
        return probes.computeIfAbsent(key.toString(), k -> {
            NtkEngine.BlockFactors f = engine.factors(one.x(), one.masks());
            return new long[]{f.outputs(), f.factorBytes() + f.activationBytes() * (1L + f.outputs())};
        });
    }

    /** @return whether the kernel is TRACE */
    public boolean trace() {
        return settings.mode() == OutputMode.TRACE;
    }

    /** @return entries per example in the flattened layout: 1 (TRACE) or o (FULL) */
    public int m() {
        return trace() ? 1 : o;
    }

    /** @return the tile grid */
    public TileScheduler.Grid grid() {
        return new TileScheduler.Grid(n1, n2, settings.blockSize(), symmetric);
    }

    /** @return the tile computer: the dense chain or the general engine */
    public TileScheduler.TileComputer<?> computer() {
        return chain ? EmpiricalTiles.chain(chainPath, side1.x()[0], side2.x()[0], trace(), o)
                : EmpiricalTiles.engine(engine, side1, side2, trace(), o);
    }

    /** @return bytes of the per-tile work: block factors of both sides and the tile temporaries */
    public long tileBytes() {
        int bs = settings.blockSize();
        long b1 = Math.min(bs, Math.max(n1, 1)), b2 = Math.min(bs, Math.max(n2, 1));
        long temps = chain ? chainPath.tileBytes(b1, b2, trace())
                : trace() ? 2 * MemoryBudget.bytes(type, b1, b2) : 3 * MemoryBudget.bytes(type, b1 * o, b2 * o);
        return perExample * (b1 + b2) + temps;
    }

    /** @return what is computed, for messages */
    public String what() {
        return "the empirical NTK of " + n1 + " x " + n2 + " examples (" + o + " outputs, " + settings.mode() + ", "
                + settings.implementation() + ", block size " + settings.blockSize() + ")";
    }

    /**
     * @param fileType  FLOAT or DOUBLE
     * @param network   a description of the network (class, units and rules, outputs, parameter count)
     * @param params    its parameter values
     * @return the file of this kernel, with a fingerprint of the settings, the network and the features
     */
    public KernelFileSpec fileSpec(DataType fileType, String network, INDArray params) {
        if (n1 == 0 || n2 == 0) {
            throw new IllegalArgumentException("a kernel file needs examples on both sides (got: " + n1 + " x " + n2
                    + ")");
        }
        Fingerprint f = new Fingerprint("empirical").text(network)
                .text(settings.mode() + " " + settings.implementation() + " " + settings.outputs() + " " + type)
                .array(params);
        for (INDArray x : side1.x()) {
            f.array(x);
        }
        if (!symmetric) {
            for (INDArray x : side2.x()) {
                f.array(x);
            }
        }
        return new KernelFileSpec(n1, n2, m(), fileType, settings.blockSize(), symmetric, f.value());
    }
}
