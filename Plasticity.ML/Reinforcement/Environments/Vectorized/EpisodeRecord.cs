namespace Plasticity.ML.Reinforcement.Environments.Vectorized;

/// <summary>One finished episode of a <see cref="VectorEnvironment"/>.</summary>
/// <param name="Environment">Index of the environment it ran in.</param>
/// <param name="Episode">Its index among that environment's episodes (0 for the first after <see cref="VectorEnvironment.Reset"/>).</param>
/// <param name="Return">Sum of its rewards (undiscounted, unclipped).</param>
/// <param name="Length">Number of steps it took.</param>
/// <param name="Truncated">True when a time limit cut it; false when it terminated by the game's rules.</param>
public readonly record struct EpisodeRecord(int Environment, long Episode, double Return, int Length, bool Truncated);
