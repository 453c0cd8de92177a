using System.Globalization;

namespace Plasticity.Lab.Reporting;

/// <summary>Says which code computed a result's runs, for its report: one version, or each version with its count of runs.</summary>
public static class RunCodeVersions
{
    /// <summary>Describes the code versions of a result's runs (null: a run stored before records said).</summary>
    public static string Describe(IEnumerable<string?> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var groups = codes.GroupBy(c => c ?? "not recorded").OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        return groups.Count switch
        {
            0 => "no runs",
            1 => groups[0].Key,
            // Runs reused from other code (--reuse-runs-from-other-code): the reader must see that the numbers mix builds.
            _ => $"{groups.Count} versions: " + string.Join("; ", groups.Select(g => $"{g.Key} ({Runs(g.Count())})")),
        };
    }

    private static string Runs(int count) => count == 1 ? "1 run" : $"{count.ToString(CultureInfo.InvariantCulture)} runs";
}
