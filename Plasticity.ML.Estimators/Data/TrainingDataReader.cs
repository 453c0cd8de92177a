using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Data;

/// <summary>
/// Reads features, labels and the optional segment column through one cursor into flat arrays. Rows are copied
/// straight into growing buffers (no allocation per row); NaN or infinite values stop the read with an error
/// naming the row, because the trainer never trains on them silently.
/// </summary>
internal static class TrainingDataReader
{
    public static TrainingData Read(IDataView data, string featureName, string labelName, string? segmentName,
        PlasticPredictionKind kind, Action checkAlive)
    {
        var schema = data.Schema;
        var featureColumn = SchemaErrors.FeatureColumn(schema, featureName);
        var labelColumn = SchemaErrors.LabelColumn(schema, labelName, kind);
        DataViewSchema.Column? segmentColumn = null;
        if (!string.IsNullOrEmpty(segmentName))
        {
            segmentColumn = schema.GetColumnOrNull(segmentName) ?? throw SchemaErrors.Missing("segment", segmentName);
            if (!IsSegmentType(segmentColumn.Value.Type))
                throw SchemaErrors.Mismatch("segment", segmentName, "a numeric or key scalar", segmentColumn.Value.Type);
        }
        int featureCount = ((VectorDataViewType)featureColumn.Type).Size;
        int classCount = kind switch
        {
            PlasticPredictionKind.MulticlassClassification => (int)labelColumn.Type.GetKeyCount(),
            PlasticPredictionKind.BinaryClassification => 2,
            _ => 0,
        };

        int capacity = (int)Math.Clamp(data.GetRowCount() ?? 1024, 1, 1 << 24);
        var features = new float[checked(capacity * featureCount)];
        var values = kind == PlasticPredictionKind.Regression ? new float[capacity] : null;
        var classes = kind == PlasticPredictionKind.Regression ? null : new long[capacity];
        var windowStarts = new List<int> { 0 };

        var active = new List<DataViewSchema.Column> { featureColumn, labelColumn };
        if (segmentColumn is not null) active.Add(segmentColumn.Value);
        using var cursor = data.GetRowCursor(active);
        var featureGetter = cursor.GetGetter<VBuffer<float>>(featureColumn);
        var labelReader = LabelReader(cursor, labelColumn, kind);
        var segmentReader = segmentColumn is null ? null : SegmentReader(cursor, segmentColumn.Value);
        VBuffer<float> buffer = default;
        double previousSegment = double.NaN;
        int row = 0;

        while (cursor.MoveNext())
        {
            if ((row & 4095) == 0) checkAlive();
            if (row == capacity)
            {
                capacity = checked(capacity * 2);
                Array.Resize(ref features, checked(capacity * featureCount));
                if (values is not null) Array.Resize(ref values, capacity);
                if (classes is not null) Array.Resize(ref classes, capacity);
            }
            featureGetter(ref buffer);
            var destination = features.AsSpan(row * featureCount, featureCount);
            buffer.CopyTo(destination);
            for (int j = 0; j < featureCount; j++)
                if (!float.IsFinite(destination[j]))
                    throw new InvalidOperationException($"Feature column '{featureName}' holds {destination[j].ToString(System.Globalization.CultureInfo.InvariantCulture)} at row {row}, slot {j}. The plastic neural network never trains on NaN or Infinity: filter the rows or replace the values (mlContext.Transforms.ReplaceMissingValues) first.");

            double label = labelReader();
            switch (kind)
            {
                case PlasticPredictionKind.Regression:
                    if (!double.IsFinite(label))
                        throw new InvalidOperationException($"Label column '{labelName}' holds {label.ToString(System.Globalization.CultureInfo.InvariantCulture)} at row {row}. The plastic neural network never trains on NaN or Infinity: filter those rows first.");
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
        return new TrainingData
        {
            Features = features,
            FeatureCount = featureCount,
            RowCount = row,
            Values = values,
            Classes = classes,
            ClassCount = classCount,
            WindowStarts = [.. windowStarts],
        };
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
}
