using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Search.Tuners.Asha;

namespace Plasticity.ML.Tests.Search;

[TestClass]
public sealed class AshaTunerTests
{
    private static AshaTuner Create(long min, long max, int eta = 3, int s = 0, OptimizationDirection direction = OptimizationDirection.Minimize) =>
        new(SyntheticObjectives.QuadraticSpace(2), new() { Direction = direction, MinFidelity = min, MaxFidelity = max, ReductionFactor = eta, MinEarlyStoppingRate = s });

    [TestMethod]
    public void RungsGrowByTheReductionFactorAndTheTopRungIsTheMaximum()
    {
        CollectionAssert.AreEqual(new long[] { 1, 3, 9, 27 }, Create(1, 27).RungFidelities.ToArray());
        CollectionAssert.AreEqual(new long[] { 1, 3, 10 }, Create(1, 10).RungFidelities.ToArray());
        CollectionAssert.AreEqual(new long[] { 2, 8, 32, 100 }, Create(2, 100, eta: 4).RungFidelities.ToArray());
        CollectionAssert.AreEqual(new long[] { 6, 18, 50 }, Create(2, 50, s: 1).RungFidelities.ToArray(), "s = 1 starts one rung up");
        CollectionAssert.AreEqual(new long[] { 5 }, Create(4, 5).RungFidelities.ToArray(), "R < r*eta: one rung at R");
    }

    [TestMethod]
    public void ItPromotesTheBestUnpromotedOfTheTopThirdAsInLiEtAl()
    {
        var tuner = Create(1, 9);
        var first = Enumerable.Range(0, 3).Select(_ => tuner.Propose()!).ToArray();
        Assert.IsTrue(first.All(p => p.Fidelity == 1 && p.ResumeFrom is null && p.StartFidelity == 0));
        tuner.Update(TrialResult.Completed(first[0].Id, 0.5));
        tuner.Update(TrialResult.Completed(first[1].Id, 0.1));
        tuner.Update(TrialResult.Completed(first[2].Id, 0.9));

        // floor(3 / 3) = 1: the best of rung 0 climbs to fidelity 3, resuming from its own trial.
        var promoted = tuner.Propose()!;
        Assert.AreEqual(first[1].Parameters, promoted.Parameters);
        Assert.AreEqual(3L, promoted.Fidelity);
        Assert.AreEqual(first[1].Id, promoted.ResumeFrom);
        Assert.AreEqual(1L, promoted.StartFidelity);

        // It was promoted already, so the next job is a new configuration at the bottom.
        var fresh = tuner.Propose()!;
        Assert.AreEqual(1L, fresh.Fidelity);
        Assert.IsFalse(first.Any(p => p.Parameters.Equals(fresh.Parameters)));
        tuner.Update(TrialResult.Completed(promoted.Id, 0.2));
        tuner.Update(TrialResult.Completed(fresh.Id, 0.05));

        // floor(4 / 3) = 1 and the new best (0.05) has not been promoted: it goes next.
        var second = tuner.Propose()!;
        Assert.AreEqual(fresh.Parameters, second.Parameters);
        Assert.AreEqual(fresh.Id, second.ResumeFrom);
        CollectionAssert.AreEqual(new[] { 4, 1, 0 }, tuner.RungSizes.ToArray());
    }

    [TestMethod]
    public void FailedTrialsAreNeverPromotedAndMaximizingRanksLargeFirst()
    {
        var tuner = Create(1, 9, direction: OptimizationDirection.Maximize);
        var jobs = Enumerable.Range(0, 6).Select(_ => tuner.Propose()!).ToArray();
        tuner.Update(TrialResult.Failed(jobs[0].Id, "NaN loss"));
        tuner.Update(TrialResult.Failed(jobs[1].Id, "NaN loss"));
        tuner.Update(TrialResult.Failed(jobs[2].Id, "NaN loss"));
        tuner.Update(TrialResult.Completed(jobs[3].Id, 0.2));
        tuner.Update(TrialResult.Completed(jobs[4].Id, 0.9));
        tuner.Update(TrialResult.Completed(jobs[5].Id, 0.5));
        // floor(6 / 3) = 2 promotions: the two largest metrics, in order.
        var a = tuner.Propose()!;
        var b = tuner.Propose()!;
        var c = tuner.Propose()!;
        Assert.AreEqual(jobs[4].Id, a.ResumeFrom);
        Assert.AreEqual(jobs[5].Id, b.ResumeFrom);
        Assert.IsNull(c.ResumeFrom, "no third promotion");
        Assert.AreEqual(1L, c.Fidelity);
    }

    [TestMethod]
    public void ItFindsTheMultiFidelityOptimumRegion()
    {
        var result = TunerComparison.RunAsha(seed: 3, budget: 60 * 27);
        Assert.IsLessThan(0.01, result.Regret);
        Assert.IsGreaterThan(100, result.Configurations, "far more configurations than 60 full-fidelity trials");
    }
}
