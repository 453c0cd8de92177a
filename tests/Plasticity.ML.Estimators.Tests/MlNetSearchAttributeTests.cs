using Microsoft.ML.SearchSpace;
using Plasticity.ML.Networks;
using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Estimators.Tests;

/// <summary>
/// The core's search space reader on an options class annotated with ML.NET 5.0.1's real
/// <c>Microsoft.ML.SearchSpace</c> attributes (shipped in Microsoft.ML.Core), read by name without the core
/// referencing Microsoft.ML.
/// </summary>
[TestClass]
public sealed class MlNetSearchAttributeTests
{
    /// <summary>ML.NET-style options: a mutable class with public fields and properties.</summary>
    public sealed class SweepableOptions
    {
        [Range(1e-5, 1e-1, 1e-3, logBase: true)]
        public double LearningRate = 1e-3;

        [Range(16, 1024, 64, logBase: true)]
        public int[] HiddenWidths = [64, 64];

        [Range(1f, 4f, 2f)]
        public float Scale { get; set; } = 2f;

        [Choice(new object[] { NormalizationKind.None, NormalizationKind.LayerNorm }, NormalizationKind.None)]
        public NormalizationKind Normalization { get; set; }

        [Choice("adam", "sgd")]
        public string Solver { get; set; } = "adam";

        [BooleanChoice]
        public bool Shuffle { get; set; } = true;

        [NestOption]
        public InnerOptions Inner { get; set; } = new();
    }

    /// <summary>Nested options.</summary>
    public sealed class InnerOptions
    {
        [Range(1, 8)]
        public int Period { get; set; } = 1;
    }

    [TestMethod]
    public void MlNetsOwnAttributesAreReadByName()
    {
        Assert.AreEqual("Microsoft.ML.Core", typeof(RangeAttribute).Assembly.GetName().Name, "the real attribute, from ML.NET");
        var space = SearchSpace.For<SweepableOptions>();
        CollectionAssert.AreEqual(
            new[] { "HiddenWidths", "Inner.Period", "LearningRate", "Normalization", "Scale", "Shuffle", "Solver" },
            space.Parameters.Select(p => p.Name).ToArray());
        var lr = (RangeParameter)space["LearningRate"];
        Assert.IsTrue(lr.LogBase);
        Assert.AreEqual(1e-3, lr.Default.Number);
        Assert.IsTrue(((RangeParameter)space["HiddenWidths"]).IsInteger);
        Assert.IsFalse(((RangeParameter)space["Scale"]).IsInteger);
        Assert.AreEqual(2.0, space["Scale"].Default.Number);
        Assert.AreEqual("None", space["Normalization"].Default.Text);
        Assert.IsTrue(space["Shuffle"].Default.Boolean, "ML.NET's parameterless BooleanChoice defaults to true");
        Assert.AreEqual(1.0, space["Inner.Period"].Default.Number, "no init: ML.NET's rule, the minimum");
    }

    [TestMethod]
    public void AParameterSetIsAppliedToACopyOfTheMlNetOptions()
    {
        var space = SearchSpace.For<SweepableOptions>();
        var original = new SweepableOptions();
        var set = space.Default
            .With("LearningRate", 0.01)
            .With("HiddenWidths", 256)
            .With("Scale", 3.5)
            .With("Normalization", "LayerNorm")
            .With("Inner.Period", 5);
        var applied = space.Apply(original, set);
        Assert.AreEqual(0.01, applied.LearningRate);
        CollectionAssert.AreEqual(new[] { 256, 256 }, applied.HiddenWidths);
        Assert.AreEqual(3.5f, applied.Scale);
        Assert.AreEqual(NormalizationKind.LayerNorm, applied.Normalization);
        Assert.AreEqual(5, applied.Inner.Period);
        Assert.AreEqual(1e-3, original.LearningRate);
        Assert.AreEqual(1, original.Inner.Period);
        CollectionAssert.AreEqual(new[] { 64, 64 }, original.HiddenWidths);
    }
}
