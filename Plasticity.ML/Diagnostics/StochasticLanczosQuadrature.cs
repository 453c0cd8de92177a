using MathNet.Numerics.LinearAlgebra;
using Plasticity.ML.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// The Hessian spectral density by stochastic Lanczos quadrature (Ghorbani et al. 2019; PyHessian), as used for the
/// ESD plots of PAPER.md §4.2: for each of k random unit probes, m Lanczos steps with full reorthogonalization give
/// a tridiagonal T; its eigenvalues are quadrature nodes and the squared first components of its eigenvectors are
/// their weights. The density is the average over probes of Gaussian kernels at the nodes.
/// </summary>
public static class StochasticLanczosQuadrature
{
    /// <summary>Runs SLQ.</summary>
    /// <param name="hessian">The operator.</param>
    /// <param name="seed">Decides the probe vectors.</param>
    /// <param name="steps">Lanczos steps m per probe (capped at the dimension).</param>
    /// <param name="probes">Number of probe vectors k.</param>
    /// <param name="gridPoints">Number of grid points of the smoothed density.</param>
    /// <param name="bandwidthFraction">Kernel standard deviation as a fraction of the node range (at least 1e-6 absolute).</param>
    public static HessianDensity Estimate(HessianOperator hessian, long seed, int steps = 30, int probes = 1, int gridPoints = 200, double bandwidthFraction = 0.01)
    {
        ArgumentNullException.ThrowIfNull(hessian);
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Need at least one Lanczos step.");
        if (probes <= 0) throw new ArgumentOutOfRangeException(nameof(probes), probes, "Need at least one probe.");
        if (gridPoints < 2) throw new ArgumentOutOfRangeException(nameof(gridPoints), gridPoints, "Need at least two grid points.");
        if (!(bandwidthFraction > 0)) throw new ArgumentOutOfRangeException(nameof(bandwidthFraction), bandwidthFraction, "The bandwidth must be positive.");
        int m = (int)Math.Min(steps, hessian.Dimension);
        var nodes = new double[probes][];
        var weights = new double[probes][];
        for (int p = 0; p < probes; p++)
        {
            var random = SeedSequence.CreateRandom(seed, "hessian-lanczos", p);
            var (alpha, beta) = Lanczos(hessian, random, m);
            (nodes[p], weights[p]) = Quadrature(alpha, beta);
        }

        double lo = nodes.SelectMany(n => n).Min(), hi = nodes.SelectMany(n => n).Max();
        double sigma = Math.Max(bandwidthFraction * (hi - lo), 1e-6 * Math.Max(1, Math.Max(Math.Abs(lo), Math.Abs(hi))));
        double from = lo - 5 * sigma, to = hi + 5 * sigma;
        var grid = Enumerable.Range(0, gridPoints).Select(i => from + (to - from) * i / (gridPoints - 1)).ToArray();
        var density = new double[gridPoints];
        double norm = 1 / (sigma * Math.Sqrt(2 * Math.PI) * probes);
        for (int p = 0; p < probes; p++)
            for (int j = 0; j < nodes[p].Length; j++)
                for (int g = 0; g < gridPoints; g++)
                {
                    double z = (grid[g] - nodes[p][j]) / sigma;
                    density[g] += weights[p][j] * Math.Exp(-0.5 * z * z) * norm;
                }
        return new HessianDensity { Nodes = nodes, Weights = weights, Grid = grid, Density = density, Bandwidth = sigma, Steps = m };
    }

    /// <summary>m Lanczos steps from a random unit vector; returns the diagonal and off-diagonal of T.</summary>
    private static (double[] Alpha, double[] Beta) Lanczos(HessianOperator hessian, Random random, int m)
    {
        using var scope = NewDisposeScope();
        var q = ParameterVector.Gaussian(random, hessian.Dimension, hessian.DType, hessian.Device);
        q = q / q.norm();
        var basis = new List<Tensor> { q };
        var alpha = new List<double>();
        var beta = new List<double>();
        for (int j = 0; j < m; j++)
        {
            // One scope per step keeps only the basis alive (m vectors), not every intermediate.
            using var step = NewDisposeScope();
            var w = hessian.Apply(basis[j]);
            double a = (w * basis[j]).sum().to_type(ScalarType.Float64).item<double>();
            if (!double.IsFinite(a)) throw new ArithmeticException("A Hessian-vector product was not finite.");
            alpha.Add(a);
            if (j == m - 1) break;
            // Full reorthogonalization (twice is enough) against every basis vector: without it float32 round-off
            // brings back converged Ritz values as spurious copies ("ghost" eigenvalues).
            for (int pass = 0; pass < 2; pass++)
                foreach (var b in basis)
                    w.sub_((w * b).sum() * b);
            double bnorm = w.norm().to_type(ScalarType.Float64).item<double>();
            // An exhausted Krylov space (an invariant subspace) means T is already exact.
            if (bnorm <= 1e-10 * Math.Max(1, alpha.Max(Math.Abs))) break;
            beta.Add(bnorm);
            using var divisor = bnorm.ToScalar();
            basis.Add(w.div_(divisor).MoveToOuterDisposeScope());
        }
        return (alpha.ToArray(), beta.ToArray());
    }

    /// <summary>Eigen-decomposition of the symmetric tridiagonal T (MathNet): nodes and first-component weights.</summary>
    internal static (double[] Nodes, double[] Weights) Quadrature(double[] alpha, double[] beta)
    {
        int k = alpha.Length;
        var t = Matrix<double>.Build.Dense(k, k);
        for (int i = 0; i < k; i++)
        {
            t[i, i] = alpha[i];
            if (i + 1 < k)
            {
                t[i, i + 1] = beta[i];
                t[i + 1, i] = beta[i];
            }
        }
        var evd = t.Evd(Symmetricity.Symmetric);
        var values = evd.EigenValues.Select(c => c.Real).ToArray();
        var vectors = evd.EigenVectors;
        var order = Enumerable.Range(0, k).OrderBy(i => values[i]).ToArray();
        return (order.Select(i => values[i]).ToArray(), order.Select(i => vectors[0, i] * vectors[0, i]).ToArray());
    }
}
