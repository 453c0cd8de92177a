namespace Plasticity.ML.Reinforcement.Environments;

/// <summary>What <see cref="EnvironmentCatalog.Create"/> needs besides the name, in terms every backend understands.</summary>
public sealed record EnvironmentRequest
{
    /// <summary>Sticky actions at the backend's standard probability (MinAtar 0.1, the ALE 0.25); false turns them off.</summary>
    public bool StickyActions { get; init; } = true;

    /// <summary>Difficulty ramping (MinAtar games that have it); false turns it off.</summary>
    public bool DifficultyRamping { get; init; } = true;

    /// <summary>The game's minimal action set instead of the full one.</summary>
    public bool MinimalActions { get; init; }

    /// <summary>The ROM file (ALE games only).</summary>
    public string? RomPath { get; init; }
}
