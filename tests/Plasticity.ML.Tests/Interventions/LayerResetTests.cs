using Plasticity.ML.Common;
using Plasticity.ML.Interventions;
using Plasticity.ML.Interventions.Resets;
using Plasticity.ML.Networks;
using TorchSharp;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class LayerResetTests
{
    [TestMethod]
    public void BbfShrinksTheEncoderTowardAFreshDrawAndResetsTheHead()
    {
        using var tensors = NewDisposeScope();
        using var network = Mlp(5, [6, 4], 2, seed: 3);
        using var optimizer = Adam(network);
        var context = Context(network, optimizer, seed: 21);
        var spec = LayerResetSpec.Bbf(headLayers: 2, timing: InterventionTiming.Every(3));
        CollectionAssert.AreEqual(new[] { -2, -1 }, spec.Reset);
        Assert.AreEqual(0.5, spec.ShrinkFactor);
        var hook = spec.CreateHook();
        hook.OnTrainingStart(context);
        var before = Snapshot(network);

        context.GlobalStep = 2;
        hook.AfterStep(context);
        for (int i = 0; i < before.Length; i++) AssertClose(before[i], network.parameters().ElementAt(i), 0, "no action before step 3");

        context.GlobalStep = 3;
        hook.AfterStep(context);
        // The encoder (layer 0): 0.5 theta + 0.5 fresh, drawn from the run's "layer-shrink" stream of action 0.
        var shrinkDraws = SeedSequence.CreateRandom(21, "layer-shrink", 0);
        var (freshWeight, freshBias) = ParameterInitializer.Draw(before[0], before[1], shrinkDraws);
        using var half = 0.5.ToScalar();
        AssertClose(before[0].mul(half).add(freshWeight, half), network.HiddenLayers[0].Weight, 1e-7, "encoder weight");
        AssertClose(before[1].mul(half).add(freshBias!, half), network.HiddenLayers[0].Bias!, 1e-7, "encoder bias");
        // The head (layers 1 and 2): a fresh initialization from the "layer-reset" stream of action 0, in layer order.
        using var expected = Mlp(5, [6, 4], 2, seed: 3);
        var resetDraws = SeedSequence.CreateRandom(21, "layer-reset", 0);
        expected.ResetLayer(1, resetDraws);
        expected.ResetLayer(2, resetDraws);
        AssertClose(expected.HiddenLayers[1].Weight, network.HiddenLayers[1].Weight, 0, "head hidden layer");
        AssertClose(expected.OutputLayer.weight!, network.OutputLayer.weight!, 0, "output layer");
    }

    [TestMethod]
    public void ChosenLayersAreResetAndIndicesAreChecked()
    {
        using var network = Mlp(5, [6, 4], 2, seed: 4);
        using var optimizer = Adam(network);
        var context = Context(network, optimizer, seed: 22);
        var spec = new LayerResetSpec { Reset = [0], Timing = InterventionTiming.AtTaskBoundaries };
        var hook = spec.CreateHook();
        hook.OnTrainingStart(context);
        var before = Snapshot(network);
        context.TaskIndex = 1;
        hook.OnTaskStart(context);
        Assert.IsGreaterThan(0, MaxAbsDifference(before[0], network.HiddenLayers[0].Weight), "layer 0 is re-drawn");
        for (int i = 2; i < before.Length; i++) AssertClose(before[i], network.parameters().ElementAt(i), 0, $"parameter {i} untouched");

        var error = Assert.ThrowsExactly<ArgumentException>(() => new LayerResetSpec { Reset = [3] }.CreateHook().OnTrainingStart(context));
        StringAssert.Contains(error.Message, "Reset");
        CollectionAssert.AreEqual(new[] { 1, 2 }, new LayerResetSpec { Reset = [-1, 1] }.ResolveReset(3));
        Assert.ThrowsExactly<ArgumentException>(() => new LayerResetSpec { Reset = [-1, 2] }.ResolveReset(3), "the same layer twice");
    }
}
