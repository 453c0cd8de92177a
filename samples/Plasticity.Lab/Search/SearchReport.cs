using System.Globalization;
using Plasticity.Lab.Analysis;
using Plasticity.Lab.Catalog;
using Plasticity.Lab.Reporting;
using Plasticity.ML.Common;
using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Space;
using ScottPlot;

namespace Plasticity.Lab.Search;

/// <summary>Writes the lab search's summary.json, plots and report.md next to its history.</summary>
public static class SearchReport
{
    /// <summary>The plots it writes, in report order.</summary>
    public static IReadOnlyList<string> Plots { get; } = ["trials-over-time.png", "best-so-far.png", "parameter-importance.png", "held-out-windows.png"];

    /// <summary>Builds the summary of <paramref name="result"/>.</summary>
    public static LabSearchSummary Summarize(SearchResult result, LabSearchSetup setup, LabPreset preset, SearchSpace space)
    {
        var heldOut = result.HeldOut;
        return new LabSearchSummary
        {
            Preset = preset.ToString().ToLowerInvariant(),
            Tuner = result.Tuner,
            Objective = result.Objective.ToString(),
            Budget = result.Budget,
            StoppedBy = result.StoppedBy,
            Data = ML.Search.Trials.StreamReference.Embedded(setup.Stream).ToString(),
            Windows = result.Windows,
            TuningWindows = result.TuningWindows,
            Trials = result.History.Count,
            Completed = result.History.Count(t => t.IsCompleted),
            Failed = result.History.Count(t => t.Status == ML.Search.Tuners.TrialStatus.Failed),
            Best = result.Best,
            Defaults = result.DefaultParameters,
            HeldOut = heldOut is null ? null : new HeldOutSummary
            {
                FirstWindow = heldOut.FirstWindow,
                Best = heldOut.BestMetric,
                Default = heldOut.DefaultMetric,
                PerWindow = Enumerable.Range(heldOut.FirstWindow, heldOut.Windows - heldOut.FirstWindow)
                    .Select(w => new HeldOutWindow(w, Accuracy(heldOut.Best.Scores, w), Accuracy(heldOut.Default.Scores, w))).ToList(),
            },
            Importance = ParameterImportance.Compute(space, result.History),
            Seconds = result.Seconds,
        };
    }

    /// <summary>Writes summary.json, the plots and report.md into <paramref name="folder"/>; returns the summary.</summary>
    public static LabSearchSummary Write(SearchResult result, LabSearchSetup setup, LabPreset preset, SearchSpace space, string folder)
    {
        var summary = Summarize(result, setup, preset, space);
        PlasticityJson.WriteFile(Path.Combine(folder, "summary.json"), summary);
        TrialsOverTime(result, Path.Combine(folder, Plots[0]));
        BestSoFar(result, Path.Combine(folder, Plots[1]));
        var importance = new BarPlot("Parameter importance", "|Spearman rho| (ranges), eta (choices)");
        foreach (var entry in summary.Importance) importance.Add(entry.Parameter, "importance", entry.Importance, double.NaN);
        importance.SavePng(Path.Combine(folder, Plots[2]), width: 900);
        HeldOutWindows(result, Path.Combine(folder, Plots[3]));
        Report(result, summary, setup).Write(Path.Combine(folder, "report.md"));
        return summary;
    }

