using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Common;
using TorchSharp;
using static TorchSharp.torch;

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
        return tensor(Enumerable.Range(0, n * 20).Select(_ => (float)random.NextDouble()).ToArray()).reshape(n, 20);
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
}
