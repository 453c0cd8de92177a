using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Optimization;

[TestClass]
public sealed class TracTests
{
    private static readonly NetworkSpec Tiny = new()
    {
        InputShape = [3],
        HiddenWidths = [4],
        Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 1 },
    };

    [TestMethod]
    public void ErfiMatchesKnownValues()
    {
        Assert.AreEqual(0.0, Erfi.Evaluate(0));
        Assert.AreEqual(1.6504257587975428, Erfi.Evaluate(1), 1e-15);
        Assert.AreEqual(18.564802414575553, Erfi.Evaluate(2), 1e-12);
        Assert.AreEqual(1629.9946226015657, Erfi.Evaluate(3), 1e-9);
        Assert.AreEqual(-0.6149520946965110, Erfi.Evaluate(-0.5), 1e-15);
        Assert.AreEqual(double.PositiveInfinity, Erfi.Evaluate(30));
        Assert.IsTrue(double.IsNaN(Erfi.Evaluate(double.NaN)));
    }

    /// <summary>The paper's algorithm in float64 on plain arrays, with Adam as the base; gradients come from <paramref name="gradient"/>.</summary>
    private sealed class ReferenceTrac(double[] theta, OptimizerOptions adam, TracOptions trac)
    {
        private readonly double[] reference = (double[])theta.Clone();
        private readonly double[] delta = new double[theta.Length];
        private readonly double[] m = new double[theta.Length];
        private readonly double[] v = new double[theta.Length];
        private readonly double[] variance = new double[trac.Betas.Length];
        private readonly double[] sigma = Enumerable.Repeat(1e-8, trac.Betas.Length).ToArray();
        private readonly double[] s = new double[trac.Betas.Length];
        private int t;

        public double[] Theta { get; } = (double[])theta.Clone();

        public double Scale => Math.Max(s.Sum(), 0);

        public void Step(double[] g)
        {
            t++;
            double h = 0;
            for (int i = 0; i < g.Length; i++) h += g[i] * delta[i];
            double bias1 = 1 - Math.Pow(adam.Beta1, t), bias2 = 1 - Math.Pow(adam.Beta2, t);
            for (int i = 0; i < g.Length; i++)
            {
                m[i] = adam.Beta1 * m[i] + (1 - adam.Beta1) * g[i];
                v[i] = adam.Beta2 * v[i] + (1 - adam.Beta2) * g[i] * g[i];
                delta[i] -= adam.LearningRate * (m[i] / bias1) / (Math.Sqrt(v[i] / bias2) + adam.Epsilon);
            }
            double normalizer = trac.InitialScale / Erfi.Evaluate(1 / Math.Sqrt(2));
            for (int j = 0; j < trac.Betas.Length; j++)
            {
                double beta = trac.Betas[j];
                variance[j] = beta * beta * variance[j] + h * h;
                sigma[j] = beta * sigma[j] - h;
                s[j] = normalizer * Erfi.Evaluate(sigma[j] / (Math.Sqrt(2 * variance[j]) + trac.Epsilon));
            }
            for (int i = 0; i < Theta.Length; i++) Theta[i] = reference[i] + Scale * delta[i];
        }
    }

    private static double[] Flat(PlasticNetwork network) =>
        network.parameters().SelectMany(p => p.DoubleValues()).ToArray();

    private static double[] FlatGradient(PlasticNetwork network) =>
        network.parameters().SelectMany(p => p.grad!.DoubleValues()).ToArray();

    private static void Load(PlasticNetwork network, double[] values)
    {
        using var noGrad = no_grad();
        int offset = 0;
        foreach (var p in network.parameters())
        {
            int n = (int)p.numel();
            using var source = tensor(values.AsSpan(offset, n).ToArray(), p.shape, dtype: ScalarType.Float64);
            p.copy_(source);
            offset += n;
        }
    }

    [TestMethod]
    public void TheUpdateFollowsAFloat64ReferenceOfThePapersAlgorithm()
    {
        // A tiny regression whose gradients keep agreeing with Delta for a while, so the scale grows by orders of magnitude.
        using var network = NetworkFactory.Create(Tiny, seed: 3);
        network.to(ScalarType.Float64);
        using var probe = network.DeepCopy();
        using var x = tensor(new double[] { 0.5, -1, 0.25, 1, 0.5, -0.5, -0.3, 0.8, 0.1, 0.9, -0.7, 0.2 }, [4, 3]);
        using var y = tensor(new double[] { 1.5, -2, 0.7, 2.5 }, [4, 1]);
        var adam = new OptimizerOptions { LearningRate = 0.05 };
        var trac = new TracOptions();
        using var optimizer = OptimizerFactory.Create(adam with { Trac = trac }, network.parameters());
        Assert.IsInstanceOfType<TracOptimizer>(optimizer);
        var reference = new ReferenceTrac(Flat(network), adam, trac);

        double firstScale = double.NaN;
        for (int step = 1; step <= 60; step++)
        {
            using var scope = NewDisposeScope();
            // Reference gradient at the reference's own parameters, through an independent float64 copy of the network.
            Load(probe, reference.Theta);
            probe.zero_grad();
            nn.functional.mse_loss(probe.forward(x), y).backward();
            reference.Step(FlatGradient(probe));

            optimizer.ZeroGrad();
            nn.functional.mse_loss(network.forward(x), y).backward();
            optimizer.Step();

            var ours = Flat(network);
            for (int i = 0; i < ours.Length; i++)
                Assert.AreEqual(reference.Theta[i], ours[i], 1e-10 * (1 + Math.Abs(reference.Theta[i])), $"step {step}, parameter {i}");
            Assert.AreEqual(reference.Scale, ((TracOptimizer)optimizer).Scale, 1e-12 * (1 + reference.Scale), $"step {step}: scale");
            if (step == 1) firstScale = reference.Scale;
        }
        Assert.IsGreaterThan(1e3 * firstScale, reference.Scale, "the scale grew from s_init while the gradients agreed with Delta (the test exercises the tuners)");
    }

    [TestMethod]
    public void CoordinatesChangedByAnotherInterventionAreRecoveredFromTheParameters()
    {
        // SGD without momentum as the base: a zero gradient then leaves Delta exactly as the step found it.
        using var network = NetworkFactory.Create(Tiny, seed: 4);
        network.to(ScalarType.Float64);
        using var x = tensor(new double[] { 0.5, -1, 0.25, 1, 0.5, -0.5 }, [2, 3]);
        using var y = tensor(new double[] { 1.5, -2 }, [2, 1]);
        using var optimizer = (TracOptimizer)OptimizerFactory.Create(
            new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.05, Trac = new TracOptions() }, network.parameters());
        for (int step = 0; step < 5; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            nn.functional.mse_loss(network.forward(x), y).backward();
            optimizer.Step();
        }
        // Another intervention moves the output bias between steps.
        var bias = network.OutputLayer.bias!;
        using (no_grad())
        {
            using var shift = 0.25.ToScalar();
            using var one = 1.0.ToScalar();
            bias.add_(shift, one);
        }
        double scale = optimizer.Scales.Sum();
        double expected = (bias.data<double>()[0] - optimizer.Reference![^1].data<double>()[0]) / (scale + optimizer.Trac.Epsilon);
        var untouched = optimizer.Delta![0].clone();

        optimizer.ZeroGrad();
        optimizer.Step();

        Assert.AreEqual(expected, optimizer.Delta![^1].data<double>()[0], 1e-12 * Math.Abs(expected), "the changed bias's Delta is (theta - theta_ref) / (S + eps)");
        Assert.IsTrue(untouched.SameValues(optimizer.Delta![0]), "untouched coordinates keep TRAC's own Delta");
        untouched.Dispose();
    }

    [TestMethod]
    public void ExportedStateResumesTheSameTrajectory()
    {
        using var a = NetworkFactory.Create(Tiny, seed: 5);
        using var x = tensor(Enumerable.Range(0, 18).Select(i => (float)Math.Sin(0.7 * i)).ToArray(), [6, 3]);
        using var y = tensor(Enumerable.Range(0, 6).Select(i => (float)Math.Cos(1.3 * i)).ToArray(), [6, 1]);
        var options = new OptimizerOptions { LearningRate = 0.02, Trac = new TracOptions() };
        using var optimizerA = OptimizerFactory.Create(options, a.parameters());
        void Train(PlasticNetwork net, IPlasticOptimizer opt, int steps)
        {
            for (int i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                opt.ZeroGrad();
                nn.functional.mse_loss(net.forward(x), y).backward();
                opt.Step();
            }
        }
        Train(a, optimizerA, 7);
        var state = optimizerA.ExportState();
        CollectionAssert.IsSubsetOf(TracOptimizer.TunerEntries.ToArray(), state.Extra.Keys.ToArray());
        using var b = a.DeepCopy();
        using var optimizerB = OptimizerFactory.Create(options, b.parameters());
        optimizerB.ImportState(state);
        Train(a, optimizerA, 5);
        Train(b, optimizerB, 5);
        var pa = a.parameters().ToArray();
        var pb = b.parameters().ToArray();
        for (int i = 0; i < pa.Length; i++) Assert.IsTrue(pa[i].SameValues(pb[i]), $"parameter {i} after resuming");

        var bad = state with { Extra = new Dictionary<string, double[]>() };
        var error = Assert.ThrowsExactly<ArgumentException>(() => optimizerB.ImportState(bad));
        StringAssert.Contains(error.Message, "trac_s");
    }

    [TestMethod]
    public void BadSettingsAreRejectedNamingTheField()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new OptimizerOptions { Trac = new TracOptions { Betas = [0.9, 1.0] } }.Validate());
        StringAssert.Contains(error.Message, "Betas");
        error = Assert.ThrowsExactly<ArgumentException>(() => new TracOptions { InitialScale = 0 }.Validate());
        StringAssert.Contains(error.Message, "InitialScale");
    }
}
