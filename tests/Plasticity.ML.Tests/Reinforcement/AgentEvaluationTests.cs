using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Replay;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>Evaluation episodes run on their own environment with their own epsilon; progress is reported.</summary>
[TestClass]
public sealed class AgentEvaluationTests
{
    private static AgentOptions Options => new()
    {
        Network = new NetworkSpec { InputShape = [5, 1, 1], HiddenWidths = [32], Head = new HeadSpec { Outputs = 2 } },
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 5e-3 },
        Replay = new ReplayOptions { Capacity = 5000 },
        TotalSteps = 3000,
        Gamma = 0.9,
        LearningStarts = 200,
        TargetUpdatePeriod = 100,
        EpsilonEnd = 0.3,
        EpsilonDecaySteps = 1000,
        MaxEpisodeSteps = 50,
        EvaluationInterval = 1000,
        EvaluationEpisodes = 3,
        EvaluationEpsilon = 0,
        Seed = 4,
    };

    [TestMethod]
    public void EvaluationPlaysItsOwnEpisodesWithItsOwnEpsilon()
    {
        using var chain = new ChainEnvironment(5);
        using var evaluation = new ChainEnvironment(5);
        using var agent = Agent.Create(Options, chain.Spec);
        var reports = new List<AgentProgress>();
        var result = agent.Train(chain, evaluation, progress: new Progress(reports));
        CollectionAssert.AreEqual(new long[] { 1000, 2000, 3000 }, result.Evaluations.Select(e => e.Step).ToArray());
        Assert.AreEqual(3 * 3, evaluation.Resets, "every evaluation episode on the evaluation environment");
        Assert.AreEqual(result.Episodes.Count + 1, chain.Resets, "training episodes on the training environment, uncut");
        // Greedy after learning: straight to the end of the chain, 4 steps, return 1.
        var last = result.Evaluations[^1];
        CollectionAssert.AreEqual(new[] { 1.0, 1.0, 1.0 }, last.Returns);
        CollectionAssert.AreEqual(new[] { 4, 4, 4 }, last.Lengths);

        // The same agent with epsilon 1 walks at random: episodes take longer than the greedy 4 steps on average.
        var random = agent.Evaluate(evaluation, 200, epsilon: 1.0, seed: 9);
        Assert.IsGreaterThan(8.0, random.Lengths.Average());
        Assert.AreEqual(random.Lengths.Average(), agent.Evaluate(evaluation, 200, epsilon: 1.0, seed: 9).Lengths.Average(), "the seed decides it");

        Assert.AreEqual("done", reports[^1].Phase);
        Assert.IsTrue(reports.Count(r => r.Phase == "evaluate") == 3 && reports.Where(r => r.Phase == "train").Select(r => r.Step).SequenceEqual(Enumerable.Range(1, 100).Select(i => 30L * i)));
        Assert.IsTrue(reports.Where(r => r.Phase == "train").All(r => r.Fraction > 0 && r.Fraction <= 1));
    }

    /// <summary>Collects reports synchronously (System.Progress posts them to the thread pool).</summary>
    private sealed class Progress(List<AgentProgress> reports) : IProgress<AgentProgress>
    {
        public void Report(AgentProgress value) => reports.Add(value);
    }
}
