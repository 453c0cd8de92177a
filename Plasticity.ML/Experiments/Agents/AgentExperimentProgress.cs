using Plasticity.ML.Reinforcement.Agents;

namespace Plasticity.ML.Experiments.Agents;

/// <summary>Progress of one run inside an agent experiment.</summary>
/// <param name="Track">The track.</param>
/// <param name="Variant">The variant.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Agent">The run's latest progress.</param>
/// <param name="Stored">True when the finished run was loaded from the output folder instead of trained.</param>
public sealed record AgentExperimentProgress(string Track, string Variant, long Seed, AgentProgress Agent, bool Stored = false)
{
    /// <summary>"track/variant/seed-N".</summary>
    public string RunName => RunNameOf(Track, Variant, Seed);

    /// <summary>The display name of a run.</summary>
    public static string RunNameOf(string track, string variant, long seed) => $"{track}/{variant}/seed-{seed}";
}
