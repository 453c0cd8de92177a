namespace Plasticity.ML.Training;

/// <summary>What one step of the step protocol measured.</summary>
/// <param name="Loss">The value of the learner's loss function (the task loss).</param>
/// <param name="TotalLoss">The value that was differentiated: the learner's loss plus the hooks' extra terms.</param>
public readonly record struct StepOutcome(double Loss, double TotalLoss);
