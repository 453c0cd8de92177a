namespace Plasticity.ML.Reinforcement.Evaluation;

/// <summary>
/// Aggregates of normalized scores pooled over runs and tasks, as rliable computes them (Agarwal, Schwarzer, Castro,
/// Courville and Bellemare 2021, "Deep reinforcement learning at the edge of the statistical precipice"): the
/// interquartile mean, the mean and the median. Each takes the scores of every run of every task as one pool.
/// </summary>
public static class ScoreAggregates
{
    /// <summary>
    /// The interquartile mean: the mean of the middle half of the pooled scores. As rliable (through
    /// <c>scipy.stats.trim_mean(scores, 0.25)</c>): sort the n scores, drop <c>floor(n / 4)</c> from each end, average
    /// the rest. Robust to outlying runs like the median, yet uses half the data like the mean.
    /// </summary>
    /// <exception cref="ArgumentException">No scores, or a score that is NaN or infinite (a failed run must be dealt
    /// with before aggregating, not silently dropped).</exception>
    public static double InterquartileMean(IEnumerable<double> scores)
    {
        var sorted = Checked(scores);
        Array.Sort(sorted);
        return TrimmedMeanOfSorted(sorted);
    }

    /// <summary>The interquartile mean of a pool that is already sorted ascending (no copy, no check).</summary>
    internal static double TrimmedMeanOfSorted(ReadOnlySpan<double> sorted)
    {
        int cut = sorted.Length / 4;
        double sum = 0;
        for (int i = cut; i < sorted.Length - cut; i++) sum += sorted[i];
        return sum / (sorted.Length - 2 * cut);
    }

    /// <summary>The mean of the pooled scores.</summary>
    public static double Mean(IEnumerable<double> scores) => Checked(scores).Average();

    /// <summary>The median of the pooled scores (the mean of the two middle ones for an even count).</summary>
    public static double Median(IEnumerable<double> scores)
    {
        var sorted = Checked(scores);
        Array.Sort(sorted);
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double[] Checked(IEnumerable<double> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var values = scores.ToArray();
        if (values.Length == 0) throw new ArgumentException("There are no scores to aggregate.", nameof(scores));
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i])) throw new ArgumentException($"Score {i} is {values[i]}; aggregate only finite scores (leave failed runs out explicitly).", nameof(scores));
        return values;
    }
}
