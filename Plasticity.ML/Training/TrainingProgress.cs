namespace Plasticity.ML.Training;

/// <summary>A progress report of a continual run.</summary>
/// <param name="TaskIndex">The current task.</param>
/// <param name="TaskCount">Number of tasks.</param>
/// <param name="StepInTask">Steps taken in the current task.</param>
/// <param name="StepsPerTask">Steps per task.</param>
/// <param name="Phase">"train", "probe", "done", "resumed" (a run continues from a checkpoint; see
/// <paramref name="Message"/>) or "warning" (something the user should read, such as a damaged checkpoint).</param>
/// <param name="Loss">The latest mini-batch loss (NaN when unknown).</param>
/// <param name="Message">A sentence for the user with "resumed" and "warning", else null.</param>
public sealed record TrainingProgress(int TaskIndex, int TaskCount, int StepInTask, int StepsPerTask, string Phase, double Loss, string? Message = null)
{
    /// <summary>Fraction of the run done, in [0, 1].</summary>
    public double Fraction => Phase == "done" ? 1.0 : (TaskIndex + (double)StepInTask / Math.Max(1, StepsPerTask)) / Math.Max(1, TaskCount);
}
