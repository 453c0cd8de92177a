using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Tuners;

namespace Plasticity.ML.Tests.Search.Experiment;

[TestClass]
public sealed class StreamObjectiveTests
{
    private static readonly WindowScore[] Scores = [new(1, 0.9, 0.5, 10), new(2, 2.1, 0.2, 10), new(3, 0.6, 0.8, 10)];

    [TestMethod]
    public void TheAggregatesHaveTheirKnownValues()
    {
        Assert.AreEqual(0.5, new StreamObjective().Compute(Scores), 1e-15, "mean accuracy (0.5 + 0.2 + 0.8) / 3");
        Assert.AreEqual(0.8, new StreamObjective { Aggregate = WindowAggregate.Final }.Compute(Scores));
        Assert.AreEqual(0.2, new StreamObjective { Aggregate = WindowAggregate.Worst }.Compute(Scores), "the lowest accuracy");
        Assert.AreEqual(1.2, new StreamObjective { Metric = ObjectiveMetric.Loss }.Compute(Scores), 1e-15, "mean loss (0.9 + 2.1 + 0.6) / 3");
        Assert.AreEqual(2.1, new StreamObjective { Metric = ObjectiveMetric.Loss, Aggregate = WindowAggregate.Worst }.Compute(Scores), "the highest loss");
        Assert.AreEqual(0.25, new StreamObjective { Metric = ObjectiveMetric.PlasticityLoss }.Compute([], 1.5, 1.75));
        Assert.AreEqual(OptimizationDirection.Maximize, new StreamObjective().Direction);
        Assert.AreEqual(OptimizationDirection.Minimize, new StreamObjective { Metric = ObjectiveMetric.Loss }.Direction);
        Assert.AreEqual(OptimizationDirection.Minimize, new StreamObjective { Metric = ObjectiveMetric.PlasticityLoss }.Direction);
        Assert.AreEqual("worst-window prequential loss", new StreamObjective { Metric = ObjectiveMetric.Loss, Aggregate = WindowAggregate.Worst }.ToString());
    }

    [TestMethod]
    public void NothingToAggregateOrANonFiniteValueIsRefused()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new StreamObjective().Compute([])).Message, "scored no window");
        var nan = Assert.ThrowsExactly<ArgumentException>(() => new StreamObjective { Metric = ObjectiveMetric.Loss }.Compute([new WindowScore(4, double.NaN, 0.1, 10)]));
        StringAssert.Contains(nan.Message, "The prequential loss of window 4 is NaN");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new StreamObjective { Metric = ObjectiveMetric.PlasticityLoss }.Compute(Scores)).Message, "needs the probe's loss");
    }
}
