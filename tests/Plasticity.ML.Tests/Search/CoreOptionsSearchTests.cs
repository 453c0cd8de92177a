using System.Text.Json;
using Plasticity.ML.Common;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Search.Space;
using Plasticity.ML.Training;

namespace Plasticity.ML.Tests.Search;

[TestClass]
public sealed class CoreOptionsSearchTests
{
    private static readonly object[] Annotated =
    [
        new ContinualTrainingOptions(), new OptimizerOptions(), new NetworkSpec(), new HeadSpec(), new InterventionTiming(),
        new ResetSpec(), new ReDoSpec(), new L2InitSpec(), new WeightDecaySpec(), new ShrinkPerturbSpec(),
        new ContinualBackpropSpec(), new SamSpec(),
    ];

    [TestMethod]
    public void TheAttributeDefaultsAreTheOptionsDefaults()
    {
        foreach (var options in Annotated)
        {
            var type = options.GetType();
            var space = SearchSpace.FromType(type);
            Assert.IsGreaterThan(0, space.Parameters.Count, type.Name);
            // Applying the attribute defaults to fresh options changes nothing ...
            object applied = space.Apply(options, space.Default);
            Assert.AreEqual(Json(options), Json(applied), type.Name);
            // ... and the fresh options' values are exactly the attribute defaults.
            Assert.AreEqual(space.Default, SearchSpace.FromOptions(options).Default, type.Name);
        }
    }

    [TestMethod]
    public void TheTrainingOptionsSpaceHasTheDocumentedParameters()
    {
        var space = SearchSpace.For<ContinualTrainingOptions>();
        CollectionAssert.AreEqual(
            new[]
            {
                "BatchSize", "Network.Activation", "Network.Head.Kind", "Network.HiddenWidths", "Network.Normalization",
                "Optimizer.Beta2", "Optimizer.Epsilon", "Optimizer.LearningRate",
            },
            space.Parameters.Select(p => p.Name).ToArray());
        var lr = (RangeParameter)space["Optimizer.LearningRate"];
        Assert.IsTrue(lr.LogBase);
        Assert.IsTrue(((RangeParameter)space["Optimizer.Epsilon"]).LogBase);
        Assert.IsTrue(((RangeParameter)space["Network.HiddenWidths"]).IsInteger);
        CollectionAssert.AreEqual(new[] { "Lambda", "Timing.Period" }, SearchSpace.For<L2InitSpec>().Parameters.Select(p => p.Name).ToArray());
    }

    [TestMethod]
    public void AProposalBecomesValidTrainingOptions()
    {
        var space = SearchSpace.For<ContinualTrainingOptions>();
        var baseline = new ContinualTrainingOptions();
        var random = new Random(11);
        for (int i = 0; i < 100; i++)
        {
            var set = space.FromUnitCube(Enumerable.Range(0, space.Dimension).Select(_ => random.NextDouble()).ToArray());
            var options = space.Apply(baseline, set);
            options.Validate();
            Assert.AreEqual(set.GetNumber("Optimizer.LearningRate"), options.Optimizer.LearningRate);
            Assert.AreEqual(set["Network.Normalization"].Text, options.Network.Normalization.ToString());
            Assert.AreEqual(baseline.Network.HiddenWidths.Length, options.Network.HiddenWidths.Length);
            Assert.IsTrue(options.Network.HiddenWidths.All(w => w == (int)set.GetNumber("Network.HiddenWidths")));
        }
        Assert.AreEqual(Json(new ContinualTrainingOptions()), Json(baseline), "the baseline is untouched");
    }

    [TestMethod]
    public void ApplyingAPeriodToAnInterventionLeavesTheSharedTimingInstancesAlone()
    {
        var space = SearchSpace.For<ResetSpec>();
        var reset = new ResetSpec { Timing = InterventionTiming.Every(500) };
        var applied = space.Apply(reset, space.Default.With("Timing.Period", 2000));
        Assert.AreEqual(2000, applied.Timing.Period);
        Assert.AreEqual(InterventionTrigger.EveryNSteps, applied.Timing.Trigger);
        Assert.AreEqual(500, reset.Timing.Period);
        Assert.AreEqual(1000, InterventionTiming.AtTaskBoundaries.Period);
        var withDefaultTiming = space.Apply(new ResetSpec(), space.Default.With("Timing.Period", 50));
        Assert.AreEqual(50, withDefaultTiming.Timing.Period);
        Assert.AreEqual(1000, InterventionTiming.AtTaskBoundaries.Period);
    }

    [TestMethod]
    public void AClassificationNetworkLeavesTheHeadKindOutOfItsSearch()
    {
        var options = new ContinualTrainingOptions { Network = new NetworkSpec { Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 } } };
        var e = Assert.ThrowsExactly<ArgumentException>(() => SearchSpace.FromOptions(options));
        StringAssert.Contains(e.Message, "Network.Head.Kind");
        StringAssert.Contains(e.Message, "\"Classification\"");
        StringAssert.Contains(e.Message, "Without");
        var space = SearchSpace.For<ContinualTrainingOptions>().Without("Network.Head.Kind").WithDefaultsFrom(options);
        Assert.IsFalse(space.Contains("Network.Head.Kind"));
        Assert.AreEqual(HeadKind.Classification, space.Apply(options, space.Default).Network.Head.Kind);
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, value.GetType(), PlasticityJson.Options);
}
