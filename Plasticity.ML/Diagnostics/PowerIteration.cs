using Plasticity.ML.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>The outcome of <see cref="PowerIteration.TopEigenvalue"/>.</summary>
/// <param name="Eigenvalue">The Rayleigh quotient v'Hv of the last unit iterate.</param>
/// <param name="Iterations">Hessian-vector products used.</param>
/// <param name="Converged">True when successive estimates agreed to the tolerance.</param>
public sealed record PowerIterationResult(double Eigenvalue, int Iterations, bool Converged);

/// <summary>
/// Sharpness (the top Hessian eigenvalue) by power iteration on Hessian-vector products (PAPER.md §4.2).
/// </summary>
/// <remarks>
/// Power iteration converges to the eigenvalue of largest <em>magnitude</em>. Near a minimum, or at the sharp
/// directions GD creates, that is the largest positive one (lambda_1 of PAPER.md §4.1); when a negative
/// eigenvalue dominates in magnitude, the result is that negative value, which the sign makes visible.
/// </remarks>
public static class PowerIteration
{
    /// <summary>Estimates the dominant eigenvalue of <paramref name="hessian"/>.</summary>
    /// <param name="hessian">The operator.</param>
    /// <param name="seed">Decides the start vector.</param>
    /// <param name="maxIterations">Upper bound on Hessian-vector products.</param>
    /// <param name="relativeTolerance">Stop when |lambda_t - lambda_{t-1}| &lt;= tolerance * |lambda_t|.</param>
    public static PowerIterationResult TopEigenvalue(HessianOperator hessian, long seed, int maxIterations = 20, double relativeTolerance = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(hessian);
        if (maxIterations <= 0) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "Need at least one iteration.");
        if (!(relativeTolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(relativeTolerance), relativeTolerance, "The tolerance must be >= 0.");
        using var scope = NewDisposeScope();
        var random = SeedSequence.CreateRandom(seed, "hessian-power");
        var v = ParameterVector.Gaussian(random, hessian.Dimension, hessian.DType, hessian.Device);
        v = v / v.norm();
        double previous = double.NaN, lambda = 0;
        for (int t = 1; t <= maxIterations; t++)
        {
            using var step = NewDisposeScope();
            var hv = hessian.Apply(v);
            lambda = (hv * v).sum().to_type(ScalarType.Float64).item<double>();
            double norm = hv.norm().to_type(ScalarType.Float64).item<double>();
            if (!double.IsFinite(lambda) || !double.IsFinite(norm)) throw new ArithmeticException("A Hessian-vector product was not finite.");
            if (norm == 0) return new PowerIterationResult(0, t, true);
            if (Math.Abs(lambda - previous) <= relativeTolerance * Math.Abs(lambda))
                return new PowerIterationResult(lambda, t, true);
            previous = lambda;
            using var divisor = norm.ToScalar();
            v = hv.div(divisor).MoveToOuterDisposeScope();
        }
        return new PowerIterationResult(lambda, maxIterations, false);
    }
}
