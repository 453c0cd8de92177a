using System.Globalization;
using Plasticity.Lab.Catalog;
using Plasticity.Lab.Commands;
using Plasticity.Lab.Reporting;
using Plasticity.ML.Common;
using Plasticity.ML.Experiments.Agents;
using Plasticity.ML.Reinforcement.Agents;
using Spectre.Console;

namespace Plasticity.Lab.Reinforcement;

/// <summary>Runs an agent experiment from the command line and writes its results, plots and report.</summary>
public sealed class AgentLabRun(IAnsiConsole console)
{
    /// <summary>Runs <paramref name="experiment"/> (or the spec read from <c>--spec</c>); returns the exit code.</summary>
    public int Execute(AgentLabExperiment experiment, RunSettings settings, AgentExperimentSpec? specFromFile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(settings);
        if (specFromFile is null && !experiment.SupportsPreset(settings.Preset))
        {
            var presets = Enum.GetValues<LabPreset>().Where(experiment.SupportsPreset).Select(p => p.ToString().ToLowerInvariant());
            console.MarkupLineInterpolated($"[red]The experiment '{experiment.Name}' has no preset '{settings.Preset.ToString().ToLowerInvariant()}'; its presets: {string.Join(", ", presets)}.[/]");
            return 2;
        }
        var spec = experiment.ApplyOverrides(specFromFile ?? experiment.CreateSpec(settings.Preset), settings);
        spec.Validate();
        string folder = Path.GetFullPath(settings.Out ?? settings.DefaultFolder(spec.Name));
        Directory.CreateDirectory(folder);
        // An interim report must not rewrite the spec of an experiment that may still be running in this folder.
        if (!settings.ReportOnly) PlasticityJson.WriteFile(Path.Combine(folder, "spec.json"), spec);
        if (settings.Fresh)
        {
            string runs = Path.Combine(folder, "runs");
            if (Directory.Exists(runs)) Directory.Delete(runs, recursive: true);
        }

        int runCount = spec.Tracks.Count * spec.Variants.Count * spec.RunSeeds.Count;
        console.MarkupLineInterpolated($"[bold]{spec.Name}[/] ({settings.PresetLabel}): {spec.Description}");
        console.MarkupLineInterpolated($"{spec.Tracks.Count} tracks x {spec.Variants.Count} variants x {spec.RunSeeds.Count} seeds = {runCount} runs of {string.Join(" / ", spec.Tracks.Select(t => t.Steps).Distinct().Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))} environment steps; results in [link]{folder}[/]");

        var context = new AgentLabContext(spec, folder, settings.Preset, settings.PresetLabel, console, settings.Fresh, cancellationToken) { ReportOnly = settings.ReportOnly, ReuseRunsFromOtherCode = settings.ReuseRunsFromOtherCode };
        var runner = new AgentExperimentRunner { StoredRunsOnly = settings.ReportOnly, ReuseRunsFromOtherCode = settings.ReuseRunsFromOtherCode };
        var result = settings.ReportOnly
            ? runner.Run(spec, folder, cancellationToken: cancellationToken)
            : AgentLabProgress.Run(console, spec, progress => runner.Run(spec, folder, progress, cancellationToken));
        var unfinished = settings.ReportOnly ? Unfinished(result, folder) : [];
        if (settings.ReportOnly && !InterimReport.Announce(console, result.Runs.Count, result.Runs.Count + result.PendingRuns, folder, unfinished)) return 0;
        if (result.ResumedRuns > 0 && !settings.ReportOnly)
            console.MarkupLineInterpolated($"[grey]Reused {result.ResumedRuns} finished run(s) stored in {folder}/runs (use --fresh to train them again).[/]");

        AgentResultFiles.Write(result, folder);
        var plots = AgentPlots.Write(result, folder);
        var report = StandardReport(result, folder, plots, settings.PresetLabel);
        experiment.Analyze(result, context, report);
        if (settings.ReportOnly) InterimReport.ListUnfinished(console, report, unfinished);
        report.Write(Path.Combine(folder, "report.md"));

        console.Write(SummaryTable(result));
        foreach (var failure in result.Failures)
            console.MarkupLineInterpolated($"[yellow]{failure.Track}/{failure.Variant}/seed-{failure.Seed} failed (left out of the means): {failure.Failure}[/]");
        InterimReport.Finished(console, settings.ReportOnly, result.IsPartial, result.Seconds, folder);
        return 0;
    }

    /// <summary>The runs of the spec missing from <paramref name="result"/>, with where each stands.</summary>
    private static List<(string Run, string Standing)> Unfinished(AgentExperimentResult result, string folder)
    {
        var spec = result.Spec;
        string runs = Path.Combine(folder, "runs");
        var finished = result.Runs.Select(r => (r.Track, r.Variant, r.Seed)).ToHashSet();
        return (from track in spec.Tracks
                from variant in spec.Variants
                from seed in spec.RunSeeds
                where !finished.Contains((track.Name, variant.Name, seed))
                select (AgentExperimentProgress.RunNameOf(track.Name, variant.Name, seed),
                    InterimReport.Standing(AgentExperimentRunner.CheckpointPath(runs, track.Name, variant.Name, seed), track.Steps,
                        description => description["step"]?.GetValue<long>()))).ToList();
    }

    private static readonly string[] SummaryHeader = ["track", "variant", "seeds", "steps", "final evaluation", "mean over evaluations", "training return (last 100 episodes)", "probe loss (end)", "dormant (end)"];

