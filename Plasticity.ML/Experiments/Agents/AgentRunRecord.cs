using Plasticity.ML.Reinforcement.Agents;

namespace Plasticity.ML.Experiments.Agents;

/// <summary>One finished run of an agent experiment: a track, a variant, a seed and the agent's result.</summary>
public sealed record AgentRunRecord : IStoredRun
{
    /// <summary>The track's name.</summary>
    public required string Track { get; init; }

    /// <summary>The variant's name.</summary>
    public required string Variant { get; init; }

    /// <summary>The run's seed.</summary>
    public required long Seed { get; init; }

    /// <summary>Fingerprint of everything that decided the run, the code included; a stored run is reused when it matches.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Fingerprint of the settings alone, for reuse across code versions (null in runs stored before it was recorded).</summary>
    public string? SettingsFingerprint { get; init; }

    /// <summary>The settings of the run (null in runs stored before they were recorded).</summary>
    public AgentRunSettings? Settings { get; init; }

    /// <summary>The code that computed the run (<see cref="Common.CodeVersion.Current"/> of its process; null in runs stored before it was recorded).</summary>
    public string? Code { get; init; }

    /// <summary>The agent's result; null when the run failed (see <see cref="Failure"/>).</summary>
    public AgentRunResult? Result { get; init; }

    /// <summary>Why the run failed (its loss became NaN or infinite), or null for a finished run. A failed run is stored
    /// like a finished one, so it is reported rather than trained again on every invocation.</summary>
    public string? Failure { get; init; }

    object? IStoredRun.StoredSettings => Settings;
}
