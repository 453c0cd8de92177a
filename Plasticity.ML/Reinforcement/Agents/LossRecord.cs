namespace Plasticity.ML.Reinforcement.Agents;

/// <summary>The updates of one target-network period (one task of the step protocol).</summary>
/// <param name="TaskIndex">The period's index (0 before the first target update).</param>
/// <param name="Step">The environment step at which the period ended.</param>
/// <param name="Updates">Updates in the period.</param>
/// <param name="MeanLoss">Mean TD loss of those updates (NaN when there were none).</param>
/// <param name="MeanTotalLoss">Mean of the loss that was differentiated: the TD loss plus interventions' terms (L2-init, weight decay).</param>
public sealed record LossRecord(int TaskIndex, long Step, int Updates, double MeanLoss, double MeanTotalLoss);
