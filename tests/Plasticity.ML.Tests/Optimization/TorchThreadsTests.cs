using Plasticity.ML.Optimization;

namespace Plasticity.ML.Tests.Optimization;

[TestClass]
public sealed class TorchThreadsTests
{
    private const long MlpParameters = 784L * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10;

    [TestMethod]
    public void SmallWorkGetsOneThread() => Assert.AreEqual(1, TorchThreads.Choose(MlpParameters, 64, availableCores: 8));

    [TestMethod]
    public void LargeWorkGetsTheRunsShareOfTheCores()
    {
        // 6 * 1024 * 269k = 1.65 GFLOP per step, above the 0.5 GFLOP threshold.
        Assert.AreEqual(8, TorchThreads.Choose(MlpParameters, 1024, availableCores: 8));
        Assert.AreEqual(2, TorchThreads.Choose(MlpParameters, 1024, availableCores: 8, concurrentRuns: 4));
        Assert.AreEqual(1, TorchThreads.Choose(MlpParameters, 1024, availableCores: 2, concurrentRuns: 4));
    }

    [TestMethod]
    public void AnExplicitRequestWins() => Assert.AreEqual(3, TorchThreads.Choose(MlpParameters, 16, requested: 3, availableCores: 2));

    [TestMethod]
    public void RejectsNonsense()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TorchThreads.Choose(-1, 64));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TorchThreads.Choose(10, 64, concurrentRuns: 0));
    }
}
