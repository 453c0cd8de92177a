using Plasticity.ML.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// The interference matrix C_k (PAPER.md §4.1-4.2): per-example gradients of a <see cref="DiagnosticObjective"/>,
/// each normalized to unit length, then G G'.
/// </summary>
/// <remarks>
/// Networks built by <see cref="Networks.NetworkFactory"/> get the Gram matrix of the per-example gradients from one
/// batched forward and backward pass (<see cref="AffineGradientGram"/>) whenever examples do not interact, i.e. in
/// evaluation mode (the <see cref="StatisticsPanel"/> switches to it); a BatchNorm network in training mode gets one
/// backward pass per example. Both give the same matrix.
/// </remarks>
public static class GradientCovariance
{
    /// <summary>Static, so never finalized while libtorch reads it (see <see cref="Scalars"/>).</summary>
    private static readonly Scalar SmallestNorm = double.Epsilon.ToScalar();

    /// <summary>The default number of examples k (PAPER.md §8.4).</summary>
    public const int DefaultSamples = 256;

    /// <summary>C_k over <paramref name="samples"/> examples of <paramref name="objective"/> (a seeded subset when it has more).</summary>
    public static GradientCovarianceResult Measure(DiagnosticObjective objective, int samples = DefaultSamples, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (samples <= 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "Need at least one sample.");
        var rows = ChooseRows(objective.Count, samples, seed);
        var result = AffineGradientGram.Supports(objective.Network) ? MeasureBatched(objective, rows) : MeasureByExample(objective, rows);
        return result with { Rows = rows };
    }

    /// <summary>C_k from the gradient Gram matrix of one batched pass (see <see cref="AffineGradientGram"/>).</summary>
    internal static GradientCovarianceResult MeasureBatched(DiagnosticObjective objective, int[] rows)
    {
        using var scope = NewDisposeScope();
        using var index = tensor(rows.Select(r => (long)r).ToArray());
        var x = objective.Inputs.index_select(0, index);
        var y = objective.Targets.index_select(0, index);
        // The loss is the mean over rows, so n times it is the sum of the example losses.
        using var count = rows.Length.ToScalar();
        var gram = AffineGradientGram.Compute(objective.Network, x, raw => [objective.LossOfOutput(raw, y).mul(count)]);
        if (!gram.isfinite().all().item<bool>()) throw new ArithmeticException("A per-example gradient is NaN or infinite.");
        return FromGram(GramSpectrum.ToArray(gram));
    }

    /// <summary>C_k from one backward pass per example: any architecture.</summary>
    internal static GradientCovarianceResult MeasureByExample(DiagnosticObjective objective, int[] rows)
    {
        var parameters = objective.Parameters.Cast<Tensor>().ToArray();
        long dimension = ParameterVector.Dimension(parameters);
        using var scope = NewDisposeScope();
        // Rows in the parameters' precision: k x P floats is the memory cost (about 280 MB for k = 256 on the default MLP).
        var g = zeros(rows.Length, dimension, dtype: parameters[0].dtype);
        for (int i = 0; i < rows.Length; i++)
        {
            using var step = NewDisposeScope();
            var loss = objective.ExampleLoss(rows[i]);
            var grads = autograd.grad([loss], parameters, null, false, false, true);
            using var noGrad = no_grad();
            var flat = ParameterVector.Flatten(grads.Select(t => (Tensor?)t).ToArray(), parameters);
            g[i].copy_(flat);
        }
        return FromGradients(g);
    }

    /// <summary>
    /// C_k from the Gram matrix <c>K_ij = &lt;g_i, g_j&gt;</c> of raw (unnormalized) gradients:
    /// <c>K_ij / sqrt(K_ii K_jj)</c>, with zero rows for zero gradients.
    /// </summary>
    public static GradientCovarianceResult FromGram(double[][] gram)
    {
        ArgumentNullException.ThrowIfNull(gram);
        int k = gram.Length;
        if (k == 0 || gram.Any(r => r is null || r.Length != k)) throw new ArgumentException("The Gram matrix must be square and non-empty.", nameof(gram));
        if (gram.Any(r => r.Any(v => !double.IsFinite(v)))) throw new ArithmeticException("A per-example gradient is NaN or infinite.");
        var norms = Enumerable.Range(0, k).Select(i => Math.Sqrt(Math.Max(gram[i][i], 0))).ToArray();
        var matrix = new double[k][];
        for (int i = 0; i < k; i++)
        {
            matrix[i] = new double[k];
            for (int j = 0; j < k; j++)
                matrix[i][j] = norms[i] > 0 && norms[j] > 0 ? Math.Clamp(gram[i][j] / (norms[i] * norms[j]), -1, 1) : 0;
        }
        return Summarize(matrix, norms.Count(v => v == 0));
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
        int zero = (int)norms.eq(Scalars.Zero).sum().item<long>();
        var unit = g / norms.clamp_min(SmallestNorm).to_type(g.dtype);
        return Summarize(GramSpectrum.ToArray(unit.matmul(unit.t())), zero);
    }

    private static GradientCovarianceResult Summarize(double[][] matrix, int zero)
    {
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
