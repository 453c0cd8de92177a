using System.Text.Json.Nodes;
using Plasticity.ML.Common;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Replay;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>
/// A run killed in the middle (the kill simulated by an exception thrown from a progress report, as the continual
/// trainer's resume tests do) resumes from its checkpoint and ends with the numbers of an uninterrupted run, bit for
/// bit: episode returns, evaluations, losses, probe points and final weights. And the whole agent round-trips.
/// </summary>
[TestClass]
public sealed class AgentResumeTests
{
    private sealed class SimulatedKill : Exception;

    /// <summary>Collects reports and "kills" the run at the <c>killAt</c>-th training report.</summary>
    private sealed class Reports(int killAt = int.MaxValue) : IProgress<AgentProgress>
    {
        private int trainReports;

        public List<AgentProgress> All { get; } = [];

        public void Report(AgentProgress value)
        {
            All.Add(value);
            if (value.Phase == "train" && ++trainReports == killAt) throw new SimulatedKill();
        }
    }

    /// <summary>Every kind of state at once: conv network, n-step prioritized replay that wraps, evaluation, probe,
    /// statistics, and interventions with state (L2-init anchors, ReDo and shrink &amp; perturb counters, the frozen heads
    /// of a plasticity injection in the online and the target network).</summary>
    private static AgentOptions Options(AgentKind kind) => new()
    {
        Kind = kind,
        Network = NetworkPresets.MinAtar(channels: 2, actions: 3, gridSize: 5) with
        {
            Normalization = NormalizationKind.LayerNorm,
            Head = kind == AgentKind.C51 ? NetworkPresets.Categorical(3, atoms: 11, minimum: -1.5, maximum: 1.5) : new HeadSpec { Outputs = 3 },
        },
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-3 },
        Replay = new ReplayOptions { Capacity = 150, Prioritized = kind != AgentKind.DoubleDqn },
        TotalSteps = 400,
        BatchSize = 8,
        NSteps = 2,
        TargetUpdatePeriod = 40,
        LearningStarts = 50,
        EpsilonDecaySteps = 200,
        EvaluationInterval = 150,
        EvaluationEpisodes = 2,
        Probe = new ProbeOptions { Targets = 1, Steps = 4, Inputs = 16, CurvePoints = 2 },
        Statistics = new StatisticsPanelOptions
        {
            ActivationSamples = 16, Loss = DiagnosticLossKind.Probe, CurvatureSamples = 8, PowerIterations = 2, HessianDensity = false,
            TraceProbes = 1, CovarianceSamples = 4, NtkSamples = 2,
        },
        ProbeInterval = 170,
        Interventions =
        [
            new L2InitSpec { Lambda = 1e-3 },
            new ReDoSpec { Tau = 0.1, Samples = 16, Timing = InterventionTiming.Every(37) },
            new ShrinkPerturbSpec(),
            // Injected at the first target update; the target network takes the injected function over at the next.
            new Plasticity.ML.Interventions.Resets.PlasticityInjectionSpec(),
        ],
        Seed = 21,
    };

    private static (AgentRunResult Result, Tensor[] Online, Tensor[] Target, OptimizerState Optimizer) Run(AgentKind kind, RunCheckpointing? checkpointing,
        IProgress<AgentProgress>? reports = null, CancellationToken cancellationToken = default)
    {
        using var game = new CatchEnvironment();
        using var evaluation = new CatchEnvironment();
        using var agent = Agent.Create(Options(kind), game.Spec);
        var result = agent.Train(game, evaluation, checkpointing, reports, cancellationToken);
        return (result, agent.Online.state_dict().Values.Select(t => t.DetachedCopy()).ToArray(),
            agent.Target.state_dict().Values.Select(t => t.DetachedCopy()).ToArray(), agent.Optimizer.ExportState());
    }

    /// <summary>The result as JSON without timings: what must be equal bit for bit.</summary>
    private static string Numbers<T>(T value) => ResultNumbers.Of(value);

    private static string TempPath() => Path.Combine(Path.GetTempPath(), $"plasticity-agent-{Guid.NewGuid():N}.checkpoint");

    [TestMethod]
    [DataRow(AgentKind.Dqn, 20, DisplayName = "DQN killed before its first evaluation")]
    [DataRow(AgentKind.DoubleDqn, 47, DisplayName = "Double DQN killed after an evaluation and a probe point")]
    [DataRow(AgentKind.C51, 81, DisplayName = "C51 killed late, after the replay wrapped")]
    public void AKilledRunResumesAndFinishesWithTheNumbersOfAnUninterruptedRun(AgentKind kind, int killAtReport)
    {
        var uninterrupted = Run(kind, null);
        Assert.IsNotEmpty(uninterrupted.Result.Episodes);
        // Probe points at LearningStarts (50), every 170 steps after it (220, 390), and at the end (400).
        CollectionAssert.AreEqual(new long[] { 50, 220, 390, 400 }, uninterrupted.Result.ProbePoints.Select(p => p.GlobalStep).ToArray());
        // Evaluations every 150 steps and at the end.
        CollectionAssert.AreEqual(new long[] { 150, 300, 400 }, uninterrupted.Result.Evaluations.Select(e => e.Step).ToArray());
        string path = TempPath();
        try
        {
            var checkpointing = new RunCheckpointing { Path = path, EverySteps = 30 };
            Assert.ThrowsExactly<SimulatedKill>(() => Run(kind, checkpointing, new Reports(killAtReport)));
            Assert.IsTrue(File.Exists(path), "a checkpoint was written before the kill");

            var reports = new Reports();
            var resumed = Run(kind, checkpointing, reports);
            var resumedReport = reports.All.Single(r => r.Phase == "resumed");
            StringAssert.Contains(resumedReport.Message, path);
            Assert.IsGreaterThan(0L, resumedReport.Step, "it resumed past the start");

            Assert.AreEqual(Numbers(uninterrupted.Result), Numbers(resumed.Result));
            for (int i = 0; i < uninterrupted.Online.Length; i++) Assert.IsTrue(uninterrupted.Online[i].SameValues(resumed.Online[i]), $"online tensor {i}");
            for (int i = 0; i < uninterrupted.Target.Length; i++) Assert.IsTrue(uninterrupted.Target[i].SameValues(resumed.Target[i]), $"target tensor {i}");
            Assert.AreEqual(Numbers(uninterrupted.Optimizer), Numbers(resumed.Optimizer), "optimizer state");
            Assert.IsFalse(File.Exists(path), "a finished run removes its checkpoint");
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    public void ACancellationDuringAProbePointCheckpointsAtTheStepsEndAndTheRunResumesToTheSameNumbers()
    {
        var uninterrupted = Run(AgentKind.DoubleDqn, null);
        string path = TempPath();
        try
        {
            // Ctrl+C while the probe of step 220 runs: the run stops at the next step that looks (256), checkpointed there.
            using var cancel = new CancellationTokenSource();
            var onProbe = new InlineProgress<AgentProgress>(r => { if (r.Phase == "probe" && r.Step == 220) cancel.Cancel(); });
            var checkpointing = new RunCheckpointing { Path = path };
            Assert.ThrowsExactly<OperationCanceledException>(() => Run(AgentKind.DoubleDqn, checkpointing, onProbe, cancel.Token));
            var description = JsonNode.Parse(Checkpoint.ReadDescription(path) ?? throw new AssertFailedException("no checkpoint was written on cancellation"))!;
            Assert.AreEqual(256L, description["step"]!.GetValue<long>());

            var resumed = Run(AgentKind.DoubleDqn, checkpointing);
            Assert.AreEqual(Numbers(uninterrupted.Result), Numbers(resumed.Result));
            for (int i = 0; i < uninterrupted.Online.Length; i++) Assert.IsTrue(uninterrupted.Online[i].SameValues(resumed.Online[i]), $"online tensor {i}");
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    public void AKeptCheckpointHoldsTheFinishedRunWhichTheSameRunReturnsWithoutTrainingAgain()
    {
        string path = TempPath();
        try
        {
            // No checkpoint inside the run (a day's interval): the kept one can only be the one written at its end.
            var checkpointing = new RunCheckpointing { Path = path, Interval = TimeSpan.FromDays(1), KeepWhenFinished = true };
            var first = Run(AgentKind.DoubleDqn, checkpointing);
            var description = JsonNode.Parse(Checkpoint.ReadDescription(path) ?? throw new AssertFailedException("the checkpoint was not kept"))!;
            Assert.AreEqual(400L, description["step"]!.GetValue<long>());

            var reports = new Reports();
            var again = Run(AgentKind.DoubleDqn, checkpointing, reports);
            Assert.AreEqual(400L, reports.All.Single(r => r.Phase == "resumed").Step);
            Assert.IsFalse(reports.All.Any(r => r.Phase is "train" or "evaluate" or "probe"), "nothing is trained or measured again");
            Assert.AreEqual(Numbers(first.Result), Numbers(again.Result));
            for (int i = 0; i < first.Online.Length; i++) Assert.IsTrue(first.Online[i].SameValues(again.Online[i]), $"online tensor {i}");
            Assert.AreEqual(Numbers(first.Optimizer), Numbers(again.Optimizer), "optimizer state");
            Assert.IsTrue(File.Exists(path), "the checkpoint is still kept");
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    public void TheWholeAgentRoundTripsThroughACheckpointFile()
    {
        string path = TempPath();
        try
        {
            using var game = new CatchEnvironment();
            using var evaluation = new CatchEnvironment();
            var options = Options(AgentKind.Dqn) with { TotalSteps = 220 };
            using var trained = Agent.Create(options, game.Spec);
            var result = trained.Train(game, evaluation);
            var checkpoint = new Checkpoint("{}");
            trained.Save(checkpoint);
            checkpoint.Save(path);

            using var loaded = Agent.Create(options, game.Spec);
            loaded.Load(Checkpoint.Load(path));
            Assert.AreEqual(trained.Steps, loaded.Steps);
            Assert.AreEqual(trained.Replay.Count, loaded.Replay.Count);
            Assert.AreEqual(trained.Session.Context.GlobalStep, loaded.Session.Context.GlobalStep);
            Assert.AreEqual(trained.Session.Context.TaskIndex, loaded.Session.Context.TaskIndex);
            Assert.AreEqual(result.Updates, loaded.Session.Context.GlobalStep);
            // Everything Save writes, Load restores: saving the loaded agent gives the same bytes, bag by bag.
            var again = new Checkpoint("{}");
            loaded.Save(again);
            Assert.IsTrue(checkpoint.Bags.Count >= 6, "session, network, optimizer, hooks, target, replay, agent");
            foreach (var (name, bag) in checkpoint.Bags)
                CollectionAssert.AreEqual(Bytes(bag), Bytes(again.Bag(name)), $"bag {name}");
            var observation = new byte[game.Spec.ObservationSize];
            game.Reset(5, observation);
            CollectionAssert.AreEqual(trained.QValues(observation), loaded.QValues(observation));
        }
        finally
        {
            Checkpoint.Delete(path);
        }

        static byte[] Bytes(StateBag bag)
        {
            using var stream = new MemoryStream();
            bag.WriteTo(stream);
            return stream.ToArray();
        }
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameRunAndAnotherSeedAnother()
    {
        var a = Run(AgentKind.Dqn, null);
        var b = Run(AgentKind.Dqn, null);
        Assert.AreEqual(Numbers(a.Result), Numbers(b.Result));
        using var game = new CatchEnvironment();
        using var evaluation = new CatchEnvironment();
        using var other = Agent.Create(Options(AgentKind.Dqn) with { Seed = 22 }, game.Spec);
        Assert.AreNotEqual(Numbers(a.Result.Episodes), Numbers(other.Train(game, evaluation).Episodes));
    }
}
