using Spectre.Console;

namespace Plasticity.Lab.Reporting;

/// <summary>What <c>--report-only</c> says: how many of an experiment's runs its interim report rests on.</summary>
public static class InterimReport
{
    /// <summary>Tells the console how many runs are finished; false when none is (there is nothing to report).</summary>
    public static bool Announce(IAnsiConsole console, int finished, int total, string folder)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (finished == 0)
        {
            console.MarkupLineInterpolated($"[yellow]No run of this experiment has finished in {folder} yet (0 of {total}); nothing to report. Runs still in progress keep their checkpoints in {Path.Combine(folder, "runs")}.[/]");
            return false;
        }
        console.MarkupLineInterpolated($"[yellow]Interim report: {finished} of {total} runs finished; the others are left out (nothing is trained with --report-only).[/]");
        return true;
    }

    /// <summary>The report's warning line.</summary>
    public static string Note(int finished, int total) =>
        $"**Interim report: {finished} of {total} runs finished.** The runs still to train or in progress are left out of every table, plot and mean below; " +
        "a variant with no finished run shows 0 seeds and NaN. The same command without `--report-only` trains the rest and rewrites this report.";
}
