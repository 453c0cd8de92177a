using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Search.Experiment;

/// <summary>What a search returns: the best trial, the whole history, why it stopped, and the held-out report.</summary>
public sealed record SearchResult
{
    /// <summary>
    /// The best completed trial among those that reached the highest fidelity any trial completed (so a cheap early rung
    /// of successive halving never wins on its short span), by the objective's direction, ties to the lower id; null when
    /// no trial completed.
    /// </summary>
    public TrialRecord? Best { get; init; }

    /// <summary>Every trial, by id.</summary>
    public required IReadOnlyList<TrialRecord> History { get; init; }

    /// <summary>The tuner's type name.</summary>
    public required string Tuner { get; init; }

    /// <summary>The objective.</summary>
    public required StreamObjective Objective { get; init; }

    /// <summary>The budget.</summary>
    public required SearchBudget Budget { get; init; }

    /// <summary>Why the search stopped proposing.</summary>
    public SearchStopReason StoppedBy { get; init; }

    /// <summary>The settings the search started from (the space's defaults).</summary>
    public required ParameterSet DefaultParameters { get; init; }

    /// <summary>The learner options of the best trial, as JSON (null without a best trial).</summary>
    public string? BestOptions { get; init; }

    /// <summary>The windows the search tuned on (the first ones of the stream).</summary>
    public int TuningWindows { get; init; }

    /// <summary>The windows of the whole stream.</summary>
    public int Windows { get; init; }

    /// <summary>The result on the held-out windows; null when there are none, evaluation was turned off, or no trial completed.</summary>
    public HeldOutReport? HeldOut { get; init; }

    /// <summary>
    /// The checkpoint folder of the best settings' model after the last window of the stream (the held-out run's), or of
    /// the best trial when nothing was held out: what to deploy. Null without a best trial.
    /// </summary>
    public string? FinalCheckpoint { get; init; }

    /// <summary>Search wall time over all sessions, seconds.</summary>
    public double Seconds { get; init; }

    /// <summary>The folder holding the history, state and checkpoints.</summary>
    public required string Folder { get; init; }
}
