using System.Text.Json.Serialization;
using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Search.Tuners;

namespace Plasticity.ML.Search.Experiment;

/// <summary>
/// One line of <c>history.jsonl</c>: the search's settings (the first line), a trial proposed (written before it
/// runs), or a trial's result (written when it ends). The <c>event</c> property says which.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(SearchStartedLine), "search")]
[JsonDerivedType(typeof(TrialProposedLine), "proposed")]
[JsonDerivedType(typeof(TrialFinishedLine), "result")]
internal abstract record HistoryLine;

/// <summary>The first line: what the search is, checked when it resumes.</summary>
internal sealed record SearchStartedLine : HistoryLine
{
    public required int Format { get; init; }

    public required string Tuner { get; init; }

    public required string Space { get; init; }

    public required StreamObjective Objective { get; init; }

    public required string Learner { get; init; }

    public required string BaseOptions { get; init; }

    public required StreamReference Data { get; init; }

    public required int TuningWindows { get; init; }

    public required int Windows { get; init; }

    public required long Seed { get; init; }

    public DateTimeOffset Time { get; init; }
}

/// <summary>A trial the tuner proposed, written before it runs.</summary>
internal sealed record TrialProposedLine : HistoryLine
{
    public required int Trial { get; init; }

    public required ParameterSet Parameters { get; init; }

    public required long Fidelity { get; init; }

    public long StartFidelity { get; init; }

    public int? ResumeFrom { get; init; }

    public long Seed { get; init; }

    public double Elapsed { get; init; }

    public DateTimeOffset Time { get; init; }
}

/// <summary>A trial's result, written when it ends.</summary>
internal sealed record TrialFinishedLine : HistoryLine
{
    public required int Trial { get; init; }

    public required ParameterSet Parameters { get; init; }

    public required TrialStatus Status { get; init; }

    public double Metric { get; init; } = double.NaN;

    public double Cost { get; init; }

    public long Seed { get; init; }

    public string? Error { get; init; }

    public long Fidelity { get; init; }

    public long StartFidelity { get; init; }

    public List<WindowScore> Scores { get; init; } = [];

    public double? InitialProbeLoss { get; init; }

    public double? FinalProbeLoss { get; init; }

    public string? Note { get; init; }

    public string? Worker { get; init; }

    public double Elapsed { get; init; }

    public DateTimeOffset Time { get; init; }
}
