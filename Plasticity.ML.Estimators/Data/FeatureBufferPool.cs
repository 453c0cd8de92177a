using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Plasticity.ML.Estimators.Data;

/// <summary>
/// Keeps the last few feature tensors of finished fits for the next ones. Writing a fresh 25 MB tensor costs more
/// than copying into it (every page is faulted in on first touch; docs/benchmarks.md measures it), so a service that
/// retrains on data of similar size reads each new window into memory that is already mapped. At most
/// <see cref="MaxPooled"/> tensors of at most <see cref="MaxElements"/> floats (64 MB) are kept; larger ones are freed.
/// </summary>
/// <remarks>
/// A returned tensor is handed out again, so nothing may keep a view of it after the fit that read it: the training
/// engine disposes every view it makes before the fit's <see cref="TrainingData"/> is disposed.
/// </remarks>
internal static class FeatureBufferPool
{
    /// <summary>Most tensors kept (two fits side by side each get one).</summary>
    public const int MaxPooled = 2;

    /// <summary>Largest tensor kept, in floats.</summary>
    public const long MaxElements = 1L << 24;

    private static readonly ConcurrentQueue<Tensor> Free = new();

    /// <summary>A 1-D float32 CPU tensor of at least <paramref name="elements"/> floats, from the pool when one fits.</summary>
    public static Tensor Rent(long elements)
    {
        for (int tries = Free.Count; tries > 0 && Free.TryDequeue(out var pooled); tries--)
        {
            if (pooled.numel() >= elements) return pooled;
            // Too small for this fit: keep it for a smaller one unless the pool is full.
            Return(pooled);
        }
        return empty([elements], ScalarType.Float32);
    }

    /// <summary>Gives a tensor from <see cref="Rent"/> back; frees it when the pool is full or it is too large.</summary>
    public static void Return(Tensor tensor)
    {
        if (tensor.numel() <= MaxElements && Free.Count < MaxPooled) Free.Enqueue(tensor);
        else tensor.Dispose();
    }
}
