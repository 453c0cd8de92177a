using Plasticity.ML.Common;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Interventions;
using Plasticity.ML.Interventions.Resets;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Replay;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>
/// The catalogue's interventions work on agents unchanged, through the step protocol: a target update is a task
/// boundary where resets and shrink &amp; perturb act (the replay buffer is kept), ReDo recycles dormant units measured on
/// replay and zeroes their optimizer moments, L2-init and weight decay add their terms to the TD loss, LayerNorm is a
/// network setting. The plasticity probe and the statistics panel run at their interval on replay.
/// </summary>
[TestClass]
public sealed class AgentInterventionTests
{
    /// <summary>A hook added after the interventions that runs callbacks at its points.</summary>
    private sealed class Recorder : TrainingHook
    {
        public Action<TrainingContext>? TaskStart { get; init; }
        public Action<TrainingContext>? TaskEnd { get; init; }
        public Action<TrainingContext>? Step { get; init; }
        public Action<TrainingContext>? ProbePoint { get; init; }

        public override void OnTaskStart(TrainingContext context) => TaskStart?.Invoke(context);
        public override void OnTaskEnd(TrainingContext context) => TaskEnd?.Invoke(context);
        public override void AfterStep(TrainingContext context) => Step?.Invoke(context);
        public override void OnProbePoint(TrainingContext context, ProbePointRecord record) => ProbePoint?.Invoke(context);
    }

    private const int States = 5;

