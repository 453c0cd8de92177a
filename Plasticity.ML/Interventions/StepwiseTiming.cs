namespace Plasticity.ML.Interventions;

/// <summary>
/// Timing rules of interventions that act inside a step (loss terms, gradient rewrites): they act in step
/// <c>s</c> (counted from 1 over the run) when <see cref="InterventionTiming.ActsAfterStep"/> holds for <c>s</c>,
/// and a task-boundary trigger means nothing for them.
/// </summary>
internal static class StepwiseTiming
{
    /// <summary>True when the intervention acts in the step that follows <paramref name="completedSteps"/> completed steps.</summary>
    public static bool ActsInStep(InterventionTiming timing, long completedSteps) => timing.ActsAfterStep(completedSteps + 1);

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="timing"/> is a task-boundary trigger.</summary>
    public static void Validate(InterventionTiming timing, string intervention)
    {
        timing.Validate();
        if (timing.Trigger is InterventionTrigger.TaskBoundary or InterventionTrigger.StageBoundary)
            throw new ArgumentException(
                $"{intervention} acts inside training steps; its {nameof(InterventionSpec.Timing)} must be {nameof(InterventionTrigger.EveryStep)} or {nameof(InterventionTrigger.EveryNSteps)}, not {timing.Trigger}.");
    }
}
