using System.Globalization;
using System.Text.Json.Nodes;
using Plasticity.Lab.Catalog;
using Plasticity.Lab.Reinforcement;
using Plasticity.Lab.Reporting;
using Plasticity.ML.Common;
using Plasticity.ML.Experiments;
using Plasticity.ML.Experiments.Agents;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Plasticity.Lab.Commands;

/// <summary>Runs an experiment and writes its results, plots and report.</summary>
public sealed class RunCommand(IAnsiConsole console) : Command<RunSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        ILabExperiment experiment;
        string? specText = settings.Spec is null ? null : File.ReadAllText(settings.Spec);
        if (specText is not null)
        {
            string? name = JsonNode.Parse(specText)?["name"]?.GetValue<string>();
            experiment = settings.Experiment is not null ? ExperimentCatalog.Find(settings.Experiment)
                : (name is null ? null : ExperimentCatalog.TryFind(name)) ?? ExperimentCatalog.Default;
        }
        else
        {
            experiment = settings.Experiment is null ? ExperimentCatalog.Default : ExperimentCatalog.Find(settings.Experiment);
        }
        if (experiment is AgentLabExperiment agents)
            return new AgentLabRun(console).Execute(agents, settings, specText is null ? null : PlasticityJson.Deserialize<AgentExperimentSpec>(specText), cancellationToken);

        var supervised = (LabExperiment)experiment;
        ExperimentSpec baseSpec;
        if (specText is not null)
        {
            baseSpec = PlasticityJson.Deserialize<ExperimentSpec>(specText);
        }
        else
        {
            if (!supervised.SupportsPreset(settings.Preset))
            {
                var presets = Enum.GetValues<LabPreset>().Where(supervised.SupportsPreset).Select(p => p.ToString().ToLowerInvariant());
                console.MarkupLineInterpolated($"[red]The experiment '{supervised.Name}' has no preset '{settings.Preset.ToString().ToLowerInvariant()}'; its presets: {string.Join(", ", presets)}.[/]");
                return 2;
            }
            baseSpec = supervised.CreateSpec(settings.Preset);
        }

        var spec = ApplyOverrides(baseSpec, settings);
        spec.Validate();
        string folder = Path.GetFullPath(settings.Out ?? settings.DefaultFolder(spec.Name));
        Directory.CreateDirectory(folder);
        // An interim report must not rewrite the spec of an experiment that may still be running in this folder.
        if (!settings.ReportOnly) PlasticityJson.WriteFile(Path.Combine(folder, "spec.json"), spec);

        console.MarkupLineInterpolated($"[bold]{spec.Name}[/] ({settings.PresetLabel}): {spec.Description}");
        console.MarkupLineInterpolated($"{spec.Variants.Count} variants x {spec.RunSeeds.Count} seeds, {spec.Tasks.Tasks} tasks x {spec.Training.StepsPerTask} steps; results in [link]{folder}[/]");

        var labContext = new LabRunContext(spec, folder, settings.Preset, settings.PresetLabel, console, settings.Fresh, cancellationToken) { ReportOnly = settings.ReportOnly, ReuseRunsFromOtherCode = settings.ReuseRunsFromOtherCode };
        var result = supervised.Execute(labContext);
        var unfinished = settings.ReportOnly ? Unfinished(result, folder) : [];
        if (settings.ReportOnly && !InterimReport.Announce(console, result.Runs.Count, result.Runs.Count + result.PendingRuns, folder, unfinished)) return 0;
        if (result.ResumedRuns > 0 && !settings.ReportOnly)
            console.MarkupLineInterpolated($"[grey]Reused {result.ResumedRuns} finished run(s) stored in {folder}/runs (use --fresh to train them again).[/]");

        ResultStore.Write(result, folder);
        var plots = ExperimentPlots.Write(result, folder);
        var report = StandardReport(result, folder, plots);
        supervised.Analyze(result, labContext, report);
        if (settings.ReportOnly) InterimReport.ListUnfinished(console, report, unfinished);
        report.Write(Path.Combine(folder, "report.md"));

        console.Write(SummaryTable(result));
        foreach (var summary in result.Summaries.Where(v => v.FailedSeeds > 0))
            console.MarkupLineInterpolated($"[yellow]{summary.Name}: {summary.FailedSeeds} of {summary.Seeds} seeds failed (left out of the means): {string.Join("; ", summary.Failures)}[/]");
        InterimReport.Finished(console, settings.ReportOnly, result.IsPartial, result.Seconds, folder);
        return 0;
    }

    private static ExperimentSpec ApplyOverrides(ExperimentSpec spec, RunSettings settings) => spec with
    {
        Seeds = settings.Seeds ?? spec.Seeds,
        // --seeds N asks for N consecutive seeds: it replaces a spec's list of seeds.
        SeedList = settings.Seeds is null ? spec.SeedList : null,
        ParallelRuns = settings.Parallel ?? spec.ParallelRuns,
        Data = settings.Data is null ? spec.Data : spec.Data with { Source = settings.Data },
        Tasks = settings.Tasks is null ? spec.Tasks : spec.Tasks with { Tasks = settings.Tasks.Value },
        Training = settings.Steps is null ? spec.Training : spec.Training with { StepsPerTask = settings.Steps.Value },
    };

    /// <summary>The runs of the spec missing from <paramref name="result"/>, with where each stands (steps over all tasks).</summary>
    private static List<(string Run, string Standing)> Unfinished(ExperimentResult result, string folder)
    {
        var spec = result.Spec;
        string runs = Path.Combine(folder, "runs");
        var finished = result.Runs.Select(r => (r.Variant, r.Seed)).ToHashSet();
        return (from variant in spec.Variants
                from seed in spec.RunSeeds
                where !finished.Contains((variant.Name, seed))
                let stepsPerTask = variant.Apply(spec.Training, seed).StepsPerTask
                select ($"{variant.Name}/seed-{seed}",
                    InterimReport.Standing(ExperimentRunner.CheckpointPath(runs, variant.Name, seed), (long)variant.ApplyTasks(spec.Tasks).Tasks * stepsPerTask,
                        description => description["taskIndex"]?.GetValue<long>() * stepsPerTask + description["stepInTask"]?.GetValue<long>()))).ToList();
    }

    private static Table SummaryTable(ExperimentResult result)
    {
        var table = new Table().Title("Plasticity loss = probe loss after the last task - probe loss of the initial network (mean ± std over seeds)");
        foreach (var column in SummaryHeader) table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var row in SummaryRows(result)) table.AddRow(row.Select(Markup.Escape).ToArray());
        return table;
    }

    private static readonly string[] SummaryHeader =
        ["variant", "seeds", "final-task accuracy", "probe loss (start)", "probe loss (end)", "plasticity loss"];

    private static IEnumerable<IReadOnlyList<string>> SummaryRows(ExperimentResult result) =>
        result.Summaries.Select(s => (IReadOnlyList<string>)
        [
            s.Name, s.FailedSeeds == 0 ? s.Seeds.ToString(CultureInfo.InvariantCulture) : $"{s.Seeds} ({s.FailedSeeds} failed)", s.FinalAccuracy.ToString("F3"),
            s.InitialProbeLoss.ToString("F4"), s.LastTaskProbeLoss.ToString("F4"), s.PlasticityLoss.ToString("F4"),
        ]);

    private static MarkdownReport StandardReport(ExperimentResult result, string folder, IReadOnlyList<string> plots)
    {
        var spec = result.Spec;
        var t = spec.Training;
        var report = new MarkdownReport($"Plasticity.Lab: {spec.Name}");
        report.Paragraph(spec.Description);
        if (result.IsPartial) report.Paragraph(InterimReport.Note(result.Runs.Count, result.Runs.Count + result.PendingRuns));
        report.Heading("Result").Table(SummaryHeader, SummaryRows(result));
        report.Paragraph("Plasticity loss is the probe loss after the last task minus the probe loss of the same seed's initial network " +
                         "(higher = more plasticity lost). Mean ± sample standard deviation over seeds; with few seeds, read differences against the spread.");
        var failed = result.Summaries.Where(v => v.FailedSeeds > 0).ToList();
        if (failed.Count > 0)
            report.Heading("Failed seeds").Paragraph("These values came out NaN or infinite; they are left out of the means above, which say how many values they rest on.")
                .Table(["variant", "failed seeds", "what"], failed.Select(v => (IReadOnlyList<string>)[v.Name, $"{v.FailedSeeds} of {v.Seeds}", string.Join("; ", v.Failures)]));
        foreach (var plot in plots) report.Image(Path.GetFileNameWithoutExtension(plot), plot);
        report.Heading("Settings").Table(["setting", "value"],
        [
            ["data", $"{spec.Data.Source}, {spec.Data.Samples} images"],
            ["task sequence", $"{spec.Tasks.Kind}, {spec.Tasks.Tasks} tasks x {t.StepsPerTask} steps, batch {t.BatchSize}"],
            ["network", $"{t.Network.Architecture} {string.Join("-", t.Network.HiddenWidths)}, {t.Network.Activation}, head {t.Network.Head.Kind} ({t.Network.Head.Outputs} outputs)"],
            ["optimizer", $"{t.Optimizer.Kind} lr {t.Optimizer.LearningRate.ToString(CultureInfo.InvariantCulture)}, betas ({t.Optimizer.Beta1.ToString(CultureInfo.InvariantCulture)}, {t.Optimizer.Beta2.ToString(CultureInfo.InvariantCulture)}), eps {t.Optimizer.Epsilon.ToString(CultureInfo.InvariantCulture)}"],
            ["probe", t.Probe is null ? "none" : $"{t.Probe.Targets} targets x {t.Probe.Steps} steps on {t.Probe.Inputs} inputs, batch {t.Probe.BatchSize}, k = {t.Probe.Frequency.ToString(CultureInfo.InvariantCulture)}, after every {t.ProbeEveryTasks} task(s) (the paper: 10 x 2,000)"],
            ["seeds", ExperimentSeeds.Describe(spec.RunSeeds)],
            ["wall time", $"{result.Seconds:F0} s ({result.ResumedRuns} stored runs reused)"],
            ["code", RunCodeVersions.Describe(result.Runs.Select(r => r.Code))],
        ]);
        report.Heading("Reproduce").Code($"dotnet run --project samples/Plasticity.Lab -c Release -- {spec.Name} --spec {Path.Combine(folder, "spec.json")} --out {folder}-repeat", "sh");
        report.Paragraph("`spec.json` in this folder holds every setting of this run; `tasks.csv` has one row per run and task, `probe-curves.csv` the probe learning curves, `runs/` each run's full result.");
        return report;
    }
}
