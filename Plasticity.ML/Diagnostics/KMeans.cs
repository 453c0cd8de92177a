using Plasticity.ML.Common;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Lloyd's k-means with k-means++ seeding (Arthur and Vassilvitskii 2007), in float64 on small dense point sets
/// (the rows of a C_k matrix: a few hundred points of a few hundred dimensions). Deterministic: the seeding draws
/// come from <see cref="SeedSequence"/>, and ties (equal distances) go to the lower cluster index.
/// </summary>
public static class KMeans
{
    /// <summary>Clusters <paramref name="points"/> into at most <paramref name="clusters"/> groups.</summary>
    /// <param name="points">n points of equal dimension; none may contain NaN or infinity.</param>
    /// <param name="clusters">k; capped at the number of distinct points (k-means++ cannot seed more).</param>
    /// <param name="seed">Decides the k-means++ draws.</param>
    /// <param name="restarts">Independent seedings; the one with the lowest inertia is kept.</param>
    /// <param name="maxIterations">Lloyd iterations per seeding (it usually stops earlier, when no point moves).</param>
    public static KMeansResult Fit(IReadOnlyList<double[]> points, int clusters, long seed, int restarts = 4, int maxIterations = 100)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) throw new ArgumentException("Need at least one point.", nameof(points));
        if (clusters <= 0) throw new ArgumentOutOfRangeException(nameof(clusters), clusters, "Need at least one cluster.");
        if (restarts <= 0) throw new ArgumentOutOfRangeException(nameof(restarts), restarts, "Need at least one seeding.");
        if (maxIterations <= 0) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "Need at least one iteration.");
        int dimension = points[0]?.Length ?? throw new ArgumentException("Point 0 is null.", nameof(points));
        for (int i = 0; i < points.Count; i++)
        {
            if (points[i] is null || points[i].Length != dimension)
                throw new ArgumentException($"Point {i} has {points[i]?.Length ?? 0} coordinates; point 0 has {dimension}.", nameof(points));
            if (points[i].Any(v => !double.IsFinite(v))) throw new ArgumentException($"Point {i} has a NaN or infinite coordinate.", nameof(points));
        }

        KMeansResult? best = null;
        for (int r = 0; r < restarts; r++)
        {
            var candidate = FitOnce(points, clusters, SeedSequence.CreateRandom(seed, "kmeans++", r), maxIterations);
            if (best is null || candidate.Inertia < best.Inertia) best = candidate;
        }
        return best!;
    }

    private static KMeansResult FitOnce(IReadOnlyList<double[]> points, int clusters, Random random, int maxIterations)
    {
        var centroids = SeedPlusPlus(points, clusters, random);
        int k = centroids.Count;
        var assignments = new int[points.Count];
        Array.Fill(assignments, -1);
        int iterations = 0;
        bool moved = true;
        while (moved && iterations < maxIterations)
        {
            iterations++;
            moved = false;
            for (int i = 0; i < points.Count; i++)
            {
                int nearest = Nearest(points[i], centroids, out _);
                if (nearest != assignments[i])
                {
                    assignments[i] = nearest;
                    moved = true;
                }
            }
            if (!moved) break;
            UpdateCentroids(points, assignments, centroids);
        }

        double inertia = 0;
        for (int i = 0; i < points.Count; i++) inertia += SquaredDistance(points[i], centroids[assignments[i]]);
        return new KMeansResult
        {
            Assignments = assignments,
            Centroids = centroids.ToArray(),
            Inertia = inertia,
            Iterations = iterations,
        };
    }

    /// <summary>k-means++: the first centre uniformly, each next one with probability proportional to D(x)^2.</summary>
    private static List<double[]> SeedPlusPlus(IReadOnlyList<double[]> points, int clusters, Random random)
    {
        int n = points.Count;
        var centroids = new List<double[]> { (double[])points[random.Next(n)].Clone() };
        var d2 = points.Select(p => SquaredDistance(p, centroids[0])).ToArray();
        while (centroids.Count < clusters)
        {
            double total = d2.Sum();
            // Every point coincides with a centre: no distinct point is left to seed another cluster.
            if (total <= 0) break;
            double u = random.NextDouble() * total;
            int chosen = n - 1;
            double cumulative = 0;
            for (int i = 0; i < n; i++)
            {
                cumulative += d2[i];
                if (u < cumulative && d2[i] > 0)
                {
                    chosen = i;
                    break;
                }
            }
            // Round-off can leave u at the very top of the range: take the last point with positive weight.
            while (d2[chosen] <= 0) chosen--;
            var centre = (double[])points[chosen].Clone();
            centroids.Add(centre);
            for (int i = 0; i < n; i++) d2[i] = Math.Min(d2[i], SquaredDistance(points[i], centre));
        }
        return centroids;
    }

    private static void UpdateCentroids(IReadOnlyList<double[]> points, int[] assignments, List<double[]> centroids)
    {
        int k = centroids.Count, dimension = points[0].Length;
        var sums = new double[k][];
        var counts = new int[k];
        for (int c = 0; c < k; c++) sums[c] = new double[dimension];
        for (int i = 0; i < points.Count; i++)
        {
            int c = assignments[i];
            counts[c]++;
            for (int d = 0; d < dimension; d++) sums[c][d] += points[i][d];
        }
        for (int c = 0; c < k; c++)
        {
            // An emptied cluster keeps its old centre (it may win points back next iteration).
            if (counts[c] == 0) continue;
            for (int d = 0; d < dimension; d++) centroids[c][d] = sums[c][d] / counts[c];
        }
    }

    /// <summary>Index of the nearest centroid (lowest index on ties) and the squared distance to it.</summary>
    internal static int Nearest(double[] point, IReadOnlyList<double[]> centroids, out double squaredDistance)
    {
        int best = 0;
        squaredDistance = double.PositiveInfinity;
        for (int c = 0; c < centroids.Count; c++)
        {
            double d = SquaredDistance(point, centroids[c]);
            if (d < squaredDistance)
            {
                squaredDistance = d;
                best = c;
            }
        }
        return best;
    }

    private static double SquaredDistance(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }
}
