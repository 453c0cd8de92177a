using Plasticity.ML.Diagnostics;
using Plasticity.ML.Experiments;
using Plasticity.ML.Training;

namespace Plasticity.ML.Tests.Experiments;

[TestClass]
public sealed class FailedSeedTests
{
    [TestMethod]
    public void NonFiniteValuesAreCountedNotHidden()
    {
        var stats = MeanStd.Of([1.0, 3.0, double.NaN, double.PositiveInfinity]);
        Assert.AreEqual(2.0, stats.Mean);
        Assert.AreEqual(Math.Sqrt(2.0), stats.Std, 1e-15);
        Assert.AreEqual(2, stats.Count);
        Assert.AreEqual(2, stats.NonFinite);
        Assert.AreEqual("2.00 ± 1.41 (2 of 4; 2 non-finite)", stats.ToString("F2"));

        var undefined = MeanStd.Of(new double?[] { 0.5, null, null });
        Assert.AreEqual(0.5, undefined.Mean);
        Assert.AreEqual((1, 0), (undefined.Count, undefined.NonFinite), "undefined values are neither averaged nor failures");
        Assert.AreEqual("0.50 ± 0.00", undefined.ToString("F2"));

        // Nothing to average reads as such, not as "NaN ± NaN".
        Assert.AreEqual("n/a", MeanStd.Of(new double?[] { null }).ToString("F2"));
        Assert.AreEqual("n/a", MeanStd.Of(Array.Empty<double>()).ToString("F2"));
        Assert.AreEqual("n/a (0 of 2; 2 non-finite)", MeanStd.Of([double.NaN, double.NegativeInfinity]).ToString("F2"));
    }

    private static RunRecord Run(long seed, double initialProbe, double finalProbe, double deadFraction)
    {
        ProbePointRecord Point(int task, double loss, double? statistic = null)
        {
            var point = new ProbePointRecord { TaskIndex = task, Probe = new ProbeResult { MeanLoss = loss, TargetLosses = [loss], CurveSteps = [], MeanCurve = [] } };
            if (statistic is { } value) point.Statistics["deadFraction"] = value;
            return point;
        }
        return new RunRecord
        {
            Variant = "v",
            Seed = seed,
            Fingerprint = "f",
            Result = new ContinualRunResult
            {
                Options = new ContinualTrainingOptions(),
                InitialProbePoint = Point(-1, initialProbe),
                Tasks = [new TaskMetrics { TaskIndex = 0, FinalTrainAccuracy = double.NaN, ProbePoint = Point(0, finalProbe, deadFraction) }],
            },
        };
    }

    [TestMethod]
    public void ASeedWhoseProbeOrStatisticIsNonFiniteIsReportedAsFailed()
    {
        var spec = new ExperimentSpec { Name = "e", Variants = [new VariantSpec { Name = "v" }], Seeds = 3 };
        var result = new ExperimentResult
        {
            Spec = spec,
            Runs = [Run(1, 0.2, 0.5, 0.1), Run(2, 0.2, double.NaN, 0.1), Run(3, 0.2, 0.4, double.PositiveInfinity)],
        };
        var summary = result.Summaries.Single();
        Assert.AreEqual(3, summary.Seeds);
        Assert.AreEqual(2, summary.FailedSeeds);
        CollectionAssert.AreEqual(new[] { "seed 2: probe loss = NaN at task 0", "seed 3: deadFraction = Infinity at task 0" }, summary.Failures.ToArray());
        // Seed 2's plasticity loss is NaN: left out and counted; seed 3's probe is sound, so it is averaged.
        Assert.AreEqual((0.3 + 0.2) / 2, summary.PlasticityLoss.Mean, 1e-12);
        Assert.AreEqual((2, 1), (summary.PlasticityLoss.Count, summary.PlasticityLoss.NonFinite));
        Assert.AreEqual((0, 0), (summary.FinalAccuracy.Count, summary.FinalAccuracy.NonFinite), "regression accuracy is undefined, not failed");
    }
}