    private static MarkdownReport Report(SearchResult result, LabSearchSummary summary, LabSearchSetup setup)
    {
        var report = new MarkdownReport("Plasticity.Lab: search");
        report.Paragraph($"A search over plasticity settings on a drifting stream ({summary.Data}). The search tunes on windows 0-{summary.TuningWindows - 1}; " +
                         $"windows {summary.TuningWindows}-{summary.Windows - 1} are held out: no trial ever reads them, and only the best and the default settings are " +
                         "reported on them at the end (tuning on a whole stream and reporting on it overstates results; Mesbahi et al., ICML 2025). " +
                         "Every window is scored before it is learned (prequential, test-then-train).");
        report.Heading("Result");
        if (summary.HeldOut is { } h)
        {
            report.Table(["settings", $"{summary.Objective}, held-out windows {h.FirstWindow}-{summary.Windows - 1}"],
            [
                ["best found", F(h.Best)],
                ["default", F(h.Default)],
            ]);
            report.Table(["window", "best found", "default"], h.PerWindow.Select(w => (IReadOnlyList<string>)[w.Window.ToString(CultureInfo.InvariantCulture), F(w.Best), F(w.Default)]));
        }
        else
        {
            report.Paragraph("No held-out result (no trial completed, or no window was held out).");
        }
        report.Table(["", "parameters", "tuning objective"],
        [
            ["best", result.Best?.Parameters.ToString() ?? "none", result.Best is null ? "" : $"{F(result.Best.Metric)} (trial {result.Best.Id}, windows {result.Best.StartFidelity + 1}-{result.Best.Fidelity})"],
            ["default", summary.Defaults.ToString(), ""],
        ]);
        report.Paragraph($"{summary.Trials} trials ({summary.Completed} completed, {summary.Failed} failed) with {summary.Tuner}; stopped by {summary.StoppedBy} " +
                         $"(budget: {summary.Budget}); {summary.Seconds:F0} s of search.");
        foreach (var plot in Plots) report.Image(Path.GetFileNameWithoutExtension(plot), plot);
        report.Paragraph("Parameter importance is a first screen on the completed trials of the highest fidelity: the absolute Spearman rank " +
                         "correlation between a range parameter's value and the objective, and the correlation ratio (eta) of a choice. It ignores " +
                         "interactions and, with few trials, is noisy: read it as a hint.");
        report.Heading("Settings").Table(["setting", "value"],
        [
            ["stream", summary.Data],
            ["default network", $"MLP {string.Join("-", setup.Baseline.Network.HiddenWidths)}, {setup.Baseline.Network.Normalization}, no intervention"],
            ["training", $"{setup.Baseline.StepsPerTask} steps of {setup.Baseline.BatchSize} per window, Adam, seed {setup.Seed}"],
            ["searched", "learning rate (log 1e-4 to 1e-2), normalization (none, LayerNorm), width (32 to 256), intervention (" + string.Join(", ", LabSearchSetup.Interventions) + ")"],
            ["tuner", $"{summary.Tuner}, {setup.Parallel} trials at once"],
        ]);
        report.Paragraph("`history.jsonl` holds every proposal and result (parameters in real units, metric, cost, seed, status, error, per-window scores); " +
                         "`state.json` the tuner's state; `checkpoints/` each trial's model. Run the same command again to resume a stopped search; a larger `--trials` runs more.");
        return report;
    }

    private static void TrialsOverTime(SearchResult result, string path)
    {
        var plot = new Reporting.ScatterPlot($"Trials over time ({result.History.Count(t => t.Status == ML.Search.Tuners.TrialStatus.Failed)} failed, not shown)",
            "search time (s)", result.Objective.ToString());
        foreach (var group in result.History.Where(t => t.IsCompleted).GroupBy(t => t.Fidelity).OrderBy(g => g.Key))
            plot.Add($"fidelity {group.Key}", group.Select(t => t.FinishedAt ?? double.NaN).ToList(), group.Select(t => t.Metric).ToList());
        plot.SavePng(path);
    }

    private static void BestSoFar(SearchResult result, string path)
    {
        var completed = result.History.Where(t => t.IsCompleted).ToList();
        var plot = new Plot();
        if (completed.Count > 0)
        {
            long top = completed.Max(t => t.Fidelity);
            bool up = result.Objective.Direction == ML.Search.Tuners.OptimizationDirection.Maximize;
            var xs = new List<double>();
            var ys = new List<double>();
            double best = double.NaN;
            foreach (var t in completed.Where(t => t.Fidelity == top).OrderBy(t => t.FinishedAt))
            {
                if (double.IsNaN(best) || (up ? t.Metric > best : t.Metric < best)) best = t.Metric;
                xs.Add(t.FinishedAt ?? 0);
                ys.Add(best);
            }
            var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LegendText = $"best so far (trials at fidelity {top})";
            plot.ShowLegend();
        }
        plot.Title("Best so far");
        plot.XLabel("search time (s)");
        plot.YLabel(result.Objective.ToString());
        plot.SavePng(path, 900, 500);
    }

    private static void HeldOutWindows(SearchResult result, string path)
    {
        var plot = new Plot();
        if (result.HeldOut is { } h)
        {
            var bestLineage = (result.Best?.Scores ?? []).Concat(h.Best.Scores).Where(s => s.Window < result.TuningWindows || h.Best.Scores.Contains(s)).ToList();
            var best = plot.Add.Scatter(bestLineage.Select(s => (double)s.Window).ToArray(), bestLineage.Select(s => s.Accuracy).ToArray());
            best.LegendText = "best found";
            var baseline = plot.Add.Scatter(h.Default.Scores.Select(s => (double)s.Window).ToArray(), h.Default.Scores.Select(s => s.Accuracy).ToArray());
            baseline.LegendText = "default";
            var split = plot.Add.VerticalLine(h.FirstWindow - 0.5);
            split.LabelText = "held out from here";
            split.LinePattern = LinePattern.Dashed;
            plot.ShowLegend();
        }
        plot.Title("Prequential accuracy per window (each window scored before it is learned)");
        plot.XLabel("window");
        plot.YLabel("accuracy");
        plot.Axes.SetLimitsY(0, 1);
        plot.SavePng(path, 900, 500);
    }

    private static double Accuracy(IReadOnlyList<ML.Search.Objectives.WindowScore> scores, int window) =>
        scores.FirstOrDefault(s => s.Window == window)?.Accuracy ?? double.NaN;

    private static string F(double value) => double.IsFinite(value) ? value.ToString("F4", CultureInfo.InvariantCulture) : "n/a";
}
