namespace Plasticity.ML.Experiments;

/// <summary>The content of <c>summary.json</c>: the experiment and one summary per variant.</summary>
public sealed record ExperimentSummary
{
    /// <summary>Experiment name.</summary>
    public required string Experiment { get; init; }

    /// <summary>What it shows.</summary>
    public string Description { get; init; } = "";

    /// <summary>Per-variant summaries.</summary>
    public required IReadOnlyList<VariantSummary> Variants { get; init; }
}
