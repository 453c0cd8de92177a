using Plasticity.ML.Networks;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Environments;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Reinforcement;

[TestClass]
public sealed class DefaultNetworkTests
{
    private static EnvironmentSpec Spec(int channels, int height, int width, int stacked = 1) => new()
    {
        Name = "shape-test",
        ObservationShape = [channels, height, width],
        ChannelNames = [.. Enumerable.Range(0, channels).Select(c => $"c{c}")],
        StackedFrames = stacked,
        ActionCount = 5,
        ActionNames = ["a", "b", "c", "d", "e"],
    };

    [TestMethod]
    [DataRow(4, 84, 84, true, DisplayName = "ALE's 4 x 84 x 84 stack: the Nature CNN")]
    [DataRow(1, 36, 40, true, DisplayName = "the smallest frame the Nature CNN fits")]
    [DataRow(1, 35, 84, false, DisplayName = "one row fewer: the MinAtar network")]
    [DataRow(10, 10, 10, false, DisplayName = "MinAtar's grid")]
    public void LargeFramesGetTheNatureCnnAndSmallGridsTheMinAtarNetwork(int channels, int height, int width, bool nature)
    {
        var spec = Spec(channels, height, width);
        var network = Agent.DefaultNetwork(AgentKind.Dqn, spec);
        CollectionAssert.AreEqual(new[] { channels, height, width }, network.InputShape);
        CollectionAssert.AreEqual(nature ? new[] { 32, 64, 64 } : new[] { 16 }, network.ConvChannels);
        CollectionAssert.AreEqual(nature ? new[] { 512 } : new[] { 128 }, network.HiddenWidths);
        Assert.AreEqual(!nature, network.SparseInput, "only MinAtar's boolean planes are sparse");
        Assert.AreEqual(HeadKind.TwoHot, Agent.DefaultNetwork(AgentKind.C51, spec).Head.Kind);

        // The network builds and maps a batch of observations to one value per action.
        using var built = NetworkFactory.Create(network, seed: 1);
        using var input = zeros(2, channels, height, width);
        using var output = built.forward(input);
        CollectionAssert.AreEqual(new long[] { 2, 5 }, output.shape);
    }
}
