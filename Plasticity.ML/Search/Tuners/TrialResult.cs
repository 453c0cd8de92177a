using System.Text.Json.Serialization;

namespace Plasticity.ML.Search.Tuners;

/// <summary>How a trial ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrialStatus>))]
public enum TrialStatus
{
    /// <summary>The trial ran to its fidelity and has a finite metric.</summary>
    Completed,

    /// <summary>The trial failed (an exception, a non-finite loss or metric, a crashed worker); tuners treat it as the worst result.</summary>
    Failed,
}

/// <summary>What the experiment reports to the tuner when a trial ends. Serializable.</summary>
public sealed record TrialResult
{
    /// <summary>The <see cref="TrialProposal.Id"/> of the trial.</summary>
    public required int Id { get; init; }

    /// <summary>How the trial ended.</summary>
    public required TrialStatus Status { get; init; }

    /// <summary>The objective at the trial's fidelity; finite when <see cref="Status"/> is <see cref="TrialStatus.Completed"/>, ignored otherwise.</summary>
    public double Metric { get; init; } = double.NaN;

    /// <summary>What the trial cost, in seconds of wall time (finite, non-negative).</summary>
    public double Cost { get; init; }

    /// <summary>Why the trial failed; required when <see cref="Status"/> is <see cref="TrialStatus.Failed"/>.</summary>
    public string? Error { get; init; }

    /// <summary>The metric at intermediate fidelities, in increasing order of fidelity (for the history and for plots; the tuners here decide on <see cref="Metric"/>).</summary>
    public IReadOnlyList<FidelityResult> Intermediate { get; init; } = [];

    /// <summary>A completed trial.</summary>
    public static TrialResult Completed(int id, double metric, double cost = 0, IReadOnlyList<FidelityResult>? intermediate = null) =>
        new() { Id = id, Status = TrialStatus.Completed, Metric = metric, Cost = cost, Intermediate = intermediate ?? [] };

    /// <summary>A failed trial.</summary>
    public static TrialResult Failed(int id, string error, double cost = 0) =>
        new() { Id = id, Status = TrialStatus.Failed, Error = error, Cost = cost };

    /// <summary>Checks the result and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Status)) throw new ArgumentException($"Trial {Id}: {nameof(Status)} {(int)Status} is not a {nameof(TrialStatus)}.");
        if (!(Cost >= 0) || double.IsInfinity(Cost)) throw new ArgumentException($"Trial {Id}: {nameof(Cost)} must be finite and non-negative (seconds); got {Cost}.");
        if (Status == TrialStatus.Completed && !double.IsFinite(Metric))
            throw new ArgumentException($"Trial {Id}: a completed trial needs a finite {nameof(Metric)}; got {Metric}. Report a trial whose metric is not finite as {nameof(TrialStatus.Failed)}, with the reason.");
        if (Status == TrialStatus.Failed && string.IsNullOrWhiteSpace(Error))
            throw new ArgumentException($"Trial {Id}: a failed trial needs its {nameof(Error)}.");
        ArgumentNullException.ThrowIfNull(Intermediate, nameof(Intermediate));
        for (int i = 0; i < Intermediate.Count; i++)
        {
            var r = Intermediate[i] ?? throw new ArgumentException($"Trial {Id}: {nameof(Intermediate)}[{i}] is null.");
            if (r.Fidelity <= 0 || (i > 0 && r.Fidelity <= Intermediate[i - 1].Fidelity))
                throw new ArgumentException($"Trial {Id}: {nameof(Intermediate)} fidelities must be positive and increasing; got {r.Fidelity} at position {i}.");
            if (!double.IsFinite(r.Metric))
                throw new ArgumentException($"Trial {Id}: {nameof(Intermediate)}[{i}] (fidelity {r.Fidelity}) has metric {r.Metric}; intermediate metrics must be finite.");
        }
    }
}
