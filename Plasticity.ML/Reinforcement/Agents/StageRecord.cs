namespace Plasticity.ML.Reinforcement.Agents;

/// <summary>One stage of a run, as it was trained.</summary>
/// <param name="Index">The stage's number, from 0.</param>
/// <param name="Environment">Its environment's name.</param>
/// <param name="FirstStep">The run's step count when the stage started (its steps are <c>FirstStep + 1 .. FirstStep + Steps</c>).</param>
/// <param name="Steps">Its environment steps.</param>
public sealed record StageRecord(int Index, string Environment, long FirstStep, long Steps)
{
    /// <summary>The run's step count when the stage ended.</summary>
    public long LastStep => FirstStep + Steps;
}
