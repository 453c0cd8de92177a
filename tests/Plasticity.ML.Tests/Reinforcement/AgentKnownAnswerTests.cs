using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Replay;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>
/// DQN, Double DQN and C51 against answers computed by hand: their Q-values converge to Q* on a chain and a contextual
/// bandit, Double DQN's target takes the online argmax and the target's value, and C51's target and loss match a
/// hand-projected distribution and its cross-entropy.
/// </summary>
[TestClass]
public sealed class AgentKnownAnswerTests
{
    private static HeadSpec Head(AgentKind kind, int actions, double min, double max) =>
        kind == AgentKind.C51 ? NetworkPresets.Categorical(actions, atoms: 21, minimum: min, maximum: max) : new HeadSpec { Kind = HeadKind.Regression, Outputs = actions };

    private static AgentOptions Options(AgentKind kind, int states, int actions, double min, double max) => new()
    {
        Kind = kind,
        Network = new NetworkSpec { InputShape = [states, 1, 1], HiddenWidths = [32], Head = Head(kind, actions, min, max) },
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 5e-3 },
        Replay = new ReplayOptions { Capacity = 5000 },
        BatchSize = 32,
        TargetUpdatePeriod = 100,
        LearningStarts = 200,
        EpsilonStart = 1.0,
        EpsilonEnd = 0.3,
        EpsilonDecaySteps = 1000,
        MaxEpisodeSteps = 50,
        Seed = 3,
    };

    [TestMethod]
    [DataRow(AgentKind.Dqn)]
    [DataRow(AgentKind.DoubleDqn)]
    [DataRow(AgentKind.C51)]
    public void QValuesConvergeToTheOptimalOnesOfAChain(AgentKind kind)
    {
        const int States = 5;
        const double Gamma = 0.9;
        using var chain = new ChainEnvironment(States);
        using var agent = Agent.Create(Options(kind, States, 2, -0.5, 1.5) with { Gamma = Gamma, TotalSteps = 4000 }, chain.Spec);
        var result = agent.Train(chain);
        Assert.IsGreaterThan(20, result.Episodes.Count, "the agent reached the end of the chain many times");
        var observation = new byte[States];
        for (int s = 0; s < States - 1; s++)
        {
            TestEnvironments.OneHot(observation, s);
            var q = agent.QValues(observation);
            for (int a = 0; a < 2; a++)
            {
                double expected = ChainEnvironment.OptimalQ(States, Gamma, s, a);
                Assert.AreEqual(expected, q[a], 0.01, $"{kind}: Q({s}, {(a == 1 ? "right" : "left")}) = {q[a]:F3}, Q* = {expected:F4}");
            }
        }
    }

    [TestMethod]
    [DataRow(AgentKind.Dqn)]
    [DataRow(AgentKind.DoubleDqn)]
    [DataRow(AgentKind.C51)]
    public void QValuesConvergeToTheRewardsOfAContextualBandit(AgentKind kind)
    {
        // One step per episode: Q*(c, a) is the reward table (the paper's classification MDP with true labels is this).
        var rewards = new double[,] { { 1.0, 0.2, -0.5 }, { -0.3, 0.8, 0.0 }, { 0.5, -1.0, 0.6 } };
        using var bandit = new BanditEnvironment(rewards);
        var options = Options(kind, 3, 3, -1.5, 1.5) with { TotalSteps = 1500, EpsilonEnd = 1.0 };
        using var agent = Agent.Create(options, bandit.Spec);
        agent.Train(bandit);
        var observation = new byte[3];
        for (int c = 0; c < 3; c++)
        {
            TestEnvironments.OneHot(observation, c);
            var q = agent.QValues(observation);
            for (int a = 0; a < 3; a++) Assert.AreEqual(rewards[c, a], q[a], 0.02, $"{kind}: Q({c}, {a})");
        }
    }

    [TestMethod]
    public void ATruncatedEpisodeBootstrapsFromItsLastObservation()
    {
        // A 3-state chain cut after 2 steps: state 1 is only ever reached at step 1, so every (1, left) transition is
        // cut by the time limit. Bootstrapping from where it lands gives Q(1, left) = gamma Q*(0, right) = 0.81; treating
        // the cut as an ending would give 0.
        using var chain = new ChainEnvironment(3);
        var options = Options(AgentKind.Dqn, 3, 2, 0, 1) with { Gamma = 0.9, TotalSteps = 3000, MaxEpisodeSteps = 2, EpsilonEnd = 0.5 };
        using var agent = Agent.Create(options, chain.Spec);
        var result = agent.Train(chain);
        Assert.IsTrue(result.Episodes.All(e => e.Length <= 2 && e.Truncated == (e.Return == 0)), "only the right-right episodes reach the end");
        Assert.IsTrue(result.Episodes.Any(e => e.Truncated) && result.Episodes.Any(e => !e.Truncated));
        var q0 = agent.QValues(new byte[] { 1, 0, 0 });
        var q1 = agent.QValues(new byte[] { 0, 1, 0 });
        Assert.AreEqual(0.9, q0[1], 0.01, "Q(0, right)");
        Assert.AreEqual(0.81, q0[0], 0.01, "Q(0, left)");
        Assert.AreEqual(1.0, q1[1], 0.01, "Q(1, right)");
        Assert.AreEqual(0.81, q1[0], 0.01, "Q(1, left), always truncated");
    }

    [TestMethod]
    public void ClippedRewardsAreLearnedClippedAndReportedUnclipped()
    {
        // Squared-error loss this time; rewards clipped to [-1, 1] before they are stored.
        var rewards = new double[,] { { 5.0, -3.0 }, { 0.5, 2.0 } };
        using var bandit = new BanditEnvironment(rewards);
        var options = Options(AgentKind.Dqn, 2, 2, 0, 1) with { TotalSteps = 1500, EpsilonEnd = 1.0, ClipRewards = true, Loss = Plasticity.ML.Training.LossKind.Mse };
        using var agent = Agent.Create(options, bandit.Spec);
        var result = agent.Train(bandit);
        CollectionAssert.IsSubsetOf(new[] { 5.0, -3.0, 0.5, 2.0 }, result.Episodes.Select(e => e.Return).Distinct().ToArray(), "returns are reported unclipped");
        var expected = new double[,] { { 1.0, -1.0 }, { 0.5, 1.0 } };
        for (int c = 0; c < 2; c++)
        {
            var q = agent.QValues(c == 0 ? new byte[] { 1, 0 } : new byte[] { 0, 1 });
            for (int a = 0; a < 2; a++) Assert.AreEqual(expected[c, a], q[a], 0.02, $"Q({c}, {a})");
        }
    }

    /// <summary>A network without hidden layers on one-hot inputs: Q(s, .) is column s of the output weight.</summary>
    private static NetworkSpec Linear(int states, HeadSpec head) => new() { InputShape = [states, 1, 1], HiddenWidths = [], Head = head };

    private static void SetTable(PlasticNetwork network, float[,] outputsByState)
    {
        using var tensors = NewDisposeScope();
        int outputs = outputsByState.GetLength(1), states = outputsByState.GetLength(0);
        var weight = new float[outputs * states];
        for (int s = 0; s < states; s++)
            for (int o = 0; o < outputs; o++) weight[o * states + s] = outputsByState[s, o];
        using var noGrad = no_grad();
        using var w = tensor(weight).reshape(outputs, states);
        network.OutputLayer.weight!.copy_(w);
        network.OutputLayer.bias!.zero_();
    }

    /// <summary>A batch of two transitions into state 1 (R = 0.5): one going on (d = 0.9), one terminated (d = 0).</summary>
    private static ReplayBatch HandBuiltBatch(int states, float discount)
    {
        var batch = new ReplayBatch(2, [states, 1, 1]);
        using var noGrad = no_grad();
        var obs = new float[2 * states];
        obs[0] = 1;          // row 0 in state 0
        obs[states] = 1;     // row 1 in state 0
        var next = new float[2 * states];
        next[1] = 1;         // both go to state 1
        next[states + 1] = 1;
        using (var o = TensorComparisons.Shaped(obs, 2, states, 1, 1)) batch.Observations.copy_(o);
        using (var n = TensorComparisons.Shaped(next, 2, states, 1, 1)) batch.NextObservations.copy_(n);
        using (var a = tensor(new long[] { 1, 1 })) batch.Actions.copy_(a);
        using (var r = tensor(new[] { 0.5f, 0.5f })) batch.Returns.copy_(r);
        using (var d = tensor(new[] { discount, 0f })) batch.Discounts.copy_(d);
        return batch;
    }

    [TestMethod]
    public void DoubleDqnTakesTheOnlineArgmaxAndTheTargetsValueWhereDqnTakesTheTargetsMax()
    {
        // In state 1 the online network prefers action 1 (2 > 1); the target network values action 0 at 5, action 1 at 3.
        var online = new float[,] { { 0, 0 }, { 1, 2 }, { 0, 0 } };
        var target = new float[,] { { 0, 0 }, { 5, 3 }, { 0, 0 } };
        var spec = TestEnvironments.OneHotSpec("table", 3, 2);
        var network = Linear(3, new HeadSpec { Kind = HeadKind.Regression, Outputs = 2 });
        using var batch = HandBuiltBatch(3, 0.9f);
        foreach (var (kind, expected) in new[] { (AgentKind.Dqn, 0.5f + 0.9f * 5), (AgentKind.DoubleDqn, 0.5f + 0.9f * 3) })
        {
            using var agent = Agent.Create(new AgentOptions { Kind = kind, Network = network, Replay = new ReplayOptions { Capacity = 10 }, BatchSize = 2 }, spec);
            SetTable(agent.Online, online);
            SetTable(agent.Target, target);
            using var y = agent.Targets(batch);
            var values = y.data<float>().ToArray();
            Assert.AreEqual(expected, values[0], 1e-6, $"{kind}: the bootstrapped target");
            Assert.AreEqual(0.5f, values[1], 1e-6, $"{kind}: a terminated transition's target is its return");
            // The loss: Huber of Q(s, a) = online[0, 1] = 0 against y.
            using var losses = agent.Losses(batch, y);
            double error = expected - 0;
            Assert.AreEqual(Math.Abs(error) - 0.5, losses.data<float>()[0], 1e-5, $"{kind}: Huber loss, |error| > 1");
            Assert.AreEqual(0.5 * 0.5 * 0.5, losses.data<float>()[1], 1e-6, $"{kind}: Huber loss, |error| <= 1");
        }
    }

    [TestMethod]
    public void C51ProjectsTheTargetsGreedyDistributionAndScoresItsCrossEntropy()
    {
        // 3 atoms at 0, 1, 2. Target network in state 1: action 0 has p = [0.2, 0.2, 0.6] (mean 1.4), action 1 has
        // p = [0.5, 0.25, 0.25] (mean 0.75), so the greedy next action is 0. With R = 0.5 and d = 0.5 the atoms move to
        // 0.5, 1.0, 1.5: 0.2 splits 0.1 / 0.1 over atoms 0 and 1, 0.2 lands on atom 1, 0.6 splits 0.3 / 0.3 over atoms
        // 1 and 2, so m = [0.1, 0.6, 0.3]. A terminated transition puts everything at R = 0.5: m = [0.5, 0.5, 0].
        var spec = TestEnvironments.OneHotSpec("table", 3, 2);
        var head = NetworkPresets.Categorical(2, atoms: 3, minimum: 0, maximum: 2);
        using var agent = Agent.Create(new AgentOptions { Kind = AgentKind.C51, Network = Linear(3, head), Replay = new ReplayOptions { Capacity = 10 }, BatchSize = 2 }, spec);
        float L(double p) => (float)Math.Log(p);
        SetTable(agent.Target, new float[,]
        {
            { 0, 0, 0, 0, 0, 0 },
            { L(0.2), L(0.2), L(0.6), L(0.5), L(0.25), L(0.25) },
            { 0, 0, 0, 0, 0, 0 },
        });
        // Online network in state 0, action 1: p = [1/6, 2/6, 3/6].
        SetTable(agent.Online, new float[,]
        {
            { 0, 0, 0, 0, L(2), L(3) },
            { 0, 0, 0, 0, 0, 0 },
            { 0, 0, 0, 0, 0, 0 },
        });
        using var batch = HandBuiltBatch(3, 0.5f);
        using var m = agent.Targets(batch);
        var target = m.data<float>().ToArray();
        float[] expected = [0.1f, 0.6f, 0.3f, 0.5f, 0.5f, 0f];
        for (int i = 0; i < 6; i++) Assert.AreEqual(expected[i], target[i], 1e-6, $"target distribution entry {i}");

        using var losses = agent.Losses(batch, m);
        double CrossEntropy(double[] mass) => -(mass[0] * Math.Log(1 / 6.0) + mass[1] * Math.Log(2 / 6.0) + mass[2] * Math.Log(3 / 6.0));
        Assert.AreEqual(CrossEntropy([0.1, 0.6, 0.3]), losses.data<float>()[0], 1e-5);
        Assert.AreEqual(CrossEntropy([0.5, 0.5, 0]), losses.data<float>()[1], 1e-5);
        // The Q-values are the expectations: state 0, action 1 -> (0 + 2/6 + 2 * 3/6) = 4/3.
        var q = agent.QValues(new byte[] { 1, 0, 0 });
        Assert.AreEqual(4 / 3.0, q[1], 1e-5);
        Assert.AreEqual(1.0, q[0], 1e-5, "uniform logits: the mean of the atoms");
    }

    [TestMethod]
    public void EpsilonStaysAtItsStartUntilLearningStartsThenFallsLinearly()
    {
        using var chain = new ChainEnvironment(3);
        using var agent = Agent.Create(new AgentOptions
        {
            Network = new NetworkSpec { InputShape = [3, 1, 1], HiddenWidths = [4], Head = new HeadSpec { Outputs = 2 } },
            LearningStarts = 100,
            EpsilonStart = 1.0,
            EpsilonEnd = 0.1,
            EpsilonDecaySteps = 1000,
        }, chain.Spec);
        Assert.AreEqual(1.0, agent.Epsilon(0));
        Assert.AreEqual(1.0, agent.Epsilon(100));
        Assert.AreEqual(0.55, agent.Epsilon(600), 1e-12);
        Assert.AreEqual(0.1, agent.Epsilon(1100));
        Assert.AreEqual(0.1, agent.Epsilon(50_000));
    }
}
