using Plasticity.ML.Search.Trials;

namespace Plasticity.ML.Search.Experiment;

/// <summary>
/// The search's result on the windows it never saw (Mesbahi et al., ICML 2025: tuning on a whole stream and reporting
/// on it overstates results). The best trial's model continues from its checkpoint through every remaining window, and
/// the default settings train from scratch through the whole stream; both score each window before learning it, and
/// the report aggregates the windows from <see cref="FirstWindow"/> on with the search's objective.
/// </summary>
public sealed record HeldOutReport
{
    /// <summary>The first held-out window (the search's tuning windows are the ones before it).</summary>
    public required int FirstWindow { get; init; }

    /// <summary>The number of windows in the stream.</summary>
    public required int Windows { get; init; }

    /// <summary>The id of the best trial that was continued.</summary>
    public required int BestTrial { get; init; }

    /// <summary>The best trial's settings, continued through the held-out windows.</summary>
    public required TrialOutcome Best { get; init; }

    /// <summary>The default settings, from scratch through the whole stream.</summary>
    public required TrialOutcome Default { get; init; }

    /// <summary>The objective of <see cref="Best"/> over the held-out windows (NaN if it failed).</summary>
    public double BestMetric { get; init; } = double.NaN;

    /// <summary>The objective of <see cref="Default"/> over the held-out windows (NaN if it failed).</summary>
    public double DefaultMetric { get; init; } = double.NaN;
}
