using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using TorchSharp;
using TorchSharp.Modules;
using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Diagnostics;

[TestClass]
public sealed class HessianTests
{
    private static readonly double[] Eigenvalues = [7, 3, 1, -2, 0.5];

    /// <summary>L(theta) = 0.5 theta' A theta + b' theta in float64: its Hessian is A everywhere.</summary>
    private sealed class Quadratic : IDisposable
    {
        public Quadratic(double[,] a)
        {
            int n = a.GetLength(0);
            A = TensorComparisons.Shaped(a.Cast<double>().ToArray(), n, n);
            B = tensor(Enumerable.Range(0, n).Select(i => 0.3 * i - 0.5).ToArray());
            Theta = new Parameter(tensor(Enumerable.Range(0, n).Select(i => Math.Sin(i + 1)).ToArray()));
        }

        public Tensor A { get; }
        public Tensor B { get; }
        public Parameter Theta { get; }
        public Tensor Loss()
        {
            using var scope = NewDisposeScope();
            return Theta.dot(A.matmul(Theta)).Times(0.5).Plus(B.dot(Theta)).MoveToOuterDisposeScope();
        }
        public HessianOperator Hessian() => new(Loss, [Theta]);
        public void Dispose() { A.Dispose(); B.Dispose(); Theta.Dispose(); }
    }

    [TestMethod]
    public void HessianVectorProductsOfAQuadraticEqualAv()
    {
        using var tensors = NewDisposeScope();
        using var q = new Quadratic(DiagnosticTestNetworks.WithEigenvalues(Eigenvalues, seed: 1));
        using var h = q.Hessian();
        using var v = tensor(new[] { 1.0, -2, 0.5, 3, -1 });
        using var hv = h.Apply(v);
        using var expected = q.A.matmul(v);
        Assert.AreEqual(0, (hv - expected).abs().max().item<double>(), 1e-12);
        using var expectedGradient = q.A.matmul(q.Theta).Plus(q.B);
        Assert.AreEqual(0, (h.Gradient - expectedGradient).abs().max().item<double>(), 1e-12);
    }

    [TestMethod]
    public void PowerIterationFindsTheDominantEigenvalue()
    {
        using var q = new Quadratic(DiagnosticTestNetworks.WithEigenvalues(Eigenvalues, seed: 2));
        using var h = q.Hessian();
        var result = PowerIteration.TopEigenvalue(h, seed: 3, maxIterations: 200, relativeTolerance: 1e-12);
        Assert.IsTrue(result.Converged);
        Assert.AreEqual(7.0, result.Eigenvalue, 1e-6);
    }

    [TestMethod]
    public void LanczosWithFullStepsRecoversEverySpectrumPoint()
    {
        using var q = new Quadratic(DiagnosticTestNetworks.WithEigenvalues(Eigenvalues, seed: 4));
        using var h = q.Hessian();
        var density = StochasticLanczosQuadrature.Estimate(h, seed: 5, steps: 5, probes: 2, gridPoints: 2000, bandwidthFraction: 0.01);
        var sorted = Eigenvalues.Order().ToArray();
        foreach (var (nodes, weights) in density.Nodes.Zip(density.Weights))
        {
            Assert.HasCount(5, nodes);
            for (int i = 0; i < 5; i++) Assert.AreEqual(sorted[i], nodes[i], 1e-9);
            Assert.AreEqual(1.0, weights.Sum(), 1e-9);
        }
        Assert.AreEqual(7.0, density.MaxEigenvalue, 1e-9);
        Assert.AreEqual(-2.0, density.MinEigenvalue, 1e-9);
        // The smoothed density is a probability density: it integrates to 1 over the grid.
        double dx = density.Grid[1] - density.Grid[0];
        Assert.AreEqual(1.0, density.Density.Sum() * dx, 1e-3);
    }

    [TestMethod]
    public void LanczosStopsWhenTheKrylovSpaceIsExhausted()
    {
        // A repeated eigenvalue: the Krylov space of a generic start vector has dimension 2, not 3.
        using var q = new Quadratic(DiagnosticTestNetworks.WithEigenvalues([4, 4, 1], seed: 6));
        using var h = q.Hessian();
        var density = StochasticLanczosQuadrature.Estimate(h, seed: 7, steps: 3);
        Assert.HasCount(2, density.Nodes[0]);
        Assert.AreEqual(1.0, density.Nodes[0][0], 1e-9);
        Assert.AreEqual(4.0, density.Nodes[0][1], 1e-9);
    }

