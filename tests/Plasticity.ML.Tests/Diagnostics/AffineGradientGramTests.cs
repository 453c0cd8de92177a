using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using TorchSharp;
using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Diagnostics;

/// <summary>
/// The batched per-example gradient Gram (one backward pass for all examples) against the reference it replaces: one
/// backward pass per example, in float64, on MLPs and CNNs with every head and both diagnostic losses.
/// </summary>
[TestClass]
public sealed class AffineGradientGramTests
{
    private static PlasticNetwork Cnn(HeadSpec head, long seed, NormalizationKind norm = NormalizationKind.None) => NetworkFactory.Create(new NetworkSpec
    {
        Architecture = NetworkArchitecture.Cnn,
        InputShape = [2, 5, 6],
        ConvChannels = [3, 4],
        HiddenWidths = [5],
        Normalization = norm,
        Head = head,
    }, seed);

    private static PlasticNetwork Mlp(HeadSpec head, long seed, NormalizationKind norm = NormalizationKind.None) => NetworkFactory.Create(new NetworkSpec
    {
        InputShape = [4],
        HiddenWidths = [6, 5],
        Activation = ActivationKind.Tanh,
        Normalization = norm,
        Head = head,
    }, seed);

    /// <summary>
    /// Moves normalization layers away from their identity initialization (scale 1, shift 0, running mean 0 and
    /// variance 1), so that a wrong standardization or a missing scale term would show in the comparison.
    /// </summary>
    private static void Perturb(PlasticNetwork net, int inputSize)
    {
        using var tensors = NewDisposeScope();
        using (no_grad())
        {
            var random = new Generator(11);
            foreach (var layer in net.HiddenLayers.Where(h => h.Norm is not null))
                foreach (var p in layer.Norm!.parameters())
                    p.add_(randn(p.shape, dtype: p.dtype, generator: random).Times(0.3), Scalars.One);
        }
        // Training-mode passes give BatchNorm non-trivial running statistics.
        net.train();
        using var x = randn(16, inputSize, dtype: ScalarType.Float64, generator: new Generator(12)).Times(2).Plus(0.5);
        using (no_grad()) for (int i = 0; i < 3; i++) net.forward(x).Dispose();
    }

    private static readonly HeadSpec ClassHead = new() { Kind = HeadKind.Classification, Outputs = 3 };

    private static TrainingObjective ClassObjective() => new(ClassHead, TargetKind.ClassLabels, 3, LossKind.CrossEntropy);

    /// <summary>Class labels of the 7 test inputs.</summary>
    private static Tensor Labels() => tensor(new long[] { 0, 2, 1, 1, 0, 2, 2 });

