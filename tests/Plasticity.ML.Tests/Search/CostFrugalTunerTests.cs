using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Search.Tuners.CostFrugal;

namespace Plasticity.ML.Tests.Search;

[TestClass]
public sealed class CostFrugalTunerTests
{
    private static CostFrugalTuner Create(SearchSpace space, long seed = 0) => new(space, new() { Direction = OptimizationDirection.Minimize, Seed = seed });

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());

    [TestMethod]
    public void ItStartsAtTheDefaultsAndWaitsForThem()
    {
        var space = SyntheticObjectives.BraninSpace();
        var tuner = Create(space);
        var first = tuner.Propose()!;
        Assert.AreEqual(space.Default, first.Parameters);
        Assert.IsNull(tuner.Propose(), "the local search needs the start point's result first");
        tuner.Update(TrialResult.Completed(first.Id, 10));
        Assert.IsNotNull(tuner.Propose());
    }

    [TestMethod]
    public void ItProbesAlongARandomDirectionAndThenTheOppositeOne()
    {
        // Quadratic in 4 dimensions, defaults at the centre: the first step has length 0.1 * sqrt(4) = 0.2.
        var space = SyntheticObjectives.QuadraticSpace(4);
        var tuner = Create(space, seed: 7);
        var start = tuner.Propose()!;
        tuner.Update(TrialResult.Completed(start.Id, 1.0));
        double[] x0 = space.ToUnitCube(start.Parameters);
        var forward = tuner.Propose()!;
        double[] x1 = space.ToUnitCube(forward.Parameters);
        Assert.AreEqual(0.2, Distance(x0, x1), 1e-12);
        Assert.AreEqual(0.2, tuner.Step, 1e-15);
        tuner.Update(TrialResult.Completed(forward.Id, 2.0));
        var backward = tuner.Propose()!;
        double[] x2 = space.ToUnitCube(backward.Parameters);
        for (int i = 0; i < 4; i++) Assert.AreEqual(x0[i] - (x1[i] - x0[i]), x2[i], 1e-12, "the mirror image of the failed probe");
        // An improvement moves the incumbent and grows the step by 1.5.
        tuner.Update(TrialResult.Completed(backward.Id, 0.5));
        Assert.AreEqual(backward.Parameters, tuner.Incumbent);
        Assert.AreEqual(0.3, tuner.Step, 1e-12);
    }

    [TestMethod]
    public void TheStepShrinksAfterTwoDFailuresThenEveryTwoAndTheSearchRestartsWhenConverged()
    {
        var space = SyntheticObjectives.QuadraticSpace(2);
        var tuner = Create(space, seed: 1);
        var start = tuner.Propose()!;
        tuner.Update(TrialResult.Completed(start.Id, 0));
        double step = tuner.Step;
        // Nothing beats the start point (metric 0 against 1 everywhere else): 2d = 4 failures shrink the step once ...
        for (int i = 0; i < 4; i++) tuner.Update(TrialResult.Completed(tuner.Propose()!.Id, 1));
        Assert.AreEqual(step / 1.5, tuner.Step, 1e-15);
        // ... and then every two failures shrink it again.
        for (int i = 0; i < 2; i++) tuner.Update(TrialResult.Completed(tuner.Propose()!.Id, 1));
        Assert.AreEqual(step / 1.5 / 1.5, tuner.Step, 1e-15);
        // From 0.1*sqrt(2) to below 1e-4 takes 18 shrinks in all: 4 + 2 * 17 = 38 failures, then a restart.
        int trials = 6;
        while (tuner.Restarts == 0)
        {
            tuner.Update(TrialResult.Completed(tuner.Propose()!.Id, 1));
            trials++;
        }
        Assert.AreEqual(38, trials);
        // The restart point lies in the box of the configurations evaluated so far and is proposed next.
        var restart = tuner.Propose()!;
        Assert.AreNotEqual(space.Default, restart.Parameters);
        Assert.IsNull(tuner.Propose(), "a restarted search waits for its new start point");
    }

    [TestMethod]
    public void DiscreteProposalsThatRoundToTheIncumbentAreNotRun()
    {
        var space = new SearchSpace([new ChoiceParameter("a", ["p", "q", "r"], "q"), new ChoiceParameter("b", ["u", "v", "w"], "v")]);
        var tuner = Create(space, seed: 2);
        var seen = new List<ParameterSet>();
        for (int i = 0; i < 60; i++)
        {
            var incumbent = tuner.Incumbent;
            var p = tuner.Propose()!;
            Assert.AreNotEqual(incumbent, p.Parameters, "a probe that rounds back to the incumbent is skipped, not run");
            seen.Add(p.Parameters);
            tuner.Update(TrialResult.Completed(p.Id, p.Parameters["a"].Text == "r" && p.Parameters["b"].Text == "u" ? 0 : 1));
        }
        Assert.IsTrue(seen.Any(s => s["a"].Text == "r" && s["b"].Text == "u"), "the best corner is reached");
    }

    [TestMethod]
    public void ItFindsABraninMinimumFromTheCentre()
    {
        var driver = new TunerDriver(Create(SyntheticObjectives.BraninSpace(), seed: 4), TunerDriver.Completed(SyntheticObjectives.Branin)).Run(100);
        var best = driver.Proposals[driver.Results.MinBy(r => r.Metric)!.Id].Parameters;
        Assert.IsLessThan(SyntheticObjectives.BraninMinimum + 0.01, SyntheticObjectives.Branin(best));
        double nearest = SyntheticObjectives.BraninMinimizers.Min(m => Math.Sqrt(Math.Pow(best.GetNumber("x") - m.X, 2) + Math.Pow(best.GetNumber("y") - m.Y, 2)));
        Assert.IsLessThan(0.2, nearest);
    }

    [TestMethod]
    public void ItFindsAHigherDimensionalQuadraticsMinimum()
    {
        var driver = new TunerDriver(Create(SyntheticObjectives.QuadraticSpace(6), seed: 5), TunerDriver.Completed(SyntheticObjectives.Quadratic)).Run(200);
        Assert.IsLessThan(1e-3, driver.Results.Min(r => r.Metric));
    }

    [TestMethod]
    public void FailedTrialsCountAsNoImprovementAndCostsAddUp()
    {
        var space = SyntheticObjectives.QuadraticSpace(2);
        var tuner = Create(space);
        var start = tuner.Propose()!;
        tuner.Update(TrialResult.Failed(start.Id, "diverged", cost: 2.5));
        var probe = tuner.Propose()!;
        tuner.Update(TrialResult.Completed(probe.Id, 0.3, cost: 1.5));
        Assert.AreEqual(probe.Parameters, tuner.Incumbent, "anything finite beats a failed start");
        Assert.AreEqual(4.0, tuner.TotalCost);
    }
}
