using System.Globalization;

namespace Plasticity.ML.Experiments;

/// <summary>The seeds an experiment spec runs: a count from a first seed, or a list (both spec kinds say it the same way).</summary>
public static class ExperimentSeeds
{
    /// <summary><paramref name="list"/> when set, else <paramref name="count"/> consecutive seeds from <paramref name="first"/>.</summary>
    public static IReadOnlyList<long> Of(int count, long first, IReadOnlyList<long>? list) =>
        list ?? Enumerable.Range(0, Math.Max(0, count)).Select(i => first + i).ToArray();

    /// <summary>Checks a seed list: null, or at least one seed and no seed twice (two runs would share one record).</summary>
    /// <exception cref="ArgumentException">An empty list, or a repeated seed (named).</exception>
    public static void Validate(IReadOnlyList<long>? list)
    {
        if (list is null) return;
        if (list.Count == 0) throw new ArgumentException($"{nameof(ExperimentSpec.SeedList)} must hold at least one seed, or be left out to use Seeds and FirstSeed.");
        var seen = new HashSet<long>();
        foreach (long seed in list)
            if (!seen.Add(seed)) throw new ArgumentException($"{nameof(ExperimentSpec.SeedList)} names seed {seed} twice.");
    }

    /// <summary>The seeds as people read them: "12 (1-12)", "7 (4-6, 9-12)".</summary>
    public static string Describe(IReadOnlyList<long> seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        var ranges = new List<string>();
        var sorted = seeds.Order().ToArray();
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1) j++;
            ranges.Add(j == i ? sorted[i].ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{sorted[i]}-{sorted[j]}"));
            i = j + 1;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{seeds.Count} ({string.Join(", ", ranges)})");
    }
}
