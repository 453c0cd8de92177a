using Plasticity.ML.Networks;
using TorchSharp.Modules;
using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Networks;

[TestClass]
public sealed class NetworkFactoryTests
{
    private static NetworkSpec Mlp(NormalizationKind norm = NormalizationKind.None, HeadSpec? head = null) => new()
    {
        InputShape = [12],
        HiddenWidths = [8, 6],
        Normalization = norm,
        Head = head ?? new HeadSpec { Kind = HeadKind.Regression, Outputs = 3 },
    };

    [TestMethod]
    public void MlpHasTheSpecifiedLayerShapes()
    {
        using var tensors = NewDisposeScope();
        using var net = NetworkFactory.Create(Mlp(), seed: 1);
        Assert.HasCount(2, net.HiddenLayers);
        CollectionAssert.AreEqual(new long[] { 8, 12 }, net.HiddenLayers[0].Weight.shape);
        CollectionAssert.AreEqual(new long[] { 6, 8 }, net.HiddenLayers[1].Weight.shape);
        CollectionAssert.AreEqual(new long[] { 3, 6 }, net.OutputLayer.weight!.shape);
        using var x = rand(5, 12);
        using var y = net.forward(x);
        CollectionAssert.AreEqual(new long[] { 5, 3 }, y.shape);
        using var f = net.Features(x);
        CollectionAssert.AreEqual(new long[] { 5, 6 }, f.shape);
        Assert.AreEqual(12 * 8 + 8 + 8 * 6 + 6 + 6 * 3 + 3, net.ParameterCount);
    }

    [TestMethod]
    public void CnnFlattensConvolutionsIntoTheFullyConnectedLayers()
    {
        using var tensors = NewDisposeScope();
        var spec = new NetworkSpec
        {
            Architecture = NetworkArchitecture.Cnn,
            InputShape = [1, 28, 28],
            ConvChannels = [4, 8],
            HiddenWidths = [16],
            Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 },
        };
        using var net = NetworkFactory.Create(spec, seed: 1);
        Assert.IsTrue(net.HiddenLayers[0].IsConvolution);
        Assert.IsTrue(net.HiddenLayers[1].IsConvolution);
        Assert.IsFalse(net.HiddenLayers[2].IsConvolution);
        // 28 -> 14 -> 7 with 3x3 stride-2 padding-1 convolutions: 8 * 7 * 7 features enter the first linear layer.
        CollectionAssert.AreEqual(new long[] { 16, 8 * 7 * 7 }, net.HiddenLayers[2].Weight.shape);
        using var x = rand(2, 784);
        using var y = net.forward(x);
        CollectionAssert.AreEqual(new long[] { 2, 10 }, y.shape);
    }

    [TestMethod]
    [DataRow(NormalizationKind.LayerNorm, typeof(LayerNorm))]
    [DataRow(NormalizationKind.BatchNorm, typeof(BatchNorm1d))]
    public void NormalizationSitsInEveryHiddenLayerBetweenAffineAndActivation(NormalizationKind kind, Type expected)
    {
        using var tensors = NewDisposeScope();
        using var net = NetworkFactory.Create(Mlp(kind), seed: 1);
        foreach (var layer in net.HiddenLayers) Assert.IsInstanceOfType(layer.Norm, expected);
        // Pre-activations are normalized: with fresh LayerNorm/BatchNorm (scale 1, shift 0) every row (LN) or
        // column (BN, training mode) has mean 0 and unit variance before the ReLU.
        net.train();
        using var x = rand(64, 12);
        using var trace = net.Trace(x);
        var pre = trace.PreActivations[0];
        long dim = kind == NormalizationKind.LayerNorm ? 1 : 0;
        using var mean = pre.mean([dim]);
        using var variance = pre.var(dim, unbiased: false);
        Assert.IsLessThan(1e-4, mean.abs().max().item<float>());
        Assert.AreEqual(1.0, variance.mean().item<float>(), 1e-2);
        using var post = trace.Activations[0];
        Assert.AreEqual(0f, post.min().item<float>(), "ReLU comes after the normalization.");
    }

    [TestMethod]
    public void NoNormalizationMeansNoNormModule()
    {
        using var net = NetworkFactory.Create(Mlp(), seed: 1);
        Assert.IsTrue(net.HiddenLayers.All(l => l.Norm is null));
    }

    [TestMethod]
    public void SameSeedGivesSameWeightsAndDifferentSeedsDiffer()
    {
        using var a = NetworkFactory.Create(Mlp(), seed: 7);
        using var b = NetworkFactory.Create(Mlp(), seed: 7);
        using var c = NetworkFactory.Create(Mlp(), seed: 8);
        Assert.IsTrue(a.OutputLayer.weight!.SameValues(b.OutputLayer.weight!));
        Assert.IsFalse(a.OutputLayer.weight!.SameValues(c.OutputLayer.weight!));
    }

    [TestMethod]
    public void InitializationIsUniformOnPlusMinusOneOverSqrtFanIn()
    {
        using var tensors = NewDisposeScope();
        var spec = Mlp() with { InputShape = [400], HiddenWidths = [300] };
        using var net = NetworkFactory.Create(spec, seed: 3);
        var w = net.HiddenLayers[0].Weight;
        double bound = 1.0 / Math.Sqrt(400);
        Assert.IsLessThanOrEqualTo(bound, w.abs().max().item<float>());
        // Variance of U(-b, b) is b^2 / 3.
        Assert.AreEqual(bound * bound / 3, w.var().item<float>(), bound * bound / 3 * 0.02);
    }

    [TestMethod]
    public void DeepCopyIsExactAndIndependent()
    {
        using var net = NetworkFactory.Create(Mlp(NormalizationKind.BatchNorm), seed: 1);
        using var copy = net.DeepCopy();
        using var x = rand(4, 12);
        net.eval();
        copy.eval();
        using var y1 = net.forward(x);
        using var y2 = copy.forward(x);
        Assert.IsTrue(y1.SameValues(y2));
        using (no_grad()) copy.OutputLayer.weight!.add_(Scalars.One, Scalars.One);
        using var y3 = net.forward(x);
        Assert.IsTrue(y1.SameValues(y3), "Changing the copy must not change the original.");
    }

    [TestMethod]
    public void CreateFreshHasTheSameArchitectureAndNewWeights()
    {
        using var net = NetworkFactory.Create(Mlp(NormalizationKind.LayerNorm), seed: 1);
        using var fresh = net.CreateFresh(99);
        Assert.AreEqual(net.Spec, fresh.Spec);
        Assert.AreEqual(net.ParameterCount, fresh.ParameterCount);
        Assert.IsFalse(net.OutputLayer.weight!.SameValues(fresh.OutputLayer.weight!));
    }

    [TestMethod]
    public void InvalidSpecsAreRejectedWithTheFieldName()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => NetworkFactory.Create(Mlp() with { HiddenWidths = [8, 0] }, 1));
        StringAssert.Contains(e.Message, "HiddenWidths");
        var cnn = new NetworkSpec { Architecture = NetworkArchitecture.Cnn, InputShape = [784] };
        e = Assert.ThrowsExactly<ArgumentException>(() => NetworkFactory.Create(cnn, 1));
        StringAssert.Contains(e.Message, "InputShape");
        e = Assert.ThrowsExactly<ArgumentException>(() => NetworkFactory.Create(Mlp(head: new HeadSpec { Kind = HeadKind.TwoHot, Min = 1, Max = 1 }), 1));
        StringAssert.Contains(e.Message, "Min < Max");
    }
}
