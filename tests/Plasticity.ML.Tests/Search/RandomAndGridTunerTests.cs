using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Tuners;

namespace Plasticity.ML.Tests.Search;

[TestClass]
public sealed class RandomAndGridTunerTests
{
    [TestMethod]
    public void RandomSearchFindsTheQuadraticsMinimumRegion()
    {
        var space = SyntheticObjectives.QuadraticSpace(2);
        var driver = new TunerDriver(new RandomSearchTuner(space, new() { Direction = OptimizationDirection.Minimize, Seed = 3 }),
            TunerDriver.Completed(SyntheticObjectives.Quadratic)).Run(500);
        Assert.HasCount(500, driver.Proposals);
        Assert.IsLessThan(0.005, driver.Results.Min(r => r.Metric));
        CollectionAssert.AreEqual(Enumerable.Range(0, 500).ToArray(), driver.Proposals.Select(p => p.Id).ToArray());
        Assert.IsTrue(driver.Proposals.All(p => p.Fidelity is null && p.ResumeFrom is null));
    }

    [TestMethod]
    public void RandomSearchSamplesALogRangeLogUniformly()
    {
        var space = new SearchSpace([new RangeParameter("lr", 1e-5, 1e-1, logBase: true)]);
        var tuner = new RandomSearchTuner(space, new() { Direction = OptimizationDirection.Minimize, Seed = 1 });
        var decades = new int[4];
        for (int i = 0; i < 4000; i++)
        {
            var p = tuner.Propose()!;
            decades[(int)Math.Floor(Math.Log10(p.Parameters.GetNumber("lr")) + 5)]++;
            tuner.Update(TrialResult.Completed(p.Id, 0));
        }
        // Each decade holds a quarter; the binomial standard deviation is sqrt(4000 * 0.25 * 0.75) ~ 27.
        foreach (int count in decades) Assert.IsTrue(Math.Abs(count - 1000) < 150, $"decade counts [{string.Join(", ", decades)}]");
    }

    [TestMethod]
    public void TheGridEnumeratesTheProductInOrderIncludingTheEndsAndThenStops()
    {
        var space = new SearchSpace([
            new RangeParameter("a", 0, 1),
            new RangeParameter("b", 1e-3, 1e-1, logBase: true),
            new ChoiceParameter("c", ["x", "y"]),
            new RangeParameter("d", 1, 2, isInteger: true),
        ]);
        var tuner = new GridSearchTuner(space, new() { Direction = OptimizationDirection.Minimize, PointsPerRange = 3 });
        Assert.AreEqual(3L * 3 * 2 * 2, tuner.Size);
        CollectionAssert.AreEqual(new ParameterValue[] { 0.0, 0.5, 1.0 }, tuner.Axes[0].ToArray());
        Assert.AreEqual(1e-2, tuner.Axes[1][1].Number, 1e-15);
        Assert.AreEqual(1e-1, tuner.Axes[1][2].Number, 1e-15);
        CollectionAssert.AreEqual(new ParameterValue[] { 1.0, 2.0 }, tuner.Axes[3].ToArray(), "an integer range keeps its distinct values");
        var driver = new TunerDriver(tuner, TunerDriver.Completed(_ => 0)).Run(100);
        Assert.HasCount(36, driver.Proposals);
        Assert.AreEqual(36, driver.Proposals.Select(p => p.Parameters).Distinct().Count());
        // The last parameter varies fastest.
        Assert.AreEqual(1.0, driver.Proposals[0].Parameters.GetNumber("d"));
        Assert.AreEqual(2.0, driver.Proposals[1].Parameters.GetNumber("d"));
        Assert.AreEqual("y", driver.Proposals[2].Parameters["c"].Text);
        Assert.IsNull(tuner.Propose(), "an exhausted grid proposes nothing");
    }

    [TestMethod]
    public void TheGridHitsAnOptimumThatLiesOnItAndTakesExplicitValues()
    {
        // Centres 0.2 and 0.35; explicit values put both on the grid.
        var space = SyntheticObjectives.QuadraticSpace(2);
        var values = new Dictionary<string, IReadOnlyList<ParameterValue>> { ["x0"] = [0.1, 0.2, 0.3], ["x1"] = [0.35, 0.9] };
        var driver = new TunerDriver(new GridSearchTuner(space, new() { Direction = OptimizationDirection.Minimize, Values = values }),
            TunerDriver.Completed(SyntheticObjectives.Quadratic)).Run(100);
        Assert.HasCount(6, driver.Proposals);
        var best = driver.Results.MinBy(r => r.Metric)!;
        Assert.AreEqual(0.0, best.Metric, 1e-15);
        Assert.AreEqual(0.2, driver.Proposals[best.Id].Parameters.GetNumber("x0"));
    }
}
