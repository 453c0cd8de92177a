using System.Text.Json.Serialization;
using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Tuners;

namespace Plasticity.ML.Search.Experiment;

/// <summary>One trial of a search as its history records it: what the tuner proposed and, once it ended, how it ended.</summary>
public sealed record TrialRecord
{
    /// <summary>The tuner's id of the trial.</summary>
    public required int Id { get; init; }

    /// <summary>The parameters, in real units.</summary>
    public required ParameterSet Parameters { get; init; }

    /// <summary>The fidelity (windows learned) the trial trains to.</summary>
    public long Fidelity { get; init; }

    /// <summary>The fidelity it starts from (0 from scratch).</summary>
    public long StartFidelity { get; init; }

    /// <summary>The trial it continues, or null.</summary>
    public int? ResumeFrom { get; init; }

    /// <summary>The seed it ran with.</summary>
    public long Seed { get; init; }

    /// <summary>How it ended; null while it is pending (running, or lost in flight and to be run again on resume).</summary>
    public TrialStatus? Status { get; init; }

    /// <summary>The objective (NaN unless completed).</summary>
    public double Metric { get; init; } = double.NaN;

    /// <summary>Seconds the trial took (its cost).</summary>
    public double Cost { get; init; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }

    /// <summary>The windows it scored.</summary>
    public IReadOnlyList<WindowScore> Scores { get; init; } = [];

    /// <summary>The plasticity probe's loss at initialization, when measured.</summary>
    public double? InitialProbeLoss { get; init; }

    /// <summary>The plasticity probe's loss at the end, when measured.</summary>
    public double? FinalProbeLoss { get; init; }

    /// <summary>Anything the trial did that was not asked (such as training from scratch for a missing checkpoint).</summary>
    public string? Note { get; init; }

    /// <summary>Where it ran.</summary>
    public string? Worker { get; init; }

    /// <summary>Search seconds (over all sessions) when it was proposed.</summary>
    public double ProposedAt { get; init; }

    /// <summary>Search seconds when its result was recorded; null while pending.</summary>
    public double? FinishedAt { get; init; }

    /// <summary>True once it completed with a metric.</summary>
    [JsonIgnore]
    public bool IsCompleted => Status == TrialStatus.Completed;
}
