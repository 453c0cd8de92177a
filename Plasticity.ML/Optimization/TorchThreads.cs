using static TorchSharp.torch;

namespace Plasticity.ML.Optimization;

/// <summary>Sets libtorch's intra-op thread count, and chooses it from the work size.</summary>
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

    /// <summary>Sets the number of intra-op threads (process-wide); values below 1 are treated as 1.</summary>
    public static void Set(int threads) => set_num_threads(Math.Max(1, threads));

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
