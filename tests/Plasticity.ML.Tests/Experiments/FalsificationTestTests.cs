using Plasticity.ML.Experiments.Falsification;

namespace Plasticity.ML.Tests.Experiments;

[TestClass]
public sealed class FalsificationTestTests
{
    private static FalsificationObservation Run(string group, double outcome, params (string Name, double Value)[] statistics) => new()
    {
        Group = group,
        Label = $"{group}:{outcome}",
        Outcome = outcome,
        Statistics = statistics.ToDictionary(s => s.Name, s => s.Value),
    };

    /// <summary>Runs of one group whose outcome is <paramref name="line"/>(statistic) at statistic = 1, 2, 3, 4.</summary>
    private static IEnumerable<FalsificationObservation> Line(string group, string statistic, Func<double, double> line) =>
        new[] { 1.0, 2, 3, 4 }.Select(x => Run(group, line(x), (statistic, x)));

    [TestMethod]
    public void OppositeSlopesInTwoGroupsAreFlaggedAsAFlip()
    {
        var runs = Line("mlp", "deadFraction", x => 2 * x).Concat(Line("cnn", "deadFraction", x => 10 - x)).ToList();
        var result = FalsificationTest.Run(runs).Single();
        Assert.AreEqual("deadFraction", result.Statistic);
        Assert.AreEqual(SignPattern.Flips, result.Pattern);
        Assert.IsTrue(result.SignFlips);
        Assert.IsTrue(result.StrongSignFlip);
        Assert.IsTrue(result.SpearmanSignFlips);
        Assert.AreEqual(1, result.PositiveGroups);
        Assert.AreEqual(1, result.NegativeGroups);
        CollectionAssert.AreEqual(new[] { "mlp", "cnn" }, result.Groups.Select(g => g.Group).ToArray());
        Assert.AreEqual(2.0, result.Groups[0].Slope, 1e-14);
        Assert.AreEqual(0.0, result.Groups[0].Intercept, 1e-14);
        Assert.AreEqual(1.0, result.Groups[0].Pearson, 1e-15);
        Assert.AreEqual(-1.0, result.Groups[1].Slope, 1e-14);
        Assert.AreEqual(10.0, result.Groups[1].Intercept, 1e-14);
        Assert.AreEqual(-1.0, result.Groups[1].Pearson, 1e-15);
        Assert.AreEqual(2.5, result.Groups[1].StatisticMean, 1e-15);
        Assert.AreEqual(1.0, result.MeanAbsolutePearson, 1e-15);
        Assert.AreEqual(FalsificationTest.PooledGroup, result.Pooled.Group);
        Assert.AreEqual(8, result.Pooled.Count);
    }

    [TestMethod]
    public void TheSameSignEverywhereIsConsistent()
    {
        var runs = Line("a", "s", x => x).Concat(Line("b", "s", x => 3 * x - 7)).Concat(Line("c", "s", x => 0.1 * x));
        var result = FalsificationTest.Run(runs).Single();
        Assert.AreEqual(SignPattern.ConsistentPositive, result.Pattern);
        Assert.IsFalse(result.SignFlips);
        Assert.IsFalse(result.StrongSignFlip);
        Assert.AreEqual(3, result.PositiveGroups);

        var negative = FalsificationTest.Run(Line("a", "s", x => -x).Concat(Line("b", "s", x => -2 * x))).Single();
        Assert.AreEqual(SignPattern.ConsistentNegative, negative.Pattern);
    }

    [TestMethod]
    public void AWeakReversalFlipsButIsNotStrong()
    {
        // Group a: r = +1. Group b: statistic (1, 2, 3), outcome (2, 3, 1): dx = (-1, 0, 1), dy = (0, 1, -1), r = -1/2.
        var runs = Line("a", "s", x => x).Concat([Run("b", 2, ("s", 1)), Run("b", 3, ("s", 2)), Run("b", 1, ("s", 3))]).ToList();
        var result = FalsificationTest.Run(runs, new FalsificationOptions { StrongCorrelation = 0.6 }).Single();
        Assert.AreEqual(-0.5, result.Groups[1].Pearson, 1e-15);
        Assert.AreEqual(-0.5, result.Groups[1].Slope, 1e-15);
        Assert.IsTrue(result.SignFlips);
        Assert.IsFalse(result.StrongSignFlip);
        Assert.IsTrue(FalsificationTest.Run(runs, new FalsificationOptions { StrongCorrelation = 0.5 }).Single().StrongSignFlip);
    }

