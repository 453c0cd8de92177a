using Plasticity.ML.Common;
using Plasticity.ML.Data;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Diagnostics;

[TestClass]
public sealed class PlasticityProbeTests
{
    private static readonly NetworkSpec Spec = new()
    {
        InputShape = [20],
        HiddenWidths = [64, 64],
        Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 1 },
    };

    private static Tensor Inputs(int n, long seed)
    {
        var random = new Random((int)seed);
        return TensorComparisons.Shaped(Enumerable.Range(0, n * 20).Select(_ => (float)random.NextDouble()).ToArray(), n, 20);
    }

    [TestMethod]
    public void AFreshNetworkFitsTheProbeTargetsWithinBudget()
    {
        using var net = NetworkFactory.Create(Spec, seed: 1);
        using var x = Inputs(32, 1);
        var probe = new PlasticityProbe(new ProbeOptions { Targets = 2, Steps = 400, BatchSize = 32, Inputs = 0, CurvePoints = 4 });
        var result = probe.Measure(net, new OptimizerOptions { LearningRate = 3e-3 }, x, seed: 5);
        Assert.AreEqual(0.5, result.TargetVariance, 0.2, "sin of a huge argument has variance near 1/2.");
        Assert.IsLessThan(0.1 * result.TargetVariance, result.MeanLoss, "A fresh network memorizes 32 random targets.");
        CollectionAssert.AreEqual(new[] { 0, 100, 200, 300, 400 }, result.CurveSteps);
        Assert.IsGreaterThan(result.MeanCurve[^1] * 5, result.MeanCurve[0], "The probe curve falls.");
        Assert.AreEqual(result.MeanLoss, result.MeanCurve[^1], 1e-9);
        Assert.HasCount(2, result.TargetLosses);
    }

    [TestMethod]
    public void TheProbeLeavesTheNetworkAndItsOptimizerUntouched()
    {
        using var tensors = NewDisposeScope();
        using var net = NetworkFactory.Create(Spec with { Normalization = NormalizationKind.BatchNorm }, seed: 1);
        using var optimizer = OptimizerFactory.Create(new OptimizerOptions(), net.parameters());
        using var x = Inputs(16, 2);
        for (int i = 0; i < 3; i++)
        {
            optimizer.ZeroGrad();
            using var loss = net.forward(x).Squared().mean();
            loss.backward();
            optimizer.Step();
        }
        var parameters = net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var state = net.parameters().Select(p => optimizer.StateOf(p).ToDictionary(kv => kv.Key, kv => kv.Value.clone())).ToList();
        var grads = net.parameters().Select(p => p.grad!.clone()).ToList();
        long steps = optimizer.StepCount;

        var probe = new PlasticityProbe(new ProbeOptions { Targets = 2, Steps = 20, BatchSize = 8, Inputs = 0 });
        probe.Measure(net, optimizer.Options, x, seed: 3);

        Assert.IsTrue(net.training, "The training mode is restored.");
        foreach (var (name, value) in net.state_dict())
            Assert.IsTrue(value.SameValues(parameters[name]), $"{name} changed");
        var ps = net.parameters().ToList();
        for (int i = 0; i < ps.Count; i++)
        {
            Assert.IsTrue(ps[i].grad!.SameValues(grads[i]), "gradients changed");
            foreach (var (key, value) in optimizer.StateOf(ps[i]))
                Assert.IsTrue(value.SameValues(state[i][key]), $"optimizer state {key} changed");
        }
        Assert.AreEqual(steps, optimizer.StepCount);
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameProbeLoss()
    {
        using var net = NetworkFactory.Create(Spec, seed: 1);
        using var x = Inputs(16, 3);
        var probe = new PlasticityProbe(new ProbeOptions { Targets = 2, Steps = 30, BatchSize = 8, Inputs = 0 });
        var a = probe.Measure(net, new OptimizerOptions(), x, seed: 9);
        var b = probe.Measure(net, new OptimizerOptions(), x, seed: 9);
        CollectionAssert.AreEqual(a.TargetLosses, b.TargetLosses);
    }

    [TestMethod]
    public void TargetsAreOffsetByTheNetworksMeanPrediction()
    {
        // A network whose output is a constant 3 has a = 3, so the probe targets are centred on 3 and the
        // loss before any step is the target variance, not (3 - 0)^2.
        using var net = NetworkFactory.Create(Spec, seed: 1);
        using (no_grad())
        {
            net.OutputLayer.weight!.zero_();
            using var three = 3.0.ToScalar();
            net.OutputLayer.bias!.fill_(three);
        }
        using var x = Inputs(64, 4);
        var probe = new PlasticityProbe(new ProbeOptions { Targets = 1, Steps = 1, Inputs = 0, CurvePoints = 1 });
        var result = probe.Measure(net, new OptimizerOptions { LearningRate = 1e-9 }, x, seed: 1);
        Assert.AreEqual(result.TargetVariance, result.MeanCurve[0], 0.05);
    }

    [TestMethod]
    public void SineTargetsAreComputedInFloat64()
    {
        using var tensors = NewDisposeScope();
        var spec = Spec with { HiddenWidths = [8] };
        using var net = NetworkFactory.Create(spec, seed: 4);
        using var x = Inputs(50, 5);
        using var targets = SineTargets.Compute(net, x, 1e5, offset: 0.25);

        // Reference: the same network evaluated by hand in float64.
        using var x64 = x.to_type(ScalarType.Float64);
        var w1 = net.HiddenLayers[0].Weight.to_type(ScalarType.Float64);
        var b1 = net.HiddenLayers[0].Bias!.to_type(ScalarType.Float64);
        var w2 = net.OutputLayer.weight!.to_type(ScalarType.Float64);
        var b2 = net.OutputLayer.bias!.to_type(ScalarType.Float64);
        using var f = nn.functional.relu(x64.matmul(w1.t()).Plus(b1)).matmul(w2.t()).Plus(b2);
        using var expected = f.Times(1e5).sin().Plus(0.25);
        Assert.IsLessThan(1e-6, (targets.to_type(ScalarType.Float64) - expected).abs().max().item<double>());

        // In float32 the rounding of f, multiplied by 1e5, shifts the phase measurably (and grows with the size of
        // the network's outputs): far more than the float64 path's error.
        using var f32 = net.Predict(x);
        using var naive = f32.Times(1e5f).sin().Plus(0.25f);
        Assert.IsGreaterThan(1e-4, (naive - targets).abs().max().item<float>());
    }

    /// <summary>Its probe copy records the largest singular value of the copy's first layer after every step.</summary>
    private sealed class SpectrumRecorder : TrainingHook
    {
        public List<double> Sigmas { get; } = [];

        public override TrainingHook CreateProbeHook() => new Copy(Sigmas);

        private sealed class Copy(List<double> sigmas) : TrainingHook
        {
            public override void AfterStep(TrainingContext context) => sigmas.Add(LargestSingularValue(context.Network.HiddenLayers[0].Weight));
        }
    }

    [TestMethod]
    public void TheProbeOfASpectrallyNormalizedNetworkTrainsANormalizedCopy()
    {
        var spec = Spec with { HiddenWidths = [16] };
        using var net = NetworkFactory.Create(spec, seed: 2);
        using var optimizer = OptimizerFactory.Create(new OptimizerOptions(), net.parameters());
        var spectral = new Plasticity.ML.Interventions.SpectralNormHook(new SpectralNormSpec { Layer = 0, PowerIterations = 20 });
        var session = new TrainingSession(net, optimizer, [spectral], seed: 3);
        session.Start();
        using var x = Inputs(32, 6);
        var probe = new PlasticityProbe(new ProbeOptions { Targets = 1, Steps = 40, BatchSize = 16, Inputs = 0, CurvePoints = 0 });
        var probeOptimizer = new OptimizerOptions { LearningRate = 0.05 };

        var normalized = new SpectrumRecorder();
        var withHooks = probe.Measure(net, probeOptimizer, x, seed: 4, [.. session.Hooks, normalized]);
        Assert.HasCount(40, normalized.Sigmas);
        foreach (double sigma in normalized.Sigmas) Assert.AreEqual(1.0, sigma, 3e-2, "every step of the copy keeps sigma_max(W) = 1");

        var free = new SpectrumRecorder();
        var without = probe.Measure(net, probeOptimizer, x, seed: 4, [free]);
        Assert.IsGreaterThan(1.1, free.Sigmas.Max(), "without the parameterization the copy's weight leaves the unit sphere at this learning rate");
        Assert.AreNotEqual(without.MeanLoss, withHooks.MeanLoss);
        Assert.AreEqual(1.0, LargestSingularValue(net.HiddenLayers[0].Weight), 1e-2, "the network itself is untouched");
    }

    [TestMethod]
    public void TheProbeRanksADamagedNetworkAboveAFreshOne()
    {
        using var tensors = NewDisposeScope();
        using var x = Inputs(32, 7);
        var probe = new PlasticityProbe(new ProbeOptions { Targets = 1, Steps = 200, BatchSize = 32, Inputs = 0, CurvePoints = 0 });
        var adam = new OptimizerOptions { LearningRate = 1e-2 };
        var spec = Spec with { HiddenWidths = [32, 32] };
        using var fresh = NetworkFactory.Create(spec, seed: 1);
        double freshLoss = probe.Measure(fresh, adam, x, seed: 5).MeanLoss;

        // Dead units: every hidden ReLU but two per layer gets a bias far below any pre-activation these inputs reach.
        using var dead = NetworkFactory.Create(spec, seed: 1);
        using (no_grad())
        {
            using var deep = (-50.0).ToScalar();
            foreach (var layer in dead.HiddenLayers) layer.Bias!.narrow(0, 2, layer.Units - 2).fill_(deep);
        }
        Assert.IsGreaterThanOrEqualTo(60.0 / 64, UnitActivity.Measure(dead, x).DeadFraction, "at most two live units per layer");
        double deadLoss = probe.Measure(dead, adam, x, seed: 5).MeanLoss;

        // Saturated units: the last tanh layer's biases of 20 put every unit at tanh = 1 in float32 (slope exactly 0) on
        // every input, whatever the first layer sends (|w . h| <= 32 / sqrt(32) < 6 here).
        var tanhSpec = spec with { Activation = ActivationKind.Tanh };
        using var freshTanh = NetworkFactory.Create(tanhSpec, seed: 1);
        double freshTanhLoss = probe.Measure(freshTanh, adam, x, seed: 5).MeanLoss;
        using var saturated = NetworkFactory.Create(tanhSpec, seed: 1);
        using (no_grad())
        {
            using var twenty = 20.0.ToScalar();
            saturated.HiddenLayers[^1].Bias!.fill_(twenty);
        }
        double saturatedLoss = probe.Measure(saturated, adam, x, seed: 5).MeanLoss;

        Assert.IsLessThan(0.1, freshLoss, "a fresh network fits the probe");
        Assert.IsGreaterThan(freshLoss + 0.1, deadLoss, $"dead units: {deadLoss} vs fresh {freshLoss}");
        Assert.IsGreaterThan(freshTanhLoss + 0.1, saturatedLoss, $"saturated units: {saturatedLoss} vs fresh {freshTanhLoss}");
    }

    [TestMethod]
    public void WithPermutedInputsEveryProbePointUsesTheFirstTasksInputs()
    {
        var random = new Random(4);
        var pixels = Enumerable.Range(0, 40 * 16).Select(_ => (float)random.NextDouble()).ToArray();
        var data = new ImageDataset("synthetic", pixels, Enumerable.Range(0, 40).Select(i => i % 4).ToArray(), [4, 4], 4);
        var tasks = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.PermutedInputs, Tasks = 3, Seed = 1 }, data);
        var options = new ContinualTrainingOptions
        {
            Network = new NetworkSpec { InputShape = [16], HiddenWidths = [8], Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 4 } },
            BatchSize = 8,
            StepsPerTask = 5,
            Seed = 9,
            Probe = new ProbeOptions { Targets = 1, Steps = 10, BatchSize = 8, Inputs = 20, CurvePoints = 0 },
        };
        using var trainer = new ContinualTrainer(options);
        var result = trainer.Run(tasks);

        var probe = new PlasticityProbe(options.Probe);
        using var firstTask = data.InputsTensor();
        using var lastTask = tasks.CreateTask(2);
        long seed = SeedSequence.Derive(options.Seed, "probe");
        double onFirst = probe.Measure(trainer.Network, options.Optimizer, firstTask, seed).MeanLoss;
        double onLast = probe.Measure(trainer.Network, options.Optimizer, lastTask.Inputs, seed).MeanLoss;
        Assert.AreEqual(onFirst, result.Tasks[^1].ProbePoint!.Probe!.MeanLoss, 0.0, "the final point probes the first task's inputs");
        Assert.AreNotEqual(onLast, onFirst, "the last task's permuted inputs would give another number");
    }
}
