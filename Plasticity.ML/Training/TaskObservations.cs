using static TorchSharp.torch;

namespace Plasticity.ML.Training;

/// <summary>
/// The observations of a supervised task: its inputs and, for diagnostics that differentiate the training loss,
/// its targets prepared for the objective. The tensors are borrowed, not owned.
/// </summary>
public sealed class TaskObservations : IObservationSource
{
    /// <summary>Wraps a task's inputs <c>[N, ...]</c>, its prepared targets and labels (null for regression).</summary>
    /// <param name="inputs">The task's inputs.</param>
    /// <param name="objective">The objective the learner trains with.</param>
    /// <param name="preparedTargets">The targets as <paramref name="objective"/> consumes them, one row per input.</param>
    /// <param name="labels">Class labels <c>[N]</c> for label tasks (used to order gradient-covariance plots), else null.</param>
    public TaskObservations(Tensor inputs, TrainingObjective objective, Tensor preparedTargets, Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(preparedTargets);
        if (preparedTargets.shape[0] != inputs.shape[0])
            throw new ArgumentException($"{inputs.shape[0]} inputs but {preparedTargets.shape[0]} prepared targets.", nameof(preparedTargets));
        Inputs = inputs;
        Objective = objective;
        PreparedTargets = preparedTargets;
        Labels = labels;
    }

    /// <summary>The task's inputs.</summary>
    public Tensor Inputs { get; }

    /// <summary>The training objective.</summary>
    public TrainingObjective Objective { get; }

    /// <summary>The targets prepared for <see cref="Objective"/>.</summary>
    public Tensor PreparedTargets { get; }

    /// <summary>Class labels of a label task, else null.</summary>
    public Tensor? Labels { get; }

    /// <inheritdoc />
    public int Count => (int)Inputs.shape[0];

    /// <inheritdoc />
    public Tensor Sample(int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (Count == 0) throw new ArgumentOutOfRangeException(nameof(count), "The task has no observations to sample.");
        var indices = new long[count];
        for (int i = 0; i < count; i++) indices[i] = random.Next(Count);
        using var index = tensor(indices, device: Inputs.device);
        return Inputs.index_select(0, index);
    }
}
