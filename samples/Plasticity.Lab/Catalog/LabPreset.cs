namespace Plasticity.Lab.Catalog;

/// <summary>How big a run is.</summary>
public enum LabPreset
{
    /// <summary>Under a minute: checks that everything works end to end (used by the tests).</summary>
    Smoke,

    /// <summary>The default: shows the experiment's effect with 3 seeds; minutes to tens of minutes on 2 cores, depending on the experiment (see the README).</summary>
    Default,

    /// <summary>Closer to the paper's settings (10 probe targets x 2,000 steps, wider networks); takes hours.</summary>
    Full,

    /// <summary>
    /// As close to one figure of the paper as 2 cores allow in about an hour (the paper's probe, longer tasks, several
    /// seeds), for the experiments that define it (<see cref="LabExperiment.SupportsPreset"/>): `interventions` (Fig. 6).
    /// </summary>
    Paper,
}
