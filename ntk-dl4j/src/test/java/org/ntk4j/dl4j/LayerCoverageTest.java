package org.ntk4j.dl4j;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.junit.jupiter.api.Test;
import org.ntk4j.dl4j.network.internal.Refusals;

import java.io.File;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every concrete layer configuration class DL4J ships ({@code org.deeplearning4j.nn.conf.layers} and subpackages,
 * read from the deeplearning4j-nn jar on the class path) is either covered by a named finite-difference test of this
 * suite or refused by name with a reason ({@link Refusals}). A DL4J layer nobody handled fails this test.
 */
class LayerCoverageTest {
    private static final String ANY = "AnyNetworkFiniteDifferenceTest#";
    private static final String SHAPES = "ShapesAndWrappersFiniteDifferenceTest#";
    private static final String ZOO = "LayerZooFiniteDifferenceTest#";
    private static final String BASIC = "EmpiricalNtkFiniteDifferenceTest#";
    private static final String MASKS = "MasksAndHeadsFiniteDifferenceTest#";

    /** Layer class (simple name) → the finite-difference test that covers it. */
    static final Map<String, String> COVERED = new TreeMap<>(Map.ofEntries(
            Map.entry("ActivationLayer", BASIC + "activationDropoutBatchNormLossLayer"),
            Map.entry("DropoutLayer", BASIC + "activationDropoutBatchNormLossLayer"),
            Map.entry("BatchNormalization", BASIC + "activationDropoutBatchNormLossLayer"),
            Map.entry("LossLayer", BASIC + "activationDropoutBatchNormLossLayer"),
            Map.entry("DenseLayer", BASIC + "denseIdentityOutput"),
            Map.entry("OutputLayer", BASIC + "denseSoftmaxOutput"),
            Map.entry("ConvolutionLayer", BASIC + "convolutionPoolingBatchNorm"),
            Map.entry("SubsamplingLayer", BASIC + "convolutionPoolingBatchNorm"),
            Map.entry("GlobalPoolingLayer", BASIC + "convolutionPoolingBatchNorm"),
            Map.entry("EmbeddingLayer", BASIC + "embedding"),
            Map.entry("FrozenLayerWithBackprop", BASIC + "frozenLayerIsNotAParameter"),
            Map.entry("SelfAttentionLayer", ANY + "selfAttentionWithProjection"),
            Map.entry("RecurrentAttentionLayer", ANY + "recurrentAttention"),
            Map.entry("LSTM", SHAPES + "lstmSequenceOutputNcw"),
            Map.entry("RnnOutputLayer", SHAPES + "lstmSequenceOutputNwcSoftmax"),
            Map.entry("Bidirectional", SHAPES + "bidirectionalLstmSequenceOutput"),
            Map.entry("SimpleRnn", SHAPES + "simpleRnnWithRnnLossLayer"),
            Map.entry("RnnLossLayer", SHAPES + "simpleRnnWithRnnLossLayer"),
            Map.entry("LastTimeStep", SHAPES + "lastTimeStepOfAnLstm"),
            Map.entry("TimeDistributed", SHAPES + "timeDistributedDenseAndMaskZero"),
            Map.entry("MaskZeroLayer", SHAPES + "timeDistributedDenseAndMaskZero"),
            Map.entry("CnnLossLayer", SHAPES + "cnnLossLayerNchwSoftmaxAndNhwc"),
            Map.entry("Cnn3DLossLayer", SHAPES + "cnn3DLossLayer"),
            Map.entry("FrozenLayer", SHAPES + "frozenLayerStopsTheKernelBelowIt"),
            Map.entry("Convolution1DLayer", ZOO + "convolution1DSubsampling1DZeroPadding1DCropping1DUpsampling1D"),
            Map.entry("Convolution1D", ZOO + "convolution1DSubsampling1DZeroPadding1DCropping1DUpsampling1D"),
            Map.entry("Subsampling1DLayer", ZOO + "convolution1DSubsampling1DZeroPadding1DCropping1DUpsampling1D"),
            Map.entry("Pooling1D", ZOO + "convolution1DSubsampling1DZeroPadding1DCropping1DUpsampling1D"),
            Map.entry("ZeroPadding1DLayer", ZOO + "convolution1DSubsampling1DZeroPadding1DCropping1DUpsampling1D"),
            Map.entry("Cropping1D", ZOO + "convolution1DSubsampling1DZeroPadding1DCropping1DUpsampling1D"),
            Map.entry("Upsampling1D", ZOO + "convolution1DSubsampling1DZeroPadding1DCropping1DUpsampling1D"),
            Map.entry("Convolution2D", ZOO + "convolution2DFamilyPaddingCroppingUpsamplingSpaceToDepth"),
            Map.entry("ZeroPaddingLayer", ZOO + "convolution2DFamilyPaddingCroppingUpsamplingSpaceToDepth"),
            Map.entry("Cropping2D", ZOO + "convolution2DFamilyPaddingCroppingUpsamplingSpaceToDepth"),
            Map.entry("DepthwiseConvolution2D", ZOO + "convolution2DFamilyPaddingCroppingUpsamplingSpaceToDepth"),
            Map.entry("SeparableConvolution2D", ZOO + "convolution2DFamilyPaddingCroppingUpsamplingSpaceToDepth"),
            Map.entry("Deconvolution2D", ZOO + "convolution2DFamilyPaddingCroppingUpsamplingSpaceToDepth"),
            Map.entry("Pooling2D", ZOO + "convolution2DFamilyPaddingCroppingUpsamplingSpaceToDepth"),
            Map.entry("Upsampling2D", ZOO + "convolution2DFamilyPaddingCroppingUpsamplingSpaceToDepth"),
            Map.entry("SpaceToDepthLayer", ZOO + "convolution2DFamilyPaddingCroppingUpsamplingSpaceToDepth"),
            Map.entry("LocalResponseNormalization", ZOO + "convolution2DFamilyPaddingCroppingUpsamplingSpaceToDepth"),
            Map.entry("Convolution3D", ZOO + "convolution3DFamily"),
            Map.entry("ZeroPadding3DLayer", ZOO + "convolution3DFamily"),
            Map.entry("Cropping3D", ZOO + "convolution3DFamily"),
            Map.entry("Upsampling3D", ZOO + "convolution3DFamily"),
            Map.entry("Deconvolution3D", ZOO + "convolution3DFamily"),
            Map.entry("Subsampling3DLayer", ZOO + "convolution3DFamily"),
            Map.entry("LocallyConnected2D", ZOO + "locallyConnectedPReLUElementWiseMultiplication"),
            Map.entry("LocallyConnected1D", ZOO + "locallyConnectedPReLUElementWiseMultiplication"),
            Map.entry("PReLULayer", ZOO + "locallyConnectedPReLUElementWiseMultiplication"),
            Map.entry("ElementWiseMultiplicationLayer", ZOO + "locallyConnectedPReLUElementWiseMultiplication"),
            Map.entry("GravesLSTM", ZOO + "gravesLstmsRepeatVectorMaskLayerEmbeddingSequence"),
            Map.entry("GravesBidirectionalLSTM", ZOO + "gravesLstmsRepeatVectorMaskLayerEmbeddingSequence"),
            Map.entry("MaskLayer", ZOO + "gravesLstmsRepeatVectorMaskLayerEmbeddingSequence"),
            Map.entry("RepeatVector", ZOO + "gravesLstmsRepeatVectorMaskLayerEmbeddingSequence"),
            Map.entry("EmbeddingSequenceLayer", ZOO + "gravesLstmsRepeatVectorMaskLayerEmbeddingSequence"),
            Map.entry("PrimaryCapsules", ZOO + "capsules"),
            Map.entry("CapsuleLayer", ZOO + "capsules"),
            Map.entry("CapsuleStrengthLayer", ZOO + "capsules")));

