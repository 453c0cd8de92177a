using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Environments.MinAtar;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>The wrappers of C-CHAIN's continual MinAtar: channel padding to one shape, and the cut of rewardless episodes.</summary>
[TestClass]
public sealed class EnvironmentWrapperTests
{
    [TestMethod]
    public void PaddingAppendsZeroChannelsAfterTheGamesOwnAndPassesTheGameThrough()
    {
        using var plain = MinAtarEnvironment.Create(new MinAtarOptions { Game = MinAtarGame.SpaceInvaders });
        using var padded = new ChannelPaddingEnvironment(MinAtarEnvironment.Create(new MinAtarOptions { Game = MinAtarGame.SpaceInvaders }), 10);
        CollectionAssert.AreEqual(new[] { 10, 10, 10 }, padded.Spec.ObservationShape);
        Assert.AreEqual(1000, padded.Spec.ObservationSize);
        CollectionAssert.AreEqual(plain.Spec.ChannelNames.Concat(["padding-0", "padding-1", "padding-2", "padding-3"]).ToArray(), padded.Spec.ChannelNames);
        Assert.AreEqual(plain.Spec.Name, padded.Spec.Name);
        Assert.AreEqual(plain.Spec.ActionCount, padded.Spec.ActionCount);

        var a = new byte[600];
        var b = new byte[1000];
        plain.Reset(7, a);
        padded.Reset(7, b);
        var random = new Random(3);
        for (int step = 0; step < 200; step++)
        {
            // Space Invaders' 6 channels of 100 cells come first and unchanged; the 4 added channels are all zero.
            CollectionAssert.AreEqual(a, b[..600], $"step {step}");
            Assert.IsTrue(b.AsSpan(600).IndexOfAnyExcept((byte)0) < 0, $"padding is zero at step {step}");
            int action = random.Next(6);
            var x = plain.Step(action, a);
            var y = padded.Step(action, b);
            Assert.AreEqual(x, y);
            if (x.Done)
            {
                plain.Reset(step, a);
                padded.Reset(step, b);
            }
        }
    }

    [TestMethod]
    public void PaddingRefusesFewerChannelsAndWrongBuffers()
    {
        using var seaquest = MinAtarEnvironment.Create(new MinAtarOptions { Game = MinAtarGame.Seaquest });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ChannelPaddingEnvironment(seaquest, 6));
        StringAssert.Contains(e.Message, "10 channels");
        using var asterix = new ChannelPaddingEnvironment(MinAtarEnvironment.Create(new MinAtarOptions { Game = MinAtarGame.Asterix }), 10);
        Assert.ThrowsExactly<ArgumentException>(() => asterix.Reset(0, new byte[400]));
        Assert.ThrowsExactly<ArgumentException>(() => new ChannelPaddingEnvironment(new ScriptedRewards([0f], 1, 4), 4)); // a 1-d observation
    }

    [TestMethod]
    public void AnEpisodeWithoutRewardIsCutAtTheLimitAsATruncation()
    {
        using var limited = new NoRewardTimeLimitEnvironment(new ScriptedRewards(new float[20], episodeLength: 100), steps: 5);
        var observation = new byte[1];
        limited.Reset(0, observation);
        for (int t = 1; t <= 4; t++) Assert.IsFalse(limited.Step(0, observation).Done, $"step {t}");
        var fifth = limited.Step(0, observation);
        Assert.IsTrue(fifth.Truncated);
        Assert.IsFalse(fifth.Terminated);
        Assert.ThrowsExactly<InvalidOperationException>(() => limited.Step(0, observation));
        limited.Reset(1, observation);
        Assert.IsFalse(limited.Step(0, observation).Done, "a reset starts counting again");
    }

    [TestMethod]
    public void AnEpisodeThatEarnedARewardIsNeverCutAndEndingsPassThrough()
    {
        var rewards = new float[40];
        rewards[3] = 1; // the fourth step pays
        using var limited = new NoRewardTimeLimitEnvironment(new ScriptedRewards(rewards, episodeLength: 30), steps: 5);
        var observation = new byte[1];
        limited.Reset(0, observation);
        int steps = 0;
        StepResult result;
        do
        {
            result = limited.Step(0, observation);
            steps++;
        } while (!result.Done);
        Assert.AreEqual(30, steps, "rewarded at step 4, so only the game's own end stops it");
        Assert.IsTrue(result.Terminated);
        Assert.IsFalse(result.Truncated);
    }

    [TestMethod]
    public void SeaquestWithTheCChainRuleCutsAnIdleSubmarineAfterOneThousandSteps()
    {
        // A submarine that never moves stays at the surface: no oxygen is used, nothing is earned, and without the rule the
        // episode would not end (an enemy may still reach it; then it ends earlier, terminated).
        using var seaquest = new NoRewardTimeLimitEnvironment(MinAtarEnvironment.Create(new MinAtarOptions { Game = MinAtarGame.Seaquest, StickyActionProbability = 0 }), 1000);
        var observation = new byte[seaquest.Spec.ObservationSize];
        int cut = 0;
        for (long seed = 0; seed < 5; seed++)
        {
            seaquest.Reset(seed, observation);
            int length = 0;
            StepResult result;
            do
            {
                result = seaquest.Step(0, observation);
                length++;
                Assert.AreEqual(0f, result.Reward);
            } while (!result.Done);
            Assert.IsLessThanOrEqualTo(1000, length);
            if (result.Truncated)
            {
                Assert.AreEqual(1000, length);
                cut++;
            }
        }
        Assert.IsGreaterThan(0, cut, "an idle submarine is cut at 1,000 steps in some episode");
    }

    /// <summary>A one-byte observation; step t pays rewards[t]; the episode terminates after <c>episodeLength</c> steps.</summary>
    private sealed class ScriptedRewards(float[] rewards, int episodeLength, int size = 1) : IEnvironment
    {
        private int step;

        public EnvironmentSpec Spec { get; } = new()
        {
            Name = "scripted",
            ObservationShape = [size],
            ChannelNames = ["value"],
            ActionCount = 1,
            ActionNames = ["noop"],
        };

        public int? Lives => null;

        public void Reset(long? seed, Span<byte> observation) => step = 0;

        public StepResult Step(int action, Span<byte> observation)
        {
            float reward = step < rewards.Length ? rewards[step] : 0;
            step++;
            return new StepResult(reward, step >= episodeLength, false);
        }

        public void Dispose()
        {
        }
    }
}
