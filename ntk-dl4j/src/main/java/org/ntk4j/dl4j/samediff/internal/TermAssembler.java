package org.ntk4j.dl4j.samediff.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Groups the matched parameters into {@link StructuredTerm}s: a dense weight with the bias added to its product (by
 * the same op, or by a bias op that is the product's only consumer), a bias alone, and the kernel and bias of one
 * conv2d op.
 */
final class TermAssembler {
    private TermAssembler() {
    }

    /**
     * @param matches      the matches whose shapes fit, in parameter order
     * @param shapes       the probe shapes
     * @param onlyConsumer whether a given (product, bias op) pair is the product's only consumer upstream of the
     *                     output
     * @return the terms, dense first, then conv2d
     */
    static List<StructuredTerm> assemble(List<OpMatch> matches, Map<String, long[]> shapes,
                                         Predicate<OpMatch.AddedBias> onlyConsumer) {
        List<StructuredTerm> terms = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (OpMatch m : matches) {
            if (m instanceof OpMatch.DenseWeight w) {
                Optional<OpMatch> bias = matches.stream().filter(b -> !done.contains(b.parameter())
                        && biasOf(b, w, onlyConsumer)).findFirst();
                List<String> ps = new ArrayList<>(List.of(w.parameter()));
                bias.ifPresent(b -> ps.add(b.parameter()));
                terms.add(new StructuredTerm.Dense(ps, Optional.of(w.input()), w.z(), bias.isPresent(),
                        shapes.get(w.input())[1], shapes.get(w.z())[1]));
                done.addAll(ps);
            }
        }
        for (OpMatch m : matches) {
            if ((m instanceof OpMatch.FusedBias || m instanceof OpMatch.AddedBias) && done.add(m.parameter())) {
                terms.add(new StructuredTerm.Dense(List.of(m.parameter()), Optional.empty(), m.z(), true, 0,
                        shapes.get(m.z())[1]));
            }
        }
        Map<String, List<OpMatch>> byOp = new LinkedHashMap<>();
        for (OpMatch m : matches) {
            if (m instanceof OpMatch.ConvWeight || m instanceof OpMatch.ConvBias) {
                byOp.computeIfAbsent(m.op(), k -> new ArrayList<>()).add(m);
            }
        }
        for (List<OpMatch> group : byOp.values()) {
            terms.add(conv(group, shapes));
        }
        return terms;
    }

    private static boolean biasOf(OpMatch b, OpMatch.DenseWeight w, Predicate<OpMatch.AddedBias> onlyConsumer) {
        if (b instanceof OpMatch.FusedBias f) {
            return f.z().equals(w.z());
        }
        return b instanceof OpMatch.AddedBias a && a.pre().equals(w.z()) && onlyConsumer.test(a);
    }

    /** The kernel and/or bias of one conv2d op. */
    private static StructuredTerm conv(List<OpMatch> group, Map<String, long[]> shapes) {
        OpMatch.ConvWeight w = null;
        Conv2dArgs args = null;
        boolean bias = false;
        for (OpMatch m : group) {
            if (m instanceof OpMatch.ConvWeight cw) {
                w = cw;
                args = cw.args();
            } else if (m instanceof OpMatch.ConvBias cb) {
                bias = true;
                args = args == null ? cb.args() : args;
            }
        }
        long[] z = shapes.get(group.get(0).z());
        long channels = z[1];
        long positions = z[2] * z[3];
        long patch = 0;
        ConvGeometry geometry = new ConvGeometry(args.kH(), args.kW(), args.sH(), args.sW(), 0, 0, 0, 0, args.dH(),
                args.dW());
        if (w != null) {
            long[] ws = shapes.get(w.parameter());
            patch = ws[0] * ws[1] * ws[2] * ws[3] / channels;
            geometry = args.explicit(shapes.get(w.input()), z);
        }
        List<String> ps = group.stream().map(OpMatch::parameter).toList();
        return new StructuredTerm.Conv2d(ps, w == null ? Optional.empty() : Optional.of(w.input()), group.get(0).z(),
                bias, patch, channels, positions, geometry);
    }
}
