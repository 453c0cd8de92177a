using Plasticity.ML.Common;

namespace Plasticity.ML.Reinforcement.Evaluation;

/// <summary>
/// Percentile confidence intervals from the stratified bootstrap, rliable's interval estimate for aggregate RL scores:
/// each resample draws, for every task independently, as many runs as the task has, with replacement, from that task's
/// runs (tasks are strata: a resample always holds every task), and evaluates the statistic on the resampled pool. The
/// interval is the (1 - c) / 2 and (1 + c) / 2 percentiles of those values (linear interpolation between order
/// statistics, numpy's default, which rliable's percentile method uses). rliable uses 50,000 resamples for intervals.
/// </summary>
/// <remarks>Scores are given per task: <c>scores[task][run]</c>; tasks may have different numbers of runs (a failed
/// run left out). The draws come from one seeded stream, so the same seed gives the same interval.</remarks>
public static class StratifiedBootstrap
{
    /// <summary>rliable's number of resamples for interval estimates.</summary>
    public const int DefaultResamples = 50_000;

    /// <summary>The interquartile mean (<see cref="ScoreAggregates.InterquartileMean"/>) of every run of every task with its interval.</summary>
    public static ConfidenceInterval InterquartileMean(IReadOnlyList<IReadOnlyList<double>> scores, long seed, int resamples = DefaultResamples, double confidence = 0.95) =>
        Interval(scores, PooledInterquartileMean, seed, resamples, confidence);

    /// <summary>The mean of every run of every task with its interval.</summary>
    public static ConfidenceInterval Mean(IReadOnlyList<IReadOnlyList<double>> scores, long seed, int resamples = DefaultResamples, double confidence = 0.95) =>
        Interval(scores, PooledMean, seed, resamples, confidence);

    /// <summary>
    /// The percentile interval of <paramref name="statistic"/>, which receives the pooled scores of a resample (every
    /// task's resampled runs, task after task; sorting it in place is allowed).
    /// </summary>
    /// <exception cref="ArgumentException">No tasks, a task without runs, a score that is not finite, fewer than 2
    /// resamples, or a confidence outside (0, 1).</exception>
    public static ConfidenceInterval Interval(IReadOnlyList<IReadOnlyList<double>> scores, Func<Span<double>, double> statistic, long seed,
        int resamples = DefaultResamples, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(statistic);
        if (scores.Count == 0) throw new ArgumentException("There are no tasks to bootstrap.", nameof(scores));
        for (int t = 0; t < scores.Count; t++)
        {
            if (scores[t] is null || scores[t].Count == 0) throw new ArgumentException($"Task {t} has no runs.", nameof(scores));
            for (int r = 0; r < scores[t].Count; r++)
                if (!double.IsFinite(scores[t][r])) throw new ArgumentException($"The score of task {t}, run {r} is {scores[t][r]}; leave failed runs out explicitly.", nameof(scores));
        }
        if (resamples < 2) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "The bootstrap needs at least 2 resamples.");
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence must lie in (0, 1).");

        int total = scores.Sum(t => t.Count);
        var pool = new double[total];
        Fill(scores, pool, random: null);
        double estimate = statistic(pool);

        var random = RandomStream.For(seed, "stratified-bootstrap");
        var values = new double[resamples];
        for (int b = 0; b < resamples; b++)
        {
            Fill(scores, pool, random);
            values[b] = statistic(pool);
        }
        Array.Sort(values);
        double tail = (1 - confidence) / 2;
        return new ConfidenceInterval(estimate, Percentile(values, tail), Percentile(values, 1 - tail), confidence, resamples);
    }

    /// <summary>The q-quantile (q in [0, 1]) of sorted values, interpolating linearly between order statistics.</summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.Length == 0) throw new ArgumentException("No values.", nameof(sorted));
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double fraction = position - below;
        return sorted[below] + (sorted[above] - sorted[below]) * fraction;
    }

    /// <summary>The pool of all scores (random null) or of one stratified resample.</summary>
    private static void Fill(IReadOnlyList<IReadOnlyList<double>> scores, double[] pool, RandomStream? random)
    {
        int at = 0;
        foreach (var task in scores)
        {
            int runs = task.Count;
            for (int r = 0; r < runs; r++) pool[at++] = random is null ? task[r] : task[random.Next(runs)];
        }
    }

    private static double PooledMean(Span<double> pool)
    {
        double sum = 0;
        foreach (double value in pool) sum += value;
        return sum / pool.Length;
    }

    private static double PooledInterquartileMean(Span<double> pool)
    {
        pool.Sort();
        return ScoreAggregates.TrimmedMeanOfSorted(pool);
    }
}
