using static TorchSharp.torch;

namespace Plasticity.ML.Tasks.Streams;

/// <summary>
/// One window of a data stream: the samples that arrived together (a day, a batch of uploads), with their features
/// and their targets (class labels or regression values). Plain arrays, so a window can be written to a file and read
/// back in another process. The owning <see cref="WindowStream"/> checks the sizes and values.
/// </summary>
public sealed class StreamWindow
{
    /// <summary>A window of class labels.</summary>
    /// <param name="features">The features, flat, row-major: <c>labels.Length * featureCount</c> values.</param>
    /// <param name="labels">One class label per sample.</param>
    public StreamWindow(float[] features, int[] labels)
    {
        Features = features ?? throw new ArgumentNullException(nameof(features));
        Labels = labels ?? throw new ArgumentNullException(nameof(labels));
        Count = labels.Length;
    }

    /// <summary>A window of regression targets.</summary>
    /// <param name="features">The features, flat, row-major.</param>
    /// <param name="targets">The targets, flat, row-major: <c>count * outputs</c> values.</param>
    /// <param name="count">Number of samples.</param>
    public StreamWindow(float[] features, float[] targets, int count)
    {
        Features = features ?? throw new ArgumentNullException(nameof(features));
        Targets = targets ?? throw new ArgumentNullException(nameof(targets));
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
    }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>The features of every sample, flat and row-major.</summary>
    public float[] Features { get; }

    /// <summary>The class label of every sample, or null for regression targets.</summary>
    public int[]? Labels { get; }

    /// <summary>The regression targets, flat and row-major, or null for class labels.</summary>
    public float[]? Targets { get; }

    /// <summary>The features as a float tensor <c>[Count, featureCount]</c>.</summary>
    public Tensor InputsTensor(int featureCount)
    {
        using var flat = tensor(Features);
        return flat.reshape(Count, featureCount);
    }

    /// <summary>The targets as a tensor: int64 labels <c>[Count]</c>, or float32 values <c>[Count, outputs]</c>.</summary>
    public Tensor TargetsTensor(int outputs)
    {
        if (Labels is not null) return tensor(Labels.Select(l => (long)l).ToArray());
        using var flat = tensor(Targets!);
        return flat.reshape(Count, outputs);
    }
}
