using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plasticity.Lab.Reporting;
using Plasticity.ML.Common;
using Plasticity.ML.Experiments;
using Plasticity.ML.Experiments.Falsification;

namespace Plasticity.Lab.Analysis;

/// <summary>
/// The falsification analysis of an experiment whose runs record the statistics panel: plasticity loss against every
/// statistic of the final probe point, within each condition group (<see cref="FalsificationTest"/>). Writes
/// <c>falsification.csv</c>, one scatter plot per whole-network statistic under <c>scatter/</c>, a <c>falsification</c>
/// section in <c>summary.json</c>, and tables in the report.
/// </summary>
public static class FalsificationAnalysis
{
    /// <summary>The settings used (at least 3 runs per group; |r| &gt;= 0.5 for a "strong" reversal).</summary>
    public static FalsificationOptions Options { get; } = new();

    /// <summary>The condition group of a variant: its name without the last '/'-separated segment (the setting varied within the group).</summary>
    public static string GroupOf(string variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        int slash = variant.LastIndexOf('/');
        return slash <= 0 ? variant : variant[..slash];
    }

    /// <summary>True for statistics of the whole network (not ".layer{l}"): the ones tabulated and plotted.</summary>
    public static bool IsWholeNetwork(string statistic) => !statistic.Contains(".layer", StringComparison.Ordinal);

    /// <summary>
    /// One observation per run: outcome = plasticity loss; statistics = the panel at the last probe point, plus the
    /// layer means <c>weightRank.mean</c>, <c>weightSrank.mean</c> and <c>weightEffectiveRank.mean</c> (the paper's
    /// weight-matrix rank candidate as one number per network).
    /// </summary>
    public static IReadOnlyList<FalsificationObservation> Observations(ExperimentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Runs.Select(run =>
        {
            var final = run.Result.Tasks.Count == 0 ? null : run.Result.Tasks[^1].ProbePoint;
            var statistics = new Dictionary<string, double>(final?.Statistics ?? [], StringComparer.Ordinal);
            foreach (string prefix in new[] { "weightRank", "weightSrank", "weightEffectiveRank" })
            {
                var layers = statistics.Where(s => s.Key.StartsWith(prefix + ".layer", StringComparison.Ordinal)).Select(s => s.Value).ToList();
                if (layers.Count > 0) statistics[prefix + ".mean"] = layers.Average();
            }
            return new FalsificationObservation
            {
                Group = GroupOf(run.Variant),
                Label = $"{run.Variant}/seed-{run.Seed}",
                Outcome = run.Result.PlasticityLoss,
                Statistics = statistics,
            };
        }).ToList();
    }

    /// <summary>Runs the test and writes every output into <paramref name="folder"/> and <paramref name="report"/>.</summary>
    public static IReadOnlyList<StatisticFalsification> Write(ExperimentResult result, string folder, MarkdownReport report)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(report);
        var observations = Observations(result);
        var tests = FalsificationTest.Run(observations, Options);
        var groups = observations.Select(o => o.Group).Distinct(StringComparer.Ordinal).ToList();

