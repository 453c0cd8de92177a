using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Search.Tuners;

/// <summary>Settings of the <see cref="GridSearchTuner"/>. Serializable.</summary>
public sealed record GridSearchOptions
{
    /// <summary>Whether smaller or larger metrics are better (the grid does not depend on it).</summary>
    public required OptimizationDirection Direction { get; init; }

    /// <summary>
    /// Points per range parameter without explicit <see cref="Values"/>: evenly spaced on the parameter's scale from
    /// its minimum to its maximum, both included (one point: the default). An integer range keeps the distinct values.
    /// Choices always take every candidate.
    /// </summary>
    public int PointsPerRange { get; init; } = 5;

    /// <summary>Explicit values for some parameters, by name; each must lie in its parameter's domain.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ParameterValue>> Values { get; init; } = new Dictionary<string, IReadOnlyList<ParameterValue>>();
}
