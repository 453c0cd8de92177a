using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Training;

/// <summary><see cref="WeightAverage"/>: average = decay * average + (1 - decay) * weights, parameter by parameter.</summary>
[TestClass]
public sealed class WeightAverageTests
{
    private static PlasticNetwork Network(NormalizationKind normalization = NormalizationKind.None) => NetworkFactory.Create(new NetworkSpec
    {
        Architecture = NetworkArchitecture.Mlp,
        InputShape = [3],
        HiddenWidths = [5],
        Normalization = normalization,
        Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 2 },
    }, seed: 7);

    private static double[] Flat(PlasticNetwork network) =>
        network.parameters().SelectMany(p => p.DoubleValues()).ToArray();

    /// <summary>Sets every parameter element to f(global index), in float64, then casts to the parameter's dtype.</summary>
    private static void Fill(PlasticNetwork network, Func<int, double> f)
    {
        using var noGrad = no_grad();
        int offset = 0;
        foreach (var p in network.parameters())
        {
            int n = (int)p.numel();
            int start = offset;
            using var values = tensor(Enumerable.Range(start, n).Select(f).ToArray(), p.shape);
            p.copy_(values);
            offset += n;
        }
    }

    private static void AssertAverage(double[] expected, PlasticNetwork average, double tolerance, string context)
    {
        var actual = Flat(average);
        Assert.AreEqual(expected.Length, actual.Length, context);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], tolerance, $"{context}: element {i}");
    }

    [TestMethod]
    public void TwoUpdatesMatchTheRecurrenceComputedInFloat64()
    {
        foreach (bool flatBuffer in new[] { false, true })
        {
            using var network = Network();
            // The flat-buffer optimizer turns every parameter into a view at an offset of one buffer: the average must
            // read each view's own elements.
            using var optimizer = flatBuffer ? new PlasticOptimizer(network.parameters(), new OptimizerOptions()) : null;
            Fill(network, i => Math.Sin(i));
            using var average = new WeightAverage(network, 0.75);
            var expected = Flat(network);

            Fill(network, i => Math.Cos(i) * 2);
            average.Update();
            var now = Flat(network);
            for (int i = 0; i < expected.Length; i++) expected[i] = 0.75 * expected[i] + 0.25 * now[i];
            AssertAverage(expected, average.Network, 1e-6, $"flat buffer {flatBuffer}, first update");

            Fill(network, i => i * 0.01 - 0.3);
            average.Update();
            now = Flat(network);
            for (int i = 0; i < expected.Length; i++) expected[i] = 0.75 * expected[i] + 0.25 * now[i];
            AssertAverage(expected, average.Network, 1e-6, $"flat buffer {flatBuffer}, second update");
            // The live network is only read.
            CollectionAssert.AreEqual(now, Flat(network));
        }
    }

    [TestMethod]
    public void Float64NetworksAverageInFloat64()
    {
        using var network = Network();
        network.to(ScalarType.Float64);
        Fill(network, i => 1 + 1e-9 * i);
        using var average = new WeightAverage(network, 0.5);
        Fill(network, i => 3 + 1e-9 * i);
        average.Update();
        // 2 + 1e-9 i is not representable in float32 to this precision: the update ran in float64.
        AssertAverage(Enumerable.Range(0, Flat(network).Length).Select(i => 2 + 1e-9 * i).ToArray(), average.Network, 1e-13, "float64");
    }

    [TestMethod]
    public void DecayZeroFollowsTheWeightsAndTheAverageIsIndependentOfThem()
    {
        using var network = Network();
        using var average = new WeightAverage(network, 0);
        Fill(network, i => -i);
        average.Update();
        AssertAverage(Flat(network), average.Network, 0, "decay 0");
        Fill(network, i => 5);
        Assert.AreNotEqual(5.0, Flat(average.Network)[0], "the average has its own memory");
    }

    [TestMethod]
    public void SyncBuffersCopiesRunningStatisticsAndUpdateLeavesThemAlone()
    {
        using var network = Network(NormalizationKind.BatchNorm);
        using var average = new WeightAverage(network, 0.9);
        network.train();
        var random = new Random(1);
        using (var x = tensor(Enumerable.Range(0, 48).Select(_ => (float)(random.NextDouble() * 6 - 2)).ToArray(), [16, 3])) network.forward(x).Dispose();
        var live = network.named_buffers().Where(b => b.buffer.is_floating_point()).ToDictionary(b => b.name, b => b.buffer.data<float>().ToArray());
        Assert.IsTrue(live.Count > 0);
        average.Update();
        var stale = average.Network.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        Assert.IsTrue(live.Any(b => !b.Value.SequenceEqual(stale[b.Key].data<float>().ToArray())), "the forward pass moved the running statistics");
        average.SyncBuffers();
        foreach (var (name, values) in live) CollectionAssert.AreEqual(values, stale[name].data<float>().ToArray(), name);
    }

    [TestMethod]
    public void DecayForStepsSpansTheStepsWithAFloor()
    {
        Assert.AreEqual(0.9, WeightAverage.DecayForSteps(10), 1e-15);
        Assert.AreEqual(0.99, WeightAverage.DecayForSteps(100, minimumSteps: 10), 1e-15);
        Assert.AreEqual(0.9, WeightAverage.DecayForSteps(4, minimumSteps: 10), 1e-15);
        Assert.AreEqual(0, WeightAverage.DecayForSteps(0));
    }

    [TestMethod]
    public void DecayOutsideZeroToOneIsRejectedWithItsValue()
    {
        using var network = Network();
        foreach (double decay in new[] { 1, -0.1, double.NaN })
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new WeightAverage(network, decay));
            Assert.AreEqual("decay", e.ParamName);
            Assert.AreEqual(decay, e.ActualValue);
        }
    }
}