    private static void AssertSameMatrix(double[][] expected, double[][] actual, double tolerance)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
            for (int j = 0; j < expected.Length; j++)
                Assert.AreEqual(expected[i][j], actual[i][j], tolerance, $"entry [{i},{j}]");
    }

    private static void AssertBatchedMatchesPerExample(PlasticNetwork net, TrainingObjective? objective, Tensor targets, int inputSize)
    {
        net.to(ScalarType.Float64);
        Perturb(net, inputSize);
        net.eval();
        using var x = randn(7, inputSize, dtype: ScalarType.Float64, generator: new Generator(3));
        using var diagnostic = objective is null ? DiagnosticObjective.ForProbe(net, x, seed: 5) : DiagnosticObjective.ForTraining(net, objective, x, targets);
        Assert.IsTrue(AffineGradientGram.Supports(net));
        int[] rows = [0, 2, 3, 6];
        var reference = GradientCovariance.MeasureByExample(diagnostic, rows);
        var batched = GradientCovariance.MeasureBatched(diagnostic, rows);
        AssertSameMatrix(reference.Matrix, batched.Matrix, 1e-10);
        Assert.AreEqual(reference.EffectiveRank, batched.EffectiveRank, 1e-8);
        // Not a trivial matrix: the examples' gradients differ.
        Assert.IsLessThan(0.999, Math.Abs(batched.Matrix[0][1]));
    }

    [TestMethod]
    public void MlpRegressionTrainingLossMatchesPerExampleBackwardPasses()
    {
        var head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 2 };
        using var net = Mlp(head, 21);
        using var y = randn(7, 2, dtype: ScalarType.Float64, generator: new Generator(4));
        AssertBatchedMatchesPerExample(net, new TrainingObjective(head, TargetKind.Regression, 2, LossKind.Mse), y, 4);
    }

    [TestMethod]
    public void MlpClassificationTrainingLossMatchesPerExampleBackwardPasses()
    {
        using var net = Mlp(ClassHead, 22);
        using var y = Labels();
        AssertBatchedMatchesPerExample(net, ClassObjective(), y, 4);
    }

    [TestMethod]
    public void TwoHotProbeLossMatchesPerExampleBackwardPasses()
    {
        using var net = Mlp(new HeadSpec { Kind = HeadKind.TwoHot, Outputs = 2, Bins = 5 }, 23);
        AssertBatchedMatchesPerExample(net, null, empty(0), 4);
    }

    [TestMethod]
    public void CnnLossesMatchPerExampleBackwardPasses()
    {
        using var net = Cnn(ClassHead, 24);
        using var y = Labels();
        AssertBatchedMatchesPerExample(net, ClassObjective(), y, 60);
        using var probeNet = Cnn(new HeadSpec { Kind = HeadKind.Regression, Outputs = 2 }, 25);
        AssertBatchedMatchesPerExample(probeNet, null, empty(0), 60);
    }

    [TestMethod]
    public void FrozenParametersAreLeftOutAsInThePerExampleLoop()
    {
        using var tensors = NewDisposeScope();
        var head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 2 };
        using var net = Mlp(head, 26);
        net.HiddenLayers[0].Weight.requires_grad = false;
        net.OutputLayer.bias!.requires_grad = false;
        using var y = randn(7, 2, dtype: ScalarType.Float64, generator: new Generator(4));
        AssertBatchedMatchesPerExample(net, new TrainingObjective(head, TargetKind.Regression, 2, LossKind.Mse), y, 4);
    }

    [TestMethod]
    public void RawGramOfALinearModelIsTheOuterProductFormula()
    {
        using var tensors = NewDisposeScope();
        // No hidden layer: f(x) = w.x + b with loss 0.5 (f - y)^2 per example, so g_i = r_i [x_i, 1] with residual
        // r_i = f(x_i) - y_i and <g_i, g_j> = r_i r_j (x_i.x_j + 1).
        using var net = NetworkFactory.Create(new NetworkSpec { InputShape = [2], HiddenWidths = [], Head = new HeadSpec { Outputs = 1 } }, 1);
        net.to(ScalarType.Float64);
        DiagnosticTestNetworks.Set(net.OutputLayer.weight!, [0.5, -1.0]);
        DiagnosticTestNetworks.Set(net.OutputLayer.bias!, [0.25]);
        double[,] xs = { { 1, 2 }, { -1, 0.5 }, { 3, 0 } };
        double[] ys = [0.0, 1.0, -2.0];
        using var x = tensor(new[] { 1, 2, -1, 0.5, 3, 0 }).view(3, 2);
        using var y = tensor(ys).view(3, 1);
        using var gram = AffineGradientGram.Compute(net, x, raw => [(raw - y).Squared().sum().Times(0.5)]);
        var g = gram.data<double>().ToArray();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                double ri = 0.5 * xs[i, 0] - xs[i, 1] + 0.25 - ys[i], rj = 0.5 * xs[j, 0] - xs[j, 1] + 0.25 - ys[j];
                Assert.AreEqual(ri * rj * (xs[i, 0] * xs[j, 0] + xs[i, 1] * xs[j, 1] + 1), g[i * 3 + j], 1e-12);
            }
    }

    [TestMethod]
    public void LayerNormNetworksMatchPerExampleBackwardPasses()
    {
        var head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 2 };
        using var mlp = Mlp(head, 28, NormalizationKind.LayerNorm);
        using var y = randn(7, 2, dtype: ScalarType.Float64, generator: new Generator(4));
        AssertBatchedMatchesPerExample(mlp, new TrainingObjective(head, TargetKind.Regression, 2, LossKind.Mse), y, 4);
        using var cnn = Cnn(head, 29, NormalizationKind.LayerNorm);
        AssertBatchedMatchesPerExample(cnn, null, empty(0), 60);
    }

    [TestMethod]
    public void BatchNormNetworksInEvaluationModeMatchPerExampleBackwardPasses()
    {
        using var labels = Labels();
        using var mlp = Mlp(ClassHead, 30, NormalizationKind.BatchNorm);
        AssertBatchedMatchesPerExample(mlp, ClassObjective(), labels, 4);
        using var cnn = Cnn(ClassHead, 31, NormalizationKind.BatchNorm);
        AssertBatchedMatchesPerExample(cnn, ClassObjective(), labels, 60);
    }

    [TestMethod]
    public void BatchNormInTrainingModeMixesExamplesSoIsNotBatched()
    {
        using var net = NetworkFactory.Create(new NetworkSpec { InputShape = [4], HiddenWidths = [5], Normalization = NormalizationKind.BatchNorm }, 1);
        net.train();
        Assert.IsFalse(AffineGradientGram.Supports(net));
        Assert.ThrowsExactly<ArgumentException>(() => AffineGradientGram.Compute(net, zeros(2, 4), raw => [raw.sum()]));
        net.eval();
        Assert.IsTrue(AffineGradientGram.Supports(net));
    }

    [TestMethod]
    public void BatchedNtkMatchesOneBackwardPassPerSampleAndOutput()
    {
        using var net = Cnn(new HeadSpec { Kind = HeadKind.TwoHot, Outputs = 2, Bins = 4 }, 27);
        net.to(ScalarType.Float64);
        net.eval();
        using var x = randn(3, 60, dtype: ScalarType.Float64, generator: new Generator(8));
        var batched = EmpiricalNtk.Gram(net, x);
        var reference = EmpiricalNtk.GramByExample(net, x);
        Assert.HasCount(6, batched);
        AssertSameMatrix(reference, batched, 1e-10);
    }
}
