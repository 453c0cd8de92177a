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

    /// <summary>The images of a classification MDP (<c>classification-mdp:</c> names only), e.g. <see cref="Data.FashionMnist.LoadEmbedded"/>.</summary>
    public Data.ImageDataset? Images { get; init; }

    /// <summary>The classification MDP's random-label seed (<see cref="Classification.ClassificationMdpOptions.LabelSeed"/>).</summary>
    public long LabelSeed { get; init; }

    /// <summary>Which task's random labels the classification MDP starts with (<see cref="Classification.ClassificationMdp.StartTask"/>).</summary>
    public int LabelTask { get; init; }
}
