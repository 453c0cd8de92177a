using System.Text.Json.Nodes;
using Plasticity.ML.Common;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Environments.MinAtar;
using Plasticity.ML.Reinforcement.Replay;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>
/// Multi-stage runs on one agent (the continual chain): counters, schedules and records carry across stages, the replay
/// is kept or emptied as each stage says, the boundary is a task boundary that starts a stage, and a chain killed in its
/// second stage resumes with the numbers of an uninterrupted one.
/// </summary>
[TestClass]
public sealed class AgentStageTests
{
    private sealed class SimulatedKill : Exception;

    private sealed class StageStarts : TrainingHook
    {
        public List<(int Task, long GlobalStep)> Starts { get; } = [];

        public override void OnTaskStart(TrainingContext context)
        {
            if (context.StartsStage) Starts.Add((context.TaskIndex, context.GlobalStep));
        }
    }

    /// <summary>Catch (episodes of exactly 4 steps) with a small conv network, learning after 50 steps.</summary>
    private static AgentOptions CatchOptions => new()
    {
        Network = NetworkPresets.MinAtar(channels: 2, actions: 3, gridSize: 5) with { HiddenWidths = [16] },
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-3 },
        Replay = new ReplayOptions { Capacity = 1000 },
        BatchSize = 8,
        LearningStarts = 50,
        TargetUpdatePeriod = 40,
        EpsilonDecaySteps = 100,
        EvaluationInterval = 100,
        EvaluationEpisodes = 2,
        EvaluateAtStart = true,
        Seed = 4,
    };

    [TestMethod]
    [DataRow(true, DisplayName = "keeping the replay")]
    [DataRow(false, DisplayName = "emptying the replay")]
    public void ATwoStageChainCountsStepsUpdatesTargetCopiesAndEvaluationsAcrossItsStages(bool keepReplay)
    {
        using var first = new CatchEnvironment();
        using var firstEvaluation = new CatchEnvironment();
        using var second = new CatchEnvironment();
        using var secondEvaluation = new CatchEnvironment();
        var starts = new StageStarts();
        using var agent = Agent.Create(CatchOptions, first.Spec);
        agent.AddHook(starts);
        var result = agent.Train(
        [
            new AgentStage { Environment = first, EvaluationEnvironment = firstEvaluation, Steps = 300 },
            new AgentStage { Environment = second, EvaluationEnvironment = secondEvaluation, Steps = 200, WarmupSteps = 50, KeepReplay = keepReplay },
        ]);

        Assert.AreEqual(500L, result.Steps);
        CollectionAssert.AreEqual(new[] { new StageRecord(0, "catch", 0, 300), new StageRecord(1, "catch", 300, 200) }, result.Stages.ToArray());
        // Updates: steps 51..300 of the first stage, then steps 351..500 after the second stage's warm-up of 50.
        Assert.AreEqual(250L + 150L, result.Updates);
        // Target copies on learning steps that are multiples of 40: 80..280 (6), then 360..480 (4).
        Assert.AreEqual(10, result.TargetUpdates);
        // Evaluations at each stage's start, every 100 steps of the stage, and at its end.
        CollectionAssert.AreEqual(new long[] { 0, 100, 200, 300, 300, 400, 500 }, result.Evaluations.Select(e => e.Step).ToArray());
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 0, 1, 1, 1 }, result.Evaluations.Select(e => e.Stage).ToArray());
        // Catch episodes last 4 steps: 75 in the first stage, 50 in the second, none cut (both stages end on an episode's end).
        Assert.AreEqual(75, result.Episodes.Count(e => e.Stage == 0));
        Assert.AreEqual(50, result.Episodes.Count(e => e.Stage == 1));
        Assert.IsTrue(result.Episodes.All(e => e.Length == 4 && !e.Truncated));
        // Each stage plays in its own environment; the first starts no episode after its last one (the second stage does,
        // after its last one, as a run of one stage does).
        Assert.AreEqual((75, 51), (first.Resets, second.Resets));
        // The stage boundary is one task boundary that starts a stage, after the 250 updates of the first stage.
        CollectionAssert.AreEqual(new[] { (7, 250L) }, starts.Starts);
        Assert.AreEqual(1, agent.Session.Context.StageIndex);
        // One slot per observation: 5 per episode of 4 steps, and the first observation of the episode started after the
        // last; the first stage's 375 are gone when the replay is emptied.
        Assert.AreEqual(keepReplay ? 500 : 200, agent.Replay.Transitions);
        Assert.AreEqual(keepReplay ? 626 : 251, agent.Replay.Count);
    }

    [TestMethod]
    public void AnEpisodeInProgressAtTheStageEndIsCutAndTheNextGameStartsItsOwn()
    {
        using var first = new CatchEnvironment();
        using var second = new CatchEnvironment();
        using var agent = Agent.Create(CatchOptions with { EvaluationInterval = 0, EvaluateAtStart = false }, first.Spec);
        var result = agent.Train([new AgentStage { Environment = first, Steps = 102 }, new AgentStage { Environment = second, Steps = 10 }]);
        // 25 whole episodes, then one cut after 2 steps at the boundary; the second stage plays 2 whole episodes and 2 steps.
        var cut = result.Episodes.Single(e => e.Truncated);
        Assert.AreEqual((25, 102L, 2, 0), (cut.Index, cut.Step, cut.Length, cut.Stage));
        Assert.AreEqual(2, result.Episodes.Count(e => e.Stage == 1));
        Assert.AreEqual(26, result.Episodes[^2].Index);
    }

    [TestMethod]
    public void StagesThatDoNotFitTheAgentAreNamed()
    {
        using var game = new CatchEnvironment();
        using var evaluation = new CatchEnvironment();
        using var chain = new ChainEnvironment(5);
        using var agent = Agent.Create(CatchOptions with { EvaluationInterval = 0, EvaluateAtStart = false }, game.Spec);
        string Refused(params AgentStage[] stages) => Assert.ThrowsExactly<ArgumentException>(() => agent.Train(stages)).Message;
        StringAssert.Contains(Refused(), "at least one stage");
        StringAssert.Contains(Refused(new AgentStage { Environment = game, Steps = 10 }, new AgentStage { Environment = chain, Steps = 10 }), "[2, 5, 5]");
        StringAssert.Contains(Refused(new AgentStage { Environment = game, Steps = 0 }), "stages[0].Steps");
        string noWarmup = Refused(new AgentStage { Environment = game, Steps = 10 }, new AgentStage { Environment = evaluation, Steps = 10, KeepReplay = false });
        StringAssert.Contains(noWarmup, "stages[1]");
        StringAssert.Contains(noWarmup, "WarmupSteps is 0");
        using var evaluated = Agent.Create(CatchOptions, game.Spec);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => evaluated.Train([new AgentStage { Environment = game, Steps = 10 }])).Message, "stages[0] needs its own environment instance for evaluation");
    }

    /// <summary>Space Invaders then Asterix, both padded to 10 channels, with a reset of the head at the stage boundary.</summary>
    private static AgentOptions ChainOptions => new()
    {
        Kind = AgentKind.DoubleDqn,
        Network = NetworkPresets.MinAtar(channels: 10, actions: 6) with { HiddenWidths = [32], ConvChannels = [4] },
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 3e-4 },
        Replay = new ReplayOptions { Capacity = 400 },
        BatchSize = 8,
        LearningStarts = 40,
        TargetUpdatePeriod = 25,
        EpsilonDecaySteps = 100,
        EvaluationInterval = 60,
        EvaluationEpisodes = 1,
        EvaluateAtStart = true,
        MaxEpisodeSteps = 200,
        MaxGradientNorm = 10,
        Interventions = [new ResetSpec { Layers = 1, Timing = InterventionTiming.AtStageBoundaries }],
        Seed = 9,
    };

    private static IEnvironment Padded(MinAtarGame game) => new ChannelPaddingEnvironment(MinAtarEnvironment.Create(new MinAtarOptions { Game = game }), 10);

    private static (AgentRunResult Result, float[] Q) RunChain(RunCheckpointing? checkpointing, IProgress<AgentProgress>? progress = null)
    {
        using var invaders = Padded(MinAtarGame.SpaceInvaders);
        using var invadersEvaluation = Padded(MinAtarGame.SpaceInvaders);
        using var asterix = Padded(MinAtarGame.Asterix);
        using var asterixEvaluation = Padded(MinAtarGame.Asterix);
        using var agent = Agent.Create(ChainOptions, invaders.Spec);
        var result = agent.Train(
        [
            new AgentStage { Environment = invaders, EvaluationEnvironment = invadersEvaluation, Steps = 150 },
            new AgentStage { Environment = asterix, EvaluationEnvironment = asterixEvaluation, Steps = 150, WarmupSteps = 20 },
        ], checkpointing, progress);
        var observation = new byte[1000];
        asterix.Reset(1, observation);
        return (result, agent.QValues(observation));
    }

    private sealed class KillInStage(int stage, int atReport) : IProgress<AgentProgress>
    {
        private int reports;

        public void Report(AgentProgress value)
        {
            if (value.Phase == "train" && value.Stage == stage && ++reports == atReport) throw new SimulatedKill();
        }
    }

    /// <summary>The result as JSON without timings: what must be equal bit for bit.</summary>
    private static string Numbers<T>(T value) => ResultNumbers.Of(value);

    [TestMethod]
    public void APaddedMinAtarChainKilledInItsSecondStageResumesWithTheNumbersOfAnUninterruptedRun()
    {
        var uninterrupted = RunChain(null);
        CollectionAssert.AreEqual(new[] { "minatar:space_invaders", "minatar:asterix" }, uninterrupted.Result.Stages.Select(s => s.Environment).ToArray());
        string path = Path.Combine(Path.GetTempPath(), $"plasticity-chain-{Guid.NewGuid():N}.checkpoint");
        try
        {
            var checkpointing = new RunCheckpointing { Path = path, EverySteps = 1000 }; // only the stage boundary checkpoints
            Assert.ThrowsExactly<SimulatedKill>(() => RunChain(checkpointing, new KillInStage(stage: 1, atReport: 3)));
            Assert.IsTrue(File.Exists(path), "the stage boundary wrote a checkpoint");
            var resumed = RunChain(checkpointing);
            Assert.AreEqual(Numbers(uninterrupted.Result), Numbers(resumed.Result));
            CollectionAssert.AreEqual(uninterrupted.Q, resumed.Q);
            Assert.IsFalse(File.Exists(path));
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    public void CancellingARunWritesACheckpointThatTheSameRunContinuesFrom()
    {
        string path = Path.Combine(Path.GetTempPath(), $"plasticity-cancel-{Guid.NewGuid():N}.checkpoint");
        try
        {
            using var source = new CancellationTokenSource();
            var checkpointing = new RunCheckpointing { Path = path };
            var cancelAt = new CancelAt(source, step: 200);
            using (var game = new CatchEnvironment())
            using (var agent = Agent.Create(CatchOptions with { EvaluationInterval = 0, EvaluateAtStart = false, TotalSteps = 600 }, game.Spec))
                Assert.ThrowsExactly<OperationCanceledException>(() => agent.Train(game, null, checkpointing, cancelAt, source.Token));
            Assert.IsTrue(File.Exists(path), "the cancelled run kept its place");
            var reports = new List<AgentProgress>();
            AgentRunResult resumed;
            using (var game = new CatchEnvironment())
            using (var agent = Agent.Create(CatchOptions with { EvaluationInterval = 0, EvaluateAtStart = false, TotalSteps = 600 }, game.Spec))
                resumed = agent.Train(game, null, checkpointing, new Collect(reports));
            Assert.AreEqual(256L, reports.Single(r => r.Phase == "resumed").Step, "cancellation is seen every 256 steps, and the checkpoint is written there");
            AgentRunResult reference;
            using (var game = new CatchEnvironment())
            using (var agent = Agent.Create(CatchOptions with { EvaluationInterval = 0, EvaluateAtStart = false, TotalSteps = 600 }, game.Spec))
                reference = agent.Train(game);
            Assert.AreEqual(Numbers(reference), Numbers(resumed));
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    private sealed class CancelAt(CancellationTokenSource source, long step) : IProgress<AgentProgress>
    {
        public void Report(AgentProgress value)
        {
            if (value.Step >= step) source.Cancel();
        }
    }

    private sealed class Collect(List<AgentProgress> reports) : IProgress<AgentProgress>
    {
        public void Report(AgentProgress value) => reports.Add(value);
    }
}
