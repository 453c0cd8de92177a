using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Optimization;

/// <summary>Optimizer state is addressable per parameter and per row (unit), through live views of the flat buffers.</summary>
[TestClass]
public sealed class PlasticOptimizerStateTests
{
    private static readonly OptimizerOptions Adam = new() { Kind = OptimizerKind.Adam, LearningRate = 1e-3, Beta1 = 0.9, Beta2 = 0.999 };

    [TestMethod]
    public void StateIsEmptyBeforeTheFirstStepAndShapedLikeEachParameterAfter()
    {
        using var tensors = NewDisposeScope();
        using var network = NetworkFactory.Create(OptimizerTestNetworks.Spec(), 1);
        using var optimizer = new PlasticOptimizer(network.parameters(), Adam);
        var first = optimizer.Parameters[0];
        Assert.IsEmpty(optimizer.StateOf(first));
        TakeStep(network, optimizer, 0);
        foreach (var p in optimizer.Parameters)
        {
            var state = optimizer.StateOf(p);
            CollectionAssert.AreEquivalent(new[] { "exp_avg", "exp_avg_sq" }, state.Keys.ToArray());
            CollectionAssert.AreEqual(p.shape, state["exp_avg"].shape);
            // Known answer after one step from zero state: m = (1 - beta1) g, v = (1 - beta2) g^2.
            using var expectedM = p.grad!.Times(0.1);
            using var expectedV = p.grad!.Squared().Times(0.001);
            Assert.IsTrue(state["exp_avg"].allclose(expectedM, rtol: 1e-5, atol: 1e-12));
            Assert.IsTrue(state["exp_avg_sq"].allclose(expectedV, rtol: 1e-5, atol: 1e-15));
        }
    }

    [TestMethod]
    public void ResettingRowsZeroesExactlyThoseRowsOfEveryStateTensor()
    {
        using var tensors = NewDisposeScope();
        using var network = NetworkFactory.Create(OptimizerTestNetworks.Spec(), 2);
        using var optimizer = new PlasticOptimizer(network.parameters(), Adam);
        for (int s = 0; s < 3; s++) TakeStep(network, optimizer, s);
        var weight = network.HiddenLayers[0].Weight;
        var before = Snapshot(optimizer);
        long[] rows = [1, 5, 9];

        optimizer.ResetState(weight, rows);

        var after = Snapshot(optimizer);
        for (int i = 0; i < optimizer.Parameters.Count; i++)
        {
            foreach (var name in before[i].Keys)
            {
                for (long r = 0; r < before[i][name].shape[0]; r++)
                {
                    bool reset = ReferenceEquals(optimizer.Parameters[i], weight) && rows.Contains(r);
                    var row = after[i][name][r];
                    if (reset) Assert.AreEqual(0.0, row.abs().sum().item<float>(), $"{name} row {r} was not zeroed.");
                    else Assert.IsTrue(row.allclose(before[i][name][r], rtol: 0, atol: 0), $"parameter {i} {name} row {r} changed.");
                }
            }
        }
        // The views are the live state: the next step of a reset row starts from zero moments, m = (1 - beta1) g.
        TakeStep(network, optimizer, 3);
        using var m = optimizer.StateOf(weight)["exp_avg"];
        using var expected = weight.grad![1].Times(0.1);
        Assert.IsTrue(optimizer.StateOf(weight)["exp_avg"][1].allclose(expected, rtol: 1e-5, atol: 1e-12));
    }

    [TestMethod]
    public void ResettingOneParameterLeavesTheOthersAlone()
    {
        using var tensors = NewDisposeScope();
        using var network = NetworkFactory.Create(OptimizerTestNetworks.Spec(), 3);
        using var optimizer = new PlasticOptimizer(network.parameters(), new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.01, Momentum = 0.9 });
        for (int s = 0; s < 2; s++) TakeStep(network, optimizer, s);
        var bias = network.HiddenLayers[1].Bias!;
        var before = Snapshot(optimizer);
        optimizer.ResetState(bias);
        for (int i = 0; i < optimizer.Parameters.Count; i++)
        {
            var buffer = optimizer.StateOf(optimizer.Parameters[i])["momentum_buffer"];
            if (ReferenceEquals(optimizer.Parameters[i], bias)) Assert.AreEqual(0.0, buffer.abs().sum().item<float>());
            else
            {
                Assert.IsTrue(buffer.allclose(before[i]["momentum_buffer"], rtol: 0, atol: 0), $"parameter {i} changed.");
                Assert.IsGreaterThan(0.0, buffer.abs().sum().item<float>());
            }
        }
        Assert.AreEqual(2, optimizer.StepCount);
    }

    [TestMethod]
    public void FullResetForgetsEverything()
    {
        using var tensors = NewDisposeScope();
        using var network = NetworkFactory.Create(OptimizerTestNetworks.Spec(), 4);
        using var optimizer = new PlasticOptimizer(network.parameters(), Adam);
        TakeStep(network, optimizer, 0);
        var views = optimizer.StateOf(optimizer.Parameters[0]);
        var m = views["exp_avg"];
        optimizer.ResetState();
        Assert.AreEqual(0, optimizer.StepCount);
        Assert.IsEmpty(optimizer.StateOf(optimizer.Parameters[0]));
        Assert.AreEqual(0.0, m.abs().sum().item<float>());
    }

    [TestMethod]
    public void RejectsForeignParametersAndRowsOutOfRange()
    {
        using var network = NetworkFactory.Create(OptimizerTestNetworks.Spec(), 5);
        using var other = NetworkFactory.Create(OptimizerTestNetworks.Spec(), 6);
        using var optimizer = new PlasticOptimizer(network.parameters(), Adam);
        Assert.ThrowsExactly<ArgumentException>(() => optimizer.ResetState(other.HiddenLayers[0].Weight));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => optimizer.ResetState(network.HiddenLayers[0].Weight, [16]));
    }

    private static Dictionary<string, Tensor>[] Snapshot(PlasticOptimizer optimizer) =>
        optimizer.Parameters.Select(p => optimizer.StateOf(p).ToDictionary(kv => kv.Key, kv => kv.Value.DetachedCopy())).ToArray();

    private static void TakeStep(PlasticNetwork network, PlasticOptimizer optimizer, int step)
    {
        using var tensors = NewDisposeScope();
        var (inputs, labels) = OptimizerTestNetworks.Data(32, 10 + step);
        using (inputs)
        using (labels)
        {
            optimizer.ZeroGrad();
            using var loss = nn.functional.cross_entropy(network.forward(inputs), labels);
            loss.backward();
            optimizer.Step();
        }
    }
}
