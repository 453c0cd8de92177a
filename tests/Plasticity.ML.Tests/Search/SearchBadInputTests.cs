using Plasticity.ML.Search;
using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Search.Tuners.Asha;
using Plasticity.ML.Search.Tuners.CostFrugal;
using Plasticity.ML.Search.Tuners.PopulationBased;
using Plasticity.ML.Training;

namespace Plasticity.ML.Tests.Search;

public sealed class EmptyRangeOptions
{
    [Range(5.0, 1.0)]
    public double Rate { get; set; }
}

public sealed class ZeroLogRangeOptions
{
    [Range(0.0, 1.0, logBase: true)]
    public double Decay { get; set; }
}

public sealed class DoubleRangeOnIntOptions
{
    [Range(0.5, 10.0)]
    public int Count { get; set; }
}

public sealed class BooleanChoiceOnStringOptions
{
    [BooleanChoice]
    public string Flag { get; set; } = "";
}

public sealed class UnknownEnumNameOptions
{
    [Choice("Red", "Purple")]
    public TestColor Color { get; set; }
}

public sealed class TwoAttributesOptions
{
    [Range(0.0, 1.0)]
    [Microsoft.ML.SearchSpace.Range(0.0, 1.0)]
    public double Both { get; set; }
}

public sealed class InitOutsideOptions
{
    [Range(1, 10, 20)]
    public int Layers { get; set; }
}

[TestClass]
public sealed class SearchBadInputTests
{
    private static void Throws(Action action, params string[] fragments)
    {
        var e = Assert.Throws<ArgumentException>(action);
        foreach (var f in fragments) StringAssert.Contains(e.Message, f);
    }

    [TestMethod]
    public void AnEmptyRangeNamesTheParameterAndTheBounds()
    {
        Throws(() => SearchSpace.For<EmptyRangeOptions>(), "\"Rate\"", "empty", "Min = 5", "Max = 1");
        Throws(() => _ = new RangeParameter("k", 3, 3, isInteger: true), "\"k\"", "Min = 3", "Max = 3");
    }

    [TestMethod]
    public void ALogRangeThatReachesZeroOrBelowNamesTheParameter()
    {
        Throws(() => SearchSpace.For<ZeroLogRangeOptions>(), "\"Decay\"", "log", "Min = 0");
        Throws(() => _ = new RangeParameter("lr", -1e-3, 1, logBase: true), "\"lr\"", "log", "Min = -0.001");
    }

    [TestMethod]
    public void AttributesThatDoNotFitTheirMemberAreRejected()
    {
        Throws(() => SearchSpace.For<DoubleRangeOnIntOptions>(), "\"Count\"", "Int32", "int bounds");
        Throws(() => SearchSpace.For<BooleanChoiceOnStringOptions>(), "\"Flag\"", "bool");
        Throws(() => SearchSpace.For<UnknownEnumNameOptions>(), "\"Color\"", "\"Purple\"");
        Throws(() => SearchSpace.For<TwoAttributesOptions>(), "\"Both\"", "one search attribute");
        Throws(() => SearchSpace.For<InitOutsideOptions>(), "\"Layers\"", "default 20");
        Throws(() => _ = new ChoiceParameter("c", ["a", "b", "a"]), "\"c\"", "\"a\"", "more than once");
        Throws(() => _ = new ChoiceParameter("c", ["a", 1]), "\"c\"", "one kind");
    }

    [TestMethod]
    public void AnUnknownOrInvalidParameterIsNamedWhenApplying()
    {
        var space = SearchSpace.For<ContinualTrainingOptions>();
        var typo = space.Default.With("Optimizer.LerningRate", 0.01);
        Throws(() => space.Apply(new ContinualTrainingOptions(), typo), "\"Optimizer.LerningRate\"", "\"Optimizer.LearningRate\"");
        var outside = space.Default.With("Optimizer.LearningRate", 2.0);
        Throws(() => space.Apply(new ContinualTrainingOptions(), outside), "\"Optimizer.LearningRate\"", "2", "[1E-05, 0.1]");
        var wrongKind = space.Default.With("Network.Normalization", 1.0);
        Throws(() => space.Apply(new ContinualTrainingOptions(), wrongKind), "\"Network.Normalization\"");
        var nullNested = new ContinualTrainingOptions { Network = null! };
        Throws(() => space.Apply(nullNested, space.Default), "Network", "null");
        Throws(() => space.FromUnitCube([0.5]), "coordinates");
        Throws(() => space.FromUnitCube(Enumerable.Repeat(1.5, space.Dimension).ToArray()), "[0, 1]", "1.5");
    }

