using System.Globalization;
using System.Text;
using Plasticity.ML.Common;

namespace Plasticity.ML.Experiments;

/// <summary>
/// Writes an experiment's results as files: <c>spec.json</c> (the exact spec, to repeat the run),
/// <c>tasks.csv</c> (one row per run and task), <c>probe-curves.csv</c>, and <c>summary.json</c>.
/// </summary>
public static class ResultStore
{
    /// <summary>Writes every file into <paramref name="folder"/> (all but spec.json for an interim result,
    /// <see cref="ExperimentResult.IsPartial"/>); returns their paths.</summary>
    public static IReadOnlyList<string> Write(ExperimentResult result, string folder)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(folder);
        string spec = Path.Combine(folder, "spec.json"), tasks = Path.Combine(folder, "tasks.csv"),
            curves = Path.Combine(folder, "probe-curves.csv"), summary = Path.Combine(folder, "summary.json");
        var written = new List<string>();
        // An interim result leaves spec.json alone: the experiment it is a look at may still be running from that file.
        if (!result.IsPartial)
        {
            PlasticityJson.WriteFile(spec, result.Spec);
            written.Add(spec);
        }
        AtomicFile.WriteAllText(tasks, TasksCsv(result));
        AtomicFile.WriteAllText(curves, ProbeCurvesCsv(result));
        PlasticityJson.WriteFile(summary, Summary(result));
        written.AddRange([tasks, curves, summary]);
        return written;
    }

    /// <summary>The summary document (the shape of <c>summary.json</c>).</summary>
    public static ExperimentSummary Summary(ExperimentResult result) => new()
    {
        Experiment = result.Spec.Name,
        Description = result.Spec.Description,
        PendingRuns = result.PendingRuns,
        Variants = result.Summaries,
    };

    /// <summary>One row per run and task: losses, accuracies, probe loss and every recorded statistic.</summary>
    public static string TasksCsv(ExperimentResult result)
    {
        var statistics = result.Runs.SelectMany(r => r.Result.ProbePoints).SelectMany(p => p.Statistics.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var csv = new StringBuilder();
        csv.Append("variant,seed,task,finalTrainLoss,finalTrainAccuracy,onlineLoss,onlineAccuracy,trainSeconds,probeLoss,probeStd");
        foreach (var s in statistics) csv.Append(',').Append(s);
        csv.AppendLine();
        foreach (var run in result.Runs)
        {
            if (run.Result.InitialProbePoint is { } initial) AppendRow(csv, run, -1, null, initial, statistics);
            foreach (var task in run.Result.Tasks) AppendRow(csv, run, task.TaskIndex, task, task.ProbePoint, statistics);
        }
        return csv.ToString();
    }

    /// <summary>One row per run, probe point and curve step: the mean probe loss over targets.</summary>
    public static string ProbeCurvesCsv(ExperimentResult result)
    {
        var csv = new StringBuilder("variant,seed,task,step,probeLoss\n");
        foreach (var run in result.Runs)
            foreach (var point in run.Result.ProbePoints)
            {
                if (point.Probe is null) continue;
                for (int i = 0; i < point.Probe.CurveSteps.Length; i++)
                    csv.Append(CultureInfo.InvariantCulture, $"{run.Variant},{run.Seed},{point.TaskIndex},{point.Probe.CurveSteps[i]},{F(point.Probe.MeanCurve[i])}\n");
            }
        return csv.ToString();
    }

    private static void AppendRow(StringBuilder csv, RunRecord run, int task, Training.TaskMetrics? metrics, Training.ProbePointRecord? point, List<string> statistics)
    {
        csv.Append(CultureInfo.InvariantCulture, $"{run.Variant},{run.Seed},{task},");
        csv.Append(string.Join(',', new[]
        {
            F(metrics?.FinalTrainLoss), F(metrics?.FinalTrainAccuracy), F(metrics?.OnlineLoss), F(metrics?.OnlineAccuracy),
            F(metrics?.TrainSeconds), F(point?.Probe?.MeanLoss), F(point?.Probe?.StdLoss),
        }));
        foreach (var s in statistics)
            csv.Append(',').Append(point is not null && point.Statistics.TryGetValue(s, out var v) ? F(v) : "");
        csv.AppendLine();
    }

    private static string F(double? value) =>
        value is null || double.IsNaN(value.Value) ? "" : value.Value.ToString("R", CultureInfo.InvariantCulture);
}
