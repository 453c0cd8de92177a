using System.Diagnostics;

namespace Plasticity.ML.Benchmarks;

/// <summary>
/// Times actions in interleaved rounds (A, B, A, B, ...) and keeps the median per-call time of each, so that noise
/// from other processes on this shared machine hits both sides of a ratio alike.
/// </summary>
public static class Timing
{
    /// <summary>Median seconds per call of each action, measured in <paramref name="rounds"/> interleaved rounds.</summary>
    /// <param name="callsPerRound">Calls of each action per round.</param>
    /// <param name="rounds">Number of rounds (the median is taken over them).</param>
    /// <param name="actions">The actions to compare; each is warmed up first.</param>
    public static double[] Interleaved(int callsPerRound, int rounds, params Action[] actions)
    {
        foreach (var action in actions)
            for (int i = 0; i < Math.Max(2, callsPerRound / 4); i++) action();
        var samples = actions.Select(_ => new List<double>()).ToArray();
        var clock = new Stopwatch();
        for (int r = 0; r < rounds; r++)
        {
            for (int a = 0; a < actions.Length; a++)
            {
                clock.Restart();
                for (int i = 0; i < callsPerRound; i++) actions[a]();
                samples[a].Add(clock.Elapsed.TotalSeconds / callsPerRound);
            }
        }
        return samples.Select(Median).ToArray();
    }

    /// <summary>The median of <paramref name="values"/>.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) throw new ArgumentException("No samples.", nameof(values));
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
