using static TorchSharp.torch;

namespace Plasticity.ML.Estimators.Data;

/// <summary>
/// Training rows read from an IDataView: the features as one CPU tensor, targets, optional example weights and the
/// window each row belongs to. Owns the feature tensor.
/// </summary>
internal sealed class TrainingData : IDisposable
{
    /// <summary>Features <c>[RowCount, FeatureCount]</c>, float32, on the CPU.</summary>
    public required Tensor Features { get; init; }

    /// <summary>Number of features per row.</summary>
    public required int FeatureCount { get; init; }

    /// <summary>Number of rows.</summary>
    public required int RowCount { get; init; }

    /// <summary>Regression labels (regression only).</summary>
    public float[]? Values { get; init; }

    /// <summary>Class indices from 0 (classification only).</summary>
    public long[]? Classes { get; init; }

    /// <summary>Number of classes (classification only).</summary>
    public int ClassCount { get; init; }

    /// <summary>Example weights scaled to mean 1 over all rows, or null without a weight column.</summary>
    public float[]? Weights { get; init; }

    /// <summary>The pooled tensor <see cref="Features"/> is a view of, returned to <see cref="FeatureBufferPool"/> on dispose (or null).</summary>
    public Tensor? PooledStorage { get; init; }

    /// <summary>First row of each window, ascending, starting with 0.</summary>
    public required int[] WindowStarts { get; init; }

    /// <summary>The rows of window <paramref name="window"/>: (start, count).</summary>
    public (int Start, int Count) Window(int window)
    {
        int start = WindowStarts[window];
        int end = window + 1 < WindowStarts.Length ? WindowStarts[window + 1] : RowCount;
        return (start, end - start);
    }

    /// <summary>Frees the feature tensor (or returns its memory to the pool).</summary>
    public void Dispose()
    {
        Features.Dispose();
        if (PooledStorage is not null) FeatureBufferPool.Return(PooledStorage);
    }
}
