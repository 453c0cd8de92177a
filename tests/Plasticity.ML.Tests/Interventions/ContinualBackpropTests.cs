using Plasticity.ML.Interventions;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class ContinualBackpropTests
{
    [TestMethod]
    public void UtilityFollowsTheDecayedContributionUpdate()
    {
        using var tensors = NewDisposeScope();
        using var network = Mlp(4, [3], 2, seed: 8);
        using var inputs = Uniform(6, 4, seed: 5, low: -1);
        var hook = new ContinualBackpropHook(new ContinualBackpropSpec { Decay = 0.5 });
        hook.Start(network);
        hook.Observe(network, inputs);
        hook.Observe(network, inputs);

        // Same inputs and weights twice from 0: u = 0.5 * (0.5 * c) + 0.5 * c = 0.75 * c, c = mean|h| * sum|w_out|.
        double[] contribution;
        using (no_grad())
        {
            var h = network.Trace(inputs).Activations[0];
            contribution = (h.abs().mean(new long[] { 0 }) * network.OutputLayer.weight!.abs().sum(new long[] { 0 })).to_type(ScalarType.Float64).data<double>().ToArray();
        }
        var utility = hook.Utilities(0);
        for (int i = 0; i < 3; i++) Assert.AreEqual(0.75 * contribution[i], utility[i], 1e-6 * (1 + contribution[i]), $"unit {i}: expected [{string.Join(", ", contribution)}], got [{string.Join(", ", utility)}]");
        CollectionAssert.AreEqual(new long[] { 2, 2, 2 }, hook.Ages(0));
    }

    [TestMethod]
    public void AfterAPlasticityInjectionTheHeadsUnitsStartAgainAndTheBodysKeepTheirAges()
    {
        using var tensors = NewDisposeScope();
        using var network = Mlp(4, [3, 3], 2, seed: 8);
        using var inputs = Uniform(6, 4, seed: 5, low: -1);
        var hook = new ContinualBackpropHook(new ContinualBackpropSpec { Decay = 0.5 });
        hook.Start(network);
        for (int i = 0; i < 3; i++) hook.Observe(network, inputs);

        // A head of two parameter layers: hidden layer 1 and the output layer are drawn fresh.
        network.InjectPlasticity(headLayers: 2, new Random(3));
        hook.Observe(network, inputs);
        CollectionAssert.AreEqual(new long[] { 4, 4, 4 }, hook.Ages(0), "the body's units keep their ages");
        CollectionAssert.AreEqual(new long[] { 1, 1, 1 }, hook.Ages(1), "the head's units are fresh: age 1 after one observation");

        // Their utility restarted from 0: one update, u = (1 - 0.5) c, c = mean|h| * sum|w_out| of the live (fresh) head.
        double[] contribution;
        using (no_grad())
        {
            var h = network.Trace(inputs).Activations[1];
            contribution = (h.abs().mean(new long[] { 0 }) * network.OutputLayer.weight!.abs().sum(new long[] { 0 })).to_type(ScalarType.Float64).data<double>().ToArray();
        }
        var utility = hook.Utilities(1);
        for (int i = 0; i < 3; i++) Assert.AreEqual(0.5 * contribution[i], utility[i], 1e-6 * (1 + contribution[i]), $"unit {i}");

        // A hook restored from a checkpoint taken after the injection does not start the head again.
        var state = new Plasticity.ML.Training.Checkpoints.StateBag("cbp");
        hook.SaveState(state);
        var resumed = new ContinualBackpropHook(new ContinualBackpropSpec { Decay = 0.5 });
        resumed.Start(network);
        resumed.LoadState(state);
        resumed.Observe(network, inputs);
        CollectionAssert.AreEqual(new long[] { 2, 2, 2 }, resumed.Ages(1));
    }

    [TestMethod]
    public void ReplacesTheExpectedNumberOfLowestUtilityMatureUnitsAndLeavesImmatureUnitsAlone()
    {
        using var tensors = NewDisposeScope();
        using var network = Mlp(4, [8, 8], 2, seed: 9);
        using var optimizer = Adam(network);
        var context = Context(network, optimizer);
        using var inputs = Uniform(16, 4, seed: 6, low: -1);
        var hook = new ContinualBackpropHook(new ContinualBackpropSpec { ReplacementRate = 0.25, MaturityThreshold = 3, Decay = 0.5 });
        hook.Start(network);

        // Ages 1..3 are not above the threshold 3: nothing is mature, nothing is replaced.
        for (int step = 1; step <= 3; step++)
        {
            hook.Observe(network, inputs);
            var none = hook.Replace(context);
            Assert.IsTrue(none.All(r => r.Length == 0), $"step {step}: no unit is mature yet");
        }

        // Age 4: all 8 units per layer are mature; 0.25 * 8 = 2 are replaced, those of lowest bias-corrected utility
        // (all ages are equal here, so that is also the lowest raw utility).
        hook.Observe(network, inputs);
        var utilities = new[] { hook.CorrectedUtilities(0), hook.CorrectedUtilities(1) };
        var before = Snapshot(network);
        var replaced = hook.Replace(context);
        for (int l = 0; l < 2; l++)
        {
            var lowest = Enumerable.Range(0, 8).OrderBy(i => utilities[l][i]).ThenBy(i => i).Take(2).Select(i => (long)i).OrderBy(i => i).ToArray();
            CollectionAssert.AreEqual(lowest, replaced[l], $"layer {l}: the two lowest-utility units");
            var ages = hook.Ages(l);
            for (int i = 0; i < 8; i++) Assert.AreEqual(replaced[l].Contains(i) ? 0L : 4L, ages[i], $"layer {l} unit {i} age");
            foreach (var i in replaced[l]) Assert.AreEqual(0.0, hook.Utilities(l)[i]);
            Assert.AreEqual(0.0, hook.PendingReplacements(l), 1e-12);
        }
        var weight0 = network.HiddenLayers[0].Weight;
        for (int i = 0; i < 8; i++)
        {
            double change = MaxAbsDifference(before[0][i], weight0[i]);
            if (replaced[0].Contains(i)) Assert.IsGreaterThan(0.0, change, $"unit {i} gets fresh incoming weights");
            else Assert.AreEqual(0.0, change, $"unit {i} keeps its incoming weights");
        }
        // Outgoing weights of replaced units are zero (for the first layer, in the second layer's rows that were not themselves replaced).
        var keptRows = tensor(Enumerable.Range(0, 8).Where(i => !replaced[1].Contains(i)).Select(i => (long)i).ToArray());
        Assert.AreEqual(0f, network.HiddenLayers[1].Weight.index_select(0, keptRows).index_select(1, tensor(replaced[0])).abs().max().item<float>());
        Assert.AreEqual(0f, network.OutputLayer.weight!.index_select(1, tensor(replaced[1])).abs().max().item<float>());

        // Next step: the 2 replaced units are immature (age 1, utility restarted from 0); 0.25 * 6 = 1.5 mature units are due,
        // so one is replaced, the lowest-utility mature one, and 0.5 carries over.
        hook.Observe(network, inputs);
        utilities = [hook.CorrectedUtilities(0), hook.CorrectedUtilities(1)];
        var afterFirst = Snapshot(network);
        var second = hook.Replace(context);
        for (int l = 0; l < 2; l++)
        {
            var mature = Enumerable.Range(0, 8).Where(i => !replaced[l].Contains(i)).ToArray();
            var expected = mature.OrderBy(i => utilities[l][i]).ThenBy(i => i).Take(1).Select(i => (long)i).ToArray();
            CollectionAssert.AreEqual(expected, second[l], $"layer {l}: one mature unit");
            Assert.AreEqual(0.5, hook.PendingReplacements(l), 1e-12);
        }
        foreach (var i in replaced[0])
            Assert.AreEqual(0.0, MaxAbsDifference(afterFirst[0][i], network.HiddenLayers[0].Weight[i]), $"immature unit {i} is left alone");
    }

    [TestMethod]
    public void MatureUnitsAreRankedByTheBiasCorrectedUtilityAsInTheReferenceCode()
    {
        // Dohare et al.'s GnT ranks by u / (1 - eta^age): a unit that has just matured has a running average that started
        // from 0 and still reads low. Here unit 0 (age 2) has the lower raw utility, unit 1 (age 100) the lower corrected one.
        using var network = Mlp(4, [2], 1, seed: 10);
        using var optimizer = Adam(network);
        var spec = new ContinualBackpropSpec { ReplacementRate = 0.5, MaturityThreshold = 1, Decay = 0.9 };
        var hook = new ContinualBackpropHook(spec);
        hook.Start(network);
        var state = new Plasticity.ML.Training.Checkpoints.StateBag();
        hook.SaveState(state);
        state.Set("utility.0", new[] { 0.5, 0.9 });
        state.Set("age.0", new long[] { 2, 100 });
        hook.LoadState(state);

        var corrected = hook.CorrectedUtilities(0);
        Assert.AreEqual(0.5 / (1 - 0.81), corrected[0], 1e-12);
        Assert.AreEqual(0.9 / (1 - Math.Pow(0.9, 100)), corrected[1], 1e-12);
        Assert.IsLessThan(hook.Utilities(0)[1], hook.Utilities(0)[0], "by raw utility unit 0 would go");

        var replaced = hook.Replace(Context(network, optimizer));
        CollectionAssert.AreEqual(new long[] { 1 }, replaced[0], "0.5 x 2 mature units = 1 replacement: the lower corrected utility");
    }
}
