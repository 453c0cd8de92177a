using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Data;
using Plasticity.ML.Estimators;
using Plasticity.ML.Estimators.Data;
using static TorchSharp.torch;

namespace Plasticity.ML.Benchmarks;

/// <summary>IDataView rows to a batch tensor, against a memcpy of the same bytes.</summary>
/// <param name="Rows">Rows read.</param>
/// <param name="Bytes">Feature bytes read (rows x 784 x 4).</param>
/// <param name="OursSeconds">Median seconds: the estimators' cursor read into flat buffers plus the tensor.</param>
/// <param name="MemcpySeconds">Median seconds: copying the same bytes from one array to another.</param>
/// <param name="CursorSeconds">Median seconds: ML.NET's cursor alone fetching every row's feature VBuffer (no copy, no checks).</param>
/// <param name="CopyFloorSeconds">Median seconds: the cursor plus one plain copy of every row into a reused buffer, the
/// least a reader that copies the rows pays.</param>
public sealed record IngestionResult(int Rows, long Bytes, double OursSeconds, double MemcpySeconds, double CursorSeconds, double CopyFloorSeconds)
{
    /// <summary>The bare cursor's rate in GB/s.</summary>
    public double CursorGigabytesPerSecond => Bytes / CursorSeconds / 1e9;

    /// <summary>Our rate in GB/s.</summary>
    public double OursGigabytesPerSecond => Bytes / OursSeconds / 1e9;

    /// <summary>memcpy's rate in GB/s.</summary>
    public double MemcpyGigabytesPerSecond => Bytes / MemcpySeconds / 1e9;
}

/// <summary>
/// Measures what the ML.NET trainers pay to get data into torch: <c>TrainingDataReader</c> walks an in-memory
/// IDataView with one cursor and copies (and checks) every 784-float feature vector straight into the <c>[N, 784]</c>
/// training tensor, whose memory comes from a small pool so that a retrain does not fault in fresh pages. References,
/// interleaved in the same run: a memcpy of the same bytes (<see cref="Buffer.BlockCopy"/> into a reused array), the
/// bare cursor, and the cursor plus a plain copy into a reused array.
/// </summary>
public static class IngestionBenchmark
{
    /// <summary>One input row.</summary>
    private sealed class Row
    {
        [VectorType(784)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    /// <summary>Runs the comparison on <paramref name="rows"/> embedded images.</summary>
    public static IngestionResult Measure(int rows, int rounds)
    {
        var images = FashionMnist.LoadEmbedded().Subset(rows, seed: 2);
        var ml = new MLContext(seed: 0);
        var view = ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(i => new Row
        {
            Features = images.Pixels.AsSpan(i * 784, 784).ToArray(),
            Label = images.Labels[i],
        }).ToList());
        long bytes = (long)rows * 784 * sizeof(float);
        var destination = new float[rows * 784];
        var times = Timing.Interleaved(1, rounds,
            () =>
            {
                using var data = TrainingDataReader.Read(view, "Features", "Label", null, null, PlasticPredictionKind.Regression, () => { });
            },
            () => Buffer.BlockCopy(images.Pixels, 0, destination, 0, (int)bytes),
            () => WalkCursor(view),
            () => CopyCursor(view, destination));
        return new IngestionResult(rows, bytes, times[0], times[1], times[2], times[3]);
    }

    private static void CopyCursor(IDataView view, float[] target)
    {
        var column = view.Schema["Features"];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        int offset = 0;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            buffer.CopyTo(target.AsSpan(offset, buffer.Length));
            offset += buffer.Length;
        }
    }

    private static void WalkCursor(IDataView view)
    {
        var column = view.Schema["Features"];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        while (cursor.MoveNext()) getter(ref buffer);
    }
}
