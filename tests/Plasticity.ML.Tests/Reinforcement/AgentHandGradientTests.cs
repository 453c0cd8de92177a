using Plasticity.ML.Common;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Environments.MinAtar;
using Plasticity.ML.Reinforcement.Replay;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>
/// The TD loss differentiated by hand over the fused MinAtar network against the same updates differentiated by
/// autograd layer by layer (<see cref="PlasticNetwork.LayerByLayer"/>): the same losses and gradients at each of
/// several updates, for Huber (with errors on both sides of delta) and squared error, DQN, Double DQN and C51, LayerNorm,
/// with an intervention that adds a loss term and one that re-evaluates the loss (SAM). A subclass with its own loss,
/// prioritized replay and networks that do not fuse stay with autograd.
/// </summary>
[TestClass]
public sealed class AgentHandGradientTests
{
    private static AgentOptions Options(AgentKind kind, LossKind loss, params InterventionSpec[] interventions) => new()
    {
        Kind = kind,
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-3 },
        Replay = new ReplayOptions { Capacity = 2000 },
        TotalSteps = 1,
        BatchSize = 16,
        Loss = loss,
        // A small delta, so that some TD errors fall on each side of it.
        HuberDelta = 0.05,
        Interventions = interventions,
        Seed = 5,
    };

    [TestMethod]
    [DataRow(AgentKind.Dqn, LossKind.Huber, DisplayName = "DQN, Huber")]
    [DataRow(AgentKind.Dqn, LossKind.Mse, DisplayName = "DQN, squared error")]
    [DataRow(AgentKind.DoubleDqn, LossKind.Huber, DisplayName = "Double DQN, Huber")]
    [DataRow(AgentKind.C51, LossKind.Huber, DisplayName = "C51 (cross-entropy; the loss option does not apply)")]
    public void UpdatesByHandEqualUpdatesByAutograd(AgentKind kind, LossKind loss) =>
        AssertSameUpdates(Options(kind, loss));

    [TestMethod]
    public void UpdatesByHandEqualUpdatesByAutogradWithLayerNorm() =>
        AssertSameUpdates(Options(AgentKind.Dqn, LossKind.Huber) with
        {
            Network = NetworkPresets.MinAtar(4, 6) with { Normalization = NormalizationKind.LayerNorm },
        });

    [TestMethod]
    public void InterventionsWithALossTermOrASecondLossEvaluationWorkOnTheHandDifferentiatedLoss() =>
        AssertSameUpdates(Options(AgentKind.Dqn, LossKind.Huber, new L2InitSpec { Lambda = 0.5 }, new SamSpec { Rho = 0.05 }));

    [TestMethod]
    public void ASubclassWithItsOwnLossPrioritizedReplayAndOtherNetworksUseAutograd()
    {
        using var scope = NewDisposeScope();
        using var environment = Breakout();
        using var plain = Filled(Agent.Create(Options(AgentKind.Dqn, LossKind.Huber), environment.Spec), environment);
        Assert.IsTrue(HandGradientOffered(plain), "a plain DQN agent on the MinAtar network is differentiated by hand");
        using var own = Filled(new ScaledLossAgent(Options(AgentKind.Dqn, LossKind.Huber), environment.Spec), environment);
        Assert.IsFalse(HandGradientOffered(own), "a subclass overriding Losses");
        var prioritizedOptions = Options(AgentKind.Dqn, LossKind.Huber) with { Replay = new ReplayOptions { Capacity = 2000, Prioritized = true } };
        using var prioritized = Filled(Agent.Create(prioritizedOptions, environment.Spec), environment);
        Assert.IsFalse(HandGradientOffered(prioritized), "prioritized replay (its priorities need each transition's loss)");
        prioritized.UpdateOnce();
        using var batchNorm = Filled(Agent.Create(Options(AgentKind.Dqn, LossKind.Huber) with
        {
            Network = NetworkPresets.MinAtar(4, environment.Spec.ActionCount) with { Normalization = NormalizationKind.BatchNorm },
        }, environment.Spec), environment);
        Assert.IsFalse(HandGradientOffered(batchNorm), "a network that does not run fused (BatchNorm)");
    }

    /// <summary>Runs five updates on two identical agents, one of them inside LayerByLayer (so autograd differentiates
    /// every layer), and compares their losses and, after each update, the gradients it stepped on.</summary>
    private static void AssertSameUpdates(AgentOptions options)
    {
        using var scope = NewDisposeScope();
        using var environment = Breakout();
        using var byHand = Filled(Agent.Create(options, environment.Spec), environment);
        using var byAutograd = Filled(Agent.Create(options, environment.Spec), environment);
        Assert.IsTrue(HandGradientOffered(byHand), "the fast path is what is being tested");
        var ours = byHand.Online.named_parameters().ToArray();
        var theirs = byAutograd.Online.named_parameters().ToArray();
        for (int update = 0; update < 5; update++)
        {
            var fast = byHand.UpdateOnce();
            StepOutcome reference;
            using (PlasticNetwork.LayerByLayer()) reference = byAutograd.UpdateOnce();
            Assert.AreEqual(reference.Loss, fast.Loss, 1e-5 * Math.Max(1, Math.Abs(reference.Loss)), $"update {update}: loss");
            Assert.AreEqual(reference.TotalLoss, fast.TotalLoss, 1e-5 * Math.Max(1, Math.Abs(reference.TotalLoss)), $"update {update}: loss with the interventions' terms");
            // The gradients stay in .grad until the next update zeroes them.
            for (int i = 0; i < ours.Length; i++)
            {
                using var expected = theirs[i].parameter.grad!;
                using var actual = ours[i].parameter.grad!;
                double scale = Math.Max(1e-6, expected.abs().max().item<float>());
                double difference = (actual - expected).abs().max().item<float>();
                Assert.IsTrue(difference <= 1e-4 * scale, $"update {update}, {ours[i].name}: gradients differ by {difference:G3} against a largest gradient of {scale:G3}");
            }
        }
        // Then the weights differ only by rounding, which Adam can turn into a step of about its learning rate (1e-3) where
        // a gradient is near zero: a loose bound here, since any real difference showed in the gradients above.
        for (int i = 0; i < ours.Length; i++)
        {
            double difference = (ours[i].parameter - theirs[i].parameter).abs().max().item<float>();
            Assert.IsTrue(difference <= 1e-3, $"{ours[i].name}: weights differ by {difference:G3} after 5 updates");
        }
    }

    private static bool HandGradientOffered(Agent agent)
    {
        var batch = new ReplayBatch(agent.Options.BatchSize, agent.Environment.ObservationShape);
        agent.Replay.Sample(batch, new RandomStream(1));
        using var targets = agent.Targets(batch);
        return agent.OffersLossAndGradient(batch, targets);
    }

    private static MinAtarEnvironment Breakout() => MinAtarEnvironment.Create(new MinAtarOptions { Game = MinAtarGame.Breakout });

    /// <summary>Fills the agent's replay with 600 transitions of a random policy (the same ones for every agent).</summary>
    private static Agent Filled(Agent agent, IEnvironment environment)
    {
        var observation = new byte[environment.Spec.ObservationSize];
        var random = new Random(2);
        environment.Reset(7, observation);
        agent.Replay.AddFirst(observation);
        for (int i = 0; i < 600; i++)
        {
            // Rewards of several sizes, so that the TD errors spread around the Huber delta.
            var outcome = environment.Step(random.Next(environment.Spec.ActionCount), observation);
            agent.Replay.AddStep(random.Next(environment.Spec.ActionCount), outcome.Reward + (float)random.NextDouble() * 0.2f, outcome.Terminated, false, observation);
            if (outcome.Terminated)
            {
                environment.Reset(null, observation);
                agent.Replay.AddFirst(observation);
            }
        }
        return agent;
    }

    /// <summary>DQN with the loss doubled: a loss of its own, which the hand-written gradient does not know.</summary>
    private sealed class ScaledLossAgent(AgentOptions options, EnvironmentSpec environment) : DqnAgent(options, environment, AgentKind.Dqn)
    {
        public override Tensor Losses(ReplayBatch batch, Tensor targets)
        {
            using var losses = base.Losses(batch, targets);
            return losses.add(losses, Scalars.One);
        }
    }
}
