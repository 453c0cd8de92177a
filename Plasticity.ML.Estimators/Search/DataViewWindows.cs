using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Tasks;
using Plasticity.ML.Tasks.Streams;

namespace Plasticity.ML.Estimators.Search;

/// <summary>
/// Cuts an <see cref="IDataView"/> into the windows of a stream: rows in data order, a new window wherever the window
/// column's value changes (the rule of the trainers' segment column). The window column must not decrease (windows
/// arrive in time order). Checks the columns in ML.NET's wording, naming the column, the expected and the actual type.
/// </summary>
internal static class DataViewWindows
{
    /// <summary>The stream, the window values (one per window, in order) and the class names (multiclass with text KeyValues).</summary>
    public static (WindowStream Stream, double[] WindowValues, string[]? ClassNames) Read(IDataView data, string windowColumn, string featureColumn, string labelColumn, PlasticPredictionKind kind)
    {
        ArgumentNullException.ThrowIfNull(data);
        var schema = data.Schema;
        var window = Find(schema, windowColumn, "window");
        if (!IsNumericOrKey(window.Type))
            throw Mismatch("window", windowColumn, "a numeric or key scalar", window.Type);
        var features = Find(schema, featureColumn, "feature");
        if (features.Type is not VectorDataViewType { ItemType: NumberDataViewType n, Size: > 0 } vector || n.RawType != typeof(float))
            throw Mismatch("feature", featureColumn, "a known-size vector of Single", features.Type);
        var label = Find(schema, labelColumn, "label");
        int targets;
        string[]? names = null;
        switch (kind)
        {
            case PlasticPredictionKind.MulticlassClassification:
                if (label.Type is not KeyDataViewType key || key.RawType != typeof(uint) || key.Count < 2)
                    throw Mismatch("label", labelColumn, "a key of UInt32 with at least 2 values", label.Type);
                targets = (int)key.Count;
                names = ClassNames(label, targets);
                break;
            case PlasticPredictionKind.BinaryClassification:
                if (label.Type != BooleanDataViewType.Instance) throw Mismatch("label", labelColumn, "Boolean", label.Type);
                targets = 2;
                break;
            default:
                if (label.Type != NumberDataViewType.Single) throw Mismatch("label", labelColumn, "Single", label.Type);
                targets = 1;
                break;
        }

        var windows = new List<StreamWindow>();
        var values = new List<double>();
        var featureRows = new List<float>();
        var labels = new List<int>();
        var regression = new List<float>();
        void Close()
        {
            if (labels.Count + regression.Count == 0) return;
            windows.Add(kind == PlasticPredictionKind.Regression
                ? new StreamWindow(featureRows.ToArray(), regression.ToArray(), regression.Count)
                : new StreamWindow(featureRows.ToArray(), labels.ToArray()));
            featureRows.Clear();
            labels.Clear();
            regression.Clear();
        }

        using var cursor = data.GetRowCursor([window, features, label]);
        var windowGetter = NumberGetter(cursor, window);
        var featureGetter = cursor.GetGetter<VBuffer<float>>(features);
        VBuffer<float> buffer = default;
        ValueGetter<uint>? keyGetter = kind == PlasticPredictionKind.MulticlassClassification ? cursor.GetGetter<uint>(label) : null;
        ValueGetter<bool>? boolGetter = kind == PlasticPredictionKind.BinaryClassification ? cursor.GetGetter<bool>(label) : null;
        ValueGetter<float>? floatGetter = kind == PlasticPredictionKind.Regression ? cursor.GetGetter<float>(label) : null;
        long row = -1;
        double current = double.NaN;
        while (cursor.MoveNext())
        {
            row++;
            double value = windowGetter();
            if (double.IsNaN(value)) throw new ArgumentException($"Window column '{windowColumn}' is missing (NaN) at row {row}; every row needs its window.");
            if (values.Count > 0 && value < current)
                throw new ArgumentException($"Window column '{windowColumn}' decreases at row {row} (from {current} to {value}); the rows must come in window order, oldest window first.");
            if (values.Count == 0 || value != current)
            {
                Close();
                values.Add(value);
                current = value;
            }
            featureGetter(ref buffer);
            foreach (var x in buffer.DenseValues()) featureRows.Add(x);
            if (keyGetter is not null)
            {
                uint key = 0;
                keyGetter(ref key);
                if (key == 0 || key > targets)
                    throw new ArgumentException($"Label column '{labelColumn}' holds key value {key} at row {row}, outside 1..{targets} (0 is a missing value); filter missing labels first.");
                labels.Add((int)key - 1);
            }
            else if (boolGetter is not null)
            {
                bool b = false;
                boolGetter(ref b);
                labels.Add(b ? 1 : 0);
            }
            else
            {
                float y = 0;
                floatGetter!(ref y);
                regression.Add(y);
            }
        }
        Close();
        if (windows.Count == 0) throw new ArgumentException("The data has no rows.");
        var stream = new WindowStream($"IDataView by '{windowColumn}' ({windows.Count} windows)", vector.Size,
            kind == PlasticPredictionKind.Regression ? TargetKind.Regression : TargetKind.ClassLabels, targets, windows);
        return (stream, values.ToArray(), names);
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException($"The {role} column name must be set.");
        return schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(name, $"Could not find {role} column '{name}'.");
    }

