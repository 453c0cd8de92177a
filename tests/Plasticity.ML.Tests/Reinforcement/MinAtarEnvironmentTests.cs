using Plasticity.ML.Common;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Environments.MinAtar;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>What every MinAtar game shares: specs, observations, determinism, sticky actions, no allocation.</summary>
[TestClass]
public sealed class MinAtarEnvironmentTests
{
    public static IEnumerable<object[]> Games => Enum.GetValues<MinAtarGame>().Select(g => new object[] { g });

    [TestMethod]
    public void SpecsNameTheChannelsAndActionsAsMinAtarDoes()
    {
        var expected = new Dictionary<MinAtarGame, (string Name, string[] Channels, string[] Minimal)>
        {
            [MinAtarGame.Breakout] = ("minatar:breakout", ["paddle", "ball", "trail", "brick"], ["noop", "left", "right"]),
            [MinAtarGame.Asterix] = ("minatar:asterix", ["player", "enemy", "trail", "gold"], ["noop", "left", "up", "right", "down"]),
            [MinAtarGame.Freeway] = ("minatar:freeway", ["chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5"], ["noop", "up", "down"]),
            [MinAtarGame.Seaquest] = ("minatar:seaquest", ["sub_front", "sub_back", "friendly_bullet", "trail", "enemy_bullet", "enemy_fish", "enemy_sub", "oxygen_gauge", "diver_gauge", "diver"], ["noop", "left", "up", "right", "down", "fire"]),
            [MinAtarGame.SpaceInvaders] = ("minatar:space_invaders", ["cannon", "alien", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet"], ["noop", "left", "right", "fire"]),
        };
        foreach (var (game, (name, channels, minimal)) in expected)
        {
            using var full = MinAtarEnvironment.Create(new MinAtarOptions { Game = game });
            Assert.AreEqual(name, full.Spec.Name);
            CollectionAssert.AreEqual(channels, full.Spec.ChannelNames);
            CollectionAssert.AreEqual(new[] { channels.Length, 10, 10 }, full.Spec.ObservationShape);
            Assert.AreEqual(channels.Length * 100, full.Spec.ObservationSize);
            Assert.AreEqual((byte)1, full.Spec.ObservationMaximum);
            CollectionAssert.AreEqual(new[] { "noop", "left", "up", "right", "down", "fire" }, full.Spec.ActionNames);
            Assert.IsNull(full.Lives);
            using var small = MinAtarEnvironment.Create(new MinAtarOptions { Game = game, MinimalActions = true });
            CollectionAssert.AreEqual(minimal, small.Spec.ActionNames);
            Assert.AreEqual(minimal.Length, small.Spec.ActionCount);
        }
    }

    [TestMethod]
    public void MinimalActionIndicesMapToTheirFullSetActions()
    {
        var h = new byte[400];
        using var game = (BreakoutEnvironment)MinAtarEnvironment.Create(new MinAtarOptions { StickyActionProbability = 0, MinimalActions = true });
        game.Reset(1, h);
        game.Step(2, h); // minimal index 2 = right
        Assert.AreEqual(5, game.paddleX);
        Assert.AreEqual(MinAtarActions.Right, game.LastAction);
    }

    [TestMethod]
    [DynamicData(nameof(Games))]
    public void ObservationsHoldOnlyZerosAndOnesAndTheSameSeedRepeatsTheTrajectory(MinAtarGame game)
    {
        var first = Play(game, seed: 5);
        var again = Play(game, seed: 5);
        CollectionAssert.AreEqual(first, again);
        var other = Play(game, seed: 6);
        CollectionAssert.AreNotEqual(first, other);

        static List<long> Play(MinAtarGame game, long seed)
        {
            using var env = MinAtarEnvironment.Create(new MinAtarOptions { Game = game });
            var observation = new byte[env.Spec.ObservationSize];
            var policy = new FastRandom(99);
            var trace = new List<long>();
            env.Reset(seed, observation);
            for (int step = 0; step < 3000; step++)
            {
                var result = env.Step(policy.NextInt(6), observation);
                long hash = 17;
                foreach (byte b in observation)
                {
                    Assert.IsTrue(b <= 1, $"{game}: byte {b}");
                    hash = hash * 31 + b;
                }
                trace.Add(hash ^ (long)(result.Reward * 1000) ^ (result.Terminated ? 1L << 40 : 0));
                if (result.Done) env.Reset(null, observation);
            }
            return trace;
        }
    }

    [TestMethod]
    [DynamicData(nameof(Games))]
    public void SteppingAllocatesNothing(MinAtarGame game)
    {
        using var env = MinAtarEnvironment.Create(new MinAtarOptions { Game = game });
        var observation = new byte[env.Spec.ObservationSize];
        var policy = new FastRandom(1);
        env.Reset(1, observation);
        Run(2_000); // warm up (tiered compilation)
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(20_000);
        Assert.AreEqual(0, GC.GetAllocatedBytesForCurrentThread() - before, $"{game} allocated while stepping");

        void Run(int steps)
        {
            for (int i = 0; i < steps; i++)
                if (env.Step(policy.NextInt(6), observation).Done) env.Reset(null, observation);
        }
    }

    [TestMethod]
    public void StickyActionsRepeatThePreviousActionWithTheirProbability()
    {
        // Always ask for an action different from the last one taken: a step that takes the last one again was sticky.
        var (sticky, observed) = CountSticky(0.1, seed: 11);
        Assert.AreEqual(0.1 * observed, sticky, 5 * Math.Sqrt(observed * 0.1 * 0.9));
        Assert.AreEqual((sticky, observed), CountSticky(0.1, seed: 11), "the same seed repeats the same sticky steps");
        Assert.AreEqual(0, CountSticky(0, seed: 11).Sticky);
        var (all, of) = CountSticky(1, seed: 11);
        Assert.AreEqual(of, all);

        static (int Sticky, int Observed) CountSticky(double p, long seed)
        {
            using var env = MinAtarEnvironment.Create(new MinAtarOptions { Game = MinAtarGame.Freeway, StickyActionProbability = p });
            var observation = new byte[env.Spec.ObservationSize];
            env.Reset(seed, observation);
            int count = 0, observed = 0;
            for (int i = 0; i < 20_000; i++)
            {
                int last = env.LastAction;
                int asked = (last + 1) % 6;
                if (env.Step(asked, observation).Done)
                {
                    env.Reset(null, observation);
                    continue;
                }
                observed++;
                if (env.LastAction == last) count++;
                else Assert.AreEqual(asked, env.LastAction);
            }
            return (count, observed);
        }
    }

    [TestMethod]
    public void AStickyStepRepeatsTheActionThatBecameTheLastOne()
    {
        // With p = 1 every step repeats the previous action, which after a reset is noop: the paddle never moves.
        var observation = new byte[400];
        using var env = (BreakoutEnvironment)MinAtarEnvironment.Create(new MinAtarOptions { StickyActionProbability = 1 });
        env.Reset(3, observation);
        for (int i = 0; i < 5; i++)
        {
            if (env.Step(MinAtarActions.Right, observation).Done) break;
            Assert.AreEqual(MinAtarActions.Noop, env.LastAction);
            Assert.AreEqual(4, env.paddleX);
        }
    }

    [TestMethod]
    public void ResetWithoutASeedContinuesTheStream()
    {
        var observation = new byte[400];
        using var a = (BreakoutEnvironment)MinAtarEnvironment.Create(new MinAtarOptions());
        using var b = (BreakoutEnvironment)MinAtarEnvironment.Create(new MinAtarOptions());
        var sides = new List<int>();
        a.Reset(8, observation);
        for (int i = 0; i < 20; i++)
        {
            sides.Add(a.ballX);
            a.Reset(null, observation);
        }
        b.Reset(8, observation);
        var again = new List<int>();
        for (int i = 0; i < 20; i++)
        {
            again.Add(b.ballX);
            b.Reset(null, observation);
        }
        CollectionAssert.AreEqual(sides, again);
        Assert.AreEqual(2, sides.Distinct().Count(), "the unseeded resets draw new starts");
    }
}
