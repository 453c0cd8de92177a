namespace Plasticity.ML.Search.Tuners;

/// <summary>Settings of the <see cref="RandomSearchTuner"/>. Serializable.</summary>
public sealed record RandomSearchOptions
{
    /// <summary>Whether smaller or larger metrics are better.</summary>
    public required OptimizationDirection Direction { get; init; }

    /// <summary>The seed of the proposals: same seed, same proposals.</summary>
    public long Seed { get; init; }
}
