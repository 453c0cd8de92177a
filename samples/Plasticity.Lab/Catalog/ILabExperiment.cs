namespace Plasticity.Lab.Catalog;

/// <summary>
/// What the lab knows of every experiment: its name, what it shows and which presets it has. A supervised experiment
/// (<see cref="LabExperiment"/>) trains networks on task sequences through the experiment runner; an agent experiment
/// (<see cref="AgentLabExperiment"/>) trains reinforcement-learning agents through the agent experiment runner.
/// </summary>
public interface ILabExperiment
{
    /// <summary>The name used on the command line.</summary>
    string Name { get; }

    /// <summary>One line saying what it shows.</summary>
    string Description { get; }

    /// <summary>True when the experiment defines <paramref name="preset"/>.</summary>
    bool SupportsPreset(LabPreset preset);
}
