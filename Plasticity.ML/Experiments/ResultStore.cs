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
    /// <summary>Writes every file into <paramref name="folder"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(ExperimentResult result, string folder)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(folder);
        var paths = new List<string>
        {
            Path.Combine(folder, "spec.json"),
            Path.Combine(folder, "tasks.csv"),
            Path.Combine(folder, "probe-curves.csv"),
            Path.Combine(folder, "summary.json"),
        };
        PlasticityJson.WriteFile(paths[0], result.Spec);
        AtomicFile.WriteAllText(paths[1], TasksCsv(result));
        AtomicFile.WriteAllText(paths[2], ProbeCurvesCsv(result));
        PlasticityJson.WriteFile(paths[3], Summary(result));
        return paths;
    }

    /// <summary>The summary document (the shape of <c>summary.json</c>).</summary>
    public static ExperimentSummary Summary(ExperimentResult result) => new()
    {
        Experiment = result.Spec.Name,
        Description = result.Spec.Description,
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
