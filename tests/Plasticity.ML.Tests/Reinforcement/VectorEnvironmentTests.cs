using Plasticity.ML.Common;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Environments.MinAtar;
using Plasticity.ML.Reinforcement.Environments.Vector;

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
            Assert.AreEqual(0, GC.GetAllocatedBytesForCurrentThread() - before, $"{workers} workers: the caller allocated");

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
}
