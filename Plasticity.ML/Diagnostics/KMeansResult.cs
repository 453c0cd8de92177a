namespace Plasticity.ML.Diagnostics;

/// <summary>The outcome of <see cref="KMeans.Fit"/>.</summary>
public sealed record KMeansResult
{
    /// <summary>Cluster index of each point, in input order.</summary>
    public required int[] Assignments { get; init; }

    /// <summary>The cluster centres (fewer than asked when there were fewer distinct points).</summary>
    public required double[][] Centroids { get; init; }

    /// <summary>Sum of squared distances of the points to their centres.</summary>
    public double Inertia { get; init; }

    /// <summary>Lloyd iterations run by the kept seeding.</summary>
    public int Iterations { get; init; }

    /// <summary>Number of clusters (centres).</summary>
    public int Clusters => Centroids.Length;
}
