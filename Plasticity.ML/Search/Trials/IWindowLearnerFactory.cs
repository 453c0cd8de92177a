using Plasticity.ML.Tasks.Streams;

namespace Plasticity.ML.Search.Trials;

/// <summary>
/// Builds the learners of one kind of model for trials, from options as JSON. A trial names its factory by type
/// (<see cref="TrialSpec.Learner"/>), and every process that runs trials creates one through a public parameterless
/// constructor, so an implementation must have one and keep no state between calls. The core's is
/// <see cref="ContinualLearnerFactory"/> (a TorchSharp network through the step protocol); Plasticity.ML.Estimators has
/// one for its ML.NET trainers.
/// </summary>
public interface IWindowLearnerFactory
{
    /// <summary>
    /// Checks that <paramref name="options"/> can learn <paramref name="stream"/> (feature count, kind and number of
    /// targets) and throws <see cref="ArgumentException"/> naming the option and the values otherwise. A search calls it
    /// on every configuration before running it, so bad settings fail at the door, not inside a worker.
    /// </summary>
    void Validate(string options, WindowStream stream);

    /// <summary>A fresh learner with <paramref name="options"/> and <paramref name="seed"/> for <paramref name="stream"/>.</summary>
    IWindowLearner Create(string options, long seed, WindowStream stream);

    /// <summary>
    /// Null when a learner with options <paramref name="to"/> can continue from the state of one trained with
    /// <paramref name="from"/> (same architecture and optimizer kind: only values such as rates may differ), else the
    /// reason why not (the trial then trains from scratch).
    /// </summary>
    string? ContinuationConflict(string from, string to);

    /// <summary>A learner with <paramref name="options"/> that continues from the state in <paramref name="stateFile"/>
    /// (written by <see cref="IWindowLearner.Save"/>); throws <see cref="InvalidDataException"/> when the state does not fit.</summary>
    IWindowLearner Resume(string options, long seed, WindowStream stream, string stateFile);
}
