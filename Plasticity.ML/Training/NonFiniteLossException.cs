namespace Plasticity.ML.Training;

/// <summary>
/// Thrown when a loss became NaN or infinite: training refuses to step on it. Every learner (the continual trainer,
/// the ML.NET trainers, the agents) throws this one type, naming where it happened.
/// </summary>
public sealed class NonFiniteLossException : ArithmeticException
{
    /// <summary>Creates the exception for a loss of <paramref name="value"/> at the given step.</summary>
    /// <param name="value">The non-finite value.</param>
    /// <param name="taskIndex">The task (window, target period) in which it happened.</param>
    /// <param name="stepInTask">The step within that task, counted from 1.</param>
    /// <param name="globalStep">The step since the start of the run, counted from 1.</param>
    /// <param name="what">What became non-finite, such as "training loss" or "SAM's perturbed loss".</param>
    public NonFiniteLossException(double value, int taskIndex, int stepInTask, long globalStep, string what = "training loss")
        : base($"The {what} became {value} at task {taskIndex}, step {stepInTask} (step {globalStep} of the run); refusing to train on it. " +
               "Lower the learning rate, or check the data for NaN/Infinity and its scale.")
    {
        Value = value;
        TaskIndex = taskIndex;
        StepInTask = stepInTask;
        GlobalStep = globalStep;
    }

    /// <summary>The non-finite value.</summary>
    public double Value { get; }

    /// <summary>The task in which it happened.</summary>
    public int TaskIndex { get; }

    /// <summary>The step within the task, counted from 1.</summary>
    public int StepInTask { get; }

    /// <summary>The step since the start of the run, counted from 1.</summary>
    public long GlobalStep { get; }
}
