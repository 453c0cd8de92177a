using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Replay;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>Bad settings and mismatched environments are refused at the door with a message that names the value.</summary>
[TestClass]
public sealed class AgentBadInputTests
{
    private static readonly NetworkSpec ChainNetwork = new() { InputShape = [5, 1, 1], HiddenWidths = [8], Head = new HeadSpec { Outputs = 2 } };

    private static AgentOptions Valid => new() { Network = ChainNetwork, Replay = new ReplayOptions { Capacity = 100 }, TotalSteps = 10, LearningStarts = 5 };

    private static string Refused(AgentOptions options)
    {
        using var chain = new ChainEnvironment(5);
        return Assert.ThrowsExactly<ArgumentException>(() => Agent.Create(options, chain.Spec)).Message;
    }

    private static void AssertNames(string message, params string[] parts)
    {
        foreach (var part in parts) StringAssert.Contains(message, part);
    }

    [TestMethod]
    public void SettingsOutsideTheirRangeAreNamedWithTheirValue()
    {
        AssertNames(Refused(Valid with { TargetUpdatePeriod = 0 }), "TargetUpdatePeriod", "got 0");
        AssertNames(Refused(Valid with { EpsilonStart = 1.5 }), "EpsilonStart", "1.5");
        AssertNames(Refused(Valid with { EpsilonEnd = -0.1 }), "EpsilonEnd", "-0.1");
        AssertNames(Refused(Valid with { EvaluationEpsilon = 2 }), "EvaluationEpsilon", "2");
        AssertNames(Refused(Valid with { Gamma = 1.01 }), "Gamma", "1.01");
        AssertNames(Refused(Valid with { Gamma = -0.5 }), "Gamma", "-0.5");
        AssertNames(Refused(Valid with { Gamma = double.NaN }), "Gamma", "NaN");
        AssertNames(Refused(Valid with { NSteps = 0 }), "NSteps", "got 0");
        AssertNames(Refused(Valid with { BatchSize = 64, Replay = new ReplayOptions { Capacity = 16 } }), "Capacity = 16", "BatchSize = 64");
        AssertNames(Refused(Valid with { TrainFrequency = 0 }), "TrainFrequency", "got 0");
        AssertNames(Refused(Valid with { LearningStarts = -1 }), "LearningStarts", "-1");
        AssertNames(Refused(Valid with { TotalSteps = 0 }), "TotalSteps", "got 0");
        AssertNames(Refused(Valid with { Loss = Plasticity.ML.Training.LossKind.CrossEntropy }), "Loss", "CrossEntropy");
        AssertNames(Refused(Valid with { Statistics = new StatisticsPanelOptions() }), "Statistics.Loss", "Probe");
        AssertNames(Refused(Valid with { Probe = new ProbeOptions(), ProbeInterval = 0 }), "ProbeInterval", "got 0");
        AssertNames(Refused(Valid with { Replay = new ReplayOptions { Capacity = 3 }, BatchSize = 2, NSteps = 3 }), "Capacity = 3", "NSteps (3)");
    }

    [TestMethod]
    public void ANetworkThatDoesNotFitTheEnvironmentIsNamedWithBothShapes()
    {
        AssertNames(Refused(Valid with { Network = ChainNetwork with { InputShape = [4, 1, 1] } }), "[4, 1, 1]", "[5, 1, 1]", "chain");
        AssertNames(Refused(Valid with { Network = ChainNetwork with { Head = new HeadSpec { Outputs = 3 } } }), "3 outputs", "2 actions");
        AssertNames(Refused(Valid with { Kind = AgentKind.C51 }), "C51", "categorical head", "Regression");
        AssertNames(Refused(Valid with { Network = ChainNetwork with { Head = NetworkPresets.Categorical(2) } }), "Dqn", "regression head", "TwoHot");
        using var chain = new ChainEnvironment(5);
        AssertNames(Assert.ThrowsExactly<ArgumentException>(() => new C51Agent(Valid, chain.Spec)).Message, "C51", "Kind is Dqn");
    }

    [TestMethod]
    public void AnEnvironmentThatDoesNotFitTheAgentIsRefusedWhenTraining()
    {
        using var chain = new ChainEnvironment(5);
        using var agent = Agent.Create(Valid, chain.Spec);
        using var shorter = new ChainEnvironment(4);
        AssertNames(Assert.ThrowsExactly<ArgumentException>(() => agent.Train(shorter)).Message, "[5, 1, 1]", "[4, 1, 1]");
        using var bandit = new BanditEnvironment(new double[5, 3]);
        AssertNames(Assert.ThrowsExactly<ArgumentException>(() => agent.Train(bandit)).Message, "2 actions", "3");
        Assert.ThrowsExactly<ArgumentException>(() => agent.QValues(new byte[4]));
    }

    [TestMethod]
    public void EvaluationNeedsItsOwnEnvironmentAndAnAgentTrainsOnce()
    {
        using var chain = new ChainEnvironment(5);
        using var agent = Agent.Create(Valid with { EvaluationInterval = 5 }, chain.Spec);
        AssertNames(Assert.ThrowsExactly<ArgumentException>(() => agent.Train(chain)).Message, "EvaluationInterval", "own environment");
        AssertNames(Assert.ThrowsExactly<ArgumentException>(() => agent.Train(chain, chain)).Message, "separate instance");
        using var evaluation = new ChainEnvironment(5);
        agent.Train(chain, evaluation);
        Assert.ThrowsExactly<InvalidOperationException>(() => agent.Train(chain, evaluation));
    }

    [TestMethod]
    public void OptionsRoundTripThroughJson()
    {
        var options = AgentOptions.MinAtarPaper(AgentKind.C51, seed: 3) with
        {
            Network = NetworkPresets.MinAtar(4, 6) with { Normalization = NormalizationKind.LayerNorm, Head = NetworkPresets.Categorical(6) },
            Interventions = [new Plasticity.ML.Interventions.ResetSpec { Layers = 2 }, new Plasticity.ML.Interventions.ReDoSpec()],
            Probe = new ProbeOptions { Targets = 3 },
            Replay = new ReplayOptions { Capacity = 1000, Prioritized = true },
        };
        string json = Plasticity.ML.Common.PlasticityJson.Serialize(options);
        var back = Plasticity.ML.Common.PlasticityJson.Deserialize<AgentOptions>(json);
        Assert.AreEqual(json, Plasticity.ML.Common.PlasticityJson.Serialize(back));
        Assert.AreEqual(Plasticity.ML.Optimization.OptimizerKind.RmsProp, back.Optimizer.Kind);
        Assert.IsTrue(back.Optimizer.Centered);
        Assert.IsInstanceOfType<Plasticity.ML.Interventions.ReDoSpec>(back.Interventions[1]);
    }

    [TestMethod]
    public void CancellationStopsTheRun()
    {
        using var chain = new ChainEnvironment(5);
        using var agent = Agent.Create(Valid with { TotalSteps = 1000 }, chain.Spec);
        using var source = new CancellationTokenSource();
        source.Cancel();
        Assert.ThrowsExactly<OperationCanceledException>(() => agent.Train(chain, cancellationToken: source.Token));
    }
}
