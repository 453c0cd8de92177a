// Usage: ModelRunner <model.zip> <features.txt> <featureCount> [--predicted-label]
// features.txt holds one row per line, space-separated floats (round-trip format). Prints one line per row: the bits
// of every Single in the Score column, in hex, so the caller can compare predictions bit for bit. With
// --predicted-label, each line also ends with " | " and the PredictedLabel's value, read through ML.NET's
// MapKeyToValue (so the key values must have survived the save).
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

var mlContext = new MLContext(seed: 0);
var model = mlContext.Model.Load(args[0], out _);
int featureCount = int.Parse(args[2], CultureInfo.InvariantCulture);
bool withLabel = args.Length > 3 && args[3] == "--predicted-label";
var rows = File.ReadAllLines(args[1])
    .Where(l => l.Length > 0)
    .Select(l => new FeatureRow { Features = l.Split(' ').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray() })
    .ToList();
var schema = SchemaDefinition.Create(typeof(FeatureRow));
schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
var scored = model.Transform(mlContext.Data.LoadFromEnumerable(rows, schema));
if (withLabel) scored = mlContext.Transforms.Conversion.MapKeyToValue("PredictedValue", "PredictedLabel").Fit(scored).Transform(scored);
var score = scored.Schema["Score"];
var label = withLabel ? scored.Schema["PredictedValue"] : (DataViewSchema.Column?)null;
using var cursor = scored.GetRowCursor(label is { } l ? [score, l] : [score]);
var labelGetter = label is { } c ? cursor.GetGetter<ReadOnlyMemory<char>>(c) : null;
ReadOnlyMemory<char> labelValue = default;
string Suffix()
{
    if (labelGetter is null) return "";
    labelGetter(ref labelValue);
    return " | " + labelValue.ToString();
}
if (score.Type is VectorDataViewType)
{
    var getter = cursor.GetGetter<VBuffer<float>>(score);
    VBuffer<float> value = default;
    while (cursor.MoveNext())
    {
        getter(ref value);
        Console.WriteLine(string.Join(' ', value.DenseValues().Select(v => BitConverter.SingleToInt32Bits(v).ToString("X8"))) + Suffix());
    }
}
else
{
    var getter = cursor.GetGetter<float>(score);
    float value = 0;
    while (cursor.MoveNext())
    {
        getter(ref value);
        Console.WriteLine(BitConverter.SingleToInt32Bits(value).ToString("X8") + Suffix());
    }
}

/// <summary>One row of features.</summary>
internal sealed class FeatureRow
{
    /// <summary>The features.</summary>
    public float[] Features { get; set; } = [];
}
