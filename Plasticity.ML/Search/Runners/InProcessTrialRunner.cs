using Plasticity.ML.Search.Trials;

namespace Plasticity.ML.Search.Runners;

/// <summary>
/// Runs trials on threads of this process: no process start-up per trial, so it suits small trials and tests. Trials
/// side by side share the process: libtorch's intra-op thread count (set per trial by a scope that the last trial to
/// finish undoes), and a native crash in one trial ends the search. Prefer <see cref="ProcessPoolTrialRunner"/>, the
/// default, otherwise; and never run trials whose optimizer is TorchSharp's own (<c>OptimizerImplementation.TorchSharp</c>)
/// side by side here.
/// </summary>
public sealed class InProcessTrialRunner : ITrialRunner
{
    private readonly SemaphoreSlim slots;

    /// <summary>Creates a runner that runs up to <paramref name="capacity"/> trials at once (at least 1).</summary>
    public InProcessTrialRunner(int capacity = 1)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "An in-process runner needs a capacity of at least 1.");
        Capacity = capacity;
        slots = new SemaphoreSlim(capacity, capacity);
    }

    /// <inheritdoc />
    public int Capacity { get; }

    /// <inheritdoc />
    public async Task<TrialOutcome> RunAsync(TrialSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A trial is long CPU work: a thread of its own, not one borrowed from the pool.
            return await Task.Factory.StartNew(() => TrialExecutor.Execute(spec, cancellationToken), cancellationToken,
                TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }
}
