using System.Globalization;
using System.Text.Json.Nodes;
using Plasticity.ML.Common;
using Plasticity.ML.Training.Checkpoints;
using Spectre.Console;

namespace Plasticity.Lab.Reporting;

/// <summary>What <c>--report-only</c> says: how many of an experiment's runs its interim report rests on, and where each
/// unfinished run stands.</summary>
public static class InterimReport
{
    /// <summary>
    /// Tells the console how many runs are finished; false when none is: then there is nothing to report, and the console
    /// hears where each of the <paramref name="unfinished"/> runs stands instead.
    /// </summary>
    public static bool Announce(IAnsiConsole console, int finished, int total, string folder, IReadOnlyList<(string Run, string Standing)> unfinished)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(unfinished);
        if (finished == 0)
        {
            console.MarkupLineInterpolated($"[yellow]No run of this experiment has finished in {folder} yet (0 of {total}); nothing to report.[/]");
            Print(console, unfinished);
            return false;
        }
        if (finished == total)
            console.MarkupLineInterpolated($"{(total == 1 ? "The one run is" : $"All {total} runs are")} finished: the report is complete.");
        else
            console.MarkupLineInterpolated($"[yellow]Interim report: {finished} of {total} runs finished; the others are left out (nothing is trained with --report-only).[/]");
        return true;
    }

    /// <summary>The last line of a lab run: how it ended (trained, or a report of stored runs, complete or interim) and where the report is.</summary>
    public static void Finished(IAnsiConsole console, bool reportOnly, bool partial, double seconds, string folder)
    {
        ArgumentNullException.ThrowIfNull(console);
        string how = !reportOnly ? string.Create(CultureInfo.InvariantCulture, $"Finished in {seconds:F0} s") : partial ? "Interim report written" : "Report written";
        console.MarkupLineInterpolated($"{how}. Report: [link]{Path.Combine(folder, "report.md")}[/]; summary: {Path.Combine(folder, "summary.json")}");
    }

    /// <summary>The report's warning line.</summary>
    public static string Note(int finished, int total) =>
        $"**Interim report: {finished} of {total} runs finished.** The runs still to train or in progress are left out of every table, plot and mean below " +
        "(listed at the end, with where each stands); a variant with no finished run shows 0 seeds and n/a. The same command without `--report-only` " +
        "trains the rest and rewrites this report.";

    /// <summary>
    /// Where an unfinished run stands, read from the description of its newest checkpoint (the state is not read):
    /// "step 1,178,402 of 6,000,000 (20%); checkpoint of 2026-11-30 09:45 UTC", "not started", or that its checkpoint was
    /// written by other code (this code starts the run over).
    /// </summary>
    /// <param name="checkpointPath">The run's checkpoint file.</param>
    /// <param name="totalSteps">Steps of the whole run.</param>
    /// <param name="stepsDone">Steps done, from the checkpoint's JSON description (null when it does not say).</param>
    public static string Standing(string checkpointPath, long totalSteps, Func<JsonObject, long?> stepsDone)
    {
        ArgumentNullException.ThrowIfNull(stepsDone);
        string? description = Checkpoint.ReadDescription(checkpointPath);
        if (description is null)
            return File.Exists(checkpointPath) || File.Exists(Checkpoint.PreviousPath(checkpointPath)) ? "its checkpoint cannot be read (damaged): the run will start over" : "not started";
        var json = JsonNode.Parse(description) as JsonObject;
        string? code = json?["code"]?.GetValue<string>();
        if (code != CodeVersion.Current)
            return $"checkpoint written by other code ({code ?? "unknown"}): this code starts the run over";
        // Between the two renames of a checkpoint write only the previous generation exists for a moment.
        string file = File.Exists(checkpointPath) ? checkpointPath : Checkpoint.PreviousPath(checkpointPath);
        string written = File.GetLastWriteTimeUtc(file).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        if (json is null || stepsDone(json) is not { } done) return $"in progress; checkpoint of {written} UTC";
        return string.Create(CultureInfo.InvariantCulture, $"step {done:N0} of {totalSteps:N0} ({100.0 * done / totalSteps:F0}%); checkpoint of {written} UTC");
    }

    /// <summary>Prints the unfinished runs and where they stand, and adds them to the end of <paramref name="report"/>.</summary>
    public static void ListUnfinished(IAnsiConsole console, MarkdownReport report, IReadOnlyList<(string Run, string Standing)> unfinished)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(unfinished);
        if (unfinished.Count == 0) return;
        Print(console, unfinished);
        report.Heading("Runs not finished").Table(["run", "where it stands"], unfinished.Select(u => (IReadOnlyList<string>)[u.Run, u.Standing]));
    }

    private static void Print(IAnsiConsole console, IReadOnlyList<(string Run, string Standing)> unfinished)
    {
        console.MarkupLine("Not finished:");
        foreach (var (run, standing) in unfinished) console.MarkupLineInterpolated($"  {run}: {standing}");
    }
}
