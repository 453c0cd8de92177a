namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Orders the rows and columns of a C_k matrix (<see cref="GradientCovarianceResult"/>) so that its structure shows
/// as blocks in a heatmap: by class label, or by k-means cluster (PAPER.md §4.2: [review] reorders C_k by k-means
/// with 10 clusters before plotting).
/// </summary>
/// <remarks>
/// <para>k-means runs on the <em>rows of C_k</em>, not on the per-example gradient vectors. Row i is example i's
/// cosine similarity to every example of the sample, so two examples whose gradients point the same way have
/// nearly equal rows, and a block of mutually (anti-)aligned gradients is a cluster of rows. The rows are k numbers
/// (k = 256 by default) where gradients have as many as the network has parameters (10^5 to 10^6), and C_k is all
/// a saved checkpoint keeps (<see cref="StatisticsPanelArtifact.WriteFiles"/> writes the matrix, not the
/// gradients), so any stored C_k can be reordered later.</para>
/// <para>Clusters are shown largest first (ties: the one holding the lowest original row first) and rows keep their
/// original order inside a cluster, so the result depends only on the matrix and the seed.</para>
/// </remarks>
public static class CovarianceOrdering
{
    /// <summary>The default number of clusters, as in the paper's plots.</summary>
    public const int DefaultClusters = 10;

    /// <summary>The original order.</summary>
    public static MatrixOrdering Identity(int size)
    {
        if (size < 0) throw new ArgumentOutOfRangeException(nameof(size), size, "The size must be non-negative.");
        return new MatrixOrdering { Method = "identity", Order = Enumerable.Range(0, size).ToArray(), Groups = new long[size] };
    }

    /// <summary>Rows sorted by label (stable: original order within a label).</summary>
    public static MatrixOrdering ByLabel(IReadOnlyList<long> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var order = Enumerable.Range(0, labels.Count).OrderBy(i => labels[i]).ThenBy(i => i).ToArray();
        return new MatrixOrdering { Method = "label", Order = order, Groups = order.Select(i => labels[i]).ToArray() };
    }

    /// <summary>Rows grouped by a k-means clustering of the rows of <paramref name="matrix"/>.</summary>
    /// <param name="matrix">A square matrix (C_k).</param>
    /// <param name="clusters">Number of clusters (capped at the number of distinct rows).</param>
    /// <param name="seed">Decides the k-means++ seeding.</param>
    public static MatrixOrdering ByCluster(double[][] matrix, int clusters = DefaultClusters, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Length == 0) return Identity(0);
        if (matrix.Any(row => row is null || row.Length != matrix.Length))
            throw new ArgumentException("The matrix must be square.", nameof(matrix));
        var fit = KMeans.Fit(matrix, clusters, seed);
        var members = Enumerable.Range(0, fit.Clusters)
            .Select(c => Enumerable.Range(0, matrix.Length).Where(i => fit.Assignments[i] == c).ToArray())
            .Where(m => m.Length > 0)
            .OrderByDescending(m => m.Length).ThenBy(m => m[0])
            .ToArray();
        var order = members.SelectMany(m => m).ToArray();
        var groups = members.SelectMany((m, g) => Enumerable.Repeat((long)g, m.Length)).ToArray();
        return new MatrixOrdering { Method = "kmeans", Order = order, Groups = groups };
    }
}
