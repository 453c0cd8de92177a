using Plasticity.ML.Common;
using Plasticity.ML.Data;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Interventions;
using Plasticity.ML.Interventions.Churn;
using Plasticity.ML.Interventions.Parameterization;
using Plasticity.ML.Interventions.Resets;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Training;

[TestClass]
public sealed class TrainingSessionTests
{
    private static readonly ImageDataset Data = SyntheticImages();

    /// <summary>Records the order in which the protocol calls a hook.</summary>
    private sealed class OrderRecorder(List<string> calls) : TrainingHook
    {
        public override void OnTrainingStart(TrainingContext context) => calls.Add("start");

        public override void OnTaskStart(TrainingContext context) => calls.Add($"task-start {context.TaskIndex}");

        public override Tensor? AdditionalLoss(TrainingContext context)
        {
            calls.Add($"extra {context.StepInTask}");
            return null;
        }

        public override void AfterBackward(TrainingContext context) => calls.Add($"after-backward {context.StepInTask}");

        public override void AfterStep(TrainingContext context) => calls.Add($"after-step {context.StepInTask} {context.GlobalStep}");

        public override void OnTaskEnd(TrainingContext context) => calls.Add($"task-end {context.TaskIndex}");
    }

    /// <summary>Adds c * sum(output bias) to the loss: its gradient on the bias is exactly c.</summary>
    private sealed class BiasPenalty(double c) : TrainingHook
    {
        public override Tensor? AdditionalLoss(TrainingContext context)
        {
            using var scale = c.ToScalar();
            using var sum = context.Network.OutputLayer.bias!.sum();
            return sum.mul(scale);
        }
    }

    private static ImageDataset SyntheticImages()
    {
        var random = new Random(7);
        var pixels = Enumerable.Range(0, 48 * 16).Select(_ => (float)random.NextDouble()).ToArray();
        return new ImageDataset("synthetic", pixels, Enumerable.Range(0, 48).Select(i => i % 4).ToArray(), [4, 4], 4);
    }

