namespace Plasticity.ML.Reinforcement.Agents;

/// <summary>The episodes of one evaluation, played with <see cref="AgentOptions.EvaluationEpsilon"/> on the evaluation environment.</summary>
/// <param name="Step">The training step after which it ran.</param>
/// <param name="MeanReturn">Mean of <paramref name="Returns"/>.</param>
/// <param name="Returns">Each episode's return, unclipped.</param>
/// <param name="Lengths">Each episode's length.</param>
/// <param name="Stage">The stage whose environment it ran on (0 in a run of one stage).</param>
public sealed record EvaluationRecord(long Step, double MeanReturn, double[] Returns, int[] Lengths, int Stage = 0);