    [TestMethod]
    public void AGridSpecWithAnUnknownNameOrBadValuesIsRejected()
    {
        var space = SyntheticObjectives.BraninSpace();
        Throws(() => _ = new GridSearchTuner(space, new() { Direction = OptimizationDirection.Minimize, Values = new Dictionary<string, IReadOnlyList<ParameterValue>> { ["z"] = [1.0] } }), "\"z\"", "\"x\"", "\"y\"");
        Throws(() => _ = new GridSearchTuner(space, new() { Direction = OptimizationDirection.Minimize, Values = new Dictionary<string, IReadOnlyList<ParameterValue>> { ["x"] = [11.0] } }), "\"x\"", "11");
        Throws(() => _ = new GridSearchTuner(space, new() { Direction = OptimizationDirection.Minimize, Values = new Dictionary<string, IReadOnlyList<ParameterValue>> { ["x"] = [] } }), "\"x\"", "no values");
    }

    [TestMethod]
    public void AZeroBudgetIsRejectedByEveryTunerThatTakesOne()
    {
        var space = SyntheticObjectives.BraninSpace();
        const OptimizationDirection min = OptimizationDirection.Minimize;
        Throws(() => _ = new GridSearchTuner(space, new() { Direction = min, PointsPerRange = 0 }), "PointsPerRange", "got 0");
        Throws(() => _ = new AshaTuner(space, new() { Direction = min, MaxFidelity = 0 }), "MaxFidelity", "got 0");
        Throws(() => _ = new AshaTuner(space, new() { Direction = min, MinFidelity = 0, MaxFidelity = 9 }), "MinFidelity", "got 0");
        Throws(() => _ = new AshaTuner(space, new() { Direction = min, MaxFidelity = 9, ReductionFactor = 1 }), "ReductionFactor", "got 1");
        Throws(() => _ = new PopulationBasedTuner(space, new() { Direction = min, Interval = 0, MaxFidelity = 10 }), "Interval", "got 0");
        Throws(() => _ = new PopulationBasedTuner(space, new() { Direction = min, Interval = 1, MaxFidelity = 0 }), "MaxFidelity", "got 0");
        Throws(() => _ = new PopulationBasedTuner(space, new() { Direction = min, PopulationSize = 0, Interval = 1, MaxFidelity = 10 }), "PopulationSize", "got 0");
        Throws(() => _ = new CostFrugalTuner(space, new() { Direction = min, InitialStep = 0 }), "InitialStep", "got 0");
    }

    [TestMethod]
    public void BadResultsAreRejectedWithTheTrialAndField()
    {
        var tuner = new RandomSearchTuner(SyntheticObjectives.BraninSpace(), new() { Direction = OptimizationDirection.Minimize });
        var p = tuner.Propose()!;
        Throws(() => tuner.Update(TrialResult.Completed(p.Id, double.NaN)), $"Trial {p.Id}", "Metric", "NaN", "Failed");
        Throws(() => tuner.Update(TrialResult.Completed(p.Id, 1.0, cost: -1)), "Cost", "-1");
        Throws(() => tuner.Update(TrialResult.Failed(p.Id, " ")), "Error");
        Throws(() => tuner.Update(TrialResult.Completed(42, 1.0)), "Trial 42", "never proposed");
        tuner.Update(TrialResult.Completed(p.Id, 1.0));
        Throws(() => tuner.Update(TrialResult.Completed(p.Id, 1.0)), $"Trial {p.Id}", "already");
    }
}
