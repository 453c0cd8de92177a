namespace Plasticity.ML.Reinforcement.Environments;

/// <summary>What one environment step returns besides the observation.</summary>
/// <param name="Reward">The reward of the step (unclipped; clipping is an agent's or a wrapper's choice).</param>
/// <param name="Terminated">The episode ended by the game's rules (no bootstrap from the next observation).</param>
/// <param name="Truncated">The episode was cut by a time limit (the next observation may still be bootstrapped from).</param>
public readonly record struct StepResult(float Reward, bool Terminated, bool Truncated)
{
    /// <summary>True when the episode is over for either reason: reset before stepping again.</summary>
    public bool Done => Terminated || Truncated;
}
