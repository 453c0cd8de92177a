using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Tests.Search;

[TestClass]
public sealed class SearchSpaceReaderTests
{
    [TestMethod]
    public void TheCoreAttributesGiveTheExpectedSpace()
    {
        var space = SearchSpace.For<CoreAnnotatedOptions>();
        CollectionAssert.AreEqual(
            new[] { "Color", "Depth", "Inner.Alpha", "Inner.Solver", "Rate", "Shuffle", "Widths" },
            space.Parameters.Select(p => p.Name).ToArray());
        Assert.AreEqual(7, space.Dimension);

        var rate = (RangeParameter)space["Rate"];
        Assert.IsTrue(rate.LogBase);
        Assert.IsFalse(rate.IsInteger);
        Assert.AreEqual(1e-4, rate.Min);
        Assert.AreEqual(1e-2, rate.Default.Number);
        Assert.IsTrue(((RangeParameter)space["Depth"]).IsInteger);
        Assert.IsTrue(((RangeParameter)space["Widths"]).IsInteger);
        var color = (ChoiceParameter)space["Color"];
        CollectionAssert.AreEqual(new ParameterValue[] { "Red", "Green", "Blue" }, color.Choices.ToArray());
        Assert.AreEqual("Green", color.Default.Text);
        Assert.IsFalse(space["Shuffle"].Default.Boolean);
        // Without a default, ML.NET's rule: the first candidate.
        Assert.AreEqual("adam", space["Inner.Solver"].Default.Text);
    }

    [TestMethod]
    public void MlNetAttributesAreReadByNameIntoTheSameSpace()
    {
        // Public fields with (stand-ins of) Microsoft.ML.SearchSpace attributes, as ML.NET options classes have them.
        var fromMlNet = SearchSpace.For<MlNetAnnotatedOptions>();
        var fromCore = SearchSpace.For<CoreAnnotatedOptions>();
        Assert.AreEqual(fromCore.ToString(), fromMlNet.ToString());
        Assert.AreEqual(fromCore.Default, fromMlNet.Default);
    }

    [TestMethod]
    public void ARangeAttributeOfAnotherNamespaceIsIgnored()
    {
        var space = SearchSpace.For<ForeignRangeOptions>();
        CollectionAssert.AreEqual(new[] { "Searched" }, space.Parameters.Select(p => p.Name).ToArray());
    }

    [TestMethod]
    public void AnInstanceGivesTheDefaults()
    {
        var options = new CoreAnnotatedOptions { Rate = 3e-3, Color = TestColor.Blue, Inner = new() { Solver = "sgd" }, Widths = [32, 32] };
        var space = SearchSpace.FromOptions(options);
        Assert.AreEqual(3e-3, space["Rate"].Default.Number);
        Assert.AreEqual("Blue", space["Color"].Default.Text);
        Assert.AreEqual("sgd", space["Inner.Solver"].Default.Text);
        Assert.AreEqual(32.0, space["Widths"].Default.Number);
        // The default point is the image of those values and maps back to them.
        SearchAssert.AreClose(space.Default, space.FromUnitCube(space.DefaultPoint));
        var applied = space.Apply(new CoreAnnotatedOptions { Widths = [8, 8] }, space.Default);
        Assert.AreEqual(PlasticityJsonOf(options), PlasticityJsonOf(applied));
    }

    private static string PlasticityJsonOf(CoreAnnotatedOptions o) => Plasticity.ML.Common.PlasticityJson.Serialize(o);
}
