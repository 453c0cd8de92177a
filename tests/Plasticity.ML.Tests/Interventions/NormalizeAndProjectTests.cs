using Plasticity.ML.Interventions;
using Plasticity.ML.Interventions.Parameterization;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class NormalizeAndProjectTests
{
    private static double Norm(params Tensor[] tensors) =>
        Math.Sqrt(tensors.Sum(t => t.DoubleValues().Sum(v => v * v)));

    [TestMethod]
    public void ProjectionRestoresEachLayersInitialNormAndKeepsItsDirection()
    {
        var recipe = InterventionPresets.NormalizeAndProject(new NetworkSpec { InputShape = [5], HiddenWidths = [6, 4], Head = new HeadSpec { Outputs = 2 } });
        Assert.AreEqual(NormalizationKind.LayerNorm, recipe.Network.Normalization);
        using var network = NetworkFactory.Create(recipe.Network, seed: 3);
        using var optimizer = new PlasticOptimizer(network.parameters(), new OptimizerOptions { LearningRate = 0.05 });
        var hook = (NormalizeAndProjectHook)recipe.Interventions.Single().CreateHook();
        var context = Context(network, optimizer);
        hook.OnTrainingStart(context);
        var weights = ShrinkPerturb.AffineParameters(network).Select(p => p.Weight).ToArray();
        var initial = weights.Select(w => Norm(w)).ToArray();
        var norms = network.HiddenLayers.Select(h => Norm(h.Norm!.parameters().ToArray())).ToArray();
        CollectionAssert.AreEqual(initial, hook.InitialWeightNorms.ToArray());
        Assert.AreEqual(Math.Sqrt(6), hook.InitialNormalizationNorms[0], 1e-12, "LayerNorm starts at scale 1, offset 0");

        // Grow the weights with large steps, then project.
        using var x = Uniform(9, 5, seed: 5, low: -1);
        using var y = Uniform(9, 2, seed: 6, low: -3, high: 3);
        for (int step = 0; step < 20; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            nn.functional.mse_loss(network.forward(x), y).backward();
            optimizer.Step();
        }
        var directions = weights.Select(w => w.detach().clone()).ToArray();
        Assert.IsTrue(weights.Select(w => Norm(w)).Zip(initial).Any(p => Math.Abs(p.First - p.Second) > 1e-2 * p.Second), "the weights' norms moved");

        hook.Project(network);

        for (int l = 0; l < weights.Length; l++)
        {
            Assert.AreEqual(initial[l], Norm(weights[l]), 1e-6 * initial[l], $"weight {l}: back on its initial sphere");
            using var scale = (Norm(weights[l]) / Norm(directions[l])).ToScalar();
            using var expected = directions[l].mul(scale);
            AssertClose(expected, weights[l], 1e-6, $"weight {l}: same direction");
        }
        for (int l = 0; l < norms.Length; l++)
            Assert.AreEqual(norms[l], Norm(network.HiddenLayers[l].Norm!.parameters().ToArray()), 1e-6 * norms[l], $"normalization {l}: joint (scale, offset) norm");
    }

    [TestMethod]
    public void TheEffectiveLearningRateOfTheNormalizedLayersStaysAtItsInitialValue()
    {
        var recipe = InterventionPresets.NormalizeAndProject(new NetworkSpec { InputShape = [5], HiddenWidths = [6], Head = new HeadSpec { Outputs = 2 } });
        using var network = NetworkFactory.Create(recipe.Network, seed: 4);
        using var optimizer = new PlasticOptimizer(network.parameters(), new OptimizerOptions { LearningRate = 0.05 });
        var session = new TrainingSession(network, optimizer, recipe.Interventions.Select(i => i.CreateHook()), seed: 1);
        session.Start();
        double initial = ML.Diagnostics.EffectiveLearningRate.PerLayer(network, 0.05)[0];
        using var x = Uniform(9, 5, seed: 7, low: -1);
        using var y = Uniform(9, 2, seed: 8, low: -3, high: 3);
        for (int step = 0; step < 15; step++)
        {
            using var scope = NewDisposeScope();
            session.Step(x, () => nn.functional.mse_loss(network.forward(x), y));
        }
        Assert.AreEqual(initial, ML.Diagnostics.EffectiveLearningRate.PerLayer(network, 0.05)[0], 1e-6 * initial);
    }
}
