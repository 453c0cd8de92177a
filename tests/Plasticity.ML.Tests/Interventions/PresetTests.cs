using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Training;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class PresetTests
{
    [TestMethod]
    public void StableAdamSetsBeta2AndEpsilonInsideOrOutsideTheSquareRoot()
    {
        var inside = AdamPresets.Stable(new OptimizerOptions { LearningRate = 3e-4 });
        Assert.AreEqual(0.9, inside.Beta2);
        Assert.AreEqual(1e-3, inside.EpsilonInsideSqrt);
        Assert.AreEqual(1e-8, inside.Epsilon);
        Assert.AreEqual(3e-4, inside.LearningRate);

        var outside = AdamPresets.Stable(epsilonInsideSqrt: false);
        Assert.AreEqual(0.9, outside.Beta2);
        Assert.AreEqual(1e-3, outside.Epsilon);
        Assert.AreEqual(0.0, outside.EpsilonInsideSqrt);

        Assert.ThrowsExactly<ArgumentException>(() => AdamPresets.Stable(new OptimizerOptions { Kind = OptimizerKind.Sgd }));
        Assert.ThrowsExactly<ArgumentException>(() => AdamPresets.Stable(new OptimizerOptions { Implementation = OptimizerImplementation.TorchSharp }));
    }

    [TestMethod]
    public void Lyle2024RecipeIsLayerNormWeightDecayAndTwoHot()
    {
        var network = new NetworkSpec { HiddenWidths = [32], Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 3 } };
        var recipe = InterventionPresets.Lyle2024(network);
        Assert.AreEqual(NormalizationKind.LayerNorm, recipe.Network.Normalization);
        Assert.AreEqual(HeadKind.TwoHot, recipe.Network.Head.Kind);
        Assert.AreEqual(3, recipe.Network.Head.Outputs);
        Assert.AreEqual(new WeightDecaySpec { Coefficient = 1e-5, Mode = WeightDecayMode.Coupled }, recipe.Interventions.Single());

        var classifier = network with { Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 } };
        Assert.AreEqual(HeadKind.Classification, InterventionPresets.Lyle2024(classifier).Network.Head.Kind);

        var options = recipe.ApplyTo(new ContinualTrainingOptions { Interventions = [new SamSpec()] });
        Assert.AreEqual(recipe.Network, options.Network);
        Assert.IsInstanceOfType<WeightDecaySpec>(options.Interventions[0]);
        Assert.IsInstanceOfType<SamSpec>(options.Interventions[1]);
    }
}
