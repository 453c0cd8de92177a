using System.Globalization;
using System.Text;
using Plasticity.ML.Common;

namespace Plasticity.ML.Diagnostics;

/// <summary>The normalized per-example gradient covariance C_k (PAPER.md §4.1) and its summaries.</summary>
public sealed record GradientCovarianceResult
{
    /// <summary>C_k[i][j] = cos(grad l_i, grad l_j); a row of a zero gradient is all zeros.</summary>
    public required double[][] Matrix { get; init; }

    /// <summary>The sample rows the k gradients came from, in matrix order (to order a heatmap by label).</summary>
    public required int[] Rows { get; init; }

    /// <summary>Mean of the off-diagonal entries: positive = gradients agree, negative = interference.</summary>
    public double MeanOffDiagonal { get; init; }

    /// <summary>Fraction of off-diagonal entries below zero.</summary>
    public double FractionNegative { get; init; }

    /// <summary>exp(entropy) of the normalized eigenvalues: 1 for collinear gradients, k for orthogonal ones.</summary>
    public double EffectiveRank { get; init; }

    /// <summary>Examples whose gradient was exactly zero (excluded from the normalization).</summary>
    public int ZeroGradients { get; init; }

    /// <summary>Writes the matrix as CSV (k rows of k numbers, invariant culture), atomically.</summary>
    public void WriteCsv(string path)
    {
        var text = new StringBuilder();
        foreach (var row in Matrix)
            text.AppendLine(string.Join(",", row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
