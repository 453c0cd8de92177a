using Plasticity.ML.Common;
using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Tuners;

namespace Plasticity.ML.Search.Trials;

/// <summary>
/// What a trial returns, as plain serializable data: how it ended, its objective, what it cost, the windows it scored,
/// where it wrote its state, and, when it failed, why. A trial that fails (an exception, a NaN or infinite loss or
/// score, a worker that crashed) is <see cref="TrialStatus.Failed"/> with its <see cref="Error"/>, never a score.
/// </summary>
public sealed record TrialOutcome
{
    /// <summary>The <see cref="TrialSpec.Name"/> of the trial.</summary>
    public required string Name { get; init; }

    /// <summary>The <see cref="TrialSpec.TrialId"/> of the trial.</summary>
    public int? TrialId { get; init; }

    /// <summary>How the trial ended.</summary>
    public required TrialStatus Status { get; init; }

    /// <summary>The objective over the windows the trial trained for itself (see <see cref="StreamObjective"/>); NaN when failed.</summary>
    public double Metric { get; init; } = double.NaN;

    /// <summary>Why the trial failed (exception type and message, or how the worker died); null when completed.</summary>
    public string? Error { get; init; }

    /// <summary>Wall seconds the trial took where it ran (its cost).</summary>
    public double Seconds { get; init; }

    /// <summary>The fidelity the trial actually started from (0 when it trained from scratch).</summary>
    public long StartFidelity { get; init; }

    /// <summary>The number of windows learned when it ended (its <see cref="TrialSpec.Fidelity"/> when completed).</summary>
    public long Fidelity { get; init; }

    /// <summary>The prequential scores of the windows this trial scored itself, in window order.</summary>
    public IReadOnlyList<WindowScore> Scores { get; init; } = [];

    /// <summary>The plasticity probe's loss on the initial network (inherited when continuing); null without a probe.</summary>
    public double? InitialProbeLoss { get; init; }

    /// <summary>The plasticity probe's loss at the end of the trial; null without a probe.</summary>
    public double? FinalProbeLoss { get; init; }

    /// <summary>The checkpoint folder the trial wrote, or null.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>Something the trial did that was not asked, such as training from scratch because the checkpoint to continue was missing.</summary>
    public string? Note { get; init; }

    /// <summary>Where it ran: machine and process id.</summary>
    public string? Worker { get; init; }

    /// <summary>
    /// The outcome as the tuner's <see cref="TrialResult"/>: id, status, metric, cost (seconds), error, and each scored
    /// window's metric as an intermediate result at the fidelity of that window's index.
    /// </summary>
    /// <param name="id">The tuner's id of the trial.</param>
    /// <param name="objective">The objective, which says which per-window value to report.</param>
    public TrialResult ToTrialResult(int id, StreamObjective objective)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (Status != TrialStatus.Completed) return TrialResult.Failed(id, Error ?? "the trial failed without a message", Seconds);
        var intermediate = Scores.Where(s => s.Window > 0 && s.Window <= Fidelity)
            .Select(s => new FidelityResult(s.Window, objective.WindowValue(s)))
            .Where(r => double.IsFinite(r.Metric))
            .ToList();
        return TrialResult.Completed(id, Metric, Seconds, intermediate);
    }

    /// <summary>The outcome as JSON (the library's settings).</summary>
    public string ToJson() => PlasticityJson.Serialize(this);

    /// <summary>Reads an outcome written by <see cref="ToJson"/>.</summary>
    public static TrialOutcome FromJson(string json) => PlasticityJson.Deserialize<TrialOutcome>(json);
}
