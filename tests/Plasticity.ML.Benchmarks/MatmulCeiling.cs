using Plasticity.ML.Optimization;
using static TorchSharp.torch;

namespace Plasticity.ML.Benchmarks;

/// <summary>The machine's fp32 matmul rate through libtorch: the physical limit the other figures are compared with.</summary>
public static class MatmulCeiling
{
    /// <summary>GFLOP/s of an n x n by n x n matmul on <paramref name="threads"/> intra-op threads.</summary>
    public static double Measure(int threads, int n, int calls, int rounds)
    {
        int before = TorchThreads.Current;
        TorchThreads.Set(threads);
        try
        {
            using var scope = NewDisposeScope();
            var a = randn(n, n);
            var b = randn(n, n);
            double seconds = Timing.Interleaved(calls, rounds, () => a.mm(b).Dispose())[0];
            return 2.0 * n * n * n / seconds / 1e9;
        }
        finally
        {
            TorchThreads.Set(before);
        }
    }
}
