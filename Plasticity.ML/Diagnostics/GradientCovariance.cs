using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// The interference matrix C_k (PAPER.md §4.1-4.2): per-example gradients of a <see cref="DiagnosticObjective"/>,
/// each normalized to unit length, then G G'. One backward pass per example, so it works for any architecture.
/// </summary>
public static class GradientCovariance
{
    /// <summary>The default number of examples k (PAPER.md §8.4).</summary>
    public const int DefaultSamples = 256;

    /// <summary>C_k over <paramref name="samples"/> examples of <paramref name="objective"/> (a seeded subset when it has more).</summary>
    public static GradientCovarianceResult Measure(DiagnosticObjective objective, int samples = DefaultSamples, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (samples <= 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "Need at least one sample.");
        var rows = ChooseRows(objective.Count, samples, seed);
        var parameters = objective.Parameters.Cast<Tensor>().ToArray();
        long dimension = ParameterVector.Dimension(parameters);
        using var scope = NewDisposeScope();
        // float32 rows: k x P floats is the memory cost (about 280 MB for k = 256 on the default MLP).
        var g = zeros(rows.Length, dimension, dtype: ScalarType.Float32);
        for (int i = 0; i < rows.Length; i++)
        {
            using var step = NewDisposeScope();
            var loss = objective.ExampleLoss(rows[i]);
            var grads = autograd.grad([loss], parameters, null, false, false, true);
            using var noGrad = no_grad();
            var flat = ParameterVector.Flatten(grads.Select(t => (Tensor?)t).ToArray(), parameters);
            g[i].copy_(flat.to_type(ScalarType.Float32));
        }
        var result = FromGradients(g);
        return result with { Rows = rows };
    }

    /// <summary>C_k of given gradient rows <c>[k, P]</c> (any float type); rows are normalized here.</summary>
    public static GradientCovarianceResult FromGradients(Tensor gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (gradients.dim() != 2) throw new ArgumentException("Gradients must be a [k, P] matrix.", nameof(gradients));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // The k x k product is the expensive part (k^2 P); it runs in the gradients' own precision (float32 for a
        // network), while norms are taken in float64.
        var g = gradients;
        if (!g.isfinite().all().item<bool>()) throw new ArithmeticException("A per-example gradient is NaN or infinite.");
        var norms = g.to_type(ScalarType.Float64).norm(1, keepdim: true);
        int zero = (int)norms.eq(0).sum().item<long>();
        var unit = g / norms.clamp_min(double.Epsilon).to_type(g.dtype);
        var matrix = GramSpectrum.ToArray(unit.matmul(unit.t()));
        var (mean, negative) = GramSpectrum.OffDiagonal(matrix);
        return new GradientCovarianceResult
        {
            Matrix = matrix,
            Rows = Enumerable.Range(0, matrix.Length).ToArray(),
            MeanOffDiagonal = mean,
            FractionNegative = negative,
            EffectiveRank = GramSpectrum.EffectiveRank(GramSpectrum.Eigenvalues(matrix)),
            ZeroGradients = zero,
        };
    }

    /// <summary>All rows when there are at most <paramref name="samples"/>, else a seeded subset in ascending order.</summary>
    internal static int[] ChooseRows(int count, int samples, long seed)
    {
        if (count <= samples) return Enumerable.Range(0, count).ToArray();
        return SeedSequence.CreateRandom(seed, "diagnostic-rows").Permutation(count).Take(samples).Order().ToArray();
    }
}
