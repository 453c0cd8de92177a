using Plasticity.ML.Diagnostics;

namespace Plasticity.ML.Tests.Diagnostics;

[TestClass]
public sealed class SpectralRankTests
{
    [TestMethod]
    public void SingularValuesOfAConstructedMatrixAreRecovered()
    {
        double[] s = [5, 3, 1];
        using var m = DiagnosticTestNetworks.WithSingularValues(6, 4, s, seed: 3);
        var values = SpectralRank.SingularValues(m);
        Assert.HasCount(4, values);
        for (int i = 0; i < 3; i++) Assert.AreEqual(s[i], values[i], 1e-10);
        Assert.AreEqual(0, values[3], 1e-10);
    }

    [TestMethod]
    public void RanksMatchTheKnownSpectrum()
    {
        // Rank 3 out of 4; srank_0.01 needs all three (5/9, 8/9 < 0.99).
        using var m = DiagnosticTestNetworks.WithSingularValues(6, 4, [5, 3, 1], seed: 4);
        var r = SpectralRank.Summarize(m);
        Assert.AreEqual(3, r.NumericalRank);
        Assert.AreEqual(3, r.StableRank);
        Assert.AreEqual(4, r.MaximumRank);
        Assert.AreEqual(5, r.LargestSingularValue, 1e-10);
        double[] p = [5 / 9.0, 3 / 9.0, 1 / 9.0];
        Assert.AreEqual(Math.Exp(-p.Sum(x => x * Math.Log(x))), r.EffectiveRank, 1e-9);
    }

    [TestMethod]
    public void SrankIgnoresATinyTailThatNumericalRankCounts()
    {
        // 10 / 10.05 = 0.995 >= 0.99, so srank is 1, but 0.05 is far above round-off, so the rank is 2.
        using var m = DiagnosticTestNetworks.WithSingularValues(5, 5, [10, 0.05], seed: 5);
        var r = SpectralRank.Summarize(m);
        Assert.AreEqual(2, r.NumericalRank);
        Assert.AreEqual(1, r.StableRank);
    }

    [TestMethod]
    public void EffectiveRankOfEqualSingularValuesIsTheirCount()
    {
        using var m = DiagnosticTestNetworks.WithSingularValues(8, 5, [2, 2, 2], seed: 6);
        var r = SpectralRank.Summarize(m);
        Assert.AreEqual(3.0, r.EffectiveRank, 1e-9);
        Assert.AreEqual(3, r.NumericalRank);
        Assert.AreEqual(3, r.StableRank);
    }

    [TestMethod]
    public void ZeroMatrixHasRankZeroAndNaNIsRejected()
    {
        using var zero = TorchSharp.torch.zeros(3, 3);
        var r = SpectralRank.Summarize(zero);
        Assert.AreEqual(0, r.NumericalRank);
        Assert.AreEqual(0, r.StableRank);
        Assert.AreEqual(0, r.EffectiveRank);
        using var nan = TorchSharp.ScalarExtensionMethods.ToScalar(double.NaN);
        using var bad = TorchSharp.torch.full(2, 2, nan);
        Assert.ThrowsExactly<ArgumentException>(() => SpectralRank.SingularValues(bad));
    }
}