    /** @return every concrete subclass of DL4J's layer configuration base class in its jar, by simple name */
    static Map<String, Class<?>> concreteLayerClasses() throws Exception {
        File jar = new File(Layer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, Class<?>> found = new TreeMap<>();
        try (JarFile jf = new JarFile(jar)) {
            for (Enumeration<JarEntry> e = jf.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (!name.startsWith("org/deeplearning4j/nn/conf/layers/") || !name.endsWith(".class") || name.contains("$")) {
                    continue;
                }
                Class<?> c = Class.forName(name.replace('/', '.').substring(0, name.length() - 6), false,
                        LayerCoverageTest.class.getClassLoader());
                if (Layer.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers()) && !c.isInterface()) {
                    assertTrue(found.put(c.getSimpleName(), c) == null, "two layer classes named " + c.getSimpleName());
                }
            }
        }
        return found;
    }

    @Test
    void everyDl4jLayerIsCoveredByAFiniteDifferenceTestOrRefusedByName() throws Exception {
        Map<String, Class<?>> all = concreteLayerClasses();
        assertTrue(all.size() > 50, "found only " + all.keySet());
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Class<?>> e : all.entrySet()) {
            String test = COVERED.get(e.getKey());
            String reason = Refusals.reason(e.getValue());
            if (test == null && reason == null) {
                missing.add(e.getValue().getName());
            }
            assertTrue(test == null || reason == null, e.getKey() + " is both covered and refused");
        }
        assertEquals(List.of(), missing, "DL4J layer classes neither covered by a finite-difference test nor refused");
        for (String k : COVERED.keySet()) {
            assertTrue(all.containsKey(k), "COVERED names a class DL4J does not ship: " + k);
        }
    }

    @Test
    void everyCoveringTestExists() throws Exception {
        for (String ref : COVERED.values()) {
            String[] p = ref.split("#");
            Class<?> c = Class.forName("org.ntk4j.dl4j." + p[0]);
            Method m = c.getDeclaredMethod(p[1]);
            assertNotNull(m.getAnnotation(Test.class), ref + " is not a @Test");
        }
    }
}
