using Microsoft.ML;
using Plasticity.ML.Estimators.Internal;

namespace Plasticity.ML.Estimators.Tests;

/// <summary>
/// Training reports through ML.NET's progress channel (start, one checkpoint per window with the steps done and the
/// window's mean loss, stop) and stops when the ML.NET environment is cancelled.
/// </summary>
[TestClass]
public sealed class ProgressReportingTests
{
    private static List<RegressionRow> ThreeWindows() =>
        [.. SyntheticData.Regression(40, 1, segment: 0), .. SyntheticData.Regression(40, 2, segment: 1), .. SyntheticData.Regression(40, 3, segment: 2)];

    private static PlasticRegressionTrainer.Options SegmentedOptions()
    {
        var options = TrainerTests.RegressionOptions();
        options.SegmentColumnName = nameof(RegressionRow.Segment);
        options.Epochs = 2;
        return options;
    }

    [TestMethod]
    public void ProgressChannelReportsAStartACheckpointPerWindowAndAStop()
    {
        var ml = new MLContext(seed: 0);
        using var model = ml.Regression.Trainers.PlasticNeuralNetwork(SegmentedOptions()).Fit(ml.Data.LoadFromEnumerable(ThreeWindows()));

        var events = ProgressEvents(ml).Where(e => e.Name.StartsWith("Training plastic neural network", StringComparison.Ordinal)).ToList();
        Assert.AreEqual("Start", events[0].Kind);
        Assert.AreEqual("Stop", events[^1].Kind);
        var checkpoints = events.Where(e => e.Kind == "Progress" && e.IsCheckpoint).ToList();
        // 40 rows per window at batch 16 are 2 steps per epoch, 2 epochs: 4 steps per window, 12 in all.
        CollectionAssert.AreEqual(new double?[] { 4, 8, 12 }, checkpoints.Select(c => c.Progress[0]).ToArray());
        Assert.IsTrue(checkpoints.All(c => c.ProgressLimit[0] == 12));
        Assert.IsTrue(checkpoints.All(c => c.Metrics[0] is double loss && double.IsFinite(loss) && loss > 0), "each checkpoint carries the window's mean loss");
    }

    [TestMethod]
    public void CancellingTheMLContextStopsTraining()
    {
        var ml = new MLContext(seed: 0);
        var windows = new List<string>();
        ml.Log += (_, e) =>
        {
            if (!e.Message.Contains("Window ", StringComparison.Ordinal)) return;
            windows.Add(e.Message);
            CancelExecution(ml);
        };
        var trainer = ml.Regression.Trainers.PlasticNeuralNetwork(SegmentedOptions());
        Assert.Throws<OperationCanceledException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(ThreeWindows())));
        Assert.HasCount(1, windows, "training went on after the cancellation");
    }

    /// <summary>
    /// What ML.NET's own components see as cancellation (AutoML cancels this way): the context's environment is
    /// cancelled, which cancels its child hosts. ML.NET 5 keeps it internal; the library's interop file reaches it.
    /// </summary>
    private static void CancelExecution(MLContext ml) => MLNetInterop.ForTests.CancelExecution(ml);

    /// <summary>
    /// The events ML.NET's progress tracker collected. MLContext has no public listener for progress (its console
    /// environment polls the same tracker); the library's interop file reads it.
    /// </summary>
    private static List<MLNetInterop.ForTests.ProgressEvent> ProgressEvents(MLContext ml) => MLNetInterop.ForTests.ProgressEvents(ml);
}
