using static TorchSharp.torch;

namespace Plasticity.ML.Optimization;

/// <summary>Sets libtorch's intra-op thread count.</summary>
public static class TorchThreads
{
    /// <summary>Sets the number of intra-op threads (process-wide); values below 1 are treated as 1.</summary>
    public static void Set(int threads) => set_num_threads(Math.Max(1, threads));

    /// <summary>The current number of intra-op threads.</summary>
    public static int Current => get_num_threads();
}
