namespace Plasticity.ML.Experiments;

/// <summary>The content of <c>summary.json</c>: the experiment and one summary per variant.</summary>
public sealed record ExperimentSummary
{
    /// <summary>Experiment name.</summary>
    public required string Experiment { get; init; }

    /// <summary>What it shows.</summary>
    public string Description { get; init; } = "";

    /// <summary>Runs of the experiment not finished when this summary was written (an interim summary of
    /// <see cref="ExperimentRunner.StoredRunsOnly"/>); 0 for a complete experiment.</summary>
    public int PendingRuns { get; init; }

    /// <summary>Per-variant summaries.</summary>
    public required IReadOnlyList<VariantSummary> Variants { get; init; }
}
