using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Common;
using TorchSharp;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class ReDoTests
{
    // Static, so never finalized while libtorch reads them (see Plasticity.ML.Common.Scalars).
    private static readonly Scalar PointOne = 0.1.ToScalar();
    private static readonly Scalar OneThousandth = 1e-3.ToScalar();
    private static readonly Scalar OneTenThousandth = 1e-4.ToScalar();

    /// <summary>
    /// A 6-[5, 4]-3 network on non-negative inputs where units 1 and 3 of the first hidden layer and unit 2 of the
    /// second never fire (zero weights, bias -1) and every other unit always fires (positive weights, bias 0.1).
    /// </summary>
    private static PlasticNetwork NetworkWithDeadUnits()
    {
        var network = Mlp(6, [5, 4], 3, seed: 21);
        using var noGrad = no_grad();
        var dead = new[] { new long[] { 1, 3 }, new long[] { 2 } };
        for (int l = 0; l < 2; l++)
        {
            var layer = network.HiddenLayers[l];
            layer.Weight.abs_();
            layer.Bias!.fill_(PointOne);
            foreach (var unit in dead[l])
            {
                using (var row = layer.Weight[unit]) row.zero_();
                using (var bias = layer.Bias![unit]) bias.fill_(Scalars.MinusOne);
            }
        }
        return network;
    }

    [TestMethod]
    public void FindsExactlyTheUnitsThatNeverFire()
    {
        using var network = NetworkWithDeadUnits();
        using var inputs = Uniform(32, 6, seed: 1);
        var dormant = DormantUnits.Find(network, inputs, tau: 0);
        CollectionAssert.AreEqual(new long[] { 1, 3 }, dormant[0]);
        CollectionAssert.AreEqual(new long[] { 2 }, dormant[1]);
    }

    [TestMethod]
    public void RecyclingChangesOnlyDormantIncomingWeightsAndZeroesOutgoingWeightsAndMoments()
    {
        using var tensors = NewDisposeScope();
        using var network = NetworkWithDeadUnits();
        using var optimizer = Adam(network);
        using var inputs = Uniform(32, 6, seed: 1);
        using var targets = Uniform(32, 3, seed: 2);

        // One real step creates Adam moments; then set every moment to 1 so that zeroed entries are visible.
        optimizer.ZeroGrad();
        nn.functional.mse_loss(network.forward(inputs), targets).backward();
        optimizer.Step();
        foreach (var p in network.parameters())
            foreach (var state in optimizer.StateOf(p).Values) state.fill_(Scalars.One);
        var before = Snapshot(network);
        Tensor outputBefore;
        using (no_grad()) outputBefore = network.forward(inputs);

        var recycled = DormantUnits.Recycle(network, optimizer, inputs, tau: 0, new Random(7));
        CollectionAssert.AreEqual(new long[] { 1, 3 }, recycled[0]);
        CollectionAssert.AreEqual(new long[] { 2 }, recycled[1]);

        var draws = new Random(7);
        var hidden0 = network.HiddenLayers[0];
        var hidden1 = network.HiddenLayers[1];
        var (fresh0, freshBias0) = ParameterInitializer.Draw(hidden0.Weight, hidden0.Bias, draws);
        var (fresh1, freshBias1) = ParameterInitializer.Draw(hidden1.Weight, hidden1.Bias, draws);
        using var rows0 = tensor(new long[] { 1, 3 });
        using var rows1 = tensor(new long[] { 2 });

        // Incoming weights: dormant rows are the fresh draw, every other row is untouched.
        var expected0 = before[0].index_copy(0, rows0, fresh0.index_select(0, rows0));
        AssertClose(expected0, hidden0.Weight, 0, "first hidden weight");
        AssertClose(before[1].index_copy(0, rows0, freshBias0!.index_select(0, rows0)), hidden0.Bias!, 0, "first hidden bias");
        // Second hidden layer: columns 1 and 3 (outgoing of the first layer's dormant units) are zero, then its own
        // dormant row 2 is a fresh draw.
        var expected1 = before[2].index_fill(1, rows0, Scalars.Zero).index_copy(0, rows1, fresh1.index_select(0, rows1));
        AssertClose(expected1, hidden1.Weight, 0, "second hidden weight");
        AssertClose(before[3].index_copy(0, rows1, freshBias1!.index_select(0, rows1)), hidden1.Bias!, 0, "second hidden bias");
        // Output layer: only the column read from the second layer's dormant unit is zero; its units are not recycled.
        AssertClose(before[4].index_fill(1, rows1, Scalars.Zero), network.OutputLayer.weight!, 0, "output weight");
        AssertClose(before[5], network.OutputLayer.bias!, 0, "output bias");
        Assert.IsGreaterThan(0.01, MaxAbsDifference(before[0], hidden0.Weight), "dormant incoming weights must be re-drawn");

        // Moments: zero exactly on the recycled rows and outgoing columns, 1 elsewhere.
        var ones0 = ones(5, 6);
        AssertMoments(optimizer, hidden0.Weight, ones0.index_fill(0, rows0, Scalars.Zero));
        AssertMoments(optimizer, hidden0.Bias!, ones(5).index_fill(0, rows0, Scalars.Zero));
        AssertMoments(optimizer, hidden1.Weight, ones(4, 5).index_fill(1, rows0, Scalars.Zero).index_fill(0, rows1, Scalars.Zero));
        AssertMoments(optimizer, hidden1.Bias!, ones(4).index_fill(0, rows1, Scalars.Zero));
        AssertMoments(optimizer, network.OutputLayer.weight!, ones(3, 4).index_fill(1, rows1, Scalars.Zero));
        AssertMoments(optimizer, network.OutputLayer.bias!, ones(3));

        // Zero outgoing weights keep the network's function at the moment of recycling.
        using (no_grad()) AssertClose(outputBefore, network.forward(inputs), 1e-6, "network output");
    }

    [TestMethod]
    public void TauAboveZeroAlsoCatchesUnitsFarBelowTheLayerAverage()
    {
        using var network = NetworkWithDeadUnits();
        using var inputs = Uniform(32, 6, seed: 1);
        using (no_grad())
        {
            // Unit 0 of the first layer fires, but at 1/1000 of its former scale: far below 0.1 of the layer mean.
            network.HiddenLayers[0].Weight[0].mul_(OneThousandth);
            network.HiddenLayers[0].Bias![0].fill_(OneTenThousandth);
        }
        CollectionAssert.AreEqual(new long[] { 1, 3 }, DormantUnits.Find(network, inputs, tau: 0)[0]);
        CollectionAssert.AreEqual(new long[] { 0, 1, 3 }, DormantUnits.Find(network, inputs, tau: 0.1)[0]);
    }

    private static void AssertMoments(Plasticity.ML.Optimization.IPlasticOptimizer optimizer, TorchSharp.Modules.Parameter parameter, Tensor expected)
    {
        var state = optimizer.StateOf(parameter);
        Assert.HasCount(2, state);
        foreach (var (name, value) in state) AssertClose(expected, value, 0, name);
    }
}
