using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Space;

namespace Plasticity.Lab.Analysis;

/// <summary>
/// A first screen of which parameters mattered in a search: for a range, the absolute Spearman rank correlation between
/// the parameter's value and the trials' metric; for a choice, the correlation ratio (eta: the share of the metric's
/// spread explained by the choice, as a standard deviation ratio). Both lie in [0, 1]. Computed on the completed trials
/// of the highest fidelity; it ignores interactions (fANOVA would not), so read it as a hint, not a decomposition.
/// </summary>
public static class ParameterImportance
{
    /// <summary>One parameter's importance.</summary>
    /// <param name="Parameter">Its name.</param>
    /// <param name="Importance">|Spearman rho| for a range, eta for a choice; NaN with fewer than 3 trials or no spread.</param>
    /// <param name="Method">"spearman" or "eta".</param>
    public sealed record Entry(string Parameter, double Importance, string Method);

    /// <summary>The importance of every parameter of <paramref name="space"/> with more than one value, from <paramref name="trials"/>.</summary>
    public static IReadOnlyList<Entry> Compute(SearchSpace space, IReadOnlyList<TrialRecord> trials)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(trials);
        var completed = trials.Where(t => t.IsCompleted).ToList();
        long top = completed.Count == 0 ? 0 : completed.Max(t => t.Fidelity);
        var used = completed.Where(t => t.Fidelity == top).ToList();
        double[] metric = used.Select(t => t.Metric).ToArray();
        var entries = new List<Entry>();
        foreach (var parameter in space.Parameters.Where(p => p.Dimension > 0))
        {
            var values = used.Select(t => t.Parameters.TryGetValue(parameter.Name, out var v) ? v : parameter.Default).ToArray();
            entries.Add(parameter is RangeParameter
                ? new Entry(parameter.Name, Math.Abs(Spearman(values.Select(v => v.Number).ToArray(), metric)), "spearman")
                : new Entry(parameter.Name, Eta(values.Select(v => v.ToString()).ToArray(), metric), "eta"));
        }
        return entries;
    }

    /// <summary>Spearman's rank correlation (average ranks for ties); NaN below 3 pairs or without spread.</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"{x.Count} values but {y.Count} metrics.");
        if (x.Count < 3) return double.NaN;
        return Pearson(Ranks(x), Ranks(y));
    }

    /// <summary>The correlation ratio of a metric grouped by a category; NaN below 3 values or without spread.</summary>
    public static double Eta(IReadOnlyList<string> groups, IReadOnlyList<double> y)
    {
        if (groups.Count != y.Count) throw new ArgumentException($"{groups.Count} values but {y.Count} metrics.");
        if (y.Count < 3) return double.NaN;
        double mean = y.Average();
        double total = y.Sum(v => (v - mean) * (v - mean));
        if (total == 0) return double.NaN;
        double between = Enumerable.Range(0, y.Count).GroupBy(i => groups[i])
            .Sum(g => g.Count() * Math.Pow(g.Average(i => y[i]) - mean, 2));
        return Math.Sqrt(between / total);
    }

    private static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}