        AtomicFile.WriteAllText(Path.Combine(folder, "falsification.csv"), Csv(tests));
        AddToSummary(Path.Combine(folder, "summary.json"), tests, groups);
        var plots = WriteScatterPlots(observations, tests, groups, folder);
        WriteReport(report, tests, groups, plots, observations.Count);
        return tests;
    }

    private static void AddToSummary(string path, IReadOnlyList<StatisticFalsification> tests, IReadOnlyList<string> groups)
    {
        var summary = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : new JsonObject();
        summary["falsification"] = JsonSerializer.SerializeToNode(new
        {
            Outcome = "plasticityLoss",
            Statistics = "the statistics panel at the last probe point",
            Groups = groups,
            Options,
            SignFlips = tests.Where(t => t.SignFlips).Select(t => t.Statistic),
            StrongSignFlips = tests.Where(t => t.StrongSignFlip).Select(t => t.Statistic),
            Consistent = tests.Where(t => t.Pattern is SignPattern.ConsistentPositive or SignPattern.ConsistentNegative).Select(t => t.Statistic),
            Results = tests.Select(t => new
            {
                t.Statistic,
                t.Pattern,
                t.SignFlips,
                t.StrongSignFlip,
                t.SpearmanSignFlips,
                t.PositiveGroups,
                t.NegativeGroups,
                t.UndefinedGroups,
                t.MeanAbsolutePearson,
                t.Pooled,
                t.Groups,
            }),
        }, PlasticityJson.Options);
        AtomicFile.WriteAllText(path, summary.ToJsonString(PlasticityJson.Options));
    }

    private static string Csv(IReadOnlyList<StatisticFalsification> tests)
    {
        var csv = new StringBuilder("statistic,pattern,group,count,pearson,spearman,slope,intercept,statisticMean\n");
        foreach (var t in tests)
            foreach (var g in t.Groups.Append(t.Pooled))
                csv.Append(CultureInfo.InvariantCulture, $"{t.Statistic},{t.Pattern},{g.Group},{g.Count},{F(g.Pearson)},{F(g.Spearman)},{F(g.Slope)},{F(g.Intercept)},{F(g.StatisticMean)}\n");
        return csv.ToString();
    }

    private static List<string> WriteScatterPlots(IReadOnlyList<FalsificationObservation> observations, IReadOnlyList<StatisticFalsification> tests,
        IReadOnlyList<string> groups, string folder)
    {
        string scatter = Path.Combine(folder, "scatter");
        Directory.CreateDirectory(scatter);
        var files = new List<string>();
        foreach (var test in tests.Where(t => IsWholeNetwork(t.Statistic)))
        {
            var plot = new ScatterPlot($"{test.Statistic}: {Verdict(test)}", $"{test.Statistic} (after the last task)", "plasticity loss");
            foreach (string group in groups)
            {
                var runs = observations.Where(o => o.Group == group && o.Statistics.ContainsKey(test.Statistic)).ToList();
                var association = test.Groups.FirstOrDefault(g => g.Group == group);
                string name = association is null ? group : $"{group} (r = {F2(association.Pearson)})";
                plot.Add(name, runs.Select(r => r.Statistics[test.Statistic]).ToArray(), runs.Select(r => r.Outcome).ToArray(),
                    association?.Slope ?? double.NaN, association?.Intercept ?? double.NaN);
            }
            string file = Path.Combine("scatter", Sanitize(test.Statistic) + ".png");
            plot.SavePng(Path.Combine(folder, file));
            files.Add(file);
        }
        return files;
    }

    private static void WriteReport(MarkdownReport report, IReadOnlyList<StatisticFalsification> tests, IReadOnlyList<string> groups,
        IReadOnlyList<string> plots, int runs)
    {
        var whole = tests.Where(t => IsWholeNetwork(t.Statistic)).ToList();
        report.Heading("Falsification: plasticity loss vs each statistic, within each condition group")
            .Paragraph($"{runs} runs in {groups.Count} condition groups (the variant name without its last segment; within a group only that " +
                       "setting and the seed vary). For each statistic measured after the last task, Pearson's r of plasticity loss against it " +
                       $"within each group (least-squares slope in brackets), from groups with at least {Options.MinimumPoints} runs. A statistic that " +
                       "causes plasticity loss must keep one sign in every group (PAPER.md §3); **flips** means some group has r > 0 and another " +
                       $"r < 0, **strong** that both have |r| >= {Options.StrongCorrelation.ToString(CultureInfo.InvariantCulture)}. " +
                       "An undefined r (—) means the statistic was constant in that group (e.g. no dead units in any run) or too few runs finished.")
            .Paragraph($"Sign flips: {List(whole.Where(t => t.SignFlips))}. Strong flips: {List(whole.Where(t => t.StrongSignFlip))}. " +
                       $"Same sign in every group: {List(whole.Where(t => t.Pattern is SignPattern.ConsistentPositive or SignPattern.ConsistentNegative))}.")
            .Table(["statistic", "verdict", "mean abs r", "pooled r", .. groups],
                whole.Select(t => (IReadOnlyList<string>)
                [
                    t.Statistic, Verdict(t), Abs2(t.MeanAbsolutePearson), F2(t.Pooled.Pearson),
                    .. groups.Select(g => t.Groups.FirstOrDefault(a => a.Group == g) is { } a ? Cell(a) : "n/a"),
                ]));
        report.Paragraph("Per-layer statistics (units per hidden layer, weight norms and ranks per parameter layer) are in `falsification.csv` and " +
                         "`summary.json` (`falsification.results`). Small groups make weak correlations flip by noise alone: read `flips` " +
                         "together with the strength of r and the scatter plots.");
        foreach (var plot in plots) report.Image(Path.GetFileNameWithoutExtension(plot), plot);
    }

    private static string Verdict(StatisticFalsification t) => t.Pattern switch
    {
        SignPattern.Flips => t.StrongSignFlip ? "flips (strong)" : "flips",
        SignPattern.ConsistentPositive => "same sign (+)",
        SignPattern.ConsistentNegative => "same sign (−)",
        SignPattern.SingleGroup => "one group only",
        _ => "undefined",
    };

    private static string Cell(GroupAssociation a) => double.IsNaN(a.Pearson) ? "—" : $"{F2(a.Pearson)} ({a.Slope.ToString("0.##e+0", CultureInfo.InvariantCulture)})";

    private static string List(IEnumerable<StatisticFalsification> tests)
    {
        var names = tests.Select(t => $"`{t.Statistic}`").ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private static string F2(double value) => double.IsNaN(value) ? "—" : value.ToString("+0.00;−0.00;0.00", CultureInfo.InvariantCulture);

    private static string Abs2(double value) => double.IsNaN(value) ? "—" : value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string F(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Sanitize(string name) =>
        string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
