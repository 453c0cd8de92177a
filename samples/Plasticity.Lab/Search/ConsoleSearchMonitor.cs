using System.Globalization;
using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Tuners;
using Spectre.Console;

namespace Plasticity.Lab.Search;

/// <summary>Shows a search's progress as one line per finished trial: the trial, the count against the budget, the best so far and the time left.</summary>
public sealed class ConsoleSearchMonitor(IAnsiConsole console) : ISearchMonitor
{
    /// <inheritdoc />
    public void OnMessage(string message) => console.MarkupLineInterpolated($"[grey]{message}[/]");

    /// <inheritdoc />
    public void OnTrialFinished(TrialRecord trial, SearchProgress progress)
    {
        string what = trial.Status == TrialStatus.Completed
            ? $"{trial.Metric.ToString("F4", CultureInfo.InvariantCulture)} over windows {trial.StartFidelity + 1}-{trial.Fidelity}"
            : $"failed: {trial.Error}";
        string of = progress.Budget.MaxTrials is int max ? $"{progress.Finished}/{max}" : progress.Finished.ToString(CultureInfo.InvariantCulture);
        string best = progress.Best is { } b ? $"best {b.Metric.ToString("F4", CultureInfo.InvariantCulture)} (trial {b.Id})" : "no best yet";
        string left = progress.Remaining is { } r ? $", ~{Format(r)} left" : "";
        if (trial.Status == TrialStatus.Completed) console.MarkupLineInterpolated($"trial {trial.Id} {trial.Parameters}: {what}");
        else console.MarkupLineInterpolated($"trial {trial.Id} {trial.Parameters}: [red]{what}[/]");
        console.MarkupLineInterpolated($"  [grey]{of} trials done, {best}, {Format(progress.Elapsed)} elapsed{left}[/]");
    }

    private static string Format(TimeSpan time) => time.TotalHours >= 1 ? $"{(int)time.TotalHours}h{time.Minutes:00}m" : $"{(int)time.TotalMinutes}m{time.Seconds:00}s";
}
