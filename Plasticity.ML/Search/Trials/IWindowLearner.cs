using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Tasks.Streams;

namespace Plasticity.ML.Search.Trials;

/// <summary>
/// One trial's model, learning a stream window by window: it scores a window before learning it, learns it, and
/// saves everything needed to continue (weights, optimizer state, interventions' state, random streams). Created by an
/// <see cref="IWindowLearnerFactory"/>; used by <see cref="TrialExecutor"/> on one thread.
/// </summary>
public interface IWindowLearner : IDisposable
{
    /// <summary>The loss and accuracy of the current model on <paramref name="window"/>'s samples, without learning from them.</summary>
    /// <param name="window">The window.</param>
    /// <param name="index">Its index in the stream.</param>
    WindowScore Score(StreamWindow window, int index);

    /// <summary>Learns <paramref name="window"/> (a task boundary before it: interventions timed at boundaries act).</summary>
    /// <param name="window">The window.</param>
    /// <param name="index">Its index in the stream.</param>
    /// <param name="cancellationToken">Cancels between steps.</param>
    void Learn(StreamWindow window, int index, CancellationToken cancellationToken);

    /// <summary>
    /// The plasticity probe's mean loss on the current model, with inputs drawn from <paramref name="window"/> (the
    /// same window at every measurement of a trial's lineage, so the losses compare). Throws
    /// <see cref="NotSupportedException"/> for a learner without a probe.
    /// </summary>
    double ProbeLoss(StreamWindow window, CancellationToken cancellationToken);

    /// <summary>Writes the learner's whole state into <paramref name="folder"/> (atomically) and returns the file's name within it.</summary>
    string Save(string folder);
}
