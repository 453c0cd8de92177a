using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Networks;

/// <summary>CReLU and deep Fourier features: two outputs per unit, and the next layer's fan-in follows.</summary>
[TestClass]
public sealed class DoublingActivationTests
{
    private static NetworkSpec Mlp(ActivationKind activation) => new()
    {
        InputShape = [5],
        HiddenWidths = [4, 3],
        Activation = activation,
        Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 2 },
    };

    private static float[] Values(Tensor t) => t.FloatValues();

    [TestMethod]
    [DataRow(ActivationKind.CReLU)]
    [DataRow(ActivationKind.Fourier)]
    public void EachUnitEmitsTwoOutputsAndTheNextLayersFanInDoubles(ActivationKind activation)
    {
        using var tensors = NewDisposeScope();
        using var net = NetworkFactory.Create(Mlp(activation), seed: 3);
        Assert.AreEqual(2, net.HiddenLayers[0].OutputsPerUnit);
        Assert.AreEqual(8, net.HiddenLayers[0].Outputs);
        CollectionAssert.AreEqual(new long[] { 4, 5 }, net.HiddenLayers[0].Weight.shape);
        CollectionAssert.AreEqual(new long[] { 3, 8 }, net.HiddenLayers[1].Weight.shape, "the second layer reads 2 x 4 outputs");
        CollectionAssert.AreEqual(new long[] { 2, 6 }, net.OutputLayer.weight!.shape, "the output layer reads 2 x 3 outputs");
        // The initialization follows the doubled fan-in: U(+-1/sqrt(8)) for the second layer.
        double bound = 1 / Math.Sqrt(8);
        Assert.IsTrue(Values(net.HiddenLayers[1].Weight).All(w => Math.Abs(w) <= bound), "second layer within +-1/sqrt(8)");
        Assert.IsTrue(Values(net.HiddenLayers[1].Weight).Any(w => Math.Abs(w) > 1 / Math.Sqrt(12)), "and drawn at that scale");

        using var x = rand(7, 5);
        using var trace = net.Trace(x);
        CollectionAssert.AreEqual(new long[] { 7, 8 }, trace.Activations[0].shape);
        using var features = net.Features(x);
        CollectionAssert.AreEqual(new long[] { 7, 6 }, features.shape);
        CollectionAssert.AreEqual(new long[] { 7, 2 }, trace.Output.shape);
    }

    [TestMethod]
    public void CReluIsTheReluOfThePreActivationThenOfItsNegation()
    {
        using var net = NetworkFactory.Create(Mlp(ActivationKind.CReLU), seed: 4);
        using var x = randn(6, 5);
        using var trace = net.Trace(x);
        var pre = Values(trace.PreActivations[0]);
        var post = Values(trace.Activations[0]);
        for (int n = 0; n < 6; n++)
            for (int u = 0; u < 4; u++)
            {
                float z = pre[n * 4 + u];
                Assert.AreEqual(Math.Max(z, 0f), post[n * 8 + u], $"sample {n}, unit {u}: relu(z)");
                Assert.AreEqual(Math.Max(-z, 0f), post[n * 8 + 4 + u], $"sample {n}, unit {u}: relu(-z)");
            }
    }

    [TestMethod]
    public void FourierFeaturesAreTheSineAndCosineOfThePreActivation()
    {
        using var net = NetworkFactory.Create(Mlp(ActivationKind.Fourier), seed: 5);
        using var x = randn(6, 5);
        using var trace = net.Trace(x);
        var pre = Values(trace.PreActivations[0]);
        var post = Values(trace.Activations[0]);
        for (int n = 0; n < 6; n++)
            for (int u = 0; u < 4; u++)
            {
                float z = pre[n * 4 + u];
                Assert.AreEqual(Math.Sin(z), post[n * 8 + u], 1e-6, $"sample {n}, unit {u}: sin(z)");
                Assert.AreEqual(Math.Cos(z), post[n * 8 + 4 + u], 1e-6, $"sample {n}, unit {u}: cos(z)");
            }
    }

    [TestMethod]
    public void AConvolutionDoublesItsChannelsAndTheFlattenedFanIn()
    {
        using var tensors = NewDisposeScope();
        var spec = new NetworkSpec
        {
            Architecture = NetworkArchitecture.Cnn,
            InputShape = [1, 8, 8],
            ConvChannels = [3, 2],
            HiddenWidths = [5],
            Activation = ActivationKind.CReLU,
            Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 1 },
        };
        using var net = NetworkFactory.Create(spec, seed: 6);
        CollectionAssert.AreEqual(new long[] { 3, 1, 3, 3 }, net.HiddenLayers[0].Weight.shape);
        CollectionAssert.AreEqual(new long[] { 2, 6, 3, 3 }, net.HiddenLayers[1].Weight.shape, "the second convolution reads 2 x 3 channels");
        // 8 -> 4 -> 2 with stride 2: 2 x 2 channels of 2 x 2 positions enter the linear layer.
        CollectionAssert.AreEqual(new long[] { 5, 4 * 2 * 2 }, net.HiddenLayers[2].Weight.shape);
        using var x = rand(3, 64);
        using var y = net.forward(x);
        CollectionAssert.AreEqual(new long[] { 3, 1 }, y.shape);
    }
}
