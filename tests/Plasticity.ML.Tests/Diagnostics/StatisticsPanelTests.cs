using Plasticity.ML.Common;
using Plasticity.ML.Data;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Diagnostics;

[TestClass]
public sealed class StatisticsPanelTests
{
    private static StatisticsPanelOptions Small(DiagnosticLossKind loss) => new()
    {
        Loss = loss,
        ActivationSamples = 40,
        CurvatureSamples = 20,
        PowerIterations = 5,
        LanczosSteps = 6,
        TraceProbes = 2,
        CovarianceSamples = 8,
        NtkSamples = 4,
        KeepArtifacts = true,
    };

    [TestMethod]
    public void PanelRecordsEveryStatisticWithoutChangingTheNetwork()
    {
        using var tensors = NewDisposeScope();
        using var net = DiagnosticTestNetworks.Mlp(5, [6, 6], 3, seed: 16);
        using var before = net.parameters().Select(p => p.detach().clone()).Aggregate((a, b) => cat([a.flatten(), b.flatten()]));
        var objective = new TrainingObjective(net.Spec.Head, TargetKind.Regression, 3, LossKind.Mse);
        using var x = tensor(Enumerable.Range(0, 50 * 5).Select(i => (float)Math.Sin(0.37 * i)).ToArray()).view(50, 5);
        using var y = tensor(Enumerable.Range(0, 50 * 3).Select(i => (float)Math.Cos(0.11 * i)).ToArray()).view(50, 3);
        net.train();
        var result = new StatisticsPanel(Small(DiagnosticLossKind.Training)).Measure(net, x, objective, y, seed: 17);

        foreach (var name in new[] { "deadFraction", "linearizedFraction", "dormantFraction.tau0", "dormantFraction.tau0.1", "deadFraction.layer1",
                     "weightNorm", "meanAbsWeight", "weightSrank.layer2", "featureSrank", "featureEffectiveRank", "featureRank", "gradientNorm",
                     "diagnosticLoss", "hessianTopEigenvalue", "hessianTrace", "hessianDensityMax", "gradientCovarianceMeanOffDiagonal",
                     "gradientCovarianceFractionNegative", "gradientCovarianceEffectiveRank", "ntkTopEigenvalueFraction", "ntkEffectiveRank" })
        {
            Assert.IsTrue(result.Values.TryGetValue(name, out var value), $"missing {name}");
            Assert.IsTrue(double.IsFinite(value), $"{name} = {value}");
        }
        foreach (var group in new[] { "units", "weights", "features", "gradientNorm", "hessianSetup", "hessianTopEigenvalue", "hessianDensity", "hessianTrace", "gradientCovariance", "ntk", "panel" })
            Assert.IsTrue(result.Seconds.ContainsKey(group), $"no time for {group}");
        Assert.HasCount(8, result.GradientCovariance!.Matrix);
        Assert.HasCount(8, result.GradientCovarianceSampleRows!);
        Assert.IsNotNull(result.HessianDensity);
        Assert.IsTrue(net.training, "the panel must restore training mode");
        using var after = net.parameters().Select(p => p.detach().clone()).Aggregate((a, b) => cat([a.flatten(), b.flatten()]));
        Assert.IsTrue(before.equal(after).all().item<bool>());
    }

    [TestMethod]
    public void ProbeLossNeedsNoTargetsAndTrainingLossDoes()
    {
        using var tensors = NewDisposeScope();
        using var net = DiagnosticTestNetworks.Mlp(4, [5], 2, seed: 18);
        using var x = tensor(Enumerable.Range(0, 30 * 4).Select(i => (float)Math.Sin(0.5 * i)).ToArray()).view(30, 4);
        var probe = new StatisticsPanel(Small(DiagnosticLossKind.Probe)).Measure(net, x, null, null, seed: 19);
        // The probe objective's value at the current parameters is the mean squared norm of the noise: positive.
        Assert.IsGreaterThan(0, probe.Values["diagnosticLoss"]);
        Assert.ThrowsExactly<ArgumentException>(() => new StatisticsPanel(Small(DiagnosticLossKind.Training)).Measure(net, x, null, null, seed: 19));
    }

    [TestMethod]
    public void OptionsRoundTripThroughJsonAndRejectBadValues()
    {
        var options = Small(DiagnosticLossKind.Probe) with { Taus = [0, 0.025] };
        var back = PlasticityJson.Deserialize<StatisticsPanelOptions>(PlasticityJson.Serialize(options));
        Assert.AreEqual(DiagnosticLossKind.Probe, back.Loss);
        CollectionAssert.AreEqual(options.Taus, back.Taus);
        Assert.AreEqual(options.LanczosSteps, back.LanczosSteps);
        StringAssert.Contains(PlasticityJson.Serialize(options), "Probe");
        var error = Assert.ThrowsExactly<ArgumentException>(() => (options with { CovarianceSamples = 0 }).Validate());
        StringAssert.Contains(error.Message, "CovarianceSamples");
    }

    [TestMethod]
    public void TrainerRecordsThePanelAtEveryProbePoint()
    {
        var data = FashionMnist.LoadEmbedded().Subset(64, seed: 1);
        var tasks = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.RandomLabels, Tasks = 2, Seed = 2 }, data);
        using var trainer = new ContinualTrainer(new ContinualTrainingOptions
        {
            Network = new NetworkSpec { HiddenWidths = [8], Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 } },
            StepsPerTask = 3,
            BatchSize = 16,
            Seed = 3,
            Probe = new ProbeOptions { Targets = 1, Steps = 2, Inputs = 16, CurvePoints = 0 },
            Statistics = Small(DiagnosticLossKind.Training),
        });
        var result = trainer.Run(tasks);
        var points = result.ProbePoints.ToList();
        Assert.HasCount(3, points);
        foreach (var point in points)
        {
            Assert.IsTrue(point.Statistics.ContainsKey("hessianTopEigenvalue"));
            Assert.IsTrue(point.Statistics.ContainsKey("deadFraction"));
            Assert.IsTrue(point.StatisticSeconds["panel"] > 0);
        }
        var artifacts = trainer.StatisticsPanel!.Artifacts;
        Assert.HasCount(3, artifacts);
        Assert.AreEqual(-1, artifacts[0].TaskIndex);
        Assert.HasCount(8, artifacts[1].GradientCovarianceLabels!);
        var dir = Path.Combine(Path.GetTempPath(), $"panel-{Guid.NewGuid():N}");
        try
        {
            var files = artifacts[1].WriteFiles(dir, "task0");
            Assert.HasCount(3, files);
            var density = PlasticityJson.ReadFile<HessianDensity>(files[2]);
            Assert.AreEqual(artifacts[1].HessianDensity!.Grid.Length, density.Grid.Length);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
