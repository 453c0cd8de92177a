using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

using Plasticity.ML.Estimators.Scoring;

namespace Plasticity.ML.Estimators.Data;

/// <summary>
/// The label's KeyValues annotation, captured at training time so the key-typed PredictedLabel can carry it (and
/// <c>MapKeyToValue</c> works) even when the scored data has no label column. Text and numeric item types are kept,
/// and survive save/load.
/// </summary>
internal sealed class KeyValuesSnapshot
{
    private KeyValuesSnapshot(PrimitiveDataViewType itemType, string[] values)
    {
        ItemType = itemType;
        Values = values;
    }

    /// <summary>The item type of the key values.</summary>
    public PrimitiveDataViewType ItemType { get; }

    /// <summary>The values, as invariant strings.</summary>
    public string[] Values { get; }

    /// <summary>Reads the KeyValues of a key column, or null when it has none (or of an unsupported item type).</summary>
    public static KeyValuesSnapshot? From(DataViewSchema.Column column)
    {
        var annotation = column.Annotations.Schema.GetColumnOrNull(AnnotationKinds.KeyValues);
        if (annotation is not { Type: VectorDataViewType { ItemType: PrimitiveDataViewType item } }) return null;
        string[]? values = item switch
        {
            TextDataViewType => Read<ReadOnlyMemory<char>>(column, v => v.ToString()),
            _ when item == NumberDataViewType.Single => Read<float>(column, v => v.ToString("R", CultureInfo.InvariantCulture)),
            _ when item == NumberDataViewType.Double => Read<double>(column, v => v.ToString("R", CultureInfo.InvariantCulture)),
            _ when item == NumberDataViewType.Int32 => Read<int>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when item == NumberDataViewType.Int64 => Read<long>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when item == NumberDataViewType.UInt32 => Read<uint>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            _ => null,
        };
        return values is null ? null : new KeyValuesSnapshot(item, values);
    }

    /// <summary>Text key values (such as an agent's action names).</summary>
    public static KeyValuesSnapshot FromText(IEnumerable<string> values) => new(TextDataViewType.Instance, values.ToArray());

    /// <summary>Adds the values to <paramref name="builder"/> as annotation <paramref name="kind"/> (KeyValues unless given).</summary>
    public void AddTo(DataViewSchema.Annotations.Builder builder, string kind = AnnotationKinds.KeyValues)
    {
        var type = new VectorDataViewType(ItemType, Values.Length);
        if (ItemType is TextDataViewType) Add(builder, kind, type, s => s.AsMemory());
        else if (ItemType == NumberDataViewType.Single) Add(builder, kind, type, s => float.Parse(s, CultureInfo.InvariantCulture));
        else if (ItemType == NumberDataViewType.Double) Add(builder, kind, type, s => double.Parse(s, CultureInfo.InvariantCulture));
        else if (ItemType == NumberDataViewType.Int32) Add(builder, kind, type, s => int.Parse(s, CultureInfo.InvariantCulture));
        else if (ItemType == NumberDataViewType.Int64) Add(builder, kind, type, s => long.Parse(s, CultureInfo.InvariantCulture));
        else Add(builder, kind, type, s => uint.Parse(s, CultureInfo.InvariantCulture));
    }

    /// <summary>Writes the snapshot.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(TypeCode(ItemType));
        writer.Write(Values.Length);
        foreach (var value in Values) writer.Write(value);
    }

    /// <summary>Reads a snapshot written by <see cref="Write"/>.</summary>
    public static KeyValuesSnapshot Read(BinaryReader reader)
    {
        PrimitiveDataViewType item = reader.ReadInt32() switch
        {
            0 => TextDataViewType.Instance,
            1 => NumberDataViewType.Single,
            2 => NumberDataViewType.Double,
            3 => NumberDataViewType.Int32,
            4 => NumberDataViewType.Int64,
            5 => NumberDataViewType.UInt32,
            var code => throw new InvalidDataException($"The model's label key values have an unknown item type code {code}."),
        };
        int count = reader.ReadInt32();
        if (count is < 0 or > 1 << 24) throw new InvalidDataException($"The model's label key values have an invalid count {count}.");
        var values = new string[count];
        for (int i = 0; i < count; i++) values[i] = reader.ReadString();
        return new KeyValuesSnapshot(item, values);
    }

    private static int TypeCode(PrimitiveDataViewType item) =>
        item is TextDataViewType ? 0 :
        item == NumberDataViewType.Single ? 1 :
        item == NumberDataViewType.Double ? 2 :
        item == NumberDataViewType.Int32 ? 3 :
        item == NumberDataViewType.Int64 ? 4 : 5;

    private static string[] Read<T>(DataViewSchema.Column column, Func<T, string> format)
    {
        VBuffer<T> buffer = default;
        column.GetKeyValues(ref buffer);
        return buffer.DenseValues().Select(format).ToArray();
    }

    private void Add<T>(DataViewSchema.Annotations.Builder builder, string kind, VectorDataViewType type, Func<string, T> parse)
    {
        var values = Values.Select(parse).ToArray();
        builder.Add(kind, type, (ref VBuffer<T> destination) =>
        {
            var editor = VBufferEditor.Create(ref destination, values.Length);
            values.AsSpan().CopyTo(editor.Values);
            destination = editor.Commit();
        });
    }
}
