using Plasticity.ML.Common;
using MathNet.Numerics.LinearAlgebra;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Rank measures of a matrix from its singular values (computed in float64 by MathNet.Numerics):
/// numerical rank, srank_delta (Kumar et al. 2021, PAPER.md §3) and effective rank (exp entropy, PAPER.md §7.2).
/// </summary>
public static class SpectralRank
{
    /// <summary>The delta of srank used throughout (PAPER.md §8.4: srank with delta = 0.01, i.e. 99% of the mass).</summary>
    public const double DefaultDelta = 0.01;

    /// <summary>The singular values of a 2-D tensor (any float type), largest first, in float64.</summary>
    public static double[] SingularValues(Tensor matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.dim() != 2) throw new ArgumentException($"Expected a 2-D matrix; got shape [{string.Join(", ", matrix.shape)}].", nameof(matrix));
        int rows = (int)matrix.shape[0], cols = (int)matrix.shape[1];
        if (rows == 0 || cols == 0) return [];
        double[] values;
        using (var cpu = matrix.ToCpuFloat64())
            values = cpu.data<double>().ToArray();
        if (values.Any(v => !double.IsFinite(v))) throw new ArgumentException("The matrix contains NaN or infinite entries.", nameof(matrix));
        // float64 keeps the small singular values meaningful; vectors are not needed, which keeps it O(rows*cols*min).
        var m = Matrix<double>.Build.Dense(rows, cols, (i, j) => values[i * cols + j]);
        var singular = m.Svd(computeVectors: false).S.ToArray();
        return singular.Select(Math.Abs).OrderByDescending(s => s).ToArray();
    }

    /// <summary>
    /// Number of singular values above <c>tolerance * max(rows, cols) * sigma_max</c>. The default tolerance is
    /// float32 machine epsilon, because network tensors are float32 (the same rule as numpy's matrix_rank).
    /// </summary>
    public static int NumericalRank(IReadOnlyList<double> singularValues, int rows, int cols, double tolerance = 1.1920929e-7)
    {
        ArgumentNullException.ThrowIfNull(singularValues);
        if (singularValues.Count == 0) return 0;
        double top = singularValues.Max();
        if (top <= 0) return 0;
        double threshold = tolerance * Math.Max(rows, cols) * top;
        return singularValues.Count(s => s > threshold);
    }

    /// <summary>srank_delta: the smallest k with sum_{i&lt;=k} sigma_i / sum sigma &gt;= 1 - delta (0 for a zero matrix).</summary>
    public static int StableRank(IReadOnlyList<double> singularValues, double delta = DefaultDelta)
    {
        ArgumentNullException.ThrowIfNull(singularValues);
        if (!(delta >= 0 && delta < 1)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must be in [0, 1).");
        var sorted = singularValues.OrderByDescending(s => s).ToArray();
        double total = sorted.Sum();
        if (total <= 0) return 0;
        double cumulative = 0;
        for (int k = 0; k < sorted.Length; k++)
        {
            cumulative += sorted[k];
            // A relative slack of 1e-12 keeps exact ties (e.g. delta = 0) from failing on rounding.
            if (cumulative >= (1 - delta) * total * (1 - 1e-12)) return k + 1;
        }
        return sorted.Length;
    }

    /// <summary>exp(-sum p log p) with p = sigma / sum sigma; equals k for k equal non-zero values (0 for a zero matrix).</summary>
    public static double EffectiveRank(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double total = values.Where(v => v > 0).Sum();
        if (total <= 0) return 0;
        double entropy = 0;
        foreach (var v in values)
        {
            if (v <= 0) continue;
            double p = v / total;
            entropy -= p * Math.Log(p);
        }
        return Math.Exp(entropy);
    }

    /// <summary>The stable rank <c>sum sigma_i^2 / sigma_max^2</c> (Rudelson and Vershynin 2007); 0 for a zero matrix.</summary>
    public static double NormStableRank(IReadOnlyList<double> singularValues)
    {
        ArgumentNullException.ThrowIfNull(singularValues);
        if (singularValues.Count == 0) return 0;
        double top = singularValues.Max(Math.Abs);
        return top > 0 ? singularValues.Sum(s => s * s) / (top * top) : 0;
    }

    /// <summary>All rank measures of a 2-D tensor.</summary>
    public static RankSummary Summarize(Tensor matrix, double delta = DefaultDelta)
    {
        var s = SingularValues(matrix);
        int rows = (int)matrix.shape[0], cols = (int)matrix.shape[1];
        return new RankSummary
        {
            NumericalRank = NumericalRank(s, rows, cols),
            StableRank = StableRank(s, delta),
            EffectiveRank = EffectiveRank(s),
            NormStableRank = NormStableRank(s),
            LargestSingularValue = s.Length == 0 ? 0 : s[0],
            MaximumRank = Math.Min(rows, cols),
        };
    }
}
