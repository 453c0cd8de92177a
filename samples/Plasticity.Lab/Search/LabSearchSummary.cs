using Plasticity.Lab.Analysis;
using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Space;

namespace Plasticity.Lab.Search;

/// <summary>summary.json of the lab's search: the trials, the best, the tuner, the budget and the held-out result.</summary>
public sealed record LabSearchSummary
{
    /// <summary>Always "search".</summary>
    public string Experiment { get; init; } = "search";

    /// <summary>The preset.</summary>
    public required string Preset { get; init; }

    /// <summary>The tuner's type.</summary>
    public required string Tuner { get; init; }

    /// <summary>The objective, in words.</summary>
    public required string Objective { get; init; }

    /// <summary>The budget.</summary>
    public required SearchBudget Budget { get; init; }

    /// <summary>Why the search stopped.</summary>
    public required SearchStopReason StoppedBy { get; init; }

    /// <summary>The stream.</summary>
    public required string Data { get; init; }

    /// <summary>Windows of the stream.</summary>
    public required int Windows { get; init; }

    /// <summary>Windows the search tuned on.</summary>
    public required int TuningWindows { get; init; }

    /// <summary>Trials proposed.</summary>
    public required int Trials { get; init; }

    /// <summary>Trials completed.</summary>
    public required int Completed { get; init; }

    /// <summary>Trials failed.</summary>
    public required int Failed { get; init; }

    /// <summary>The best trial, or null.</summary>
    public TrialRecord? Best { get; init; }

    /// <summary>The default settings.</summary>
    public required ParameterSet Defaults { get; init; }

    /// <summary>The held-out result, or null.</summary>
    public HeldOutSummary? HeldOut { get; init; }

    /// <summary>Each parameter's importance (see <see cref="ParameterImportance"/>).</summary>
    public required IReadOnlyList<ParameterImportance.Entry> Importance { get; init; }

    /// <summary>Search wall time, seconds (over all sessions).</summary>
    public required double Seconds { get; init; }
}

/// <summary>The best and the default settings on the held-out windows.</summary>
public sealed record HeldOutSummary
{
    /// <summary>The first held-out window.</summary>
    public required int FirstWindow { get; init; }

    /// <summary>The objective of the best settings over the held-out windows.</summary>
    public required double Best { get; init; }

    /// <summary>The objective of the default settings over the held-out windows.</summary>
    public required double Default { get; init; }

    /// <summary>Per held-out window: the prequential accuracy of the best and of the default settings.</summary>
    public required IReadOnlyList<HeldOutWindow> PerWindow { get; init; }
}

/// <summary>One held-out window.</summary>
/// <param name="Window">Its index.</param>
/// <param name="Best">The best settings' prequential accuracy.</param>
/// <param name="Default">The default settings' prequential accuracy.</param>
public sealed record HeldOutWindow(int Window, double Best, double Default);
