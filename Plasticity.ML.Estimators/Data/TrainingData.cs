namespace Plasticity.ML.Estimators.Data;

/// <summary>Training rows read from an IDataView: dense features, targets and the window each row belongs to.</summary>
internal sealed class TrainingData
{
    /// <summary>Row-major features, <c>RowCount * FeatureCount</c> values.</summary>
    public required float[] Features { get; init; }

    /// <summary>Number of features per row.</summary>
    public required int FeatureCount { get; init; }

    /// <summary>Number of rows.</summary>
    public required int RowCount { get; init; }

    /// <summary>Regression targets (regression only).</summary>
    public float[]? Values { get; init; }

    /// <summary>Class indices from 0 (classification only).</summary>
    public long[]? Classes { get; init; }

    /// <summary>Number of classes (classification only).</summary>
    public int ClassCount { get; init; }

    /// <summary>First row of each window, ascending, starting with 0.</summary>
    public required int[] WindowStarts { get; init; }

    /// <summary>The rows of window <paramref name="window"/>: (start, count).</summary>
    public (int Start, int Count) Window(int window)
    {
        int start = WindowStarts[window];
        int end = window + 1 < WindowStarts.Length ? WindowStarts[window + 1] : RowCount;
        return (start, end - start);
    }
}
