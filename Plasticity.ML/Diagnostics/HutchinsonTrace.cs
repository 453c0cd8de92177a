using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>The outcome of <see cref="HutchinsonTrace.Estimate"/>: the mean of z'Hz and its standard error.</summary>
/// <param name="Trace">The estimate of tr(H).</param>
/// <param name="StandardError">Standard error of the mean over probes (NaN for one probe).</param>
/// <param name="Probes">Number of Rademacher probes.</param>
public sealed record TraceEstimate(double Trace, double StandardError, int Probes);

/// <summary>
/// Hutchinson's estimator of the Hessian trace: E[z' H z] = tr(H) for Rademacher z. It is exact for a diagonal
/// Hessian (z_i^2 = 1) and unbiased in general.
/// </summary>
public static class HutchinsonTrace
{
    /// <summary>Estimates tr(H) with <paramref name="probes"/> Rademacher vectors drawn from <paramref name="seed"/>.</summary>
    public static TraceEstimate Estimate(HessianOperator hessian, long seed, int probes = 10)
    {
        ArgumentNullException.ThrowIfNull(hessian);
        if (probes <= 0) throw new ArgumentOutOfRangeException(nameof(probes), probes, "Need at least one probe.");
        var random = SeedSequence.CreateRandom(seed, "hessian-hutchinson");
        var samples = new double[probes];
        for (int i = 0; i < probes; i++)
        {
            using var scope = NewDisposeScope();
            var z = ParameterVector.Rademacher(random, hessian.Dimension, hessian.DType, hessian.Device);
            samples[i] = (hessian.Apply(z) * z).sum().to_type(ScalarType.Float64).item<double>();
            if (!double.IsFinite(samples[i])) throw new ArithmeticException("A Hessian-vector product was not finite.");
        }
        double mean = samples.Average();
        double se = probes < 2 ? double.NaN : Math.Sqrt(samples.Sum(s => (s - mean) * (s - mean)) / (probes - 1) / probes);
        return new TraceEstimate(mean, se, probes);
    }
}