    /// <summary>One update in the first target period (at step 100), then one per step.</summary>
    private static AgentOptions Chain(params InterventionSpec[] interventions) => new()
    {
        Network = new NetworkSpec { InputShape = [States, 1, 1], HiddenWidths = [16], Head = new HeadSpec { Outputs = 2 } },
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-2 },
        Replay = new ReplayOptions { Capacity = 1000 },
        TotalSteps = 300,
        BatchSize = 16,
        Gamma = 0.9,
        LearningStarts = 99,
        TargetUpdatePeriod = 100,
        MaxEpisodeSteps = 30,
        Interventions = interventions,
        Seed = 8,
    };

    private static Tensor Clone(Tensor t) => t.DetachedCopy();

    [TestMethod]
    public void AResetOfTheLastLayerActsAtTheTargetUpdateAndKeepsTheReplay()
    {
        using var tensors = NewDisposeScope();
        var options = Chain(new ResetSpec { Layers = 1 });
        using var chain = new ChainEnvironment(States);
        using var agent = Agent.Create(options, chain.Spec);
        Tensor? before = null, after = null, target = null, stateAfter = null, stateBefore = null;
        int replayBefore = -1, replayAfter = -1;
        agent.AddHook(new Recorder
        {
            TaskEnd = c =>
            {
                if (c.TaskIndex != 0) return;
                before = Clone(agent.Online.OutputLayer.weight!);
                stateBefore = Clone(agent.Optimizer.StateOf(agent.Online.OutputLayer.weight!)["exp_avg"]);
                replayBefore = agent.Replay.Count;
            },
            TaskStart = c =>
            {
                if (c.TaskIndex != 1) return;
                after = Clone(agent.Online.OutputLayer.weight!);
                target = Clone(agent.Target.OutputLayer.weight!);
                stateAfter = Clone(agent.Optimizer.StateOf(agent.Online.OutputLayer.weight!)["exp_avg"]);
                replayAfter = agent.Replay.Count;
            },
        });
        agent.Train(chain);
        var fresh = ParameterInitializer.Draw(agent.Online.OutputLayer.weight!, agent.Online.OutputLayer.bias, SeedSequence.CreateRandom(options.Seed, "reset", 0));
        Assert.IsTrue(fresh.Weight.SameValues(after!), "the online output layer is a fresh draw of the reset stream");
        Assert.IsTrue(target!.SameValues(before!), "the target network took the weights from before the reset");
        Assert.IsTrue(stateBefore!.abs().sum().item<float>() > 0 && stateAfter!.abs().sum().item<float>() == 0, "the reset layer's optimizer moments are zeroed");
        Assert.IsGreaterThan(100, replayBefore, "100 steps and the first observation of each episode by step 100");
        Assert.AreEqual(replayBefore, replayAfter, "the replay buffer is kept");
    }

    [TestMethod]
    public void ReDoRecyclesADormantUnitMeasuredOnReplayAndZeroesItsMoments()
    {
        using var tensors = NewDisposeScope();
        var options = Chain(new ReDoSpec { Tau = 0.1, Samples = 64, Timing = InterventionTiming.Every(10) });
        using var chain = new ChainEnvironment(States);
        using var agent = Agent.Create(options, chain.Spec);
        var layer = agent.Online.HiddenLayers[0];
        using (no_grad())
        {
            // Unit 0 fires, but a thousand times weaker than the others: dormant, yet its gradients and moments are not 0.
            using var small = 1e-3.ToScalar();
            layer.Weight[0].fill_(small);
            layer.Bias![0].fill_(small);
        }
        var output = agent.Online.OutputLayer.weight!;
        float momentBefore = 0;
        Tensor? drawnRow = null;
        bool checkedRecycling = false;
        agent.AddHook(new Recorder
        {
            Step = c =>
            {
                var rowMoment = agent.Optimizer.StateOf(layer.Weight)["exp_avg"][0];
                if (c.GlobalStep == 9) momentBefore = rowMoment.abs().sum().item<float>();
                if (c.GlobalStep != 10) return;
                Assert.AreSame(agent.Replay, c.Observations, "ReDo measures on the replay buffer");
                var fresh = ParameterInitializer.Draw(layer.Weight, layer.Bias, SeedSequence.CreateRandom(options.Seed, "redo", 0));
                drawnRow = Clone(fresh.Weight[0]);
                Assert.IsTrue(drawnRow.SameValues(layer.Weight[0]), "unit 0 got fresh incoming weights");
                Assert.AreEqual(0f, output[TensorIndex.Colon, 0].abs().sum().item<float>(), "its outgoing weights are 0");
                Assert.AreEqual(0f, rowMoment.abs().sum().item<float>(), "the moments of its incoming weights are 0");
                Assert.AreEqual(0f, agent.Optimizer.StateOf(layer.Bias!)["exp_avg_sq"][0].item<float>(), "and of its bias");
                Assert.AreEqual(0f, agent.Optimizer.StateOf(output)["exp_avg"][TensorIndex.Colon, 0].abs().sum().item<float>(), "and of its outgoing weights");
                checkedRecycling = true;
            },
        });
        agent.Train(chain);
        Assert.IsTrue(checkedRecycling);
        Assert.IsGreaterThan(0f, momentBefore, "before ReDo the unit's moments were not 0");
    }

    [TestMethod]
    public void ShrinkAndPerturbActsOnTheOnlineNetworkAtTheTargetUpdate()
    {
        var spec = new ShrinkPerturbSpec { Lambda = 0.8, Sigma = 0.01 };
        var options = Chain(spec);
        using var chain = new ChainEnvironment(States);
        using var agent = Agent.Create(options, chain.Spec);
        PlasticNetwork? expected = null;
        bool compared = false;
        agent.AddHook(new Recorder
        {
            TaskEnd = c =>
            {
                if (c.TaskIndex != 0) return;
                expected = agent.Online.DeepCopy();
                ShrinkPerturb.Apply(expected, spec.Lambda, spec.Sigma, SeedSequence.CreateRandom(options.Seed, "shrink-perturb", 0));
            },
            TaskStart = c =>
            {
                if (c.TaskIndex != 1) return;
                var actual = agent.Online.parameters().ToArray();
                var wanted = expected!.parameters().ToArray();
                for (int i = 0; i < actual.Length; i++) Assert.IsTrue(wanted[i].SameValues(actual[i]), $"parameter {i}");
                compared = true;
            },
        });
        agent.Train(chain);
        Assert.IsTrue(compared);
        expected!.Dispose();
    }

    [TestMethod]
    public void CoupledWeightDecayAndL2InitAddTheirTermsToTheTdLoss()
    {
        using var tensors = NewDisposeScope();
        using var chain = new ChainEnvironment(States);
        // The first target period holds exactly one update, made with the initial weights theta_0.
        double squaredNorm;
        using (var fresh = Agent.Create(Chain(), chain.Spec))
            squaredNorm = fresh.Online.parameters().Sum(p => (p * p).sum().item<float>());

        using var plain = Agent.Create(Chain(), chain.Spec);
        var none = plain.Train(chain).Losses;
        Assert.AreEqual(1, none[0].Updates);
        CollectionAssert.AreEqual(new[] { 1, 100, 100 }, none.Select(l => l.Updates).ToArray(), "periods end at the target updates of steps 100, 200 and 300");
        Assert.IsTrue(none.All(l => l.MeanTotalLoss.Equals(l.MeanLoss)), "without interventions the differentiated loss is the TD loss");

        using var decayed = Agent.Create(Chain(new WeightDecaySpec { Coefficient = 0.01 }), chain.Spec);
        var decay = decayed.Train(chain).Losses;
        Assert.AreEqual(0.01 / 2 * squaredNorm, decay[0].MeanTotalLoss - decay[0].MeanLoss, 1e-5 * squaredNorm, "(c / 2) ||theta_0||^2");

        using var anchored = Agent.Create(Chain(new L2InitSpec { Lambda = 1.0 }), chain.Spec);
        var l2 = anchored.Train(chain).Losses;
        Assert.AreEqual(l2[0].MeanLoss, l2[0].MeanTotalLoss, "||theta_0 - theta_0||^2 = 0 at the first update");
        Assert.IsTrue(l2.Skip(1).All(l => l.MeanTotalLoss > l.MeanLoss), "later, lambda ||theta - theta_0||^2 > 0");
    }

    [TestMethod]
    public void PlasticityInjectionKeepsTheFunctionAndTheTargetNetworkTakesTheInjectedFunctionOverAtItsNextUpdate()
    {
        var options = Chain(new PlasticityInjectionSpec { HeadLayers = 2 }) with { Network = Chain().Network! with { HiddenWidths = [16, 16] } };
        using var chain = new ChainEnvironment(States);
        using var agent = Agent.Create(options, chain.Spec);
        static float[] Q(PlasticNetwork network)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return network.forward(eye(States).view(States, States, 1, 1)).data<float>().ToArray();
        }
        float[]? beforeInjection = null;
        var online = new Dictionary<int, float[]>();
        var target = new Dictionary<int, float[]>();
        var injections = new Dictionary<int, (int Online, int Target)>();
        agent.AddHook(new Recorder
        {
            TaskEnd = c => { if (c.TaskIndex == 0) beforeInjection = Q(agent.Online); },
            TaskStart = c =>
            {
                if (c.TaskIndex is not (1 or 2)) return;
                online[c.TaskIndex] = Q(agent.Online);
                target[c.TaskIndex] = Q(agent.Target);
                injections[c.TaskIndex] = (agent.Online.Injection?.Count ?? 0, agent.Target.Injection?.Count ?? 0);
            },
        });
        agent.Train(chain);

        // At the first target update (step 100) the target copies the online network, then the injection acts on the
        // online network alone and leaves its function as it was.
        Assert.AreEqual((1, 0), injections[1]);
        CollectionAssert.AreEqual(beforeInjection, online[1], "the injection keeps the online network's function");
        CollectionAssert.AreEqual(online[1], target[1], "the target holds the same function without the injection");
        // At the next update (step 200) the target takes over the injected function: frozen heads included.
        Assert.AreEqual((1, 1), injections[2]);
        CollectionAssert.AreNotEqual(online[1], online[2], "the online network trained in between");
        CollectionAssert.AreEqual(online[2], target[2], "the target computes the online network's function");
    }

    [TestMethod]
    public void AnAgentWithLayerNormStillFindsQStar()
    {
        var options = Chain() with
        {
            Network = Chain().Network! with { HiddenWidths = [32], Normalization = NormalizationKind.LayerNorm },
            Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 5e-3 },
            TotalSteps = 4000,
            LearningStarts = 200,
            EpsilonEnd = 0.3,
            EpsilonDecaySteps = 1000,
        };
        using var chain = new ChainEnvironment(States);
        using var agent = Agent.Create(options, chain.Spec);
        Assert.IsInstanceOfType<TorchSharp.Modules.LayerNorm>(agent.Online.HiddenLayers[0].Norm);
        agent.Train(chain);
        var observation = new byte[States];
        for (int s = 0; s < States - 1; s++)
        {
            TestEnvironments.OneHot(observation, s);
            var q = agent.QValues(observation);
            for (int a = 0; a < 2; a++) Assert.AreEqual(ChainEnvironment.OptimalQ(States, 0.9, s, a), q[a], 0.02, $"Q({s}, {a})");
        }
    }

    [TestMethod]
    public void TheProbeAndThePanelRunAtTheirIntervalOnReplayObservations()
    {
        var options = Chain() with
        {
            TotalSteps = 260,
            LearningStarts = 50,
            ProbeInterval = 100,
            Probe = new ProbeOptions { Targets = 2, Steps = 20, Inputs = 32, CurvePoints = 2 },
            Statistics = new StatisticsPanelOptions
            {
                ActivationSamples = 64, Loss = DiagnosticLossKind.Probe, CurvatureSamples = 16, HessianTopEigenvalue = false, HessianDensity = false,
                HessianTrace = false, GradientCovariance = false, Ntk = false,
            },
        };
        using var chain = new ChainEnvironment(States);
        using var agent = Agent.Create(options, chain.Spec);
        var sources = new List<object?>();
        agent.AddHook(new Recorder { ProbePoint = c => sources.Add(c.Observations) });
        var result = agent.Train(chain);
        CollectionAssert.AreEqual(new long[] { 50, 150, 250, 260 }, result.ProbePoints.Select(p => p.GlobalStep).ToArray());
        Assert.IsTrue(sources.All(s => ReferenceEquals(s, agent.Replay)), "the panel samples the replay buffer");
        foreach (var point in result.ProbePoints)
        {
            Assert.IsTrue(point.Probe is { MeanLoss: >= 0 } && double.IsFinite(point.Probe.MeanLoss), $"probe at {point.GlobalStep}");
            foreach (var name in new[] { "deadFraction", "dormantFraction.tau0.1", "weightNorm", "featureSrank", "gradientNorm" })
                Assert.IsTrue(point.Statistics.TryGetValue(name, out double value) && double.IsFinite(value), $"{name} at {point.GlobalStep}");
        }
        Assert.AreEqual(0, result.ProbePoints[0].TaskIndex, "the first point is the network before any update");
        Assert.AreEqual(2, result.ProbePoints[2].TaskIndex, "target updates at 100 and 200");
    }
}