    private static IEnumerable<IReadOnlyList<string>> SummaryRows(AgentExperimentResult result) =>
        AgentResultFiles.Summary(result).Runs.Select(r => (IReadOnlyList<string>)
        [
            r.Track, r.Variant, r.FailedSeeds == 0 ? r.Seeds.ToString(CultureInfo.InvariantCulture) : $"{r.Seeds} ({r.FailedSeeds} failed)",
            r.Steps.ToString("N0", CultureInfo.InvariantCulture), r.FinalEvaluation.ToString("F2"), r.MeanEvaluation.ToString("F2"),
            r.FinalTrainingReturn.ToString("F2"), r.FinalProbeLoss.ToString("F4"), r.FinalDormantFraction.ToString("F3"),
        ]);

    private static Table SummaryTable(AgentExperimentResult result)
    {
        var table = new Table().Title("Returns: mean ± std over seeds");
        foreach (var column in SummaryHeader) table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var row in SummaryRows(result)) table.AddRow(row.Select(Markup.Escape).ToArray());
        return table;
    }

    /// <summary>When the probe runs: its interval, or only the stage ends when the interval is longer than every track
    /// (classification-mdp sets an unreachable interval so that it probes after each task).</summary>
    private static string ProbeSchedule(AgentExperimentSpec spec, AgentOptions agent) =>
        agent.ProbeInterval >= spec.Tracks.Max(t => t.Steps)
            ? "when learning starts and at each stage's end"
            : $"every {agent.ProbeInterval:N0} steps and at each stage's end";

    private static MarkdownReport StandardReport(AgentExperimentResult result, string folder, IReadOnlyList<string> plots, string preset)
    {
        var spec = result.Spec;
        var a = spec.Agent;
        var report = new MarkdownReport($"Plasticity.Lab: {spec.Name}");
        report.Paragraph(spec.Description);
        if (result.IsPartial) report.Paragraph(InterimReport.Note(result.Runs.Count, result.Runs.Count + result.PendingRuns));
        report.Heading("Runs").Table(SummaryHeader, SummaryRows(result));
        report.Paragraph("Final evaluation: the mean return of the last evaluation's episodes. Mean over evaluations: the mean of every evaluation point " +
                         "of the run (the area under its learning curve, per point). Training return: the mean of the last 100 training episodes of the run's " +
                         "last stage (the measure of the MinAtar paper's curves). Mean ± sample standard deviation over seeds.");
        if (result.Failures.Any())
            report.Heading("Failed runs").Paragraph("Their loss became NaN or infinite; they are left out of every mean above, which says how many seeds it rests on.")
                .Table(["track", "variant", "seed", "what"], result.Failures.Select(f => (IReadOnlyList<string>)[f.Track, f.Variant, f.Seed.ToString(CultureInfo.InvariantCulture), f.Failure ?? ""]));
        foreach (var plot in plots) report.Image(Path.GetFileNameWithoutExtension(plot), plot);
        var o = a.Optimizer;
        report.Heading("Settings").Table(["setting", "value"],
        [
            ["preset", preset],
            ["tracks", string.Join("; ", spec.Tracks.Select(t => $"{t.Name}: " + string.Join(" -> ", t.Stages.Select(s => $"{s.Environment.Name} {s.Steps:N0} steps" + (s.WarmupSteps > 0 ? $" (warm-up {s.WarmupSteps:N0})" : "") + (s.KeepReplay ? "" : " (replay emptied)")))))],
            ["variants", string.Join(", ", spec.Variants.Select(v => v.Name))],
            ["agent", $"{a.Kind}, batch {a.BatchSize}, gamma {a.Gamma.ToString(CultureInfo.InvariantCulture)}, {a.Loss} loss, replay {a.Replay.Capacity:N0}, learning after {a.LearningStarts:N0} steps, an update every {a.TrainFrequency} step(s), target copy every {a.TargetUpdatePeriod:N0} steps"],
            ["exploration", $"epsilon {a.EpsilonStart.ToString(CultureInfo.InvariantCulture)} -> {a.EpsilonEnd.ToString(CultureInfo.InvariantCulture)} over {a.EpsilonDecaySteps:N0} steps"],
            ["optimizer", $"{o.Kind}{(o.Centered ? " (centered)" : "")} lr {o.LearningRate.ToString(CultureInfo.InvariantCulture)}, eps {o.Epsilon.ToString(CultureInfo.InvariantCulture)}" + (a.MaxGradientNorm > 0 ? $", gradient norm clipped at {a.MaxGradientNorm.ToString(CultureInfo.InvariantCulture)}" : "")],
            ["evaluation", a.EvaluationInterval > 0 ? $"{a.EvaluationEpisodes} episodes with epsilon {a.EvaluationEpsilon.ToString(CultureInfo.InvariantCulture)} every {a.EvaluationInterval:N0} steps of each stage{(a.EvaluateAtStart ? ", at each stage's start" : "")} and at its end" : "none"],
            ["probe", a.Probe is null ? "none" : $"{a.Probe.Targets} targets x {a.Probe.Steps} steps on {a.Probe.Inputs} replay observations, " + ProbeSchedule(spec, a)],
            ["seeds", ML.Experiments.ExperimentSeeds.Describe(spec.RunSeeds)],
            ["wall time", $"{result.Seconds:F0} s ({result.ResumedRuns} stored runs reused)"],
            ["code", RunCodeVersions.Describe(result.Runs.Select(r => r.Code))],
        ]);
        report.Heading("Reproduce").Code($"dotnet run --project samples/Plasticity.Lab -c Release -- {spec.Name} --spec {Path.Combine(folder, "spec.json")} --out {folder}-repeat", "sh");
        report.Paragraph("`spec.json` in this folder holds every setting; `evaluations.csv` has one row per run and evaluation, `losses.csv` one per run and " +
                         "target period, `probes.csv` one per run and probe point (with every panel statistic), `runs/` each run's full result.");
        return report;
    }
}
