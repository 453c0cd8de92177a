using Plasticity.ML.Common;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Environments.MinAtar;
using Plasticity.ML.Reinforcement.Environments.Vectorized;

namespace Plasticity.ML.Tests.Reinforcement;

[TestClass]
public sealed class VectorEnvironmentTests
{
    private static (List<long> Trace, List<EpisodeRecord> Episodes) Play(MinAtarGame game, int count, int workers, long seed, int steps)
    {
        using var vector = VectorEnvironment.MinAtar(new MinAtarOptions { Game = game }, new VectorEnvironmentOptions { Count = count, Workers = workers, Seed = seed });
        var policy = new FastRandom(1234);
        var actions = new int[count];
        var trace = new List<long>();
        var episodes = new List<EpisodeRecord>();
        vector.Reset();
        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < count; i++) actions[i] = policy.NextInt(6);
            vector.Step(actions);
            long hash = 17;
            foreach (byte b in vector.Observations) hash = hash * 31 + b;
            for (int i = 0; i < count; i++)
            {
                hash = hash * 31 + (long)vector.Rewards[i] + (vector.Terminated[i] ? 7 : 0);
                if (vector.Terminated[i])
                    foreach (byte b in vector.FinalObservation(i)) hash = hash * 31 + b;
            }
            trace.Add(hash);
            vector.DrainEpisodes(episodes);
        }
        return (trace, episodes);
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameTrajectoriesForAnyNumberOfWorkers()
    {
        var (one, episodesOne) = Play(MinAtarGame.Breakout, count: 7, workers: 1, seed: 3, steps: 1500);
        Assert.IsTrue(episodesOne.Count > 50, "Breakout episodes end often under a random policy");
        foreach (int workers in new[] { 2, 3, 7 })
        {
            var (trace, episodes) = Play(MinAtarGame.Breakout, count: 7, workers, seed: 3, steps: 1500);
            CollectionAssert.AreEqual(one, trace, $"{workers} workers");
            CollectionAssert.AreEqual(episodesOne, episodes, $"{workers} workers");
        }
        var (other, _) = Play(MinAtarGame.Breakout, count: 7, workers: 1, seed: 4, steps: 1500);
        CollectionAssert.AreNotEqual(one, other);
    }

    [TestMethod]
    public void AnEndedEpisodeKeepsItsLastObservationAndTheNextStartsFromItsDerivedSeed()
    {
        // One Breakout environment under noop, against a lone copy reset with the documented episode seeds.
        const long seed = 21;
        var options = new MinAtarOptions { StickyActionProbability = 0 };
        using var vector = VectorEnvironment.MinAtar(options, new VectorEnvironmentOptions { Count = 1, Seed = seed });
        using var lone = MinAtarEnvironment.Create(options);
        var observation = new byte[lone.Spec.ObservationSize];
        vector.Reset();
        lone.Reset(VectorEnvironment.EpisodeSeed(seed, 0, 0), observation);
        CollectionAssert.AreEqual(observation, vector.Observation(0).ToArray());
        var drained = new List<EpisodeRecord>();
        for (int episode = 0; episode < 3; episode++)
        {
            StepResult result;
            int length = 0;
            double total = 0;
            do
            {
                result = lone.Step(MinAtarActions.Noop, observation);
                vector.Step([MinAtarActions.Noop]);
                length++;
                Assert.IsTrue(length < 100_000, "the episode should end");
                total += result.Reward;
                Assert.AreEqual(result.Reward, vector.Rewards[0]);
                Assert.AreEqual(result.Terminated, vector.Terminated[0]);
                if (!result.Done)
                {
                    CollectionAssert.AreEqual(observation, vector.Observation(0).ToArray());
                    Assert.AreEqual(length, vector.EpisodeLengths[0]);
                }
            }
            while (!result.Done);
            CollectionAssert.AreEqual(observation, vector.FinalObservation(0).ToArray(), "the final observation");
            lone.Reset(VectorEnvironment.EpisodeSeed(seed, 0, episode + 1), observation);
            CollectionAssert.AreEqual(observation, vector.Observation(0).ToArray(), "the next episode's first observation");
            Assert.AreEqual(0, vector.EpisodeLengths[0]);
            Assert.AreEqual(1, vector.DrainEpisodes(drained));
            Assert.AreEqual(new EpisodeRecord(0, episode, total, length, false), drained[^1]);
        }
        Assert.AreEqual(3, vector.CompletedEpisodes);
    }

    [TestMethod]
    public void FreewayUnderNoopFinishesEveryEpisodeAfter2500StepsWithReturnZero()
    {
        using var vector = VectorEnvironment.MinAtar(new MinAtarOptions { Game = MinAtarGame.Freeway }, new VectorEnvironmentOptions { Count = 3, Workers = 2 });
        vector.Reset();
        var noop = new int[3];
        for (int step = 1; step < 2500; step++)
        {
            vector.Step(noop);
            Assert.IsFalse(vector.Terminated.Contains(true), $"step {step}");
        }
        vector.Step(noop);
        CollectionAssert.AreEqual(new[] { true, true, true }, vector.Terminated.ToArray());
        var episodes = new List<EpisodeRecord>();
        vector.DrainEpisodes(episodes);
        CollectionAssert.AreEqual(Enumerable.Range(0, 3).Select(i => new EpisodeRecord(i, 0, 0, 2500, false)).ToArray(), episodes);
    }

    [TestMethod]
    public void AFullLogDropsTheOldestEpisodes()
    {
        using var vector = VectorEnvironment.MinAtar(new MinAtarOptions { StickyActionProbability = 0 }, new VectorEnvironmentOptions { Count = 1, EpisodeLogCapacity = 2 });
        vector.Reset();
        while (vector.CompletedEpisodes < 3) vector.Step([MinAtarActions.Noop]);
        Assert.AreEqual(1, vector.DroppedEpisodes);
        var episodes = new List<EpisodeRecord>();
        Assert.AreEqual(2, vector.DrainEpisodes(episodes));
        CollectionAssert.AreEqual(new long[] { 1, 2 }, episodes.Select(e => e.Episode).ToArray());
    }

    [TestMethod]
    public void SteppingAllocatesNothingWithOneWorkerOrTwo()
    {
        foreach (int workers in new[] { 1, 2 })
        {
            using var vector = VectorEnvironment.MinAtar(new MinAtarOptions { Game = MinAtarGame.Seaquest }, new VectorEnvironmentOptions { Count = 16, Workers = workers });
            var actions = new int[16];
            var policy = new FastRandom(5);
            vector.Reset();
            Run(500);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run(3000);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (workers == 1) Assert.AreEqual(0, allocated, "one worker: the caller allocated");
            // With threads, the barrier lazily creates a lock object the first time a thread has to block, which on a
            // loaded machine may happen inside the measured window: once, never per step (24 bytes here vs 72 KB if
            // each step allocated one object).
            else Assert.IsTrue(allocated < 3000, $"{workers} workers: {allocated} bytes in 3,000 steps");

            void Run(int steps)
            {
                for (int s = 0; s < steps; s++)
                {
                    for (int i = 0; i < actions.Length; i++) actions[i] = policy.NextInt(6);
                    vector.Step(actions);
                }
            }
        }
    }

    [TestMethod]
    public void BadInputIsRejectedWithMessagesNamingTheValue()
    {
        using var vector = VectorEnvironment.MinAtar(new MinAtarOptions(), new VectorEnvironmentOptions { Count = 2 });
        var early = Assert.ThrowsExactly<InvalidOperationException>(() => vector.Step([0, 0]));
        StringAssert.Contains(early.Message, "Reset");
        vector.Reset();
        var length = Assert.ThrowsExactly<ArgumentException>(() => vector.Step([0, 0, 0]));
        StringAssert.Contains(length.Message, "(2); got 3");
        var range = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => vector.Step([0, 6]));
        StringAssert.Contains(range.Message, "Action 6 for environment 1");

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new VectorEnvironmentOptions { Count = 0 }.Validate());
        var workers = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new VectorEnvironmentOptions { Workers = 0 }.Validate());
        StringAssert.Contains(workers.Message, "Workers must be positive; got 0");

        var mixed = Assert.ThrowsExactly<ArgumentException>(() => new VectorEnvironment(
            i => MinAtarEnvironment.Create(new MinAtarOptions { Game = i == 0 ? MinAtarGame.Breakout : MinAtarGame.Seaquest }),
            new VectorEnvironmentOptions { Count = 2 }));
        StringAssert.Contains(mixed.Message, "Environment 1");
    }

    [TestMethod]
    public void AnExceptionInAWorkersEnvironmentReachesTheCaller()
    {
        using var vector = new VectorEnvironment(i => new FailingEnvironment(failOnStep: i == 5 ? 3 : int.MaxValue), new VectorEnvironmentOptions { Count = 6, Workers = 3 });
        vector.Reset();
        vector.Step(new int[6]);
        vector.Step(new int[6]);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => vector.Step(new int[6]));
        StringAssert.Contains(e.Message, "step 3 fails");
    }

    [TestMethod]
    public void TheClassificationMdpStepsInAVectorToo()
    {
        var data = new Plasticity.ML.Data.ImageDataset("tiny", Enumerable.Range(0, 16).Select(v => v / 255f).ToArray(), [0, 1, 1, 2], [1, 2, 2], classCount: 3);
        using var vector = new VectorEnvironment(_ => new Plasticity.ML.Reinforcement.Environments.Classification.ClassificationMdp(data,
            new() { EpisodeLength = 4 }), new VectorEnvironmentOptions { Count = 2, Workers = 2 });
        vector.Reset();
        for (int step = 1; step <= 8; step++)
        {
            vector.Step([0, 1]);
            CollectionAssert.AreEqual(new[] { step % 4 == 0, step % 4 == 0 }, vector.Truncated.ToArray());
            Assert.IsFalse(vector.Terminated.Contains(true));
        }
        var episodes = new List<EpisodeRecord>();
        Assert.AreEqual(4, vector.DrainEpisodes(episodes));
        Assert.IsTrue(episodes.All(e => e.Length == 4 && e.Truncated));
    }

    [TestMethod]
    public void OptionsRoundTripThroughJson()
    {
        var vector = new VectorEnvironmentOptions { Count = 3, Seed = 9, Workers = 2, EpisodeLogCapacity = 5 };
        Assert.AreEqual(vector, PlasticityJson.Deserialize<VectorEnvironmentOptions>(PlasticityJson.Serialize(vector)));
        var game = new MinAtarOptions { Game = MinAtarGame.Seaquest, StickyActionProbability = 0.25, DifficultyRamping = false, MinimalActions = true };
        string json = PlasticityJson.Serialize(game);
        StringAssert.Contains(json, "\"game\": \"Seaquest\"");
        Assert.AreEqual(game, PlasticityJson.Deserialize<MinAtarOptions>(json));
        var mdp = new Plasticity.ML.Reinforcement.Environments.Classification.ClassificationMdpOptions
        {
            Variant = Plasticity.ML.Reinforcement.Environments.Classification.ClassificationMdpVariant.SparseReward,
            LabelSeed = 4,
            EpisodeLength = 100,
            Discount = 0.9,
        };
        Assert.AreEqual(mdp, PlasticityJson.Deserialize<Plasticity.ML.Reinforcement.Environments.Classification.ClassificationMdpOptions>(PlasticityJson.Serialize(mdp)));
    }

    /// <summary>An environment whose n-th step throws.</summary>
    private sealed class FailingEnvironment(int failOnStep) : IEnvironment
    {
        private int steps;

        public EnvironmentSpec Spec { get; } = new()
        {
            Name = "failing",
            ObservationShape = [1, 1, 2],
            ChannelNames = ["x"],
            ActionCount = 1,
            ActionNames = ["noop"],
        };

        public int? Lives => null;

        public void Reset(long? seed, Span<byte> observation) => observation.Clear();

        public StepResult Step(int action, Span<byte> observation)
        {
            if (++steps == failOnStep) throw new InvalidOperationException($"step {steps} fails");
            return new StepResult(0, false, false);
        }

        public void Dispose()
        {
        }
    }
}
