using Plasticity.ML.Reinforcement.Environments;

namespace Plasticity.ML.Tests.Reinforcement;

[TestClass]
public sealed class RewardClippingEnvironmentTests
{
    [TestMethod]
    public void ClipsRewardsToTheirSignAndPassesEverythingElseThrough()
    {
        var inner = new ScriptedEnvironment([5f, -0.25f, 0f, 1f, 40f], terminateAt: 4);
        using var clipped = new RewardClippingEnvironment(inner);
        var observation = new byte[1];
        clipped.Reset(3, observation);
        Assert.AreEqual(3L, inner.LastSeed);
        var rewards = new List<float>();
        StepResult result;
        do
        {
            result = clipped.Step(0, observation);
            rewards.Add(result.Reward);
        } while (!result.Done);
        CollectionAssert.AreEqual(new[] { 1f, -1f, 0f, 1f, 1f }, rewards);
        Assert.IsTrue(result.Terminated);
        Assert.AreSame(inner.Spec, clipped.Spec);
        Assert.AreEqual(2, clipped.Lives);
        clipped.Dispose();
        Assert.IsTrue(inner.Disposed, "the wrapper owns the wrapped environment");
    }

    [TestMethod]
    public void ANaNRewardIsRejected()
    {
        using var clipped = new RewardClippingEnvironment(new ScriptedEnvironment([float.NaN], terminateAt: 0));
        var observation = new byte[1];
        clipped.Reset(null, observation);
        Assert.ThrowsExactly<ArgumentException>(() => clipped.Step(0, observation));
    }

    /// <summary>Returns the given rewards in order; terminates at the given step index.</summary>
    private sealed class ScriptedEnvironment(float[] rewards, int terminateAt) : IEnvironment
    {
        private int _step;

        public long? LastSeed { get; private set; }

        public bool Disposed { get; private set; }

        public EnvironmentSpec Spec { get; } = new()
        {
            Name = "scripted",
            ObservationShape = [1, 1, 1],
            ChannelNames = ["c"],
            ActionCount = 1,
            ActionNames = ["noop"],
        };

        public int? Lives => 2;

        public void Reset(long? seed, Span<byte> observation)
        {
            LastSeed = seed;
            _step = 0;
        }

        public StepResult Step(int action, Span<byte> observation)
        {
            float reward = rewards[_step];
            return new StepResult(reward, _step++ == terminateAt, false);
        }

        public void Dispose() => Disposed = true;
    }
}
