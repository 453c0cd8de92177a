using Microsoft.ML;
using Plasticity.ML.Interventions;

namespace Plasticity.ML.Estimators.Tests;

[TestClass]
public sealed class RetrainingTests
{
    private static PlasticRegressionTrainer.Options TinyStepOptions()
    {
        // Steps so small that a warm-started model must predict like its starting point.
        var options = TrainerTests.RegressionOptions();
        options.Epochs = 1;
        options.Optimizer = new() { Kind = Plasticity.ML.Optimization.OptimizerKind.Sgd, LearningRate = 1e-7 };
        return options;
    }

    [TestMethod]
    public void WarmStartContinuesFromThePreviousWeightsAndLeavesThemUnchanged()
    {
        var ml = new MLContext(seed: 0);
        var first = ml.Data.LoadFromEnumerable(SyntheticData.Regression(256, seed: 1));
        var second = ml.Data.LoadFromEnumerable(SyntheticData.Regression(64, seed: 2));
        var test = ml.Data.LoadFromEnumerable(SyntheticData.Regression(128, seed: 3));
        var previous = ml.Regression.Trainers.PlasticNeuralNetwork(TrainerTests.RegressionOptions()).Fit(first);
        float[] before = SyntheticData.Scores(previous.Transform(test));

        var trainer = ml.Regression.Trainers.PlasticNeuralNetwork(TinyStepOptions());
        var warm = trainer.Fit(second, previous.Model);
        var fresh = trainer.Fit(second);

        CollectionAssert.AreEqual(before, SyntheticData.Scores(previous.Transform(test)), "the previous model changed");
        float[] warmScores = SyntheticData.Scores(warm.Transform(test));
        Assert.IsLessThan(1e-3, before.Zip(warmScores).Max(p => Math.Abs(p.First - p.Second)));
        Assert.IsGreaterThan(0.95, ml.Regression.Evaluate(warm.Transform(test)).RSquared);
        Assert.IsLessThan(0.5, ml.Regression.Evaluate(fresh.Transform(test)).RSquared);
        Assert.AreEqual(previous.Model.WindowsTrained + 1, warm.Model.WindowsTrained);
    }

    [TestMethod]
    public void TaskBoundaryInterventionActsAtTheStartOfAWarmStartedFit()
    {
        var ml = new MLContext(seed: 0);
        var first = ml.Data.LoadFromEnumerable(SyntheticData.Regression(256, seed: 1));
        var second = ml.Data.LoadFromEnumerable(SyntheticData.Regression(64, seed: 2));
        var test = ml.Data.LoadFromEnumerable(SyntheticData.Regression(128, seed: 3));
        var previous = ml.Regression.Trainers.PlasticNeuralNetwork(TrainerTests.RegressionOptions()).Fit(first);

        var options = TinyStepOptions();
        options.Interventions = [new ResetSpec { Layers = 0 }];
        var reset = ml.Regression.Trainers.PlasticNeuralNetwork(options).Fit(second, previous.Model);
        // Everything was re-initialized at the boundary and the tiny steps cannot relearn it.
        Assert.IsLessThan(0.5, ml.Regression.Evaluate(reset.Transform(test)).RSquared);
    }

    [TestMethod]
    public void SegmentColumnTrainsWindowByWindowInOrder()
    {
        var ml = new MLContext(seed: 0);
        var rows = SyntheticData.Regression(40, 1, offset: 0, segment: 7)
            .Concat(SyntheticData.Regression(40, 2, offset: 5, segment: 3))
            .Concat(SyntheticData.Regression(40, 3, offset: 10, segment: 7))
            .ToList();
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var options = TrainerTests.RegressionOptions();
        options.SegmentColumnName = nameof(RegressionRow.Segment);
        options.Epochs = 2;
        var model = ml.Regression.Trainers.PlasticNeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(rows));
        Assert.AreEqual(3, model.Model.WindowsTrained);
        var windows = messages.Where(m => m.Contains("Window ", StringComparison.Ordinal) && m.Contains(" rows", StringComparison.Ordinal)).ToList();
        Assert.HasCount(3, windows);
        for (int w = 0; w < 3; w++) Assert.Contains($"Window {w}: 40 rows, 4 steps", windows[w]);
    }

    [TestMethod]
    public void CancellationStopsTrainingBetweenWindows()
    {
        var ml = new MLContext(seed: 0);
        var rows = SyntheticData.Regression(40, 1, segment: 0).Concat(SyntheticData.Regression(40, 2, segment: 1)).ToList();
        using var cancellation = new CancellationTokenSource();
        var windows = new List<string>();
        ml.Log += (_, e) =>
        {
            if (!e.Message.Contains("Window ", StringComparison.Ordinal)) return;
            windows.Add(e.Message);
            cancellation.Cancel();
        };
        var options = TrainerTests.RegressionOptions();
        options.SegmentColumnName = nameof(RegressionRow.Segment);
        options.Epochs = 1;
        var trainer = ml.Regression.Trainers.PlasticNeuralNetwork(options);
        Assert.Throws<OperationCanceledException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(rows), null, cancellation.Token));
        Assert.HasCount(1, windows, "training went on after the cancellation");
    }
}
