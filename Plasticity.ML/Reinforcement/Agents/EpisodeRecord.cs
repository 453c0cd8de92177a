namespace Plasticity.ML.Reinforcement.Agents;

/// <summary>One finished training episode.</summary>
/// <param name="Index">The episode's number in the run, from 0.</param>
/// <param name="Step">The environment step (of the run) on which it ended.</param>
/// <param name="Return">The sum of its rewards, unclipped.</param>
/// <param name="Length">Its steps.</param>
/// <param name="Truncated">True when a time limit cut it (the environment's or <see cref="AgentOptions.MaxEpisodeSteps"/>),
/// or the end of its stage.</param>
/// <param name="Stage">The stage it was played in (0 in a run of one stage).</param>
public sealed record EpisodeRecord(int Index, long Step, double Return, int Length, bool Truncated, int Stage = 0);
