using Plasticity.ML.Networks;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Training;

/// <summary><see cref="TrainingObjective.ComputeLoss(Tensor, Tensor, Tensor)"/>: the mean of weight times per-example loss.</summary>
[TestClass]
public sealed class WeightedLossTests
{
    [TestMethod]
    public void CrossEntropyWeightsEachExampleLoss()
    {
        // Two examples, two classes. Example 0: logits (0, 0), label 1 -> ln 2. Example 1: logits (ln 3, 0), label 0 -> ln(4/3).
        var objective = new TrainingObjective(new HeadSpec { Kind = HeadKind.Classification, Outputs = 2 }, TargetKind.ClassLabels, 2, LossKind.Auto);
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 0, 0, (float)Math.Log(3), 0 }, [2, 2]);
        var labels = tensor(new long[] { 1, 0 });
        var weights = tensor(new float[] { 3, 0.5f });
        double expected = (3 * Math.Log(2) + 0.5 * Math.Log(4.0 / 3)) / 2;
        Assert.AreEqual(expected, objective.ComputeLoss(logits, labels, weights).item<float>(), 1e-6);
    }

    [TestMethod]
    public void MseAveragesOutputsThenWeightsExamples()
    {
        // Two outputs per example: example 0 errors (1, 3) -> (1 + 9) / 2 = 5; example 1 errors (2, 0) -> 2.
        var objective = new TrainingObjective(new HeadSpec { Kind = HeadKind.Regression, Outputs = 2 }, TargetKind.Regression, 2, LossKind.Auto);
        using var scope = NewDisposeScope();
        var outputs = tensor(new float[] { 1, 3, 2, 0 }, [2, 2]);
        var targets = zeros(2, 2);
        Assert.AreEqual((2 * 5 + 0 * 2) / 2.0, objective.ComputeLoss(outputs, targets, tensor(new float[] { 2, 0 })).item<float>(), 1e-6);
    }

    [TestMethod]
    public void UnitWeightsGiveTheUnweightedLossForEveryHead()
    {
        var random = new Random(3);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        using var scope = NewDisposeScope();
        var ones = torch.ones(5);
        foreach (var (head, kind, loss) in new[]
        {
            (new HeadSpec { Kind = HeadKind.Regression, Outputs = 3 }, TargetKind.Regression, LossKind.Huber),
            (new HeadSpec { Kind = HeadKind.TwoHot, Outputs = 2, Bins = 11 }, TargetKind.Regression, LossKind.Auto),
            (new HeadSpec { Kind = HeadKind.Regression, Outputs = 4 }, TargetKind.ClassLabels, LossKind.Auto),
        })
        {
            var objective = new TrainingObjective(head, kind, head.Outputs, loss);
            var raw = tensor(Values(5 * head.OutputLayerWidth), [5, head.OutputLayerWidth]);
            var targets = objective.PrepareTargets(kind == TargetKind.ClassLabels
                ? tensor(new long[] { 0, 3, 1, 2, 3 })
                : tensor(Values(5 * head.Outputs), [5, head.Outputs]));
            Assert.AreEqual(objective.ComputeLoss(raw, targets).item<float>(), objective.ComputeLoss(raw, targets, ones).item<float>(), 1e-6, $"{head.Kind} {loss}");
        }
    }

    [TestMethod]
    public void OneWeightPerExampleIsRequired()
    {
        var objective = new TrainingObjective(new HeadSpec { Outputs = 1 }, TargetKind.Regression, 1, LossKind.Auto);
        using var scope = NewDisposeScope();
        var e = Assert.ThrowsExactly<ArgumentException>(() => objective.ComputeLoss(zeros(4, 1), zeros(4, 1), ones(3)));
        Assert.Contains("one weight per example ([4]); got shape [3]", e.Message);
    }
}
