using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Tasks.Streams;

namespace Plasticity.ML.Tests.Search.Experiment;

/// <summary>The core learner, but learning a window fails with an exception once the window index reaches 2.</summary>
public sealed class ThrowingLearnerFactory : IWindowLearnerFactory
{
    private readonly ContinualLearnerFactory inner = new();

    /// <inheritdoc />
    public void Validate(string options, WindowStream stream) => inner.Validate(options, stream);

    /// <inheritdoc />
    public IWindowLearner Create(string options, long seed, WindowStream stream) => new Throwing(inner.Create(options, seed, stream));

    /// <inheritdoc />
    public string? ContinuationConflict(string from, string to) => inner.ContinuationConflict(from, to);

    /// <inheritdoc />
    public IWindowLearner Resume(string options, long seed, WindowStream stream, string stateFile) => new Throwing(inner.Resume(options, seed, stream, stateFile));

    private sealed class Throwing(IWindowLearner learner) : IWindowLearner
    {
        public WindowScore Score(StreamWindow window, int index) => learner.Score(window, index);

        public void Learn(StreamWindow window, int index, CancellationToken cancellationToken)
        {
            if (index >= 2) throw new InvalidOperationException($"test failure while learning window {index}");
            learner.Learn(window, index, cancellationToken);
        }

        public double ProbeLoss(StreamWindow window, CancellationToken cancellationToken) => learner.ProbeLoss(window, cancellationToken);

        public string Save(string folder) => learner.Save(folder);

        public void Dispose() => learner.Dispose();
    }
}

/// <summary>The core learner, slowed down by a pause of 0.4 s per window (so a test can stop a trial while it runs).</summary>
public sealed class SlowLearnerFactory : SlowedLearnerFactory
{
    /// <summary>Creates the factory.</summary>
    public SlowLearnerFactory()
        : base(TimeSpan.FromSeconds(0.4))
    {
    }
}

/// <summary>The core learner, slowed down by a pause of 1.5 s per window (a trial that surely outlives a worker's start-up).</summary>
public sealed class SlowerLearnerFactory : SlowedLearnerFactory
{
    /// <summary>Creates the factory.</summary>
    public SlowerLearnerFactory()
        : base(TimeSpan.FromSeconds(1.5))
    {
    }
}

/// <summary>The core learner with a pause before every window.</summary>
public abstract class SlowedLearnerFactory(TimeSpan pause) : IWindowLearnerFactory
{
    private readonly ContinualLearnerFactory inner = new();

    /// <inheritdoc />
    public void Validate(string options, WindowStream stream) => inner.Validate(options, stream);

    /// <inheritdoc />
    public IWindowLearner Create(string options, long seed, WindowStream stream) => new Slow(inner.Create(options, seed, stream), pause);

    /// <inheritdoc />
    public string? ContinuationConflict(string from, string to) => inner.ContinuationConflict(from, to);

    /// <inheritdoc />
    public IWindowLearner Resume(string options, long seed, WindowStream stream, string stateFile) => new Slow(inner.Resume(options, seed, stream, stateFile), pause);

    private sealed class Slow(IWindowLearner learner, TimeSpan pause) : IWindowLearner
    {
        public WindowScore Score(StreamWindow window, int index) => learner.Score(window, index);

        public void Learn(StreamWindow window, int index, CancellationToken cancellationToken)
        {
            Task.Delay(pause, cancellationToken).Wait(cancellationToken);
            learner.Learn(window, index, cancellationToken);
        }

        public double ProbeLoss(StreamWindow window, CancellationToken cancellationToken) => learner.ProbeLoss(window, cancellationToken);

        public string Save(string folder) => learner.Save(folder);

        public void Dispose() => learner.Dispose();
    }
}
