using Plasticity.ML.Diagnostics;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;

namespace Plasticity.ML.Experiments;

/// <summary>
/// One arm of an experiment: a name plus the settings in which it differs from the experiment's base training
/// options. Null properties inherit the base.
/// </summary>
public sealed record VariantSpec
{
    /// <summary>Name shown in tables and plots, such as "layernorm".</summary>
    public required string Name { get; init; }

    /// <summary>Replaces the base network's normalization.</summary>
    public NormalizationKind? Normalization { get; init; }

    /// <summary>Replaces the base network's head.</summary>
    public HeadSpec? Head { get; init; }

    /// <summary>Replaces the whole base network (applied before <see cref="Normalization"/> and <see cref="Head"/>).</summary>
    public NetworkSpec? Network { get; init; }

    /// <summary>Replaces the base optimizer.</summary>
    public OptimizerOptions? Optimizer { get; init; }

    /// <summary>Replaces the base interventions.</summary>
    public IReadOnlyList<InterventionSpec>? Interventions { get; init; }

    /// <summary>Replaces the base loss.</summary>
    public LossKind? Loss { get; init; }

    /// <summary>Replaces the base probe.</summary>
    public ProbeOptions? Probe { get; init; }

    /// <summary>Replaces the kind of the experiment's task sequence (its length and seed stay the experiment's).</summary>
    public TaskSequenceKind? TaskKind { get; init; }

    /// <summary>The task sequence of this variant: the experiment's, with <see cref="TaskKind"/> if set.</summary>
    public TaskSequenceSpec ApplyTasks(TaskSequenceSpec baseTasks)
    {
        ArgumentNullException.ThrowIfNull(baseTasks);
        return TaskKind is { } kind ? baseTasks with { Kind = kind } : baseTasks;
    }

    /// <summary>The training options of this variant for one seed.</summary>
    public ContinualTrainingOptions Apply(ContinualTrainingOptions baseOptions, long seed)
    {
        ArgumentNullException.ThrowIfNull(baseOptions);
        var network = Network ?? baseOptions.Network;
        if (Normalization is { } normalization) network = network with { Normalization = normalization };
        if (Head is { } head) network = network with { Head = head };
        return baseOptions with
        {
            Network = network,
            Optimizer = Optimizer ?? baseOptions.Optimizer,
            Interventions = Interventions ?? baseOptions.Interventions,
            Loss = Loss ?? baseOptions.Loss,
            Probe = Probe ?? baseOptions.Probe,
            Seed = seed,
        };
    }
}
