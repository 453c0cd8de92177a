using static TorchSharp.torch;

namespace Plasticity.ML.Optimization;

/// <summary>Sets libtorch's intra-op thread count, and chooses it from the work size.</summary>
/// <remarks>
/// The count is process-wide, so code that runs side by side must not set and restore it on its own (one run's
/// restore would undo another's setting): it opens a <see cref="Use"/> scope instead. See <see cref="Use"/> for what
/// happens when concurrent scopes ask for different counts.
/// </remarks>
/// <remarks>
/// Policy (<see cref="Choose"/>), from docs/benchmarks.md: a training step of an MLP costs about
/// 6 x batch x parameters FLOPs. Below <see cref="MultiThreadFlopsPerStep"/> (0.5 GFLOP, e.g. the 784-256-256-10 MLP
/// below batch ~300) a second thread buys little or loses (per-op overhead dominates and the cores are better spent
/// on independent runs side by side), so the choice is 1 thread. Above it, the cores available to this run
/// (<c>availableCores / concurrentRuns</c>) are used. An explicit request always wins.
/// </remarks>
public static class TorchThreads
{
    /// <summary>Work per training step (FLOPs) from which more than one intra-op thread is chosen.</summary>
    public const double MultiThreadFlopsPerStep = 0.5e9;

    private static readonly ThreadCountScopes Scopes = new(() => get_num_threads(), set_num_threads);

    /// <summary>Sets the number of intra-op threads (process-wide); values below 1 are treated as 1.</summary>
    /// <remarks>
    /// Not coordinated with other threads: a single-threaded program or a benchmark may call it, code that can run
    /// side by side with other runs uses <see cref="Use"/>. While a scope is open, the last scope to close restores
    /// the count from before the first one, whatever was set in between.
    /// </remarks>
    public static void Set(int threads) => set_num_threads(Math.Max(1, threads));

    /// <summary>
    /// Opens a process-wide scope that runs with <paramref name="threads"/> intra-op threads; dispose it to leave.
    /// </summary>
    /// <param name="threads">The count wanted; values below 1 are treated as 1.</param>
    /// <returns>The scope; its <see cref="ThreadCountScope.Threads"/> is the count actually in force.</returns>
    /// <remarks>
    /// Reference-counted and thread-safe. The first scope to open (when none is open) decides the count in force and
    /// remembers the count before it; the last one to close puts that count back. A scope that opens while others
    /// are open runs with the count in force (its <see cref="ThreadCountScope.Threads"/>, which may differ from what
    /// it asked for, see <see cref="ThreadCountScope.Requested"/>): changing the count under a run that is already
    /// training could change its numbers (libtorch's reductions split work by thread), and one process-wide value
    /// cannot serve two requests at once, so the first request wins until every scope has closed. Runs started
    /// together by <see cref="Experiments.ExperimentRunner"/> all ask for the same count. libtorch keeps the count
    /// per thread once a thread has used it, so every scope also sets it on its own thread (a thread-pool thread may
    /// still carry a count from earlier work) and puts its thread's previous count back when it closes; open and
    /// dispose a scope on the same thread.
    /// </remarks>
    public static ThreadCountScope Use(int threads) => Scopes.Enter(Math.Max(1, threads));

    /// <summary>The current number of intra-op threads.</summary>
    public static int Current => get_num_threads();

    /// <summary>
    /// Chooses the intra-op thread count for training a network of <paramref name="parameterCount"/> parameters at
    /// <paramref name="batchSize"/> (see the class remarks for the policy).
    /// </summary>
    /// <param name="parameterCount">Number of trainable parameters (weights dominate the matmul work).</param>
    /// <param name="batchSize">Mini-batch size.</param>
    /// <param name="requested">An explicit thread count; when positive it is returned unchanged (the override).</param>
    /// <param name="availableCores">Cores this process may use; 0 means <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="concurrentRuns">Independent runs sharing those cores (e.g. seeds run side by side).</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative count or size, or fewer than one concurrent run.</exception>
    public static int Choose(long parameterCount, int batchSize, int requested = 0, int availableCores = 0, int concurrentRuns = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(requested);
        ArgumentOutOfRangeException.ThrowIfNegative(availableCores);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrentRuns, 1);
        if (requested > 0) return requested;
        int cores = availableCores > 0 ? availableCores : Environment.ProcessorCount;
        int share = Math.Max(1, cores / concurrentRuns);
        double flopsPerStep = 6.0 * batchSize * parameterCount;
        return flopsPerStep < MultiThreadFlopsPerStep ? 1 : share;
    }
}