    [TestMethod]
    public void HutchinsonIsExactForADiagonalHessian()
    {
        var a = new double[4, 4];
        double[] diagonal = [3, -1, 2.5, 0.25];
        for (int i = 0; i < 4; i++) a[i, i] = diagonal[i];
        using var q = new Quadratic(a);
        using var h = q.Hessian();
        var trace = HutchinsonTrace.Estimate(h, seed: 8, probes: 3);
        Assert.AreEqual(diagonal.Sum(), trace.Trace, 1e-12);
        Assert.AreEqual(0, trace.StandardError, 1e-12);
    }

    [TestMethod]
    public void HessianVectorProductsOfANetworkMatchFiniteDifferencesOfGradients()
    {
        using var tensors = NewDisposeScope();
        using var net = DiagnosticTestNetworks.Mlp(3, [5, 4], 2, ActivationKind.Tanh, seed: 9);
        net.to(ScalarType.Float64);
        var head = net.Spec.Head;
        var objective = new TrainingObjective(head, TargetKind.Regression, head.Outputs, LossKind.Mse);
        using var x = tensor(Enumerable.Range(0, 18).Select(i => Math.Sin(1.3 * i)).ToArray()).view(6, 3);
        using var y = tensor(Enumerable.Range(0, 12).Select(i => Math.Cos(0.9 * i)).ToArray()).view(6, 2);
        using var diagnostic = DiagnosticObjective.ForTraining(net, objective, x, y);
        double scale = AssertHessianMatchesFiniteDifferences(diagnostic, net.ParameterCount, seed: 10);
        Assert.IsGreaterThan(1e-3, scale);
    }

    [TestMethod]
    public void ProbeObjectiveHessianMatchesFiniteDifferencesToo()
    {
        using var tensors = NewDisposeScope();
        using var net = DiagnosticTestNetworks.Mlp(3, [4], 2, ActivationKind.Tanh, seed: 11);
        net.to(ScalarType.Float64);
        using var x = tensor(Enumerable.Range(0, 15).Select(i => Math.Sin(0.4 * i)).ToArray()).view(5, 3);
        using var diagnostic = DiagnosticObjective.ForProbe(net, x, seed: 12);
        // At the current parameters the residual is the noise: the loss is the mean squared norm of eps.
        Assert.IsGreaterThan(0, diagnostic.Loss().item<double>());
        AssertHessianMatchesFiniteDifferences(diagnostic, net.ParameterCount, seed: 13);
    }

    /// <summary>
    /// Checks H v against the central difference (g(theta + eps v) - g(theta - eps v)) / 2 eps in float64, for a random
    /// direction v; returns the scale of H v so callers can guard against a vacuous comparison.
    /// </summary>
    private static double AssertHessianMatchesFiniteDifferences(DiagnosticObjective diagnostic, long parameterCount, int seed)
    {
        var parameters = diagnostic.Parameters.Cast<Tensor>().ToArray();
        var random = new Random(seed);
        using var v = tensor(Enumerable.Range(0, (int)parameterCount).Select(_ => random.NextDouble() - 0.5).ToArray());
        Tensor hv;
        using (var h = diagnostic.Hessian()) hv = h.Apply(v);
        using (hv)
        {
            const double eps = 1e-5;
            using var plus = GradientAfterShift(diagnostic, parameters, v, eps);
            using var minus = GradientAfterShift(diagnostic, parameters, v, -eps);
            using var scope = NewDisposeScope();
            var finiteDifference = (plus - minus).DividedBy(2 * eps);
            double scale = finiteDifference.abs().max().item<double>();
            Assert.AreEqual(0, (hv - finiteDifference).abs().max().item<double>(), 1e-7 * Math.Max(1, scale));
            return scale;
        }
    }

    /// <summary>The flat gradient at theta + step * v; theta is restored afterwards.</summary>
    private static Tensor GradientAfterShift(DiagnosticObjective objective, Tensor[] parameters, Tensor v, double step)
    {
        var pieces = ParameterVector.Split(v, parameters);
        using var forward = step.ToScalar();
        using var back = (-step).ToScalar();
        using (no_grad()) for (int i = 0; i < parameters.Length; i++) parameters[i].add_(pieces[i], alpha: forward);
        try
        {
            using var h = objective.Hessian();
            using var gradient = h.Gradient;
            return gradient.clone();
        }
        finally
        {
            using (no_grad()) for (int i = 0; i < parameters.Length; i++) parameters[i].add_(pieces[i], alpha: back);
        }
    }
}
