using Plasticity.ML.Training;

namespace Plasticity.ML.Experiments;

/// <summary>One finished run of an experiment: a variant, a seed and its result.</summary>
public sealed record RunRecord : IStoredRun
{
    /// <summary>Variant name.</summary>
    public required string Variant { get; init; }

    /// <summary>Run seed.</summary>
    public required long Seed { get; init; }

    /// <summary>Fingerprint of the settings and the code that produced it; a stored run is reused when it matches.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Fingerprint of the settings alone, for reuse across code versions (null in runs stored before it was recorded).</summary>
    public string? SettingsFingerprint { get; init; }

    /// <summary>The settings of the run (null in runs stored before they were recorded).</summary>
    public RunSettings? Settings { get; init; }

    /// <summary>The code that computed the run (<see cref="Common.CodeVersion.Current"/> of its process; null in runs stored before it was recorded).</summary>
    public string? Code { get; init; }

    /// <summary>The run's result.</summary>
    public required ContinualRunResult Result { get; init; }

    object? IStoredRun.StoredSettings => Settings;
}
