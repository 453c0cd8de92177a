using Plasticity.ML.Common;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Tests.Training;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Diagnostics;

/// <summary>Known answers for the metrics of the catalogue: stable rank, distance from initialization, feature norm and
/// variance, effective learning rate, churn, and their names in the panel.</summary>
[TestClass]
public sealed class CatalogueMetricsTests
{
    [TestMethod]
    public void TheStableRankIsTheSquaredFrobeniusOverTheSquaredSpectralNorm()
    {
        using var m = DiagnosticTestNetworks.WithSingularValues(5, 4, [3, 2, 1, 0], seed: 3);
        var summary = SpectralRank.Summarize(m);
        Assert.AreEqual((9 + 4 + 1) / 9.0, summary.NormStableRank, 1e-9);
        Assert.AreEqual(3, summary.StableRank, "srank_0.01 of [3, 2, 1, 0]: 99% of the sum needs all three");
        Assert.AreEqual(0, SpectralRank.NormStableRank([0.0, 0.0]));
    }

    [TestMethod]
    public void DistanceFromInitializationIsTheNormOfTheDisplacementGloballyAndPerLayer()
    {
        using var tensors = NewDisposeScope();
        using var network = DiagnosticTestNetworks.Mlp(3, [2], 1, seed: 4);
        var initial = network.parameters().Select(p => p.detach().clone()).ToArray();
        // Move the hidden weight by 0.3 everywhere (6 entries) and the output bias by -2.
        using (no_grad())
        {
            using var shift = 0.3.ToScalar();
            using var down = (-2.0).ToScalar();
            using var one = 1.0.ToScalar();
            network.HiddenLayers[0].Weight.add_(shift, one);
            network.OutputLayer.bias!.add_(down, one);
        }
        var report = ParameterDistance.Measure(network, initial);
        Assert.AreEqual(Math.Sqrt(6 * 0.09), report.Layers[0], 1e-6);
        Assert.AreEqual(2.0, report.Layers[1], 1e-6);
        Assert.AreEqual(Math.Sqrt(6 * 0.09 + 4), report.Global, 1e-6);
        double initialNorm = Math.Sqrt(initial.Sum(t => t.to_type(ScalarType.Float64).data<double>().Sum(v => v * v)));
        Assert.AreEqual(report.Global / initialNorm, report.Relative, 1e-9);
        Assert.ThrowsExactly<ArgumentException>(() => ParameterDistance.Measure(network, initial[..2]));
    }

    [TestMethod]
    public void FeatureNormAndVarianceAreTheMeanNormAndTheMeanVarianceOverInputs()
    {
        using var tensors = NewDisposeScope();
        using var network = DiagnosticTestNetworks.Mlp(2, [3], 1, seed: 5);
        // Features: relu(x0), relu(-x0), 2 (a constant feature).
        DiagnosticTestNetworks.Set(network.HiddenLayers[0].Weight, [1, 0, -1, 0, 0, 0]);
        DiagnosticTestNetworks.Set(network.HiddenLayers[0].Bias!, [0, 0, 2]);
        using var x = tensor(new float[] { 1, 0, -1, 0, 3, 0, -3, 0 }).view(4, 2);
        var report = FeatureStatistics.Measure(network, x);
        // Rows: (1, 0, 2), (0, 1, 2), (3, 0, 2), (0, 3, 2): norms sqrt(5), sqrt(5), sqrt(13), sqrt(13).
        Assert.AreEqual((Math.Sqrt(5) + Math.Sqrt(13)) / 2, report.MeanNorm, 1e-9);
        // Per-feature population variances: [1, 0, 3, 0] -> 1.5, the same for the second, 0 for the constant.
        Assert.AreEqual((1.5 + 1.5 + 0) / 3, report.MeanVariance, 1e-9);
    }

    [TestMethod]
    public void TheEffectiveLearningRateIsLrOverTheSquaredWeightNormOfNormalizedLayers()
    {
        using var ln = NetworkFactory.Create(new NetworkSpec { InputShape = [2], HiddenWidths = [2], Normalization = NormalizationKind.LayerNorm, Head = new HeadSpec { Outputs = 1 } }, seed: 1);
        DiagnosticTestNetworks.Set(ln.HiddenLayers[0].Weight, [1, 2, 0, -2]);
        Assert.AreEqual(0.1 / 9, EffectiveLearningRate.PerLayer(ln, 0.1)[0], 1e-15);
        using var plain = DiagnosticTestNetworks.Mlp(2, [2], 1);
        Assert.IsTrue(double.IsNaN(EffectiveLearningRate.PerLayer(plain, 0.1)[0]), "no normalization, no scale invariance");
    }

