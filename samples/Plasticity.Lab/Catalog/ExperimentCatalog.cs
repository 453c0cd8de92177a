namespace Plasticity.Lab.Catalog;

/// <summary>The experiments the lab knows by name. The first is the default.</summary>
public static class ExperimentCatalog
{
    /// <summary>All experiments.</summary>
    public static IReadOnlyList<ILabExperiment> All { get; } =
    [
        new PlasticityExperiment(),
        new InterventionsExperiment(),
        new MechanismsExperiment(),
        new AdamExperiment(),
        new CurvatureExperiment(),
        new RlExperiment(),
        new ContinualMinAtarExperiment(),
        new ClassificationMdpExperiment(),
    ];

    /// <summary>The experiment run when none is named.</summary>
    public static LabExperiment Default { get; } = (LabExperiment)All[0];

    /// <summary>Finds an experiment by name (case-insensitive); throws <see cref="ArgumentException"/> listing the known names.</summary>
    public static ILabExperiment Find(string name) =>
        All.FirstOrDefault(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown experiment '{name}'. Known experiments: {string.Join(", ", All.Select(e => e.Name))}.");

    /// <summary>Finds an experiment by name, or null.</summary>
    public static ILabExperiment? TryFind(string name) =>
        All.FirstOrDefault(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
