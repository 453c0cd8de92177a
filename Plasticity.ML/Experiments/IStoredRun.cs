namespace Plasticity.ML.Experiments;

/// <summary>What a stored run record says about what computed it, for <see cref="RunFingerprint.TryLoad"/>.</summary>
internal interface IStoredRun
{
    /// <summary>Fingerprint of the settings and the code.</summary>
    string Fingerprint { get; }

    /// <summary>Fingerprint of the settings alone, or null.</summary>
    string? SettingsFingerprint { get; }

    /// <summary>The stored settings, or null.</summary>
    object? StoredSettings { get; }
}