    private static ContinualTrainingOptions Options(InterventionSpec? intervention, OptimizerOptions? optimizer = null) => new()
    {
        Network = new NetworkSpec { InputShape = [16], HiddenWidths = [6, 5], Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 4 } },
        Optimizer = optimizer ?? new OptimizerOptions { LearningRate = 1e-2 },
        BatchSize = 8,
        StepsPerTask = 6,
        Seed = 21,
        Interventions = intervention is null ? [] : [intervention],
    };

    private static TaskSequence Tasks() =>
        TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.RandomLabels, Tasks = 3, Seed = 5 }, Data);

    /// <summary>
    /// A loop written by hand (not the continual trainer): the same batches as the trainer draws, through a
    /// <see cref="TrainingSession"/>, with observations that are not a supervised task.
    /// </summary>
    private static Tensor[] HandWrittenLoop(ContinualTrainingOptions options)
    {
        var tasks = Tasks();
        using var network = NetworkFactory.Create(options.Network, SeedSequence.Derive(options.Seed, "network"));
        using var optimizer = OptimizerFactory.Create(options.Optimizer, network.parameters());
        var session = new TrainingSession(network, optimizer, options.Interventions.Select(i => i.CreateHook()), options.Seed);
        var objective = new TrainingObjective(options.Network.Head, tasks.TargetKind, tasks.OutputCount, LossKind.Auto);
        var batches = RandomStream.For(options.Seed, "batches");
        session.Start();
        for (int t = 0; t < tasks.TaskCount; t++)
        {
            using var task = tasks.CreateTask(t);
            using var targets = objective.PrepareTargets(task.Targets);
            session.BeginTask(t, new FixedObservations(task.Inputs));
            network.train();
            for (int step = 0; step < options.StepsPerTask; step++)
            {
                using var scope = NewDisposeScope();
                var indices = Enumerable.Range(0, options.BatchSize).Select(_ => (long)batches.Next(task.Count)).ToArray();
                using var index = tensor(indices);
                var x = task.Inputs.index_select(0, index);
                var y = targets.index_select(0, index);
                session.Step(x, () => objective.ComputeLoss(network.forward(x), y));
            }
            session.EndTask();
        }
        return Snapshot(network);
    }

    private static Tensor[] TrainerRun(ContinualTrainingOptions options)
    {
        using var trainer = new ContinualTrainer(options);
        trainer.Run(Tasks());
        return Snapshot(trainer.Network);
    }

    public static IEnumerable<object[]> EveryIntervention =>
    [
        [new ResetSpec { Layers = 2 }],
        [new OptimizerStateResetSpec()],
        [new ShrinkPerturbSpec { Lambda = 0.5, Sigma = 0.1 }],
        [new ReDoSpec { Tau = 0.5, Samples = 16, Timing = InterventionTiming.Every(4) }],
        [new ContinualBackpropSpec { ReplacementRate = 0.2, MaturityThreshold = 2, Timing = InterventionTiming.EveryStep }],
        [new L2InitSpec { Lambda = 0.5 }],
        [new WeightDecaySpec { Coefficient = 0.5, Mode = WeightDecayMode.Coupled }],
        [new WeightDecaySpec { Coefficient = 0.5, Mode = WeightDecayMode.Decoupled }],
        [new SamSpec { Rho = 0.5 }],
        [new SpectralNormSpec { Layer = 0 }],
        [new RandomWalkSpec()],
        [new WeightClippingSpec { Kappa = 0.5 }],
        [new NormalizeAndProjectSpec()],
        [new ParsevalRegularizationSpec { Lambda = 0.5 }],
        [new PlasticityInjectionSpec { HeadLayers = 2 }],
        [LayerResetSpec.Bbf(headLayers: 2)],
        [new HareTortoiseSpec { Momentum = 0.5 }],
        [new ChurnReductionSpec { ReferenceBatch = 8 }],
    ];

    [TestMethod]
    [DynamicData(nameof(EveryIntervention))]
    public void EveryInterventionActsInAHandWrittenLoopExactlyAsInTheContinualTrainer(InterventionSpec intervention)
    {
        var options = Options(intervention);
        var handWritten = HandWrittenLoop(options);
        var trainer = TrainerRun(options);
        var without = HandWrittenLoop(Options(null));
        double effect = 0;
        for (int i = 0; i < handWritten.Length; i++)
        {
            AssertClose(trainer[i], handWritten[i], 0, $"{intervention.DisplayName}: parameter {i}");
            effect = Math.Max(effect, MaxAbsDifference(without[i], handWritten[i]));
        }
        Assert.IsGreaterThan(1e-4, effect, $"{intervention.DisplayName} must change the weights in the hand-written loop for the comparison to mean anything.");
    }

    [TestMethod]
    public void TracActsInAHandWrittenLoopExactlyAsInTheContinualTrainer()
    {
        var trac = new OptimizerOptions { LearningRate = 1e-2, Trac = new TracOptions() };
        var options = Options(null, trac);
        var handWritten = HandWrittenLoop(options);
        var trainer = TrainerRun(options);
        var without = HandWrittenLoop(Options(null));
        double effect = 0;
        for (int i = 0; i < handWritten.Length; i++)
        {
            AssertClose(trainer[i], handWritten[i], 0, $"TRAC: parameter {i}");
            effect = Math.Max(effect, MaxAbsDifference(without[i], handWritten[i]));
        }
        Assert.IsGreaterThan(1e-4, effect, "TRAC must change the weights for the comparison to mean anything.");
    }

    [TestMethod]
    public void HooksAreCalledInProtocolOrderWithTheCountersOfTheStep()
    {
        using var tensors = NewDisposeScope();
        var calls = new List<string>();
        using var network = Mlp(3, [4], 1, seed: 2);
        using var optimizer = Adam(network);
        var session = new TrainingSession(network, optimizer, [new OrderRecorder(calls)], seed: 1);
        using var x = Uniform(5, 3, seed: 1);
        session.Start();
        session.BeginTask(0, null);
        session.Step(x, () => network.forward(x).mean());
        session.Step(x, () => network.forward(x).mean());
        session.EndTask();
        session.BeginTask(1, null);
        session.Step(x, () => network.forward(x).mean());
        CollectionAssert.AreEqual(new[]
        {
            "start", "task-start 0",
            "extra 0", "after-backward 0", "after-step 1 1",
            "extra 1", "after-backward 1", "after-step 2 2",
            "task-end 0", "task-start 1",
            "extra 0", "after-backward 0", "after-step 1 3",
        }, calls);
    }

    [TestMethod]
    public void ExtraLossTermsAreDifferentiatedWithTheLearnersLoss()
    {
        using var tensors = NewDisposeScope();
        const double c = 0.75, learningRate = 0.1;
        using var network = Mlp(3, [4], 2, seed: 3);
        using var optimizer = OptimizerFactory.Create(new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = learningRate }, network.parameters());
        var session = new TrainingSession(network, optimizer, [new BiasPenalty(c)], seed: 1);
        using var x = Uniform(5, 3, seed: 2);
        var bias = network.OutputLayer.bias!.detach().clone();
        // The learner's loss does not depend on the bias (its gradient there is 0), so the step is -lr * c exactly.
        var outcome = session.Step(x, () => network.HiddenLayers[0].Weight.sum() * network.HiddenLayers[0].Weight.sum());
        using var step = (learningRate * c).ToScalar();
        using var expected = bias.sub(step);
        AssertClose(expected, network.OutputLayer.bias!, 1e-7, "output bias after one SGD step");
        double penalty = c * bias.sum().item<float>();
        Assert.AreEqual(outcome.Loss + penalty, outcome.TotalLoss, 1e-5);
    }

    [TestMethod]
    public void ANonFiniteLossIsRefusedBeforeAnyWeightMoves()
    {
        using var tensors = NewDisposeScope();
        using var network = Mlp(3, [4], 1, seed: 4);
        using var optimizer = Adam(network);
        var session = new TrainingSession(network, optimizer, [], seed: 1);
        using var x = Uniform(5, 3, seed: 3);
        session.BeginTask(2, null);
        session.Step(x, () => network.forward(x).mean());
        var before = Snapshot(network);
        var e = Assert.ThrowsExactly<NonFiniteLossException>(() => session.Step(x, () => network.forward(x).mean() / zeros(1).sum()));
        Assert.AreEqual(2, e.TaskIndex);
        Assert.AreEqual(2, e.StepInTask);
        Assert.AreEqual(2L, e.GlobalStep);
        StringAssert.Contains(e.Message, "at task 2, step 2");
        var after = Snapshot(network);
        for (int i = 0; i < before.Length; i++) AssertClose(before[i], after[i], 0, $"parameter {i}");
        Assert.AreEqual(1L, session.Context.GlobalStep, "the refused step is not counted");
        Assert.ThrowsExactly<InvalidOperationException>(() => session.Context.ComputeBatchLoss(), "no step is running after it");
    }

    [TestMethod]
    public void AStepWithAGradientByHandMovesTheWeightsAsAutogradsAndIsRefusedWhenNotFinite()
    {
        using var tensors = NewDisposeScope();
        using var x = Uniform(5, 3, seed: 3);
        using var first = Mlp(3, [4], 1, seed: 4);
        using var second = Mlp(3, [4], 1, seed: 4);
        using var firstOptimizer = Adam(first);
        using var secondOptimizer = Adam(second);
        // Both with an intervention's loss term, which autograd adds to the gradient given by hand.
        var byAutograd = new TrainingSession(first, firstOptimizer, [new L2InitSpec { Lambda = 0.3 }.CreateHook()], seed: 1);
        var byHand = new TrainingSession(second, secondOptimizer, [new L2InitSpec { Lambda = 0.3 }.CreateHook()], seed: 1);
        foreach (var session in new[] { byAutograd, byHand })
        {
            session.Start();
            session.BeginTask(0, null);
        }
        for (int step = 0; step < 3; step++)
        {
            var expected = byAutograd.Step(x, () => first.forward(x).mean());
            // The same loss, its gradient added by hand through a second autograd pass the session does not see.
            var actual = byHand.Step(x, () => second.forward(x).mean(), () =>
            {
                using var loss = second.forward(x).mean();
                loss.backward();
                return loss.item<float>();
            });
            Assert.AreEqual(expected.Loss, actual.Loss, 1e-6);
            Assert.AreEqual(expected.TotalLoss, actual.TotalLoss, 1e-6, "the intervention's term is added");
        }
        var a = Snapshot(first);
        var b = Snapshot(second);
        for (int i = 0; i < a.Length; i++) AssertClose(a[i], b[i], 1e-6, $"parameter {i}");

        var before = Snapshot(second);
        Assert.ThrowsExactly<NonFiniteLossException>(() => byHand.Step(x, () => second.forward(x).mean(), () => double.NaN));
        var after = Snapshot(second);
        for (int i = 0; i < before.Length; i++) AssertClose(before[i], after[i], 0, $"parameter {i} after a refused step");
    }

    [TestMethod]
    public void TheStatisticsPanelRunsOnObservationsThatAreNotATask()
    {
        using var network = Mlp(16, [8], 3, seed: 5);
        using var optimizer = Adam(network);
        var panelOptions = new StatisticsPanelOptions
        {
            Loss = DiagnosticLossKind.Probe, ActivationSamples = 32, CurvatureSamples = 16, PowerIterations = 3, LanczosSteps = 4,
            TraceProbes = 2, CovarianceSamples = 8, NtkSamples = 4,
        };
        var hook = new StatisticsPanelHook(panelOptions, sampledObservations: 40);
        var session = new TrainingSession(network, optimizer, [hook], seed: 9);
        using var inputs = Data.InputsTensor();
        session.UseObservations(new FixedObservations(inputs));
        var record = new ProbePointRecord();
        session.RecordProbePoint(record);
        foreach (var name in new[] { "deadFraction", "featureSrank", "gradientNorm", "hessianTopEigenvalue", "gradientCovarianceEffectiveRank", "ntkEffectiveRank" })
            Assert.IsTrue(record.Statistics.TryGetValue(name, out var value) && double.IsFinite(value), $"{name} is recorded and finite");

        var training = new StatisticsPanelHook(panelOptions with { Loss = DiagnosticLossKind.Training });
        var trainingSession = new TrainingSession(network, optimizer, [training], seed: 9);
        trainingSession.UseObservations(new FixedObservations(inputs));
        var error = Assert.ThrowsExactly<ArgumentException>(() => trainingSession.RecordProbePoint(new ProbePointRecord()));
        StringAssert.Contains(error.Message, "DiagnosticLossKind.Probe");
    }
}
