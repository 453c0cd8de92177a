using Plasticity.ML.Interventions;
using Plasticity.ML.Common;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class SpectralNormTests
{
    [TestMethod]
    public void StartNormalizesTheFirstLinearLayerToUnitSpectralNorm()
    {
        using var network = Mlp(6, [5, 4], 3, seed: 12);
        double raw = LargestSingularValue(network.HiddenLayers[0].Weight);
        var hook = new SpectralNormHook(new SpectralNormSpec());
        hook.Start(network, seed: 1);
        Assert.AreSame(network.HiddenLayers[0].Weight, hook.Weight);
        Assert.AreEqual(raw, hook.Sigma, 1e-3 * raw, "sigma estimate");
        Assert.AreEqual(1.0, LargestSingularValue(network.HiddenLayers[0].Weight), 1e-3);
    }

    [TestMethod]
    public void OptimizerStepsTheRawWeightWithTheChainRuleGradientAndTheLayerIsRenormalized()
    {
        using var tensors = NewDisposeScope();
        using var network = Mlp(4, [5], 2, seed: 13);
        using var optimizer = Adam(network);
        var context = Context(network, optimizer);
        var hook = new SpectralNormHook(new SpectralNormSpec { Layer = 0, PowerIterations = 3 });
        hook.Start(network, seed: 2);
        var weight = network.HiddenLayers[0].Weight;
        using var x = Uniform(7, 4, seed: 8, low: -1);
        using var y = Uniform(7, 2, seed: 9, low: -1);
        optimizer.ZeroGrad();
        Objective(network).ComputeLoss(network.forward(x), y).backward();

        // Expected: d/dW_raw of <g, W_raw / (u^T W_raw v)> with u, v and g = dL/dW held fixed, at W_raw = sigma * W.
        double sigma = hook.Sigma;
        var g = weight.grad!.clone();
        var rawWeight = weight.detach().Times(sigma).clone().requires_grad_(true);
        var normalized = rawWeight / hook.U!.dot(rawWeight.mv(hook.V!));
        (g * normalized).sum().backward();
        var expectedGradient = rawWeight.grad!.clone();
        var expectedRaw = rawWeight.detach().clone();

        hook.AfterBackward(context);
        AssertClose(expectedRaw, weight, 1e-6, "the parameter holds the raw weight during the step");
        AssertClose(expectedGradient, weight.grad!, 1e-6, "raw-weight gradient");

        optimizer.Step();
        hook.AfterStep(context);
        Assert.AreEqual(1.0, LargestSingularValue(weight), 2e-2, "renormalized after the step (one-iteration estimate)");
    }
}
