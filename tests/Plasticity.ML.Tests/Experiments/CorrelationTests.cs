using Plasticity.ML.Experiments.Falsification;

namespace Plasticity.ML.Tests.Experiments;

[TestClass]
public sealed class CorrelationTests
{
    [TestMethod]
    public void PerfectlyLinearDataGivesROneAndTheExactLine()
    {
        double[] x = [1, 2, 3, 4];
        double[] y = x.Select(v => 2 * v + 1).ToArray();
        Assert.AreEqual(1.0, Correlation.Pearson(x, y), 1e-15);
        Assert.AreEqual(1.0, Correlation.Spearman(x, y), 1e-15);
        var fit = LinearFit.LeastSquares(x, y);
        Assert.AreEqual(2.0, fit.Slope, 1e-14);
        Assert.AreEqual(1.0, fit.Intercept, 1e-14);
        Assert.AreEqual(4, fit.Count);

        double[] down = x.Select(v => 5 - 3 * v).ToArray();
        Assert.AreEqual(-1.0, Correlation.Pearson(x, down), 1e-15);
        Assert.AreEqual(-3.0, LinearFit.LeastSquares(x, down).Slope, 1e-14);
    }

    [TestMethod]
    public void AHandComputedCaseMatches()
    {
        // dx = (-1, 0, 1), dy = (-1, 1, 0): sxy = 1, sxx = syy = 2, so r = 1/2, slope = 1/2, intercept = 2 - 1/2 * 2 = 1.
        double[] x = [1, 2, 3];
        double[] y = [1, 3, 2];
        Assert.AreEqual(0.5, Correlation.Pearson(x, y), 1e-15);
        var fit = LinearFit.LeastSquares(x, y);
        Assert.AreEqual(0.5, fit.Slope, 1e-15);
        Assert.AreEqual(1.0, fit.Intercept, 1e-15);
        // Ranks equal the values here, so Spearman equals Pearson.
        Assert.AreEqual(0.5, Correlation.Spearman(x, y), 1e-15);
    }

    [TestMethod]
    public void SpearmanSeesAMonotoneCurveAsPerfectWherePearsonDoesNot()
    {
        double[] x = [1, 2, 3, 4];
        double[] y = [1, 4, 9, 100];
        Assert.AreEqual(1.0, Correlation.Spearman(x, y), 1e-15);
        Assert.IsLessThan(0.9, Correlation.Pearson(x, y));
    }

    [TestMethod]
    public void TiesShareTheirAverageRank()
    {
        CollectionAssert.AreEqual(new[] { 2.0, 3.5, 3.5, 1.0 }, Correlation.Ranks([10, 20, 20, 5]));
        CollectionAssert.AreEqual(new[] { 2.0, 2.0, 2.0 }, Correlation.Ranks([7, 7, 7]));
    }

    [TestMethod]
    public void AConstantVariableHasNoCorrelationAndAConstantStatisticNoSlope()
    {
        double[] x = [1, 2, 3];
        double[] constant = [4, 4, 4];
        Assert.IsTrue(double.IsNaN(Correlation.Pearson(constant, x)));
        Assert.IsTrue(double.IsNaN(Correlation.Pearson(x, constant)));
        Assert.IsTrue(double.IsNaN(Correlation.Spearman(constant, x)));
        var fit = LinearFit.LeastSquares(constant, x);
        Assert.IsTrue(double.IsNaN(fit.Slope) && double.IsNaN(fit.Intercept));
        // A constant outcome is a defined, flat line: slope 0 (its correlation is still undefined).
        Assert.AreEqual(0.0, LinearFit.LeastSquares(x, constant).Slope);
        Assert.AreEqual(4.0, LinearFit.LeastSquares(x, constant).Intercept);
    }

    [TestMethod]
    public void AConstantUpToRoundingCountsAsConstant()
    {
        // 0.1 three times: the mean can differ from 0.1 in the last bit, leaving a sum of squares of ~1e-34.
        double[] almost = [0.1, 0.1, 0.1];
        Assert.AreNotEqual(0.1, almost.Average(), "the case must exercise a mean that is off in the last bit");
        Assert.IsTrue(double.IsNaN(Correlation.Pearson(almost, [1, 2, 3])));
        Assert.IsTrue(double.IsNaN(LinearFit.LeastSquares(almost, [1, 2, 3]).Slope));
        // A tiny but real spread is not rounding noise.
        Assert.AreEqual(1.0, Correlation.Pearson([1e-9, 2e-9, 3e-9], [1, 2, 3]), 1e-12);
    }

    [TestMethod]
    public void TooFewPairsOrNonFiniteValuesGiveNaN()
    {
        Assert.IsTrue(double.IsNaN(Correlation.Pearson([1], [2])));
        Assert.IsTrue(double.IsNaN(Correlation.Pearson([], [])));
        Assert.IsTrue(double.IsNaN(LinearFit.LeastSquares([1], [2]).Slope));
        Assert.IsTrue(double.IsNaN(Correlation.Pearson([1, 2, double.NaN], [1, 2, 3])));
        Assert.IsTrue(double.IsNaN(Correlation.Spearman([1, 2, double.PositiveInfinity], [1, 2, 3])));
    }

    [TestMethod]
    public void FiniteKeepsOnlyPairsWithBothValuesFinite()
    {
        var (x, y) = LinearFit.Finite([1, double.NaN, 3, 4], [5, 6, double.PositiveInfinity, 8]);
        CollectionAssert.AreEqual(new[] { 1.0, 4.0 }, x);
        CollectionAssert.AreEqual(new[] { 5.0, 8.0 }, y);
    }

    [TestMethod]
    public void UnequalLengthsAreRejected()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Correlation.Pearson([1, 2], [1]));
        StringAssert.Contains(e.Message, "2 and 1");
        Assert.ThrowsExactly<ArgumentException>(() => LinearFit.LeastSquares([1, 2], [1, 2, 3]));
    }

    [TestMethod]
    public void KendallsTauCountsConcordantAndDiscordantPairs()
    {
        // x = 1..5, y = (3, 4, 1, 2, 5): of the 10 pairs, (1,2) (3,4) and the four with the fifth are concordant, (1,3)
        // (1,4) (2,3) (2,4) discordant: tau = (6 - 4) / 10.
        Assert.AreEqual(0.2, Correlation.Kendall([1, 2, 3, 4, 5], [3, 4, 1, 2, 5]), 1e-15);
        Assert.AreEqual(1.0, Correlation.Kendall([1, 2, 3], [10, 20, 30]), 1e-15);
        Assert.AreEqual(-1.0, Correlation.Kendall([1, 2, 3], [3, 2, 1]), 1e-15);
        // With ties, tau-b: scipy.stats.kendalltau's documented example gives -0.47140452079103173.
        Assert.AreEqual(-0.47140452079103173, Correlation.Kendall([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]), 1e-15);
        Assert.IsTrue(double.IsNaN(Correlation.Kendall([1, 1, 1], [1, 2, 3])), "a constant variable has no ordering");
        Assert.IsTrue(double.IsNaN(Correlation.Kendall([1], [1])));
        Assert.ThrowsExactly<ArgumentException>(() => Correlation.Kendall([1, 2], [1]));
    }
}
