using Plasticity.ML.Reinforcement.Agents;

namespace Plasticity.ML.Experiments.Agents;

/// <summary>One finished run of an agent experiment: a track, a variant, a seed and the agent's result.</summary>
public sealed record AgentRunRecord
{
    /// <summary>The track's name.</summary>
    public required string Track { get; init; }

    /// <summary>The variant's name.</summary>
    public required string Variant { get; init; }

    /// <summary>The run's seed.</summary>
    public required long Seed { get; init; }

    /// <summary>Fingerprint of everything that decided the run; a stored run is reused only when it matches.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The agent's result.</summary>
    public required AgentRunResult Result { get; init; }
}
