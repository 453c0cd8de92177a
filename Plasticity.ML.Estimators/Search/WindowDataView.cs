using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Tasks.Streams;

namespace Plasticity.ML.Estimators.Search;

/// <summary>
/// One window of a stream as an ML.NET <see cref="IDataView"/>: a feature vector and a label of the trainer's type (a
/// key over the classes, with their names as KeyValues when known; a Boolean; or a Single), under the column names of
/// the user's data, so a model trained on windows scores the user's rows.
/// </summary>
internal static class WindowDataView
{
    private const string Features = "Features";
    private const string Label = "Label";

    public static IDataView Create(MLContext ml, PlasticPredictionKind kind, WindowStream stream, StreamWindow window, IReadOnlyList<string>? classNames,
        string featureColumn, string labelColumn)
    {
        int f = stream.FeatureCount;
        float[] Row(int i) => window.Features.AsSpan(i * f, f).ToArray();
        var range = Enumerable.Range(0, window.Count);
        switch (kind)
        {
            case PlasticPredictionKind.MulticlassClassification:
            {
                var schema = Schema<KeyRow>(f, featureColumn, labelColumn);
                schema[labelColumn].ColumnType = new KeyDataViewType(typeof(uint), stream.TargetCount);
                if (classNames is { } names && names.Count == stream.TargetCount)
                {
                    var values = new VBuffer<ReadOnlyMemory<char>>(names.Count, names.Select(n => n.AsMemory()).ToArray());
                    schema[labelColumn].AddAnnotation("KeyValues", values, new VectorDataViewType(TextDataViewType.Instance, names.Count));
                }
                // The enumerable loader reads a key member as 0-based and hands ML.NET the key value + 1 (keys count from 1;
                // a value at or above the key count becomes 0, the missing key), so the 0-based class goes in as it is.
                return ml.Data.LoadFromEnumerable(range.Select(i => new KeyRow { Features = Row(i), Label = (uint)window.Labels![i] }).ToList(), schema);
            }
            case PlasticPredictionKind.BinaryClassification:
                return ml.Data.LoadFromEnumerable(range.Select(i => new BooleanRow { Features = Row(i), Label = window.Labels![i] == 1 }).ToList(), Schema<BooleanRow>(f, featureColumn, labelColumn));
            default:
                return ml.Data.LoadFromEnumerable(range.Select(i => new SingleRow { Features = Row(i), Label = window.Targets![i] }).ToList(), Schema<SingleRow>(f, featureColumn, labelColumn));
        }
    }

    private static SchemaDefinition Schema<TRow>(int features, string featureColumn, string labelColumn)
    {
        var schema = SchemaDefinition.Create(typeof(TRow));
        var featureDefinition = schema[Features];
        var labelDefinition = schema[Label];
        featureDefinition.ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        featureDefinition.ColumnName = featureColumn;
        labelDefinition.ColumnName = labelColumn;
        return schema;
    }

    private sealed class KeyRow
    {
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }

    private sealed class BooleanRow
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class SingleRow
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
