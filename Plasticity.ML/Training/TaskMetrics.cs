namespace Plasticity.ML.Training;

/// <summary>Metrics of one task of a continual run.</summary>
public sealed record TaskMetrics
{
    /// <summary>Task index.</summary>
    public int TaskIndex { get; init; }

    /// <summary>Mean loss over the task's data at the end of the task.</summary>
    public double FinalTrainLoss { get; init; }

    /// <summary>Accuracy over the task's data at the end of the task (NaN for regression tasks).</summary>
    public double FinalTrainAccuracy { get; init; }

    /// <summary>Mean mini-batch accuracy over the task's steps, measured before each update (Kumar et al.'s online accuracy).</summary>
    public double OnlineAccuracy { get; init; }

    /// <summary>Mean mini-batch loss over the task's steps.</summary>
    public double OnlineLoss { get; init; }

    /// <summary>Seconds spent training on the task (without probe and statistics).</summary>
    public double TrainSeconds { get; init; }

    /// <summary>The probe point after this task, if one was scheduled.</summary>
    public ProbePointRecord? ProbePoint { get; init; }
}
