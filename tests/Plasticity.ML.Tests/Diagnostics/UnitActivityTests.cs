using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Diagnostics;

[TestClass]
public sealed class UnitActivityTests
{
    // Inputs whose first feature takes both signs: x0 in {1, -1, 2, -2}.
    private static Tensor Inputs() => tensor(new float[] { 1, 0, 0, -1, 0, 0, 2, 0, 0, -2, 0, 0 }).view(4, 3);

    [TestMethod]
    public void UnitsDeadOrLinearByConstructionAreCountedExactly()
    {
        using var net = DiagnosticTestNetworks.Mlp(3, [4], 1);
        var layer = net.HiddenLayers[0];
        // unit 0: pre = -1 (dead); unit 1: pre = +1 (linearized); unit 2: pre = x0 (neither); unit 3: pre = 0 (dead, not linear).
        DiagnosticTestNetworks.Set(layer.Weight, [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
        DiagnosticTestNetworks.Set(layer.Bias!, [-1, 1, 0, 0]);
        using var x = Inputs();
        var report = UnitActivity.Measure(net, x, [0.0, 0.1, 1.9]);

        var l = report.Layers[0];
        Assert.AreEqual(4, l.Units);
        Assert.AreEqual(2, l.Dead);
        Assert.AreEqual(1, l.Linearized);
        // E|h| = [0, 1, 0.75, 0]; layer mean 0.4375; scores [0, 2.2857, 1.7143, 0].
        Assert.AreEqual(1 / 0.4375, l.DormancyScores[1], 1e-6);
        Assert.AreEqual(0.75 / 0.4375, l.DormancyScores[2], 1e-6);
        CollectionAssert.AreEqual(new[] { 2, 2, 3 }, l.Dormant);
        Assert.AreEqual(0.5, report.DeadFraction, 1e-12);
        Assert.AreEqual(0.25, report.LinearizedFraction, 1e-12);
        Assert.AreEqual(0.75, report.DormantFraction(2), 1e-12);
    }

    [TestMethod]
    public void ConvolutionChannelsCountAsUnits()
    {
        using var net = NetworkFactory.Create(new NetworkSpec
        {
            Architecture = NetworkArchitecture.Cnn,
            InputShape = [1, 4, 4],
            ConvChannels = [2],
            HiddenWidths = [3],
            Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 1 },
        }, seed: 2);
        var conv = net.HiddenLayers[0];
        Assert.IsTrue(conv.IsConvolution);
        // Channel 0 is -1 everywhere (dead), channel 1 is +1 everywhere (linearized).
        DiagnosticTestNetworks.Set(conv.Weight, new double[conv.Weight.numel()]);
        DiagnosticTestNetworks.Set(conv.Bias!, [-1, 1]);
        var fc = net.HiddenLayers[1];
        // Fully connected units with zero weights: pre-activation = bias, so unit 0 is dead and units 1, 2 are linearized.
        DiagnosticTestNetworks.Set(fc.Bias!, [-1, 1, 2]);
        var w = new double[fc.Weight.numel()];
        DiagnosticTestNetworks.Set(fc.Weight, w);
        using var x = tensor(Enumerable.Range(0, 3 * 16).Select(i => (float)Math.Sin(i)).ToArray()).view(3, 16);
        var report = UnitActivity.Measure(net, x);
        Assert.AreEqual(2, report.Layers[0].Units);
        Assert.AreEqual(1, report.Layers[0].Dead);
        Assert.AreEqual(1, report.Layers[0].Linearized);
        Assert.AreEqual(1, report.Layers[1].Dead);
        Assert.AreEqual(2, report.Layers[1].Linearized);
        Assert.AreEqual(2 / 5.0, report.DeadFraction, 1e-12);
        Assert.AreEqual(3 / 5.0, report.LinearizedFraction, 1e-12);
    }

    [TestMethod]
    public void MeasuringInChunksGivesTheSameCounts()
    {
        using var net = DiagnosticTestNetworks.Mlp(3, [8, 8], 1, seed: 7);
        using var x = tensor(Enumerable.Range(0, 30).Select(i => (float)Math.Cos(0.7 * i)).ToArray()).view(10, 3);
        var whole = UnitActivity.Measure(net, x, chunk: 512);
        var chunked = UnitActivity.Measure(net, x, chunk: 3);
        for (int l = 0; l < 2; l++)
        {
            Assert.AreEqual(whole.Layers[l].Dead, chunked.Layers[l].Dead);
            Assert.AreEqual(whole.Layers[l].Linearized, chunked.Layers[l].Linearized);
            for (int u = 0; u < 8; u++) Assert.AreEqual(whole.Layers[l].DormancyScores[u], chunked.Layers[l].DormancyScores[u], 1e-6);
        }
    }
}
