using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Tests.Search;

[TestClass]
public sealed class SearchSpaceTests
{
    [TestMethod]
    public void ALinearRangeMapsAffinelyToTheUnitInterval()
    {
        var p = new RangeParameter("x", 2, 10, 4);
        Assert.AreEqual(4.0, p.FromUnit(0.25).Number, 1e-15);
        Assert.AreEqual(2.0, p.FromUnit(0).Number);
        Assert.AreEqual(10.0, p.FromUnit(1).Number);
        Assert.AreEqual(0.25, p.ToUnit(4.0), 1e-15);
        Assert.AreEqual(4.0, p.Default.Number);
    }

    [TestMethod]
    public void ALogRangeMapsTheLogarithmLinearly()
    {
        // ln(1e-3 / 1e-4) / ln(1 / 1e-4) = 1/4; the midpoint is the geometric mean 1e-2.
        var p = new RangeParameter("lr", 1e-4, 1, 1e-3, logBase: true);
        Assert.AreEqual(0.25, p.ToUnit(1e-3), 1e-12);
        Assert.AreEqual(1e-2, p.FromUnit(0.5).Number, 1e-15);
        Assert.AreEqual(1e-4, p.FromUnit(0).Number);
        Assert.AreEqual(1.0, p.FromUnit(1).Number);
    }

    [TestMethod]
    public void AnIntegerRangeGivesEveryIntegerAnEqualBinAndMapsBackExactly()
    {
        // [1, 4] covers [0.5, 4.5): four bins of width 1/4; an integer maps to its bin's middle.
        var p = new RangeParameter("k", 1, 4, isInteger: true);
        Assert.AreEqual(1.0, p.FromUnit(0).Number);
        Assert.AreEqual(1.0, p.FromUnit(0.2499).Number);
        Assert.AreEqual(2.0, p.FromUnit(0.2501).Number);
        Assert.AreEqual(4.0, p.FromUnit(1).Number);
        Assert.AreEqual(0.125, p.ToUnit(1), 1e-15);
        Assert.AreEqual(0.875, p.ToUnit(4), 1e-15);
        var counts = new int[5];
        for (int i = 0; i < 4000; i++) counts[(int)p.FromUnit((i + 0.5) / 4000).Number]++;
        CollectionAssert.AreEqual(new[] { 0, 1000, 1000, 1000, 1000 }, counts);

        var log = new RangeParameter("width", 1, 1000, 10, logBase: true, isInteger: true);
        for (int k = 1; k <= 1000; k++) Assert.AreEqual(k, log.FromUnit(log.ToUnit(k)).Number, $"width {k}");
    }

    [TestMethod]
    public void ChoicesAreEqualBinsAndMapToTheirMiddles()
    {
        var p = new ChoiceParameter("c", ["a", "b", "c"], "b");
        Assert.AreEqual(1, p.Dimension);
        Assert.AreEqual("a", p.FromUnit(0.1).Text);
        Assert.AreEqual("b", p.FromUnit(0.5).Text);
        Assert.AreEqual("c", p.FromUnit(1.0).Text);
        Assert.AreEqual(0.5, p.ToUnit("b"), 1e-15);
        Assert.AreEqual(5.0 / 6, p.ToUnit("c"), 1e-15);

        var constant = new ChoiceParameter("only", [7]);
        Assert.AreEqual(0, constant.Dimension);
        var flag = ChoiceParameter.Boolean("flag", defaultValue: false);
        Assert.AreEqual(true, flag.FromUnit(0.2).Boolean);
        Assert.AreEqual(false, flag.FromUnit(0.7).Boolean);
        Assert.AreEqual(0.75, flag.ToUnit(false), 1e-15);
    }

    [TestMethod]
    public void TheSpaceOrdersParametersByNameAndTheDefaultPointMapsBackToTheDefaults()
    {
        var space = new SearchSpace([
            new RangeParameter("b.z", 0, 1, 0.3),
            new ChoiceParameter("a", ["x"]),
            new RangeParameter("b.y", 1e-3, 1, 1e-2, logBase: true),
            new RangeParameter("ab", 1, 5, 2, isInteger: true),
        ]);
        CollectionAssert.AreEqual(new[] { "a", "ab", "b.y", "b.z" }, space.Parameters.Select(p => p.Name).ToArray());
        Assert.AreEqual(3, space.Dimension);
        double[] point = space.DefaultPoint;
        Assert.AreEqual(3, point.Length);
        SearchAssert.AreClose(space.Default, space.FromUnitCube(point));
        Assert.AreEqual("x", space.FromUnitCube([0.9, 0.9, 0.9])["a"].Text);
    }

    [TestMethod]
    public void AParameterSetRoundTripsThroughJsonInRealUnits()
    {
        var set = new ParameterSet([
            KeyValuePair.Create("Optimizer.LearningRate", (ParameterValue)(0.1 + 0.2)),
            KeyValuePair.Create("Network.HiddenWidths", (ParameterValue)256),
            KeyValuePair.Create("Network.Normalization", (ParameterValue)"LayerNorm"),
            KeyValuePair.Create("Shuffle", (ParameterValue)false),
        ]);
        string json = set.ToJson();
        StringAssert.Contains(json, "\"Optimizer.LearningRate\": 0.30000000000000004");
        StringAssert.Contains(json, "\"Network.Normalization\": \"LayerNorm\"");
        var back = ParameterSet.FromJson(json);
        Assert.AreEqual(set, back);
        Assert.AreEqual(0.1 + 0.2, back.GetNumber("Optimizer.LearningRate"));
        CollectionAssert.AreEqual(new[] { "Network.HiddenWidths", "Network.Normalization", "Optimizer.LearningRate", "Shuffle" }, back.Keys.ToArray());
    }

    [TestMethod]
    public void WithoutRemovesAParameterOrEverythingUnderANestedName()
    {
        var space = SearchSpace.For<CoreAnnotatedOptions>();
        var smaller = space.Without("Inner", "Shuffle");
        CollectionAssert.AreEqual(new[] { "Color", "Depth", "Rate", "Widths" }, smaller.Parameters.Select(p => p.Name).ToArray());
        var e = Assert.ThrowsExactly<ArgumentException>(() => space.Without("Inner.Beta"));
        StringAssert.Contains(e.Message, "\"Inner.Beta\"");
    }
}
