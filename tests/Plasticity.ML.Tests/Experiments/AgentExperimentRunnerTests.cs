using System.Text.Json.Nodes;
using Plasticity.ML.Common;
using Plasticity.ML.Experiments;
using Plasticity.ML.Experiments.Agents;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Replay;

namespace Plasticity.ML.Tests.Experiments;

/// <summary>
/// The agent experiment runner: every (track, variant, seed) run side by side, stored atomically and reused, and a
/// killed experiment resumed from each run's checkpoint to the numbers of an uninterrupted one.
/// </summary>
[TestClass]
public sealed class AgentExperimentRunnerTests
{
    private sealed class SimulatedKill : Exception;

    /// <summary>Two tracks (a game, a two-game chain) x two variants, one seed, runs of a few hundred steps.</summary>
    internal static AgentExperimentSpec Spec => new()
    {
        Name = "runner-test",
        Agent = new AgentOptions
        {
            Network = null,
            Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-3 },
            Replay = new ReplayOptions { Capacity = 500 },
            BatchSize = 8,
            LearningStarts = 30,
            TargetUpdatePeriod = 50,
            EpsilonDecaySteps = 100,
            EvaluationInterval = 100,
            EvaluationEpisodes = 1,
            MaxEpisodeSteps = 100,
        },
        Tracks =
        [
            AgentTrackSpec.Single(new AgentEnvironmentSpec { Name = "breakout" }, 200),
            new AgentTrackSpec
            {
                Name = "chain",
                Stages =
                [
                    new AgentStageSpec { Environment = new AgentEnvironmentSpec { Name = "asterix", PadChannels = 10 }, Steps = 120 },
                    new AgentStageSpec { Environment = new AgentEnvironmentSpec { Name = "seaquest", PadChannels = 10, NoRewardLimit = 50 }, Steps = 120, WarmupSteps = 20 },
                ],
            },
        ],
        Variants =
        [
            new AgentVariantSpec { Name = "dqn" },
            new AgentVariantSpec { Name = "dqn-layernorm", Normalization = NormalizationKind.LayerNorm },
        ],
        Seeds = 1,
        ParallelRuns = 2,
    };

    private static string Folder() => Path.Combine(Path.GetTempPath(), "plasticity-agent-experiment-" + Guid.NewGuid().ToString("N"));

    private static string Numbers(AgentExperimentResult result) => ResultNumbers.Of(result.Runs, "threads");

    [TestMethod]
    public void EveryTrackVariantAndSeedRunsIsStoredAndIsReusedTheNextTime()
    {
        string folder = Folder();
        try
        {
            var first = new AgentExperimentRunner().Run(Spec, folder);
            Assert.AreEqual(4, first.Runs.Count);
            Assert.AreEqual(0, first.ResumedRuns);
            CollectionAssert.AreEqual(new[] { "breakout/dqn", "breakout/dqn-layernorm", "chain/dqn", "chain/dqn-layernorm" },
                first.Runs.Select(r => $"{r.Track}/{r.Variant}").ToArray());
            var chain = first.RunsOf("chain", "dqn-layernorm").Single().Result!;
            Assert.AreEqual(NormalizationKind.LayerNorm, chain.Options.Network!.Normalization);
            CollectionAssert.AreEqual(new[] { 10, 10, 10 }, chain.Options.Network.InputShape);
            Assert.AreEqual(240L, chain.Options.TotalSteps);
            CollectionAssert.AreEqual(new[] { "minatar:asterix", "minatar:seaquest" }, chain.Stages.Select(s => s.Environment).ToArray());
            Assert.IsNull(first.RunsOf("breakout", "dqn").Single().Result!.Options.Network, "a variant that changes nothing keeps the default network");
            Assert.AreEqual(4, Directory.GetFiles(Path.Combine(folder, "runs"), "*.json").Length);
            Assert.IsEmpty(Directory.GetFiles(Path.Combine(folder, "runs"), "*.checkpoint*"));

            var reports = new List<AgentExperimentProgress>();
            var second = new AgentExperimentRunner().Run(Spec, folder, new Collect(reports));
            Assert.AreEqual(4, second.ResumedRuns);
            Assert.AreEqual(4, reports.Count(r => r.Stored));
            Assert.AreEqual(Numbers(first), Numbers(second));

            // A changed setting trains the runs again.
            var changed = new AgentExperimentRunner().Run(Spec with { Agent = Spec.Agent with { LearningStarts = 31 } }, folder);
            Assert.AreEqual(0, changed.ResumedRuns);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void AKilledExperimentResumesEveryRunAndEndsWithTheNumbersOfAnUninterruptedOne()
    {
        string reference = Folder(), killed = Folder();
        try
        {
            var uninterrupted = new AgentExperimentRunner().Run(Spec, reference);
            var runner = new AgentExperimentRunner { CheckpointEverySteps = 40 };
            // Kill when the chain's LayerNorm run is in its second stage, with the others wherever they are.
            var kill = new KillWhen(p => p.Track == "chain" && p.Variant == "dqn-layernorm" && p.Agent.Stage == 1 && p.Agent.Step >= 170 && p.Agent.Phase == "train");
            var thrown = Assert.ThrowsExactly<AggregateException>(() => runner.Run(Spec, killed, kill));
            Assert.IsInstanceOfType<SimulatedKill>(thrown.InnerExceptions.Single());
            Assert.IsTrue(File.Exists(AgentExperimentRunner.CheckpointPath(Path.Combine(killed, "runs"), "chain", "dqn-layernorm", 1)));

            var reports = new List<AgentExperimentProgress>();
            var resumed = runner.Run(Spec, killed, new Collect(reports));
            var resumedReport = reports.Single(r => r.Track == "chain" && r.Variant == "dqn-layernorm" && r.Agent.Phase == "resumed");
            StringAssert.Contains(resumedReport.Agent.Message, "stage 2 of 2");
            Assert.AreEqual(Numbers(uninterrupted), Numbers(resumed));
            Assert.IsEmpty(Directory.GetFiles(Path.Combine(killed, "runs"), "*.checkpoint*"));
        }
        finally
        {
            foreach (var folder in new[] { reference, killed })
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void ASeedListRunsExactlyItsSeedsAndReusesTheRecordsOfConsecutiveSeeds()
    {
        string folder = Folder();
        try
        {
            var single = Spec with { Tracks = [Spec.Tracks[0]], Variants = [Spec.Variants[0]] };
            var consecutive = new AgentExperimentRunner().Run(single with { Seeds = 2, FirstSeed = 3 }, folder);
            CollectionAssert.AreEqual(new long[] { 3, 4 }, consecutive.Runs.Select(r => r.Seed).ToArray());

            // Seeds 4 and 7: seed 4 is the record above, seed 7 is trained; Seeds and FirstSeed are not used.
            var listed = single with { Seeds = 5, FirstSeed = 100, SeedList = [7, 4] };
            CollectionAssert.AreEqual(new long[] { 7, 4 }, listed.RunSeeds.ToArray());
            var result = new AgentExperimentRunner().Run(listed, folder);
            CollectionAssert.AreEqual(new long[] { 7, 4 }, result.Runs.Select(r => r.Seed).ToArray());
            Assert.AreEqual(1, result.ResumedRuns);
            Assert.AreEqual(ResultNumbers.Of(consecutive.Runs.Where(r => r.Seed == 4), "threads"), ResultNumbers.Of(result.Runs.Where(r => r.Seed == 4), "threads"));
            Assert.AreEqual(7L, result.Runs[0].Result!.Options.Seed);
            Assert.AreEqual(3, Directory.GetFiles(Path.Combine(folder, "runs"), "*.json").Length);

            // The list survives the spec file; a spec without one writes none.
            var read = PlasticityJson.Deserialize<AgentExperimentSpec>(PlasticityJson.Serialize(listed));
            CollectionAssert.AreEqual(new long[] { 7, 4 }, read.RunSeeds.ToArray());
            StringAssert.DoesNotMatch(PlasticityJson.Serialize(single), new System.Text.RegularExpressions.Regex("seedList|runSeeds"));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void BadSpecsAreNamed()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (Spec with { Variants = [new AgentVariantSpec { Name = "a" }, new AgentVariantSpec { Name = "A" }] }).Validate()).Message, "Two variants are named 'A'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (Spec with { Tracks = [new AgentTrackSpec { Name = "x", Stages = [new AgentStageSpec { Environment = new AgentEnvironmentSpec { Name = "breakout" }, Steps = 0 }] }] }).Validate()).Message, "Track 'x', stage 0: Steps must be at least 1; got 0");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (Spec with { Tracks = [AgentTrackSpec.Single(new AgentEnvironmentSpec { Name = "classification-mdp:true-labels" }, 10)] }).Validate()).Message, "needs images");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (Spec with { Seeds = 0 }).Validate()).Message, "Seeds");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (Spec with { SeedList = [] }).Validate()).Message, "SeedList must hold at least one seed");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (Spec with { SeedList = [4, 5, 4] }).Validate()).Message, "SeedList names seed 4 twice");
    }

    private sealed class Collect(List<AgentExperimentProgress> reports) : IProgress<AgentExperimentProgress>
    {
        public void Report(AgentExperimentProgress value)
        {
            lock (reports) reports.Add(value);
        }
    }

    private sealed class KillWhen(Func<AgentExperimentProgress, bool> condition) : IProgress<AgentExperimentProgress>
    {
        public void Report(AgentExperimentProgress value)
        {
            if (condition(value)) throw new SimulatedKill();
        }
    }
}
