using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Diagnostics;

[TestClass]
public sealed class UnitActivityTests
{
    // Inputs whose first feature takes both signs: x0 in {1, -1, 2, -2}.
    private static Tensor Inputs() => TensorComparisons.Shaped(new float[] { 1, 0, 0, -1, 0, 0, 2, 0, 0, -2, 0, 0 }, 4, 3);

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
        using var tensors = NewDisposeScope();
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
        using var tensors = NewDisposeScope();
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

    [TestMethod]
    public void TheActiveFractionIsTheShareOfSamplesOnWhichEachOutputFiresAveragedOverOutputs()
    {
        using var net = DiagnosticTestNetworks.Mlp(3, [4], 1);
        var layer = net.HiddenLayers[0];
        DiagnosticTestNetworks.Set(layer.Weight, [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
        DiagnosticTestNetworks.Set(layer.Bias!, [-1, 1, 0, 0]);
        using var x = Inputs();
        var report = UnitActivity.Measure(net, x);
        // Unit 0 never fires, unit 1 always, unit 2 (pre = x0) on 2 of 4 samples, unit 3 never: (0 + 1 + 0.5 + 0) / 4.
        Assert.AreEqual(0.375, report.Layers[0].ActiveFraction, 1e-12);
        Assert.AreEqual(0.375, report.ActiveFraction, 1e-12);
        Assert.AreEqual(4, report.Layers[0].Outputs);
    }

    [TestMethod]
    public void CReluUnitsSumTheirTwoOutputsAndDieOnlyWhenThePreActivationIsZero()
    {
        using var net = DiagnosticTestNetworks.Mlp(3, [3], 1, ActivationKind.CReLU);
        var layer = net.HiddenLayers[0];
        // unit 0: pre = -1 (a ReLU would be dead; CReLU's negative half fires); unit 1: pre = x0; unit 2: pre = 0.
        DiagnosticTestNetworks.Set(layer.Weight, [0, 0, 0, 1, 0, 0, 0, 0, 0]);
        DiagnosticTestNetworks.Set(layer.Bias!, [-1, 0, 0]);
        using var x = Inputs();
        var report = UnitActivity.Measure(net, x, [0.0]);
        var l = report.Layers[0];
        Assert.AreEqual(1, l.Dead, "only the unit whose pre-activation is exactly 0");
        Assert.AreEqual(6, l.Outputs);
        var (means, _) = UnitActivity.MeanAbsolute(net, x);
        // E|h_u| = E(|relu(z)| + |relu(-z)|) = E|z|: [1, mean |x0| = 1.5, 0].
        CollectionAssert.AreEqual(new[] { 1.0, 1.5, 0.0 }, means[0]);
        // Outputs: relu(z) of units 0-2 fire on 0, 2, 0 of 4 samples, relu(-z) on 4, 2, 0.
        Assert.AreEqual((0 + 0.5 + 0 + 1 + 0.5 + 0) / 6, l.ActiveFraction, 1e-12);
    }

    [TestMethod]
    public void ReDoRecyclesExactlyTheUnitsThePanelCountsAsDormantInOneModeForBatchNorm()
    {
        using var tensors = NewDisposeScope();
        // With BatchNorm, training mode normalizes with the sample's own statistics and evaluation mode with the running
        // ones; the running mean below makes unit 0 silent in evaluation mode only. One definition: evaluation mode.
        using var net = NetworkFactory.Create(new NetworkSpec
        {
            InputShape = [3],
            HiddenWidths = [3],
            Normalization = NormalizationKind.BatchNorm,
            Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 1 },
        }, seed: 4);
        var layer = net.HiddenLayers[0];
        DiagnosticTestNetworks.Set(layer.Weight, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
        DiagnosticTestNetworks.Set(layer.Bias!, [0, 0, 0]);
        var norm = (TorchSharp.Modules.BatchNorm1d)layer.Norm!;
        DiagnosticTestNetworks.Set(norm.running_mean!, [10, 0, 0]);
        using var x = tensor(new float[] { 1, 2, -1, 2, -1, 1, -1, 1, 2, -2, -2, -2 }).view(4, 3);
        net.train();
        var buffers = net.named_buffers().Select(b => b.buffer.clone()).ToArray();

        var report = UnitActivity.Measure(net, x, [0.1]);
        var redo = Plasticity.ML.Interventions.DormantUnits.Find(net, x, 0.1);

        CollectionAssert.AreEqual(new long[] { 0 }, redo[0], "ReDo's dormant units");
        Assert.AreEqual(1, report.Layers[0].Dormant[0], "the panel's count");
        Assert.AreEqual(1, report.Layers[0].Dead);
        Assert.IsTrue(net.training, "the network's mode is restored");
        foreach (var (before, (_, after)) in buffers.Zip(net.named_buffers()))
            Assert.IsTrue(before.SameValues(after), "BatchNorm statistics are untouched");

        // In training mode unit 0 would be normalized to zero mean and fire on some samples: the modes really differ here.
        using (no_grad())
        using (var trace = net.Trace(x))
            Assert.IsGreaterThan(0f, trace.Activations[0].select(1, 0).max().item<float>());
    }
}
