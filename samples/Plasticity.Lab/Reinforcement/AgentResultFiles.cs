using System.Globalization;
using System.Text;
using Plasticity.ML.Common;
using Plasticity.ML.Experiments;
using Plasticity.ML.Experiments.Agents;

namespace Plasticity.Lab.Reinforcement;

/// <summary>
/// The standard files of an agent experiment: <c>spec.json</c>, <c>evaluations.csv</c> (one row per run and evaluation),
/// <c>losses.csv</c> (per run and target period), <c>probes.csv</c> (per run and probe point, with every panel statistic),
/// and <c>summary.json</c>.
/// </summary>
public static class AgentResultFiles
{
    /// <summary>The panel statistic shown as "dormant units".</summary>
    public const string DormantStatistic = "dormantFraction.tau0.1";

    /// <summary>Writes every file into <paramref name="folder"/> (all but spec.json for an interim result,
    /// <see cref="AgentExperimentResult.IsPartial"/>).</summary>
    public static void Write(AgentExperimentResult result, string folder)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(folder);
        // An interim result leaves spec.json alone: the experiment it is a look at may still be running from that file.
        if (!result.IsPartial) PlasticityJson.WriteFile(Path.Combine(folder, "spec.json"), result.Spec);
        AtomicFile.WriteAllText(Path.Combine(folder, "evaluations.csv"), EvaluationsCsv(result));
        AtomicFile.WriteAllText(Path.Combine(folder, "losses.csv"), LossesCsv(result));
        AtomicFile.WriteAllText(Path.Combine(folder, "probes.csv"), ProbesCsv(result));
        PlasticityJson.WriteFile(Path.Combine(folder, "summary.json"), Summary(result));
    }

    /// <summary>The summary document.</summary>
    public static AgentExperimentSummary Summary(AgentExperimentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = new List<AgentRunSummary>();
        foreach (var track in result.Spec.Tracks)
            foreach (var variant in result.Spec.Variants)
            {
                var records = result.RunsOf(track.Name, variant.Name).ToList();
                var runs = result.ResultsOf(track.Name, variant.Name);
                rows.Add(new AgentRunSummary
                {
                    Track = track.Name,
                    Variant = variant.Name,
                    Seeds = records.Count,
                    FailedSeeds = records.Count - runs.Count,
                    Steps = track.Steps,
                    FinalEvaluation = MeanStd.Of(runs.Select(r => r.Evaluations.Count == 0 ? (double?)null : r.Evaluations[^1].MeanReturn)),
                    MeanEvaluation = MeanStd.Of(runs.Select(r => r.Evaluations.Count == 0 ? (double?)null : r.Evaluations.Average(e => e.MeanReturn))),
                    FinalTrainingReturn = MeanStd.Of(runs.Select(r => AgentCurves.FinalTrainingReturn(r))),
                    FinalProbeLoss = MeanStd.Of(runs.Select(r => r.ProbePoints.LastOrDefault(p => p.Probe is not null)?.Probe?.MeanLoss)),
                    FinalDormantFraction = MeanStd.Of(runs.Select(r => r.ProbePoints.LastOrDefault(p => p.Statistics.ContainsKey(DormantStatistic)) is { } p ? p.Statistics[DormantStatistic] : (double?)null)),
                    Failures = records.Where(r => r.Failure is not null).Select(r => $"seed {r.Seed}: {r.Failure}").ToList(),
                });
            }
        return new AgentExperimentSummary { Experiment = result.Spec.Name, Description = result.Spec.Description, PendingRuns = result.PendingRuns, Runs = rows };
    }

    /// <summary>One row per run and evaluation.</summary>
    public static string EvaluationsCsv(AgentExperimentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new StringBuilder("track,variant,seed,stage,environment,step,meanReturn,minReturn,maxReturn,meanLength,episodes\n");
        foreach (var run in result.Runs.Where(r => r.Result is not null))
            foreach (var e in run.Result!.Evaluations)
                csv.Append(CultureInfo.InvariantCulture,
                    $"{run.Track},{run.Variant},{run.Seed},{e.Stage},{run.Result.Stages[e.Stage].Environment},{e.Step},{F(e.MeanReturn)},{F(e.Returns.Min())},{F(e.Returns.Max())},{F(e.Lengths.Average())},{e.Returns.Length}\n");
        return csv.ToString();
    }

    /// <summary>One row per run and target period (a task of the step protocol).</summary>
    public static string LossesCsv(AgentExperimentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new StringBuilder("track,variant,seed,task,step,updates,meanLoss,meanTotalLoss\n");
        foreach (var run in result.Runs.Where(r => r.Result is not null))
            foreach (var l in run.Result!.Losses)
                csv.Append(CultureInfo.InvariantCulture, $"{run.Track},{run.Variant},{run.Seed},{l.TaskIndex},{l.Step},{l.Updates},{F(l.MeanLoss)},{F(l.MeanTotalLoss)}\n");
        return csv.ToString();
    }

    /// <summary>One row per run and probe point: the probe loss and every panel statistic.</summary>
    public static string ProbesCsv(AgentExperimentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var runs = result.Runs.Where(r => r.Result is not null).ToList();
        var statistics = runs.SelectMany(r => r.Result!.ProbePoints).SelectMany(p => p.Statistics.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var csv = new StringBuilder("track,variant,seed,stage,step,task,probeLoss,probeStd");
        foreach (var s in statistics) csv.Append(',').Append(s);
        csv.AppendLine();
        foreach (var run in runs)
            foreach (var p in run.Result!.ProbePoints)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{run.Track},{run.Variant},{run.Seed},{AgentCurves.StageOf(run.Result, p.GlobalStep)},{p.GlobalStep},{p.TaskIndex},{F(p.Probe?.MeanLoss)},{F(p.Probe?.StdLoss)}");
                foreach (var s in statistics) csv.Append(',').Append(p.Statistics.TryGetValue(s, out var v) ? F(v) : "");
                csv.AppendLine();
            }
        return csv.ToString();
    }

    private static string F(double? value) =>
        value is null || double.IsNaN(value.Value) ? "" : value.Value.ToString("R", CultureInfo.InvariantCulture);
}
