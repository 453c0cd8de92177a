using Plasticity.ML.Interventions;
using Plasticity.ML.Common;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class WeightDecayTests
{
    [TestMethod]
    public void CoupledDecayAddsLambdaThetaToTheGradient()
    {
        using var tensors = TorchSharp.torch.NewDisposeScope();
        using var network = Mlp(4, [3], 2, seed: 4);
        using var optimizer = Adam(network);
        var context = Context(network, optimizer);
        var hook = new WeightDecaySpec { Coefficient = 0.2, Mode = WeightDecayMode.Coupled }.CreateHook();
        var loss = hook.AdditionalLoss(context)!;
        optimizer.ZeroGrad();
        loss.backward();
        foreach (var p in network.parameters()) AssertClose(p.detach().Times(0.2), p.grad!, 1e-7, "coupled decay gradient");
        hook.AfterStep(context);
    }

    [TestMethod]
    public void DecoupledDecayShrinksByOneMinusLearningRateTimesLambdaAfterTheStep()
    {
        using var network = Mlp(4, [3], 2, seed: 4);
        using var optimizer = Adam(network);
        var context = Context(network, optimizer);
        var hook = new WeightDecaySpec { Coefficient = 0.5, Mode = WeightDecayMode.Decoupled }.CreateHook();
        Assert.IsNull(hook.AdditionalLoss(context));
        var before = Snapshot(network);
        context.GlobalStep = 1;
        hook.AfterStep(context);
        double factor = 1 - 1e-3 * 0.5;
        foreach (var (p, b) in network.parameters().Zip(before)) AssertClose(b.Times(factor), p, 1e-7, "decoupled decay");
    }
}
