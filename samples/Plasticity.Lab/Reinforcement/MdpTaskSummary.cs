using Plasticity.ML.Experiments;

namespace Plasticity.Lab.Reinforcement;

/// <summary>One MDP and variant of the classification-mdp experiment over its tasks (summary.json's "tasks").</summary>
public sealed record MdpTaskSummary
{
    /// <summary>The MDP variant.</summary>
    public required string Track { get; init; }

    /// <summary>The agent variant.</summary>
    public required string Variant { get; init; }

    /// <summary>Finished seeds.</summary>
    public int Seeds { get; init; }

    /// <summary>The probe loss of the initial network (index 0) and after each task.</summary>
    public required IReadOnlyList<MeanStd> ProbeLoss { get; init; }

    /// <summary>The probe loss after the last task minus the initial one.</summary>
    public required MeanStd PlasticityLoss { get; init; }

    /// <summary>The greedy policy's rewarded steps per step at each task's end.</summary>
    public required IReadOnlyList<MeanStd> RewardRate { get; init; }

    /// <summary>The tau = 0.1 dormant fraction at the end.</summary>
    public required MeanStd DormantFraction { get; init; }
}
