namespace Plasticity.ML.Experiments.Falsification;

/// <summary>
/// Pearson, Spearman and Kendall correlation of paired samples, in float64.
/// </summary>
/// <remarks>
/// Both are NaN ("undefined") when fewer than two pairs are given or when either variable is constant: a statistic
/// that does not vary within a group says nothing about the outcome there, and 0 would wrongly read as "measured, no
/// association". Callers drop non-finite pairs first (<see cref="LinearFit.Finite"/>); a non-finite value here gives NaN.
/// </remarks>
public static class Correlation
{
    /// <summary>Pearson's r = cov(x, y) / (sd(x) sd(y)), clamped to [-1, 1]; NaN when undefined.</summary>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        CheckPairs(x, y);
        int n = x.Count;
        if (n < 2) return double.NaN;
        double meanX = x.Average(), meanY = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - meanX, dy = y[i] - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        // Zero spread, or so little that the centred values are rounding noise of a constant column.
        if (!(sxx > 0) || !(syy > 0) || IsRoundingNoise(sxx, x, meanX) || IsRoundingNoise(syy, y, meanY)) return double.NaN;
        return Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1.0, 1.0);
    }

    /// <summary>Spearman's rho: Pearson's r of the ranks (ties share their average rank); NaN when undefined.</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        CheckPairs(x, y);
        if (x.Any(v => !double.IsFinite(v)) || y.Any(v => !double.IsFinite(v))) return double.NaN;
        return Pearson(Ranks(x), Ranks(y));
    }

    /// <summary>
    /// Kendall's tau-b: <c>(C - D) / sqrt((n0 - n1)(n0 - n2))</c> over all pairs, with C concordant and D discordant pairs,
    /// <c>n0 = n(n-1)/2</c>, and n1, n2 the pairs tied in x and in y (Kendall 1945; what scipy.stats.kendalltau computes
    /// by default). Equals the plain tau <c>(C - D) / n0</c> without ties. NaN when undefined (fewer than two pairs, a
    /// constant variable, or a non-finite value).
    /// </summary>
    public static double Kendall(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        CheckPairs(x, y);
        int n = x.Count;
        if (n < 2 || x.Any(v => !double.IsFinite(v)) || y.Any(v => !double.IsFinite(v))) return double.NaN;
        long concordant = 0, discordant = 0, tiedX = 0, tiedY = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                int sx = Math.Sign(x[i] - x[j]), sy = Math.Sign(y[i] - y[j]);
                if (sx == 0) tiedX++;
                if (sy == 0) tiedY++;
                if (sx == 0 || sy == 0) continue;
                if (sx == sy) concordant++;
                else discordant++;
            }
        long pairs = (long)n * (n - 1) / 2;
        double denominator = Math.Sqrt((double)(pairs - tiedX) * (pairs - tiedY));
        return denominator > 0 ? (concordant - discordant) / denominator : double.NaN;
    }

    /// <summary>Ranks 1..n in ascending order; tied values get the mean of the ranks they span.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1.0; // positions start..end hold ranks start+1..end+1
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    internal static void CheckPairs(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"Paired samples need equal lengths; got {x.Count} and {y.Count}.");
    }

    /// <summary>
    /// True when a sum of squared deviations is below what rounding of values of this size can produce, i.e. the
    /// column is constant up to float64 noise (e.g. the same weight norm read back through a float32 round trip).
    /// </summary>
    internal static bool IsRoundingNoise(double sumOfSquares, IReadOnlyList<double> values, double mean)
    {
        double scale = Math.Max(Math.Abs(mean), values.Max(Math.Abs));
        return sumOfSquares <= values.Count * Math.Pow(1e-12 * scale, 2);
    }
}