    [TestMethod]
    public void ChurnIsTheMeanAbsoluteChangeOfTheReferencePredictionsOverAnUpdate()
    {
        using var tensors = NewDisposeScope();
        using var network = DiagnosticTestNetworks.Mlp(3, [4], 2, seed: 6);
        using var optimizer = OptimizerFactory.Create(new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.1 }, network.parameters());
        var hook = new StatisticsPanelHook(new StatisticsPanelOptions
        {
            Units = false, Weights = false, Features = false, DistanceFromInitialization = false, GradientNorm = false, HessianTopEigenvalue = false,
            HessianDensity = false, HessianTrace = false, GradientCovariance = false, Ntk = false, ChurnEvery = 2, ChurnSamples = 5,
        });
        var session = new TrainingSession(network, optimizer, [hook], seed: 8);
        using var pool = tensor(Enumerable.Range(0, 36).Select(i => (float)Math.Sin(0.9 * i)).ToArray()).view(12, 3);
        using var x = pool.narrow(0, 0, 4);
        using var y = tensor(new float[] { 1, -1, 0.5f, 2, -0.5f, 0, 1, 1 }).view(4, 2);
        session.Start();
        session.BeginTask(0, new FixedObservations(pool));
        var stream = RandomStream.For(8, "churn-meter");
        var expected = new List<double>();
        for (int step = 1; step <= 4; step++)
        {
            using var scope = NewDisposeScope();
            Tensor? reference = null, before = null;
            if (step % 2 == 0)
            {
                reference = new FixedObservations(pool).Sample(5, stream);
                using (no_grad()) before = network.Predict(reference);
            }
            session.Step(x, () => nn.functional.mse_loss(network.forward(x), y));
            if (reference is null) continue;
            using (no_grad())
            {
                var after = network.Predict(reference).data<float>().ToArray();
                var b = before!.data<float>().ToArray();
                expected.Add(after.Zip(b, (p, q) => Math.Abs((double)p - q)).Average());
            }
        }
        var record = new ProbePointRecord();
        session.RecordProbePoint(record);
        Assert.AreEqual(expected.Average(), record.Statistics["churn"], 1e-7);
        Assert.IsGreaterThan(0, expected.Min());
        var next = new ProbePointRecord();
        session.RecordProbePoint(next);
        Assert.IsFalse(next.Statistics.ContainsKey("churn"), "no update since the last point: nothing to report");
    }

    [TestMethod]
    public void ThePanelReportsTheCataloguesMetricsUnderTheirNames()
    {
        using var tensors = NewDisposeScope();
        using var network = NetworkFactory.Create(new NetworkSpec
        {
            InputShape = [5], HiddenWidths = [6, 6], Normalization = NormalizationKind.LayerNorm, Head = new HeadSpec { Outputs = 3 },
        }, seed: 16);
        var initial = network.parameters().Select(p => p.detach().clone()).ToArray();
        var objective = new TrainingObjective(network.Spec.Head, TargetKind.Regression, 3, LossKind.Mse);
        using var x = tensor(Enumerable.Range(0, 50 * 5).Select(i => (float)Math.Sin(0.37 * i)).ToArray()).view(50, 5);
        using var y = tensor(Enumerable.Range(0, 50 * 3).Select(i => (float)Math.Cos(0.11 * i)).ToArray()).view(50, 3);
        var options = new StatisticsPanelOptions
        {
            ActivationSamples = 40, GradientNorm = false, HessianTopEigenvalue = false, HessianDensity = false, HessianTrace = false,
            GradientCovariance = false, Ntk = false,
        };
        var result = new StatisticsPanel(options).Measure(network, x, objective, y, seed: 1, initial, learningRate: 1e-3);
        foreach (var name in new[] { "activeFraction", "activeFraction.layer1", "weightStableRank.layer2", "featureStableRank", "featureNorm",
                     "featureVariance", "distanceFromInit", "relativeDistanceFromInit", "distanceFromInit.layer2", "effectiveLearningRate.layer0",
                     "effectiveLearningRate.layer1" })
        {
            Assert.IsTrue(result.Values.TryGetValue(name, out var value), $"missing {name}");
            Assert.IsTrue(double.IsFinite(value), $"{name} = {value}");
        }
        Assert.AreEqual(0, result.Values["distanceFromInit"], "measured at the start");
        Assert.IsFalse(result.Values.ContainsKey("effectiveLearningRate.layer2"), "the output layer is not normalized");
    }
}
