using Plasticity.ML.Interventions.Parameterization;
using Plasticity.ML.Networks;
using Plasticity.ML.Training;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class WeightClippingTests
{
    [TestMethod]
    public void WeightsAndBiasesAreClampedToKappaTimesTheirInitializationBound()
    {
        using var tensors = NewDisposeScope();
        using var network = Mlp(4, [3], 2, seed: 1);
        // Hidden layer: fan-in 4, bound 1/2; output layer: fan-in 3, bound 1/sqrt(3).
        var hidden = new double[] { 0.9, -0.9, 0.2, 0.74, -0.76, 0.0, 1.5, -2.0, 0.5, 0.75, -0.75, 0.1 };
        InterventionTestKitExtras.Set(network.HiddenLayers[0].Weight, hidden);
        InterventionTestKitExtras.Set(network.HiddenLayers[0].Bias!, [3.0, -0.1, -3.0]);
        InterventionTestKitExtras.Set(network.OutputLayer.weight!, [2.0, -2.0, 0.3, 1.0, 1.2, -1.1]);

        WeightClippingSpec.Clip(network, kappa: 1.5);

        double hiddenLimit = 1.5 / 2, outputLimit = 1.5 / Math.Sqrt(3);
        var weight = network.HiddenLayers[0].Weight.data<float>().ToArray();
        for (int i = 0; i < hidden.Length; i++)
            Assert.AreEqual(Math.Clamp(hidden[i], -hiddenLimit, hiddenLimit), weight[i], 1e-7, $"hidden weight {i}");
        CollectionAssert.AreEqual(new[] { 0.75f, -0.1f, -0.75f }, network.HiddenLayers[0].Bias!.data<float>().ToArray());
        var output = network.OutputLayer.weight!.data<float>().ToArray();
        double[] expected = [outputLimit, -outputLimit, 0.3, 0.8660254, 0.8660254, -0.8660254];
        for (int i = 0; i < output.Length; i++) Assert.AreEqual(expected[i], output[i], 1e-6, $"output weight {i}");
    }

    [TestMethod]
    public void TheHookKeepsEveryWeightInsideTheBoundsAfterEveryStepAndCanSpareTheOutputLayer()
    {
        using var network = Mlp(6, [5], 2, seed: 2);
        using var optimizer = new ML.Optimization.PlasticOptimizer(network.parameters(), new ML.Optimization.OptimizerOptions { LearningRate = 0.5 });
        var session = new TrainingSession(network, optimizer, [new WeightClippingSpec { Kappa = 1.2, ClipOutputLayer = false }.CreateHook()], seed: 1);
        using var x = Uniform(8, 6, seed: 3, low: -1);
        using var y = Uniform(8, 2, seed: 4, low: -5, high: 5);
        session.Start();
        bool outputGrew = false;
        for (int step = 0; step < 10; step++)
        {
            using var scope = NewDisposeScope();
            session.Step(x, () => nn.functional.mse_loss(network.forward(x), y));
            double limit = 1.2 / Math.Sqrt(6);
            Assert.IsLessThanOrEqualTo(limit + 1e-7, network.HiddenLayers[0].Weight.abs().max().item<float>());
            Assert.IsLessThanOrEqualTo(limit + 1e-7, network.HiddenLayers[0].Bias!.abs().max().item<float>());
            outputGrew |= network.OutputLayer.weight!.abs().max().item<float>() > 1.2 / Math.Sqrt(5);
        }
        Assert.IsTrue(outputGrew, "with ClipOutputLayer = false the output layer is left free (and this learning rate takes it past the bound)");
    }
}

/// <summary>Setting parameters from float64 values in the intervention tests.</summary>
internal static class InterventionTestKitExtras
{
    public static void Set(Tensor parameter, double[] values)
    {
        using var tensors = NewDisposeScope();
        using var noGrad = no_grad();
        using var source = tensor(values).to(parameter.dtype).view(parameter.shape);
        parameter.copy_(source);
    }
}
