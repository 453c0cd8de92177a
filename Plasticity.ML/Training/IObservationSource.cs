using static TorchSharp.torch;

namespace Plasticity.ML.Training;

/// <summary>
/// Observations a learner is learning from, as network inputs: the current task's inputs in supervised training, a
/// replay buffer's observations in reinforcement learning. Hooks that need data beyond the step's mini-batch draw
/// from it (ReDo's dormancy, the statistics panel at probe points).
/// </summary>
public interface IObservationSource
{
    /// <summary>Number of observations available now (a replay buffer's fill level, a task's size).</summary>
    int Count { get; }

    /// <summary>
    /// Draws <paramref name="count"/> observations uniformly with replacement, in order of the draws: row i is the
    /// observation at index <c>random.Next(Count)</c> of the i-th draw. The tensor, shaped <c>[count, ...]</c> as the
    /// network takes it, belongs to the caller's dispose scope.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive, or no observation is available.</exception>
    Tensor Sample(int count, Random random);
}
