using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Environments.Ale;

namespace Plasticity.ML.Tests.Reinforcement.Ale;

/// <summary>A DQN agent with default settings on ALE's Tetris: the Nature CNN, and a replay that stores each frame once.</summary>
[TestClass]
public sealed class AleAgentTests
{
    [TestMethod]
    public void ADefaultAgentOnTetrisGetsTheNatureCnnAndAReplayOfOneFramePerSlotAndTrains()
    {
        string rom = AleTestSupport.RequireTetris();
        using var game = AleEnvironment.Create(rom);
        Assert.AreEqual(4, game.Spec.StackedFrames);
        // Default replay (100,000 transitions): whole 4 x 84 x 84 stacks would take 2.8 GB, more than one array holds,
        // and the agent could not be created; one frame per slot takes 0.7 GB.
        var options = new AgentOptions { Kind = AgentKind.Dqn, TotalSteps = 200, LearningStarts = 64, TrainFrequency = 4, Seed = 3 };
        using var agent = Agent.Create(options, game.Spec);
        CollectionAssert.AreEqual(new[] { 32, 64, 64 }, agent.Online.Spec.ConvChannels);
        Assert.AreEqual(4, agent.Replay.StackedFrames);
        Assert.AreEqual(100_000, agent.Replay.Capacity);
        Assert.IsLessThan(0.75e9, (double)agent.Replay.MemoryBytes);
        Assert.IsGreaterThan(0.70e9, (double)agent.Replay.MemoryBytes, "one 84 x 84 frame per slot");

        var result = agent.Train(game);
        Assert.AreEqual(200L, result.Steps);
        Assert.AreEqual((200 - 64) / 4, result.Updates);
        Assert.IsTrue(result.Losses.Where(l => l.Updates > 0).All(l => double.IsFinite(l.MeanLoss)), "finite losses");
        var observation = new byte[game.Spec.ObservationSize];
        game.Reset(1, observation);
        Assert.IsTrue(agent.QValues(observation).All(float.IsFinite));
    }
}
