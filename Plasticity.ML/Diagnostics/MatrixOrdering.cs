namespace Plasticity.ML.Diagnostics;

/// <summary>
/// A symmetric reordering of a square matrix's rows and columns for display, with the group (label or cluster)
/// of each position so a heatmap can mark block boundaries. Made by <see cref="CovarianceOrdering"/>.
/// </summary>
public sealed record MatrixOrdering
{
    /// <summary>How it was made: "identity", "label" or "kmeans".</summary>
    public required string Method { get; init; }

    /// <summary>Order[p] is the original row shown at position p.</summary>
    public required int[] Order { get; init; }

    /// <summary>Group of the row at each position (contiguous runs); all zeros for the identity.</summary>
    public required long[] Groups { get; init; }

    /// <summary>Positions where a new group starts (excluding 0): where to draw block boundaries.</summary>
    public IReadOnlyList<int> Boundaries =>
        Enumerable.Range(1, Math.Max(0, Groups.Length - 1)).Where(p => Groups[p] != Groups[p - 1]).ToArray();

    /// <summary>The matrix reordered: result[p][q] = matrix[Order[p]][Order[q]].</summary>
    public double[][] Apply(double[][] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Length != Order.Length) throw new ArgumentException($"The matrix has {matrix.Length} rows; the ordering has {Order.Length}.", nameof(matrix));
        var result = new double[Order.Length][];
        for (int p = 0; p < Order.Length; p++)
        {
            var source = matrix[Order[p]];
            if (source.Length != Order.Length) throw new ArgumentException($"Row {Order[p]} has {source.Length} entries; the matrix must be square.", nameof(matrix));
            result[p] = new double[Order.Length];
            for (int q = 0; q < Order.Length; q++) result[p][q] = source[Order[q]];
        }
        return result;
    }
}
