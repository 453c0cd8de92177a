namespace Plasticity.ML.Experiments.Falsification;

/// <summary>
/// The paper's falsification test (PAPER.md §3 and §8.4, after Dziugaite et al. 2020): a statistic that causes
/// plasticity loss must correlate with it with the same sign in every condition group, so one sign reversal across
/// groups rejects it as a universal explanation. For each statistic this computes, within each group, Pearson's r,
/// Spearman's rho and the least-squares slope of the outcome against the statistic, then compares signs.
/// </summary>
/// <remarks>
/// Runs are matched per statistic: a run missing a statistic, or with a non-finite value or outcome, is left out
/// for that statistic only. A group with fewer than <see cref="FalsificationOptions.MinimumPoints"/> such runs, or
/// with a statistic that is constant across its runs (e.g. no dead units anywhere), has an undefined (NaN)
/// correlation and slope and does not take part in the verdict.
/// </remarks>
public static class FalsificationTest
{
    /// <summary>Name of the pooled pseudo-group.</summary>
    public const string PooledGroup = "all";

    /// <summary>Runs the test for every statistic that appears in any observation, in ordinal name order.</summary>
    public static IReadOnlyList<StatisticFalsification> Run(IEnumerable<FalsificationObservation> observations, FalsificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(observations);
        options ??= new FalsificationOptions();
        options.Validate();
        var runs = observations.ToList();
        foreach (var run in runs)
        {
            if (run is null) throw new ArgumentException("An observation is null.", nameof(observations));
            if (string.IsNullOrEmpty(run.Group)) throw new ArgumentException($"Observation '{run.Label}' has no group.", nameof(observations));
            ArgumentNullException.ThrowIfNull(run.Statistics, nameof(FalsificationObservation.Statistics));
        }
        var names = runs.SelectMany(r => r.Statistics.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return names.Select(name => Test(name, runs, options)).ToList();
    }

    /// <summary>Runs the test for one statistic.</summary>
    public static StatisticFalsification Test(string statistic, IReadOnlyList<FalsificationObservation> observations, FalsificationOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(statistic);
        ArgumentNullException.ThrowIfNull(observations);
        options ??= new FalsificationOptions();
        options.Validate();
        var having = observations.Where(o => o.Statistics.ContainsKey(statistic)).ToList();
        var groups = having.Select(o => o.Group).Distinct(StringComparer.Ordinal)
            .Select(g => Associate(g, having.Where(o => o.Group == g), statistic, options))
            .ToList();
        var defined = groups.Where(g => !double.IsNaN(g.Pearson)).ToList();
        int positive = defined.Count(g => g.Sign > 0), negative = defined.Count(g => g.Sign < 0);
        var pattern = defined.Count == 0 ? SignPattern.Undefined
            : positive > 0 && negative > 0 ? SignPattern.Flips
            : defined.Count == 1 ? SignPattern.SingleGroup
            : positive > 0 ? SignPattern.ConsistentPositive
            : negative > 0 ? SignPattern.ConsistentNegative
            : SignPattern.Undefined; // every defined r is exactly 0
        double strong = options.StrongCorrelation;
        return new StatisticFalsification
        {
            Statistic = statistic,
            Groups = groups,
            Pooled = Associate(PooledGroup, having, statistic, options),
            PositiveGroups = positive,
            NegativeGroups = negative,
            UndefinedGroups = groups.Count - defined.Count,
            Pattern = pattern,
            StrongSignFlip = defined.Any(g => g.Pearson >= strong) && defined.Any(g => g.Pearson <= -strong),
            SpearmanSignFlips = groups.Any(g => g.Spearman > 0) && groups.Any(g => g.Spearman < 0),
            MeanAbsolutePearson = defined.Count == 0 ? double.NaN : defined.Average(g => Math.Abs(g.Pearson)),
        };
    }

    private static GroupAssociation Associate(string group, IEnumerable<FalsificationObservation> runs, string statistic, FalsificationOptions options)
    {
        var list = runs.ToList();
        var (x, y) = LinearFit.Finite(list.Select(o => o.Statistics[statistic]).ToArray(), list.Select(o => o.Outcome).ToArray());
        bool enough = x.Length >= options.MinimumPoints;
        var fit = enough ? LinearFit.LeastSquares(x, y) : null;
        return new GroupAssociation
        {
            Group = group,
            Count = x.Length,
            Pearson = enough ? Correlation.Pearson(x, y) : double.NaN,
            Spearman = enough ? Correlation.Spearman(x, y) : double.NaN,
            Slope = fit?.Slope ?? double.NaN,
            Intercept = fit?.Intercept ?? double.NaN,
            StatisticMean = x.Length == 0 ? double.NaN : x.Average(),
        };
    }
}
