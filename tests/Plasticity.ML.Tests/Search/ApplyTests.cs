using Plasticity.ML.Common;
using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Tests.Search;

[TestClass]
public sealed class ApplyTests
{
    private static ParameterSet Set(params (string Name, ParameterValue Value)[] values) =>
        new(values.Select(v => KeyValuePair.Create(v.Name, v.Value)));

    [TestMethod]
    public void ApplyingToARecordGivesAModifiedCopyAndLeavesTheOriginal()
    {
        var original = new CoreAnnotatedOptions();
        string before = PlasticityJson.Serialize(original);
        var space = SearchSpace.For<CoreAnnotatedOptions>();
        var applied = space.Apply(original, Set(("Rate", 0.05), ("Depth", 7), ("Color", "Blue"), ("Shuffle", true), ("Inner.Alpha", 0.25), ("Widths", 48)));

        Assert.AreEqual(0.05, applied.Rate);
        Assert.AreEqual(7, applied.Depth);
        Assert.AreEqual(TestColor.Blue, applied.Color);
        Assert.IsTrue(applied.Shuffle);
        Assert.AreEqual(0.25, applied.Inner.Alpha);
        Assert.AreEqual("adam", applied.Inner.Solver);
        CollectionAssert.AreEqual(new[] { 48, 48, 48 }, applied.Widths, "every layer takes the width; the depth stays");
        Assert.AreEqual("kept", applied.NotSearched);
        Assert.AreEqual(before, PlasticityJson.Serialize(original), "the original is untouched");
        Assert.AreNotSame(original.Inner, applied.Inner);
    }

    [TestMethod]
    public void ApplyingToAnOptionsClassWithFieldsGivesAModifiedCopy()
    {
        var original = new MlNetAnnotatedOptions();
        var space = SearchSpace.For<MlNetAnnotatedOptions>();
        var applied = space.Apply(original, Set(("Rate", 0.002), ("Color", "Red"), ("Inner.Solver", "sgd"), ("Widths", 64)));
        Assert.AreEqual(0.002, applied.Rate);
        Assert.AreEqual(TestColor.Red, applied.Color);
        Assert.AreEqual("sgd", applied.Inner.Solver);
        CollectionAssert.AreEqual(new[] { 64, 64, 64 }, applied.Widths);
        Assert.AreEqual(1e-2, original.Rate);
        Assert.AreEqual("adam", original.Inner.Solver);
        CollectionAssert.AreEqual(new[] { 16, 16, 16 }, original.Widths);
    }

    [TestMethod]
    public void AProposalAnywhereInTheCubeCanBeApplied()
    {
        var space = SearchSpace.For<CoreAnnotatedOptions>();
        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            var point = Enumerable.Range(0, space.Dimension).Select(_ => random.NextDouble()).ToArray();
            var set = space.FromUnitCube(point);
            var applied = space.Apply(new CoreAnnotatedOptions(), set);
            Assert.AreEqual(set.GetNumber("Depth"), applied.Depth);
            Assert.IsTrue(applied.Depth is >= 1 and <= 9);
            Assert.IsTrue(applied.Widths.All(w => w is >= 8 and <= 64));
            // The set's own point maps back to the same set: proposals are stable under the round trip.
            SearchAssert.AreClose(set, space.FromUnitCube(space.ToUnitCube(set)));
        }
    }
}
