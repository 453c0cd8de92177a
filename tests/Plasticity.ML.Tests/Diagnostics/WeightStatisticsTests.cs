using Plasticity.ML.Diagnostics;

namespace Plasticity.ML.Tests.Diagnostics;

[TestClass]
public sealed class WeightStatisticsTests
{
    [TestMethod]
    public void ConstantWeightsGiveKnownNormsAndRankOne()
    {
        using var net = DiagnosticTestNetworks.Mlp(3, [4], 2);
        foreach (var p in net.parameters()) DiagnosticTestNetworks.Set(p, Enumerable.Repeat(-0.5, (int)p.numel()).ToArray());
        var report = WeightStatistics.Measure(net);
        long count = 3 * 4 + 4 + 4 * 2 + 2;
        Assert.AreEqual(count, report.ParameterCount);
        Assert.AreEqual(0.5 * Math.Sqrt(count), report.L2Norm, 1e-9);
        Assert.AreEqual(0.5, report.MeanAbsolute, 1e-12);
        Assert.HasCount(2, report.Layers);
        Assert.AreEqual(0.5 * Math.Sqrt(16), report.Layers[0].L2Norm, 1e-9);
        Assert.AreEqual(0.5 * Math.Sqrt(10), report.Layers[1].L2Norm, 1e-9);
        Assert.AreEqual(1, report.Layers[0].WeightRank.NumericalRank);
        Assert.AreEqual(1, report.Layers[1].WeightRank.StableRank);
        // A constant [4, 3] matrix has the single singular value 0.5 * sqrt(12).
        Assert.AreEqual(0.5 * Math.Sqrt(12), report.Layers[0].WeightRank.LargestSingularValue, 1e-6);
    }

    [TestMethod]
    public void FeatureRankCountsTheDistinctDirectionsOfTheFeatures()
    {
        using var tensors = TorchSharp.torch.NewDisposeScope();
        // Identity-like first layer with zero bias: features = relu(x), and x has rank 2 with positive entries.
        using var net = DiagnosticTestNetworks.Mlp(3, [3], 1);
        DiagnosticTestNetworks.Set(net.HiddenLayers[0].Weight, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
        DiagnosticTestNetworks.Set(net.HiddenLayers[0].Bias!, [0, 0, 0]);
        using var x = TorchSharp.torch.tensor(new float[] { 1, 2, 0, 2, 4, 0, 1, 1, 0, 3, 1, 0 }).view(4, 3);
        var rank = FeatureRank.Measure(net, x);
        Assert.AreEqual(2, rank.NumericalRank);
        Assert.AreEqual(3, rank.MaximumRank);
    }
}
