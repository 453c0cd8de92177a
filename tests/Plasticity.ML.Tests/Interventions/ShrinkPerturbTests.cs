using Plasticity.ML.Common;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class ShrinkPerturbTests
{
    [TestMethod]
    public void ApplyGivesExactlyLambdaThetaPlusSigmaFreshDraw()
    {
        using var tensors = NewDisposeScope();
        using var network = Mlp(5, [4, 3], 2, seed: 1);
        var before = ShrinkPerturb.AffineParameters(network).Select(p => (p.Weight.detach().clone(), p.Bias!.detach().clone())).ToArray();

        ShrinkPerturb.Apply(network, lambda: 0.7, sigma: 0.3, new Random(11));

        var draws = new Random(11);
        var after = ShrinkPerturb.AffineParameters(network).ToArray();
        Assert.HasCount(3, after);
        for (int i = 0; i < after.Length; i++)
        {
            var (weight, bias) = before[i];
            var (freshWeight, freshBias) = ParameterInitializer.Draw(weight, bias, draws);
            AssertClose(weight.Times(0.7).Plus(freshWeight.Times(0.3)), after[i].Weight, 1e-7, $"weight of layer {i}");
            AssertClose(bias!.Times(0.7).Plus(freshBias!.Times(0.3)), after[i].Bias!, 1e-7, $"bias of layer {i}");
            Assert.IsGreaterThan(1e-3, MaxAbsDifference(weight.Times(0.7), after[i].Weight), "the fresh draw must actually be added");
        }
    }

    [TestMethod]
    public void HookDrawsFromTheRunSeedAtTaskBoundariesOnly()
    {
        using var network = Mlp(5, [4], 2, seed: 2);
        using var optimizer = Adam(network);
        var context = Context(network, optimizer, seed: 9);
        var hook = new ShrinkPerturbSpec { Lambda = 0.5, Sigma = 0.1 }.CreateHook();
        var start = Snapshot(network);

        context.TaskIndex = 0;
        hook.OnTaskStart(context);
        context.GlobalStep = 1;
        hook.AfterStep(context);
        for (int i = 0; i < start.Length; i++)
            AssertClose(start[i], network.parameters().ElementAt(i), 0, "no action before the first boundary");

        context.TaskIndex = 1;
        hook.OnTaskStart(context);
        using var expected = Mlp(5, [4], 2, seed: 2);
        ShrinkPerturb.Apply(expected, 0.5, 0.1, SeedSequence.CreateRandom(9, "shrink-perturb", 0));
        foreach (var (e, a) in expected.parameters().Zip(network.parameters()))
            AssertClose(e, a, 0, "hook result");
    }
}
