using Plasticity.ML.Training;

namespace Plasticity.ML.Experiments;

/// <summary>One finished run of an experiment: a variant, a seed and its result.</summary>
public sealed record RunRecord
{
    /// <summary>Variant name.</summary>
    public required string Variant { get; init; }

    /// <summary>Run seed.</summary>
    public required long Seed { get; init; }

    /// <summary>Fingerprint of the settings that produced it; a stored run is reused only when it matches.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The run's result.</summary>
    public required ContinualRunResult Result { get; init; }
}
