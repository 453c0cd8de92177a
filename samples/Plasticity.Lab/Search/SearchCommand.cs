using System.Globalization;
using Plasticity.Lab.Catalog;
using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Trials;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Plasticity.Lab.Search;

/// <summary>
/// <c>Plasticity.Lab search</c>: searches plasticity settings on the drifting stream of samples/DriftRetraining, each
/// trial in a worker process (the lab itself) or on an Orleans cluster (<c>--cluster N</c> local silos, or an existing
/// cluster with <c>--cluster-db</c>), shows progress, and writes the history, summary.json, plots and report.md. Ctrl+C
/// stops it cleanly; the same command resumes it.
/// </summary>
public sealed class SearchCommand(IAnsiConsole console) : AsyncCommand<SearchCommandSettings>
{
    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, SearchCommandSettings settings, CancellationToken cancellationToken)
    {
        var preset = LabSearchSetup.For(settings.Preset);
        var setup = preset with
        {
            Tuner = settings.Tuner ?? preset.Tuner,
            Parallel = settings.Parallel ?? preset.Parallel,
            Seed = settings.Seed ?? preset.Seed,
            Budget = preset.Budget with
            {
                MaxTrials = settings.Trials ?? preset.Budget.MaxTrials,
                MaxSeconds = settings.Seconds ?? preset.Budget.MaxSeconds,
            },
            Baseline = preset.Baseline with { Seed = settings.Seed ?? preset.Seed },
        };
        string folder = Path.GetFullPath(settings.Out ?? Path.Combine("lab-results", $"search-{settings.Preset.ToString().ToLowerInvariant()}"));
        if (settings.Fresh && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);

        var space = setup.Space;
        await using var cluster = await SearchCluster.StartAsync(settings, console, cancellationToken).ConfigureAwait(false);
        ITrialRunner runner = cluster is not null ? cluster.Runner
            : settings.Runner == "in-process" ? new InProcessTrialRunner(setup.Parallel)
            : new ProcessPoolTrialRunner(new ProcessPoolOptions { WorkerCommand = TrialWorkerCommand.ForAssembly(typeof(LabApp).Assembly), MaxWorkers = setup.Parallel });
        string where = cluster is not null ? "on the cluster" : settings.Runner;
        var experiment = new SearchExperiment()
            .SetData(StreamReference.Embedded(setup.Stream), setup.TuningWindows)
            .SetTrainingOptions(setup.Baseline, (baseline, parameters) => LabSearchSetup.Apply(space, baseline, parameters))
            .SetSearchSpace(space)
            .SetTuner(setup.CreateTuner())
            .SetBudget(setup.Budget)
            .SetParallelism(setup.Parallel)
            .SetSeed(setup.Seed)
            .SetCheckpointFolder(folder)
            .SetMonitor(new ConsoleSearchMonitor(console))
            .SetRunner(runner);

        console.MarkupLineInterpolated($"[bold]search[/] ({settings.Preset.ToString().ToLowerInvariant()}): {setup.Tuner} over {space.Parameters.Count} plasticity settings, budget {setup.Budget}, {Math.Min(setup.Parallel, runner.Capacity)} trial(s) at once ({where})");
        console.MarkupLineInterpolated($"Stream: {setup.Stream.Windows} windows x {setup.Stream.ImagesPerWindow} images; tuning on windows 0-{setup.TuningWindows - 1}, windows {setup.TuningWindows}-{setup.Stream.Windows - 1} held out. Results in [link]{folder}[/]");
        var result = await experiment.RunAsync(cancellationToken).ConfigureAwait(false);
        var summary = SearchReport.Write(result, setup, settings.Preset, space, folder);

        var table = new Table().Title($"{result.Objective} on the held-out windows");
        table.AddColumn("settings").AddColumn(new TableColumn("held out").RightAligned()).AddColumn("parameters");
        table.AddRow("best found", Markup.Escape(F(summary.HeldOut?.Best)), Markup.Escape(result.Best?.Parameters.ToString() ?? "none"));
        table.AddRow("default", Markup.Escape(F(summary.HeldOut?.Default)), Markup.Escape(result.DefaultParameters.ToString()));
        console.Write(table);
        console.MarkupLineInterpolated($"{summary.Trials} trials ({summary.Failed} failed), stopped by {summary.StoppedBy}. Report: [link]{Path.Combine(folder, "report.md")}[/]; summary: {Path.Combine(folder, "summary.json")}");
        return 0;
    }

    private static string F(double? value) => value is double v && double.IsFinite(v) ? v.ToString("F4", CultureInfo.InvariantCulture) : "n/a";
}
