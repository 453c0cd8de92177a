using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Search.Tuners.PopulationBased;

namespace Plasticity.ML.Tests.Search;

[TestClass]
public sealed class PopulationBasedTunerTests
{
    private static readonly SearchSpace LearningRateSpace = new([new RangeParameter("lr", 1e-5, 1, logBase: true)]);

    private static PopulationBasedTuner Create(int size = 4, double resample = 0.25, long seed = 0) =>
        new(LearningRateSpace, new() { Direction = OptimizationDirection.Minimize, Seed = seed, PopulationSize = size, Interval = 10, MaxFidelity = 30, ResampleProbability = resample });

    [TestMethod]
    public void TheBottomQuantileExploitsTheTopAndTheRestContinue()
    {
        var tuner = Create(resample: 0);
        var gen0 = Enumerable.Range(0, 4).Select(_ => tuner.Propose()!).ToArray();
        Assert.IsNull(tuner.Propose(), "a generation is proposed at once, then the tuner waits");
        Assert.IsTrue(gen0.All(p => p.Fidelity == 10 && p.ResumeFrom is null && p.StartFidelity == 0));
        double[] metrics = [1.0, 0.1, 0.5, 2.0];
        for (int i = 0; i < 3; i++) tuner.Update(TrialResult.Completed(gen0[i].Id, metrics[i]));
        Assert.IsNull(tuner.Propose(), "no decision before every member reports");
        tuner.Update(TrialResult.Completed(gen0[3].Id, metrics[3]));

        var gen1 = Enumerable.Range(0, 4).Select(_ => tuner.Propose()!).ToArray();
        Assert.IsTrue(gen1.All(p => p.Fidelity == 20 && p.StartFidelity == 10));
        // ceil(4 * 0.25) = 1 member per quantile: member 3 (worst) copies member 1 (best), the others keep their own.
        for (int m = 0; m < 3; m++)
        {
            Assert.AreEqual(gen0[m].Id, gen1[m].ResumeFrom);
            Assert.AreEqual(gen0[m].Parameters, gen1[m].Parameters);
        }
        Assert.AreEqual(gen0[1].Id, gen1[3].ResumeFrom, "the exploit source");
        double ratio = gen1[3].Parameters.GetNumber("lr") / gen0[1].Parameters.GetNumber("lr");
        Assert.IsTrue(Math.Abs(ratio - 0.8) < 1e-12 || Math.Abs(ratio - 1.2) < 1e-12, $"perturbed by 0.8 or 1.2; got x{ratio}");
        Assert.AreEqual(1, tuner.Exploits);
    }

    [TestMethod]
    public void ItStopsAtTheMaximumFidelityAndFailedMembersExploit()
    {
        var tuner = Create();
        for (int generation = 0; generation < 3; generation++)
        {
            var proposals = Enumerable.Range(0, 4).Select(_ => tuner.Propose()!).ToArray();
            Assert.AreEqual(Math.Min(30, 10L * (generation + 1)), proposals[0].Fidelity);
            if (generation == 1) Assert.AreNotEqual(proposals[0].Id - 4, proposals[0].ResumeFrom, "member 0 failed, so it exploits");
            for (int m = 0; m < 4; m++)
            {
                var result = generation == 0 && m == 0 ? TrialResult.Failed(proposals[m].Id, "diverged") : TrialResult.Completed(proposals[m].Id, m);
                tuner.Update(result);
            }
        }
        Assert.IsNull(tuner.Propose(), "finished at fidelity 30");
        Assert.IsEmpty(tuner.Pending);
    }

    [TestMethod]
    public void AnAllFailedPopulationRestartsFromScratch()
    {
        var tuner = Create();
        foreach (var p in Enumerable.Range(0, 4).Select(_ => tuner.Propose()!).ToArray()) tuner.Update(TrialResult.Failed(p.Id, "crash"));
        var next = Enumerable.Range(0, 4).Select(_ => tuner.Propose()!).ToArray();
        Assert.IsTrue(next.All(p => p.ResumeFrom is null && p.StartFidelity == 0 && p.Fidelity == 20));
    }

    [TestMethod]
    public void OnANoisyQuadraticPbtFindsAScheduleThatBeatsTheBestConstantLearningRate()
    {
        // SGD on L = theta^2 / 2 with unit gradient noise: a large rate converges fast, a small one settles low, so a
        // decaying schedule beats every constant rate. PBT finds one by exploiting and perturbing (x0.8) the rate.
        double bestConstant = NoisyQuadratic.BestConstantLoss(steps: 1000);
        var pbt = Enumerable.Range(0, 5).Select(seed => NoisyQuadratic.RunPbt(seed, populationSize: 8, interval: 25, steps: 1000)).ToArray();
        string detail = $"PBT [{string.Join(", ", pbt.Select(x => x.ToString("g3")))}] vs the best constant rate {bestConstant:g3}";
        Assert.IsTrue(pbt.All(x => x < bestConstant), detail);
        Assert.IsLessThan(0.7 * bestConstant, pbt.Average(), detail);
    }
}
