using Plasticity.ML.Training;

namespace Plasticity.ML.Experiments;

/// <summary>Progress of one run inside an experiment.</summary>
/// <param name="Variant">Variant name.</param>
/// <param name="Seed">Run seed.</param>
/// <param name="Training">The run's latest training progress.</param>
/// <param name="Resumed">True when the run was loaded from disk instead of trained.</param>
public sealed record ExperimentProgress(string Variant, long Seed, TrainingProgress Training, bool Resumed = false)
{
    /// <summary>"variant/seed".</summary>
    public string RunName => $"{Variant}/seed-{Seed}";
}
