using Plasticity.ML.Reinforcement.Environments.MinAtar;
using Plasticity.ML.Reinforcement.Evaluation;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>rliable's aggregates by hand: the interquartile mean, the stratified bootstrap's percentile interval, min-max normalization.</summary>
[TestClass]
public sealed class ScoreAggregationTests
{
    [TestMethod]
    public void TheInterquartileMeanDropsAQuarterFromEachEndAsScipysTrimMeanDoes()
    {
        // 8 scores: drop 2 from each end, average 3, 4, 5, 6.
        Assert.AreEqual(4.5, ScoreAggregates.InterquartileMean([8, 1, 7, 2, 6, 3, 5, 4]), 1e-12);
        // 10 scores: floor(2.5) = 2 from each end: a[2..8) of 1..10 is 3..8, mean 5.5 (scipy.stats.trim_mean(range(1, 11), 0.25)).
        Assert.AreEqual(5.5, ScoreAggregates.InterquartileMean(Enumerable.Range(1, 10).Select(i => (double)i)), 1e-12);
        // 5 scores: floor(1.25) = 1 from each end; the outliers 100 and -50 are gone: (1 + 2 + 3) / 3.
        Assert.AreEqual(2.0, ScoreAggregates.InterquartileMean([100, 1, 2, 3, -50]), 1e-12);
        // 3 scores: nothing dropped (floor(0.75) = 0).
        Assert.AreEqual(2.0, ScoreAggregates.InterquartileMean([0, 1, 5]), 1e-12);
        Assert.AreEqual(2.5, ScoreAggregates.Median([4, 1, 3, 2]), 1e-12);
        Assert.AreEqual(11.0 / 4, ScoreAggregates.Mean([4, 1, 3, 3]), 1e-12);
        Assert.ThrowsExactly<ArgumentException>(() => ScoreAggregates.InterquartileMean([]));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ScoreAggregates.InterquartileMean([1, double.NaN])).Message, "Score 1 is NaN");
    }

    [TestMethod]
    public void WithOneRunPerTaskEveryResampleIsTheDataAndTheIntervalIsThePoint()
    {
        // Stratified: each task resamples only its own runs, so one run per task leaves nothing to vary.
        double[][] scores = [[0.2], [0.9], [0.5], [0.4]];
        var interval = StratifiedBootstrap.InterquartileMean(scores, seed: 1, resamples: 500);
        Assert.AreEqual(0.45, interval.Estimate, 1e-12); // drop 0.2 and 0.9
        Assert.AreEqual(0.45, interval.Lower, 1e-12);
        Assert.AreEqual(0.45, interval.Upper, 1e-12);
    }

    [TestMethod]
    public void TheMeanOfTwoRunsHasTheIntervalOfItsExactBootstrapDistribution()
    {
        // One task, runs 0 and 1: a resample's mean is 0 (p 1/4), 0.5 (1/2) or 1 (1/4), so the 2.5% and 97.5%
        // percentiles are 0 and 1.
        double[][] scores = [[0, 1]];
        var interval = StratifiedBootstrap.Mean(scores, seed: 5, resamples: 4000);
        Assert.AreEqual((0.5, 0.0, 1.0), (interval.Estimate, interval.Lower, interval.Upper));
        // At 40% confidence the 30% and 70% percentiles both fall on 0.5.
        var narrow = StratifiedBootstrap.Mean(scores, seed: 5, resamples: 4000, confidence: 0.4);
        Assert.AreEqual((0.5, 0.5), (narrow.Lower, narrow.Upper));
    }

    [TestMethod]
    public void TheIntervalContainsThePointShrinksWithMoreRunsAndRepeatsFromItsSeed()
    {
        double[][] Draw(int runs)
        {
            var random = new Random(11);
            return Enumerable.Range(0, 5).Select(task => Enumerable.Range(0, runs).Select(_ => task * 0.2 + random.NextDouble()).ToArray()).ToArray();
        }
        var few = StratifiedBootstrap.InterquartileMean(Draw(3), seed: 2, resamples: 5000);
        var many = StratifiedBootstrap.InterquartileMean(Draw(40), seed: 2, resamples: 5000);
        Assert.IsTrue(few.Contains(few.Estimate));
        Assert.IsTrue(many.Contains(many.Estimate));
        Assert.IsGreaterThan(0.0, many.Width);
        Assert.IsLessThan(few.Width / 2, many.Width, $"3 runs: {few.ToString("F3")}; 40 runs: {many.ToString("F3")}");
        Assert.AreEqual(few, StratifiedBootstrap.InterquartileMean(Draw(3), seed: 2, resamples: 5000), "same seed, same interval");
        Assert.AreNotEqual(few, StratifiedBootstrap.InterquartileMean(Draw(3), seed: 3, resamples: 5000), "another seed draws other resamples");
    }

    [TestMethod]
    public void PercentilesInterpolateBetweenOrderStatisticsAsNumpyDoes()
    {
        double[] sorted = [1, 2, 4, 8];
        Assert.AreEqual(1.0, StratifiedBootstrap.Percentile(sorted, 0), 1e-12);
        Assert.AreEqual(8.0, StratifiedBootstrap.Percentile(sorted, 1), 1e-12);
        Assert.AreEqual(3.0, StratifiedBootstrap.Percentile(sorted, 0.5), 1e-12); // position 1.5: between 2 and 4
        Assert.AreEqual(1.075, StratifiedBootstrap.Percentile(sorted, 0.025), 1e-12); // position 0.075
    }

    [TestMethod]
    public void BadInputIsNamed()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => StratifiedBootstrap.Mean([[1.0], []], 0)).Message, "Task 1 has no runs");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => StratifiedBootstrap.Mean([[1.0, double.PositiveInfinity]], 0)).Message, "task 0, run 1");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => StratifiedBootstrap.Mean([[1.0]], 0, resamples: 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => StratifiedBootstrap.Mean([[1.0]], 0, confidence: 1));
    }

    [TestMethod]
    public void MinMaxNormalizationMapsTheRandomPolicyToZeroAndTheReferenceToOne()
    {
        var breakout = new MinMaxNormalization("breakout", 0.5, MinAtarReference.DqnReturn(MinAtarGame.Breakout), MinAtarReference.Source);
        Assert.AreEqual(0.0, breakout.Normalize(0.5), 1e-12);
        Assert.AreEqual(1.0, breakout.Normalize(10), 1e-12);
        Assert.AreEqual(0.5, breakout.Normalize(5.25), 1e-12);
        Assert.AreEqual(-0.5 / 9.5, breakout.Normalize(0), 1e-12);
        Assert.ThrowsExactly<InvalidOperationException>(() => new MinMaxNormalization("x", 3, 3, "").Normalize(1));
        CollectionAssert.AreEqual(new double[] { 17, 10, 50, 20, 43 },
            new[] { MinAtarGame.Asterix, MinAtarGame.Breakout, MinAtarGame.Freeway, MinAtarGame.Seaquest, MinAtarGame.SpaceInvaders }.Select(MinAtarReference.DqnReturn).ToArray());
    }
}
