using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Networks;

/// <summary>Convolution geometry in the spec, and the MinAtar and Nature CNN presets built from it.</summary>
[TestClass]
public sealed class NetworkPresetsTests
{
    [TestMethod]
    public void TheMinAtarNetworkIsOne3x3Stride1ConvolutionOf16ChannelsThen128Units()
    {
        using var tensors = NewDisposeScope();
        var spec = NetworkPresets.MinAtar(channels: 4, actions: 6);
        using var net = NetworkFactory.Create(spec, seed: 1);
        var conv = (Conv2d)net.HiddenLayers[0].Affine;
        CollectionAssert.AreEqual(new long[] { 16, 4, 3, 3 }, conv.weight!.shape);
        CollectionAssert.AreEqual(new long[] { 1, 1 }, conv.stride);
        CollectionAssert.AreEqual(new long[] { 0, 0 }, conv.padding);
        // 10x10 -> 8x8 without padding: 16 * 8 * 8 = 1,024 features, as in MinAtar's examples/dqn.py.
        CollectionAssert.AreEqual(new long[] { 128, 1024 }, net.HiddenLayers[1].Weight.shape);
        CollectionAssert.AreEqual(new long[] { 6, 128 }, net.OutputLayer.weight!.shape);
        Assert.AreEqual(16 * 4 * 9 + 16 + 1024 * 128 + 128 + 128 * 6 + 6, net.ParameterCount);
        using var x = rand(5, 4, 10, 10);
        using var q = net.forward(x);
        CollectionAssert.AreEqual(new long[] { 5, 6 }, q.shape);
    }

    [TestMethod]
    public void TheNatureCnnMaps84x84FramesTo3136FeaturesThen512Units()
    {
        using var tensors = NewDisposeScope();
        var spec = NetworkPresets.NatureCnn(actions: 18);
        CollectionAssert.AreEqual(new[] { 32, 20, 20 }, spec.ConvOutputShapes()[0]);
        CollectionAssert.AreEqual(new[] { 64, 9, 9 }, spec.ConvOutputShapes()[1]);
        CollectionAssert.AreEqual(new[] { 64, 7, 7 }, spec.ConvOutputShapes()[2]);
        using var net = NetworkFactory.Create(spec, seed: 1);
        CollectionAssert.AreEqual(new long[] { 32, 4, 8, 8 }, net.HiddenLayers[0].Weight.shape);
        CollectionAssert.AreEqual(new long[] { 64, 32, 4, 4 }, net.HiddenLayers[1].Weight.shape);
        CollectionAssert.AreEqual(new long[] { 64, 64, 3, 3 }, net.HiddenLayers[2].Weight.shape);
        CollectionAssert.AreEqual(new long[] { 512, 3136 }, net.HiddenLayers[3].Weight.shape);
        // (32*4*64 + 32) + (64*32*16 + 64) + (64*64*9 + 64) + (3136*512 + 512) + (512*18 + 18): the Nature DQN's 1,693,362.
        Assert.AreEqual(1_693_362, net.ParameterCount);
        using var x = rand(2, 4, 84, 84);
        using var q = net.forward(x);
        CollectionAssert.AreEqual(new long[] { 2, 18 }, q.shape);
    }

    [TestMethod]
    [DataRow(NormalizationKind.LayerNorm)]
    [DataRow(NormalizationKind.BatchNorm)]
    public void EveryNormalizationFitsTheConvolutionGeometry(NormalizationKind kind)
    {
        var spec = NetworkPresets.MinAtar(channels: 7, actions: 3) with { Normalization = kind, Activation = ActivationKind.Tanh };
        using var net = NetworkFactory.Create(spec, seed: 2);
        if (kind == NormalizationKind.LayerNorm)
            CollectionAssert.AreEqual(new long[] { 16, 8, 8 }, ((LayerNorm)net.HiddenLayers[0].Norm!).normalized_shape);
        else
            Assert.IsInstanceOfType<BatchNorm2d>(net.HiddenLayers[0].Norm);
        using var x = rand(4, 7 * 100);
        using var q = net.forward(x);
        CollectionAssert.AreEqual(new long[] { 4, 3 }, q.shape);
    }

    [TestMethod]
    public void TheCategoricalHeadPredictsTheExpectationOverItsAtomsForEachAction()
    {
        using var tensors = NewDisposeScope();
        var spec = NetworkPresets.MinAtar(channels: 4, actions: 6) with { Head = NetworkPresets.Categorical(actions: 6) };
        using var net = NetworkFactory.Create(spec, seed: 3);
        using var x = rand(2, 4, 10, 10);
        using var raw = net.forward(x);
        CollectionAssert.AreEqual(new long[] { 2, 6 * 51 }, raw.shape);
        using var q = net.Predict(x);
        using var support = linspace(-10, 10, 51);
        using var expected = (raw.view(2, 6, 51).softmax(-1) * support).sum(-1);
        var actual = q.data<float>().ToArray();
        var wanted = expected.data<float>().ToArray();
        for (int i = 0; i < actual.Length; i++) Assert.AreEqual(wanted[i], actual[i], 1e-5, $"Q-value {i}");
    }

    [TestMethod]
    public void ASpecWithoutConvolutionGeometryKeepsTheOld3x3Stride2Padding1Blocks()
    {
        // A spec written before the geometry fields existed reads back with null fields: the defaults.
        var old = PlasticityJson.Deserialize<NetworkSpec>("""{ "architecture": "Cnn", "inputShape": [1, 28, 28], "convChannels": [4, 8], "hiddenWidths": [16] }""");
        Assert.IsNull(old.ConvKernels);
        Assert.AreEqual((3, 2, 1), old.Convolution(1));
        using var net = NetworkFactory.Create(old, seed: 1);
        var conv = (Conv2d)net.HiddenLayers[1].Affine;
        CollectionAssert.AreEqual(new long[] { 2, 2 }, conv.stride);
        CollectionAssert.AreEqual(new long[] { 1, 1 }, conv.padding);
        var written = PlasticityJson.Serialize(NetworkPresets.NatureCnn(4));
        Assert.AreEqual(NetworkPresets.NatureCnn(4).ConvStrides![1], PlasticityJson.Deserialize<NetworkSpec>(written).ConvStrides![1]);
    }

    [TestMethod]
    public void BadGeometryIsRefusedNamingTheField()
    {
        var spec = NetworkPresets.MinAtar(4, 6);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (spec with { ConvStrides = [1, 1] }).Validate()).Message, "ConvStrides");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (spec with { ConvKernels = [0] }).Validate()).Message, "ConvKernels");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (spec with { ConvPaddings = [-1] }).Validate()).Message, "ConvPaddings");
        var tooSmall = Assert.ThrowsExactly<ArgumentException>(() => (spec with { ConvKernels = [11] }).Validate()).Message;
        StringAssert.Contains(tooSmall, "11x11");
        StringAssert.Contains(tooSmall, "10x10");
    }
}