    private static ArgumentOutOfRangeException Mismatch(string role, string name, string expected, DataViewType actual) =>
        new(name, $"Schema mismatch for {role} column '{name}': expected {expected}, got {actual}.");

    private static bool IsNumericOrKey(DataViewType type) => type is NumberDataViewType or KeyDataViewType;

    private static Func<double> NumberGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var raw = column.Type.RawType;
        if (raw == typeof(float)) { var g = cursor.GetGetter<float>(column); return () => { float v = 0; g(ref v); return v; }; }
        if (raw == typeof(double)) { var g = cursor.GetGetter<double>(column); return () => { double v = 0; g(ref v); return v; }; }
        if (raw == typeof(int)) { var g = cursor.GetGetter<int>(column); return () => { int v = 0; g(ref v); return v; }; }
        if (raw == typeof(long)) { var g = cursor.GetGetter<long>(column); return () => { long v = 0; g(ref v); return v; }; }
        if (raw == typeof(uint)) { var g = cursor.GetGetter<uint>(column); return () => { uint v = 0; g(ref v); return v; }; }
        if (raw == typeof(ulong)) { var g = cursor.GetGetter<ulong>(column); return () => { ulong v = 0; g(ref v); return v; }; }
        if (raw == typeof(short)) { var g = cursor.GetGetter<short>(column); return () => { short v = 0; g(ref v); return v; }; }
        if (raw == typeof(ushort)) { var g = cursor.GetGetter<ushort>(column); return () => { ushort v = 0; g(ref v); return v; }; }
        if (raw == typeof(byte)) { var g = cursor.GetGetter<byte>(column); return () => { byte v = 0; g(ref v); return v; }; }
        if (raw == typeof(sbyte)) { var g = cursor.GetGetter<sbyte>(column); return () => { sbyte v = 0; g(ref v); return v; }; }
        throw Mismatch("window", column.Name, "a numeric or key scalar", column.Type);
    }

    private static string[]? ClassNames(DataViewSchema.Column label, int count)
    {
        var annotation = label.Annotations.Schema.GetColumnOrNull("KeyValues");
        if (annotation is not { Type: VectorDataViewType { ItemType: TextDataViewType } }) return null;
        VBuffer<ReadOnlyMemory<char>> names = default;
        label.Annotations.GetValue("KeyValues", ref names);
        var list = names.DenseValues().Select(n => n.ToString()).ToArray();
        return list.Length == count ? list : null;
    }
}
