namespace Plasticity.Lab.Catalog;

/// <summary>How big a run is.</summary>
public enum LabPreset
{
    /// <summary>Under a minute: checks that everything works end to end (used by the tests).</summary>
    Smoke,

    /// <summary>The default: shows the effect on this 2-core machine in at most 10 minutes.</summary>
    Default,

    /// <summary>Closer to the paper's settings (10 probe targets x 2,000 steps, wider networks); takes hours.</summary>
    Full,
}
