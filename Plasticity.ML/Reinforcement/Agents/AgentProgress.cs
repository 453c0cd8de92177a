namespace Plasticity.ML.Reinforcement.Agents;

/// <summary>A progress report of an agent's run.</summary>
/// <param name="Step">Environment steps taken.</param>
/// <param name="TotalSteps">Environment steps of the run.</param>
/// <param name="Phase">"train", "evaluate", "probe", "stage", "done", "failed" (reported by experiment runners), "resumed" (the run continues from a checkpoint; see
/// <paramref name="Message"/>) or "warning" (e.g. a damaged checkpoint).</param>
/// <param name="Episodes">Training episodes finished.</param>
/// <param name="RecentReturn">Mean return of the last (up to) 100 training episodes; NaN before the first ends.</param>
/// <param name="Loss">Mean TD loss of the current target period so far; NaN before the first update.</param>
/// <param name="Epsilon">The current exploration epsilon.</param>
/// <param name="Message">A sentence for the user with "resumed", "warning", "evaluate" and "stage", else null.</param>
/// <param name="Stage">The stage in progress (0 in a run of one stage); the phase "stage" reports the start of one.</param>
public sealed record AgentProgress(long Step, long TotalSteps, string Phase, int Episodes, double RecentReturn, double Loss, double Epsilon, string? Message = null, int Stage = 0)
{
    /// <summary>Fraction of the run done, in [0, 1].</summary>
    public double Fraction => TotalSteps <= 0 ? 1.0 : Math.Clamp((double)Step / TotalSteps, 0, 1);
}