    [TestMethod]
    public void AConstantStatisticIsUndefinedAndLeftOutOfTheVerdict()
    {
        // No dead units anywhere in group b: its correlation is undefined, so it cannot flip group a's sign.
        var runs = Line("a", "dead", x => x).Concat(Line("b", "dead", _ => 0).Select(r => r with { Statistics = new Dictionary<string, double> { ["dead"] = 0 } }))
            .Concat(Line("c", "dead", x => 2 * x)).ToList();
        var result = FalsificationTest.Run(runs).Single();
        var b = result.Groups.Single(g => g.Group == "b");
        Assert.IsTrue(double.IsNaN(b.Pearson) && double.IsNaN(b.Spearman) && double.IsNaN(b.Slope) && double.IsNaN(b.Intercept));
        Assert.AreEqual(4, b.Count);
        Assert.AreEqual(0, b.Sign);
        Assert.AreEqual(1, result.UndefinedGroups);
        Assert.AreEqual(SignPattern.ConsistentPositive, result.Pattern);

        var allConstant = FalsificationTest.Run(Line("a", "dead", x => x).Select(r => r with { Statistics = new Dictionary<string, double> { ["dead"] = 0 } })).Single();
        Assert.AreEqual(SignPattern.Undefined, allConstant.Pattern);
        Assert.IsTrue(double.IsNaN(allConstant.MeanAbsolutePearson));
    }

    [TestMethod]
    public void GroupsBelowTheMinimumAndMissingOrNonFiniteValuesAreLeftOut()
    {
        var runs = Line("a", "s", x => x).ToList();
        runs.Add(Run("b", 1, ("s", 1)));
        runs.Add(Run("b", 0, ("s", 2)));                    // two points: r would be exactly -1, so it is not reported
        runs.Add(Run("b", 5, ("s", double.NaN)));           // not measured
        runs.Add(Run("b", double.NaN, ("s", 3)));           // no outcome
        runs.Add(Run("b", 7, ("other", 1)));                // lacks "s" entirely
        var s = FalsificationTest.Run(runs).Single(r => r.Statistic == "s");
        var b = s.Groups.Single(g => g.Group == "b");
        Assert.AreEqual(2, b.Count);
        Assert.IsTrue(double.IsNaN(b.Pearson));
        Assert.AreEqual(SignPattern.SingleGroup, s.Pattern);
        Assert.AreEqual(6, s.Pooled.Count);
        // "other" exists in one group only, with one run.
        var other = FalsificationTest.Run(runs).Single(r => r.Statistic == "other");
        Assert.AreEqual(SignPattern.Undefined, other.Pattern);
        Assert.HasCount(1, other.Groups);
    }

    [TestMethod]
    public void StatisticsComeOutInNameOrder()
    {
        var runs = new[] { 1.0, 2, 3 }.Select(x => Run("a", x, ("zeta", x), ("alpha", -x), ("mid", x * x)));
        var result = FalsificationTest.Run(runs);
        CollectionAssert.AreEqual(new[] { "alpha", "mid", "zeta" }, result.Select(r => r.Statistic).ToArray());
        Assert.AreEqual(-1.0, result[0].Groups[0].Pearson, 1e-15);
    }

    [TestMethod]
    public void BadOptionsAndObservationsAreRejected()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => FalsificationTest.Run([], new FalsificationOptions { MinimumPoints = 2 }));
        StringAssert.Contains(e.Message, "MinimumPoints");
        Assert.ThrowsExactly<ArgumentException>(() => FalsificationTest.Run([], new FalsificationOptions { StrongCorrelation = 0 }));
        Assert.ThrowsExactly<ArgumentException>(() => FalsificationTest.Run([Run("", 1, ("s", 1))]));
        Assert.IsEmpty(FalsificationTest.Run([]));
    }
}
