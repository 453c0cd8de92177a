using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Optimization;

/// <summary>
/// Exported optimizer state round-trips exactly, and resuming from it continues a training trajectory bit for bit:
/// k steps, export, import into a fresh optimizer over a copy of the network, k more steps equals 2k uninterrupted steps.
/// </summary>
[TestClass]
public sealed class OptimizerStateExportTests
{
    private const int Steps = 3;

    public static IEnumerable<object[]> Configurations =>
    [
        ["Plastic Adam", new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-2 }],
        ["Plastic AdamW", new OptimizerOptions { Kind = OptimizerKind.AdamW, LearningRate = 1e-2, WeightDecay = 0.1 }],
        ["Plastic SGD-momentum", new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.05, Momentum = 0.9 }],
        ["TorchSharp Adam", new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-2, Implementation = OptimizerImplementation.TorchSharp }],
        ["TorchSharp SGD-momentum", new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.05, Momentum = 0.9, Implementation = OptimizerImplementation.TorchSharp }],
        ["Plastic RMSProp-centered+momentum", new OptimizerOptions { Kind = OptimizerKind.RmsProp, LearningRate = 1e-2, Alpha = 0.95, Centered = true, Momentum = 0.5 }],
        ["TorchSharp RMSProp-centered", new OptimizerOptions { Kind = OptimizerKind.RmsProp, LearningRate = 1e-2, Alpha = 0.95, Centered = true, Implementation = OptimizerImplementation.TorchSharp }],
    ];

    [TestMethod]
    [DynamicData(nameof(Configurations))]
    public void ExportImportExportGivesEqualArrays(string name, OptimizerOptions options)
    {
        var (x, y) = OptimizerTestNetworks.Data(32, seed: 5);
        using var network = NetworkFactory.Create(OptimizerTestNetworks.Spec(), seed: 1);
        using var optimizer = OptimizerFactory.Create(options, network.parameters());
        for (int s = 0; s < Steps; s++) TrainStep(network, optimizer, x, y);
        var exported = optimizer.ExportState();

        // Through JSON, as it would be stored: System.Text.Json writes floats in round-trip form.
        var restored = PlasticityJson.Deserialize<OptimizerState>(PlasticityJson.Serialize(exported));
        using var copy = network.DeepCopy();
        using var other = OptimizerFactory.Create(options, copy.parameters());
        other.ImportState(restored);
        var again = other.ExportState();

        Assert.AreEqual(Steps, again.StepCount, name);
        Assert.AreEqual(options.Kind, again.Kind, name);
        Assert.HasCount(network.parameters().Count(), again.Parameters, name);
        var names = OptimizerState.BufferNamesFor(options);
        for (int i = 0; i < exported.Parameters.Count; i++)
        {
            CollectionAssert.AreEquivalent(names.ToArray(), exported.Parameters[i].Keys.ToArray(), $"{name}: parameter {i}");
            foreach (var (buffer, values) in exported.Parameters[i])
            {
                Assert.IsTrue(values.Any(v => v != 0), $"{name}: {buffer} of parameter {i} is all zeros; the test would not see a lost state.");
                CollectionAssert.AreEqual(Bits(values), Bits(again.Parameters[i][buffer]), $"{name}: {buffer} of parameter {i}");
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Configurations))]
    public void ResumingFromExportedStateContinuesTheTrajectoryExactly(string name, OptimizerOptions options)
    {
        var batches = Enumerable.Range(0, 2 * Steps).Select(s => OptimizerTestNetworks.Data(16, seed: 100 + s)).ToArray();
        using var initial = NetworkFactory.Create(OptimizerTestNetworks.Spec(), seed: 2);

        using var uninterrupted = initial.DeepCopy();
        using (var optimizer = OptimizerFactory.Create(options, uninterrupted.parameters()))
            foreach (var (x, y) in batches) TrainStep(uninterrupted, optimizer, x, y);

        using var firstHalf = initial.DeepCopy();
        OptimizerState state;
        using (var optimizer = OptimizerFactory.Create(options, firstHalf.parameters()))
        {
            for (int s = 0; s < Steps; s++) TrainStep(firstHalf, optimizer, batches[s].Inputs, batches[s].Labels);
            state = optimizer.ExportState();
        }

        using var resumed = firstHalf.DeepCopy();
        using (var optimizer = OptimizerFactory.Create(options, resumed.parameters()))
        {
            optimizer.ImportState(state);
            for (int s = Steps; s < 2 * Steps; s++) TrainStep(resumed, optimizer, batches[s].Inputs, batches[s].Labels);
            Assert.AreEqual(2L * Steps, optimizer.StepCount, name);
        }

        using var restarted = firstHalf.DeepCopy();
        using (var optimizer = OptimizerFactory.Create(options, restarted.parameters()))
            for (int s = Steps; s < 2 * Steps; s++) TrainStep(restarted, optimizer, batches[s].Inputs, batches[s].Labels);

        var expected = Flatten(uninterrupted);
        CollectionAssert.AreEqual(Bits(expected), Bits(Flatten(resumed)), $"{name}: the resumed run left the uninterrupted trajectory");
        double gap = expected.Zip(Flatten(restarted)).Max(p => Math.Abs(p.First - p.Second));
        Assert.IsGreaterThan(1e-4, gap, $"{name}: restarting the optimizer fresh gave (nearly) the same weights ({gap:E2}); the test could not see lost state");
    }

    [TestMethod]
    public void StateOfAnotherKindOrSizeIsRefused()
    {
        using var network = NetworkFactory.Create(OptimizerTestNetworks.Spec(), seed: 1);
        using var adam = OptimizerFactory.Create(new OptimizerOptions { Kind = OptimizerKind.Adam }, network.parameters());
        var (x, y) = OptimizerTestNetworks.Data(8, seed: 1);
        TrainStep(network, adam, x, y);
        var state = adam.ExportState();

        using var sgdNetwork = network.DeepCopy();
        using var sgd = OptimizerFactory.Create(new OptimizerOptions { Kind = OptimizerKind.Sgd, Momentum = 0.9 }, sgdNetwork.parameters());
        var kind = Assert.ThrowsExactly<ArgumentException>(() => sgd.ImportState(state));
        Assert.Contains("belongs to a Adam optimizer and cannot be imported into a Sgd optimizer", kind.Message);

        using var wider = NetworkFactory.Create(OptimizerTestNetworks.Spec() with { HiddenWidths = [17, 16] }, seed: 1);
        using var other = OptimizerFactory.Create(new OptimizerOptions { Kind = OptimizerKind.Adam }, wider.parameters());
        var size = Assert.ThrowsExactly<ArgumentException>(() => other.ImportState(state));
        Assert.Contains("of parameter 0 holds 192 values but the parameter has 204 elements", size.Message);

        var poisoned = state with { Parameters = [.. state.Parameters.Select(p => p.ToDictionary(e => e.Key, e => (float[])e.Value.Clone()))] };
        poisoned.Parameters[1]["exp_avg"][0] = float.NaN;
        using var same = network.DeepCopy();
        using var target = OptimizerFactory.Create(new OptimizerOptions { Kind = OptimizerKind.Adam }, same.parameters());
        Assert.Contains("holds NaN", Assert.ThrowsExactly<ArgumentException>(() => target.ImportState(poisoned)).Message);
    }

    private static void TrainStep(PlasticNetwork network, IPlasticOptimizer optimizer, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        var loss = nn.functional.cross_entropy(network.forward(x), y);
        loss.backward();
        optimizer.Step();
    }

    private static float[] Flatten(PlasticNetwork network)
    {
        using var scope = NewDisposeScope();
        return network.parameters().SelectMany(p => p.detach().contiguous().data<float>().ToArray()).ToArray();
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
