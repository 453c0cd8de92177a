using System.Globalization;
using System.Numerics;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace Plasticity.ML.Estimators.Data;

/// <summary>
/// Reads features, labels, optional example weights and the optional segment column through one cursor. When the view
/// knows its row count, each feature vector is copied once, straight from the cursor's buffer into the training
/// tensor's memory (no intermediate arrays: the cost is the cursor plus one copy, see docs/benchmarks.md); otherwise
/// rows go to blocks first. Every value is checked (NaN or infinite features, labels and weights stop the read with an
/// error naming the row), because the trainer never trains on them silently.
/// </summary>
internal static class TrainingDataReader
{
    /// <summary>Rows per block when the row count is unknown.</summary>
    private const int BlockRows = 4096;

    // Fully optimized at once: a Fit calls this once, so tiered compilation would leave the row loop in slow tier-0 code.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static TrainingData Read(IDataView data, string featureName, string labelName, string? weightName, string? segmentName,
        PlasticPredictionKind kind, Action checkAlive)
    {
        var schema = data.Schema;
        var featureColumn = SchemaErrors.FeatureColumn(schema, featureName);
        var labelColumn = SchemaErrors.LabelColumn(schema, labelName, kind);
        var weightColumn = string.IsNullOrEmpty(weightName) ? (DataViewSchema.Column?)null : SchemaErrors.WeightColumn(schema, weightName);
        DataViewSchema.Column? segmentColumn = null;
        if (!string.IsNullOrEmpty(segmentName))
        {
            segmentColumn = schema.GetColumnOrNull(segmentName) ?? throw SchemaErrors.Missing("segment", segmentName);
            if (!IsSegmentType(segmentColumn.Value.Type))
                throw SchemaErrors.Mismatch("segment", segmentName, "a numeric or key scalar", segmentColumn.Value.Type);
        }
        int d = ((VectorDataViewType)featureColumn.Type).Size;
        int classCount = kind switch
        {
            PlasticPredictionKind.MulticlassClassification => (int)((KeyDataViewType)labelColumn.Type).Count,
            PlasticPredictionKind.BinaryClassification => 2,
            _ => 0,
        };

        long? knownRows = data.GetRowCount();
        int capacity = knownRows is long n && n > 0 && n * d <= int.MaxValue ? (int)n : BlockRows;
        var destination = new FeatureDestination(d, knownRows is long k && k == capacity ? capacity : -1);
        var values = kind == PlasticPredictionKind.Regression ? new float[capacity] : null;
        var classes = kind == PlasticPredictionKind.Regression ? null : new long[capacity];
        var weights = weightColumn is null ? null : new float[capacity];
        var windowStarts = new List<int> { 0 };

        var active = new List<DataViewSchema.Column> { featureColumn, labelColumn };
        if (weightColumn is not null) active.Add(weightColumn.Value);
        if (segmentColumn is not null) active.Add(segmentColumn.Value);
        try
        {
            using var cursor = data.GetRowCursor(active);
            var featureGetter = cursor.GetGetter<VBuffer<float>>(featureColumn);
            var labelReader = LabelReader(cursor, labelColumn, kind);
            var weightReader = weightColumn is null ? null : NumberReader(cursor, weightColumn.Value);
            var segmentReader = segmentColumn is null ? null : SegmentReader(cursor, segmentColumn.Value);
            VBuffer<float> buffer = default;
            double previousSegment = double.NaN, weightSum = 0;
            int row = 0;

            while (cursor.MoveNext())
            {
                if ((row & 4095) == 0) checkAlive();
                if (row == capacity)
                {
                    capacity = checked(capacity * 2);
                    if (values is not null) Array.Resize(ref values, capacity);
                    if (classes is not null) Array.Resize(ref classes, capacity);
                    if (weights is not null) Array.Resize(ref weights, capacity);
                }
                featureGetter(ref buffer);
                var target = destination.Row(row);
                int bad = CopyChecked(buffer, target);
                if (bad >= 0)
                    throw new InvalidOperationException($"Feature column '{featureName}' holds {target[bad].ToString(CultureInfo.InvariantCulture)} at row {row}, slot {bad}. The plastic neural network never trains on NaN or Infinity: filter the rows or replace the values (mlContext.Transforms.ReplaceMissingValues) first.");

                double label = labelReader();
                switch (kind)
                {
                    case PlasticPredictionKind.Regression:
                        if (!double.IsFinite(label))
                            throw new InvalidOperationException($"Label column '{labelName}' holds {label.ToString(CultureInfo.InvariantCulture)} at row {row}. The plastic neural network never trains on NaN or Infinity: filter those rows first.");
                        values![row] = (float)label;
                        break;
                    case PlasticPredictionKind.MulticlassClassification:
                        // Keys count from 1; 0 is ML.NET's missing key, and anything above the key count is out of range.
                        if (label < 1 || label > classCount)
                            throw new InvalidOperationException($"Label column '{labelName}' holds key value {label} at row {row}, outside the label's range 1..{classCount} (0 is a missing value). Filter missing labels first.");
                        classes![row] = (long)label - 1;
                        break;
                    default:
                        classes![row] = (long)label;
                        break;
                }

                if (weightReader is not null)
                {
                    double weight = weightReader();
                    if (!(weight >= 0 && weight < double.PositiveInfinity))
                        throw new InvalidOperationException($"Training weight column '{weightName}' holds {weight.ToString(CultureInfo.InvariantCulture)} at row {row}; example weights must be finite and non-negative.");
                    weights![row] = (float)weight;
                    weightSum += (float)weight;
                }

                if (segmentReader is not null)
                {
                    double segment = segmentReader();
                    if (double.IsNaN(segment))
                        throw new InvalidOperationException($"Segment column '{segmentName}' holds NaN at row {row}.");
                    if (row > 0 && segment != previousSegment) windowStarts.Add(row);
                    previousSegment = segment;
                }
                row++;
            }

            if (row == 0)
                throw new InvalidOperationException("The training data has no rows: the plastic neural network cannot train on an empty data set.");
            if (weights is not null)
            {
                if (!(weightSum > 0))
                    throw new InvalidOperationException($"Training weight column '{weightName}' holds only zero weights ({row} rows): there is nothing to train on.");
                // Weights of mean 1 keep the loss, and so the learning rate's effect, on the scale of unweighted training.
                float scale = (float)(row / weightSum);
                for (int i = 0; i < row; i++) weights[i] *= scale;
            }
            var (features, pooled) = destination.Finish(row);
            return new TrainingData
            {
                Features = features,
                PooledStorage = pooled,
                FeatureCount = d,
                RowCount = row,
                Values = values,
                Classes = classes,
                ClassCount = classCount,
                Weights = weights,
                WindowStarts = [.. windowStarts],
            };
        }
        catch
        {
            destination.Abandon();
            throw;
        }
    }

    /// <summary>
    /// Copies a feature vector into <paramref name="target"/> and returns the first slot that is NaN or infinite, or -1:
    /// one vectorized pass over a dense vector (copy and check together; x * 0 is 0 for every finite x).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static int CopyChecked(in VBuffer<float> source, Span<float> target)
    {
        if (!source.IsDense)
        {
            source.CopyTo(target);
            return FirstNonFinite(target);
        }
        var values = source.GetValues();
        var sum = Vector<float>.Zero;
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var v = new Vector<float>(values[i..]);
            v.CopyTo(target[i..]);
            sum += v * Vector<float>.Zero;
        }
        float tail = 0;
        for (; i < values.Length; i++)
        {
            target[i] = values[i];
            tail += values[i] * 0f;
        }
        return sum == Vector<float>.Zero && tail == 0 ? -1 : FirstNonFinite(target);
    }

    /// <summary>The first slot of <paramref name="row"/> that is NaN or infinite, or -1. Vectorized: x * 0 is 0 for every finite x.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static int FirstNonFinite(ReadOnlySpan<float> row)
    {
        var sum = Vector<float>.Zero;
        int i = 0;
        for (; i <= row.Length - Vector<float>.Count; i += Vector<float>.Count)
            sum += new Vector<float>(row[i..]) * Vector<float>.Zero;
        float tail = 0;
        for (; i < row.Length; i++) tail += row[i] * 0f;
        if (sum == Vector<float>.Zero && tail == 0) return -1;
        for (int j = 0; j < row.Length; j++)
            if (!float.IsFinite(row[j])) return j;
        return -1;
    }

    private static Func<double> LabelReader(DataViewRowCursor cursor, DataViewSchema.Column column, PlasticPredictionKind kind)
    {
        switch (kind)
        {
            case PlasticPredictionKind.Regression:
            {
                var getter = cursor.GetGetter<float>(column);
                float value = 0;
                return () => { getter(ref value); return value; };
            }
            case PlasticPredictionKind.BinaryClassification:
            {
                var getter = cursor.GetGetter<bool>(column);
                bool value = false;
                return () => { getter(ref value); return value ? 1 : 0; };
            }
            default:
                return KeyReader(cursor, column);
        }
    }

    private static Func<double> KeyReader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        switch (column.Type.RawType)
        {
            case var t when t == typeof(uint): { var g = cursor.GetGetter<uint>(column); uint v = 0; return () => { g(ref v); return v; }; }
            case var t when t == typeof(ushort): { var g = cursor.GetGetter<ushort>(column); ushort v = 0; return () => { g(ref v); return v; }; }
            case var t when t == typeof(byte): { var g = cursor.GetGetter<byte>(column); byte v = 0; return () => { g(ref v); return v; }; }
            case var t when t == typeof(ulong): { var g = cursor.GetGetter<ulong>(column); ulong v = 0; return () => { g(ref v); return v; }; }
            default: throw SchemaErrors.Mismatch("label", column.Name, "key type", column.Type);
        }
    }

    private static Func<double> NumberReader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type == NumberDataViewType.Double) { var g = cursor.GetGetter<double>(column); double v = 0; return () => { g(ref v); return v; }; }
        { var g = cursor.GetGetter<float>(column); float v = 0; return () => { g(ref v); return v; }; }
    }

    private static bool IsSegmentType(DataViewType type) =>
        type is KeyDataViewType ||
        type == NumberDataViewType.Single || type == NumberDataViewType.Double ||
        type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64 || type == NumberDataViewType.UInt32;

    private static Func<double> SegmentReader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var type = column.Type;
        if (type is KeyDataViewType) return KeyReader(cursor, column);
        if (type == NumberDataViewType.Single) { var g = cursor.GetGetter<float>(column); float v = 0; return () => { g(ref v); return v; }; }
        if (type == NumberDataViewType.Double) { var g = cursor.GetGetter<double>(column); double v = 0; return () => { g(ref v); return v; }; }
        if (type == NumberDataViewType.Int32) { var g = cursor.GetGetter<int>(column); int v = 0; return () => { g(ref v); return v; }; }
        if (type == NumberDataViewType.Int64) { var g = cursor.GetGetter<long>(column); long v = 0; return () => { g(ref v); return v; }; }
        { var g = cursor.GetGetter<uint>(column); uint v = 0; return () => { g(ref v); return v; }; }
    }

    /// <summary>
    /// Where feature rows go: straight into the training tensor's memory (a pooled buffer, see
    /// <see cref="FeatureBufferPool"/>) when the row count is known, else into blocks that become the tensor at the end.
    /// </summary>
    private sealed unsafe class FeatureDestination(int featureCount, int knownRows)
    {
        private readonly List<float[]> blocks = [];
        private Tensor? tensor = knownRows > 0 ? FeatureBufferPool.Rent((long)knownRows * featureCount) : null;
        private float* direct;

        /// <summary>The memory of row <paramref name="row"/>.</summary>
        public Span<float> Row(int row)
        {
            if (tensor is not null && row < knownRows)
            {
                if (direct == null) direct = (float*)tensor.storage<float>().data_ptr();
                return new Span<float>(direct + (long)row * featureCount, featureCount);
            }
            if (tensor is not null)
            {
                // More rows than the view announced: keep what was read as the first blocks and go on in blocks.
                MoveTensorToBlocks();
            }
            int block = row / BlockRows, offset = row % BlockRows;
            while (blocks.Count <= block) blocks.Add(new float[BlockRows * featureCount]);
            return blocks[block].AsSpan(offset * featureCount, featureCount);
        }

        /// <summary>
        /// The <c>[rows, features]</c> tensor of the rows read, and the pooled tensor it views (to return when done), or
        /// null when it owns its memory. The destination is spent afterwards.
        /// </summary>
        public (Tensor Features, Tensor? Pooled) Finish(int rows)
        {
            if (tensor is not null)
            {
                var pooled = tensor;
                tensor = null;
                // The slice is held until view returns (an unreferenced temporary can be finalized mid-call).
                using var slice = pooled.narrow(0, 0, (long)rows * featureCount);
                return (slice.view(rows, featureCount), pooled);
            }
            var all = empty([rows, featureCount], ScalarType.Float32);
            var target = new Span<float>((float*)all.storage<float>().data_ptr(), rows * featureCount);
            for (int b = 0, done = 0; done < rows; b++)
            {
                int count = Math.Min(BlockRows, rows - done);
                blocks[b].AsSpan(0, count * featureCount).CopyTo(target[(done * featureCount)..]);
                done += count;
            }
            blocks.Clear();
            return (all, null);
        }

        /// <summary>Gives the tensor back after a failed read.</summary>
        public void Abandon()
        {
            if (tensor is not null) FeatureBufferPool.Return(tensor);
            tensor = null;
        }

        private void MoveTensorToBlocks()
        {
            var source = new ReadOnlySpan<float>((float*)tensor!.storage<float>().data_ptr(), knownRows * featureCount);
            for (int done = 0; done < knownRows; done += BlockRows)
            {
                int count = Math.Min(BlockRows, knownRows - done);
                var block = new float[BlockRows * featureCount];
                source.Slice(done * featureCount, count * featureCount).CopyTo(block);
                blocks.Add(block);
            }
            FeatureBufferPool.Return(tensor);
            tensor = null;
            direct = null;
        }
    }
}
