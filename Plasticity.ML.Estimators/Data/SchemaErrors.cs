using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Data;

/// <summary>Column checks whose exceptions use ML.NET's own wording, so users meet familiar messages.</summary>
internal static class SchemaErrors
{
    /// <summary>The first column of <paramref name="shape"/> named <paramref name="name"/> (as ML.NET looks columns up), or null.</summary>
    public static SchemaShape.Column? Find(SchemaShape? shape, string name)
    {
        if (shape is null) return null;
        foreach (var column in shape)
            if (column.Name == name) return column;
        return null;
    }

    /// <summary>"Could not find {role} column '{name}'".</summary>
    public static ArgumentOutOfRangeException Missing(string role, string name) =>
        new("inputSchema", $"Could not find {role} column '{name}'");

    /// <summary>"Schema mismatch for {role} column '{name}': expected {expected}, got {actual}".</summary>
    public static ArgumentOutOfRangeException Mismatch(string role, string name, string expected, DataViewType actual) =>
        new("inputSchema", $"Schema mismatch for {role} column '{name}': expected {expected}, got {actual}");

    /// <summary>
    /// The feature column: a known-size vector of Single, of <paramref name="size"/> slots when given, described in the
    /// error as <paramref name="sizeDescription"/> ("{size} (the size the model was trained on)" unless given).
    /// </summary>
    public static DataViewSchema.Column FeatureColumn(DataViewSchema schema, string name, int? size = null, string? sizeDescription = null)
    {
        var column = schema.GetColumnOrNull(name) ?? throw Missing("feature", name);
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType item, IsKnownSize: true } vector || item != NumberDataViewType.Single)
            throw Mismatch("feature", name, "known-size vector of Single", column.Type);
        if (size is int expected && vector.Size != expected)
            throw Mismatch("feature", name, $"known-size vector of Single of size {sizeDescription ?? $"{expected} (the size the model was trained on)"}", column.Type);
        return column;
    }

    /// <summary>The feature column of a schema shape (estimator-time check).</summary>
    public static SchemaShape.Column FeatureColumn(SchemaShape schema, string name)
    {
        var column = Find(schema, name) ?? throw Missing("feature", name);
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException("inputSchema", $"Schema mismatch for feature column '{name}': expected known-size vector of Single, got {Describe(column)}");
        return column;
    }

    /// <summary>The label column, of the type <paramref name="kind"/> requires.</summary>
    public static DataViewSchema.Column LabelColumn(DataViewSchema schema, string name, PlasticPredictionKind kind)
    {
        var column = schema.GetColumnOrNull(name) ?? throw Missing("label", name);
        switch (kind)
        {
            case PlasticPredictionKind.Regression when column.Type != NumberDataViewType.Single:
                throw Mismatch("label", name, "Single", column.Type);
            case PlasticPredictionKind.BinaryClassification when column.Type != BooleanDataViewType.Instance:
                throw Mismatch("label", name, "Boolean", column.Type);
            case PlasticPredictionKind.MulticlassClassification when column.Type is not KeyDataViewType { Count: > 1 and <= int.MaxValue }:
                throw Mismatch("label", name, "key type with at least 2 values (use mlContext.Transforms.Conversion.MapValueToKey)", column.Type);
        }
        return column;
    }

    /// <summary>The example-weight column: Single or Double, as ML.NET's trainers require ("Training weight column ...").</summary>
    public static DataViewSchema.Column WeightColumn(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name) ?? throw Missing("weight", name);
        if (column.Type != NumberDataViewType.Single && column.Type != NumberDataViewType.Double)
            throw WeightType(name, column.Type.ToString() ?? column.Type.RawType.Name);
        return column;
    }

    /// <summary>The example-weight column of a schema shape (estimator-time check).</summary>
    public static void WeightColumn(SchemaShape schema, string name)
    {
        var column = Find(schema, name) ?? throw Missing("weight", name);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || (column.ItemType != NumberDataViewType.Single && column.ItemType != NumberDataViewType.Double))
            throw WeightType(name, Describe(column));
    }

    private static ArgumentOutOfRangeException WeightType(string name, string actual) =>
        new("inputSchema", $"Training weight column '{name}' must be of floating point numeric type, but has type: {actual}.");

    /// <summary>The label column of a schema shape (estimator-time check).</summary>
    public static void LabelColumn(SchemaShape schema, string name, PlasticPredictionKind kind)
    {
        var column = Find(schema, name) ?? throw Missing("label", name);
        bool ok = kind switch
        {
            PlasticPredictionKind.Regression => column.Kind == SchemaShape.Column.VectorKind.Scalar && column.ItemType == NumberDataViewType.Single,
            PlasticPredictionKind.BinaryClassification => column.Kind == SchemaShape.Column.VectorKind.Scalar && column.ItemType == BooleanDataViewType.Instance,
            _ => column.Kind == SchemaShape.Column.VectorKind.Scalar && column.IsKey,
        };
        if (!ok)
        {
            string expected = kind switch
            {
                PlasticPredictionKind.Regression => "Single",
                PlasticPredictionKind.BinaryClassification => "Boolean",
                _ => "key type",
            };
            throw new ArgumentOutOfRangeException("inputSchema", $"Schema mismatch for label column '{name}': expected {expected}, got {Describe(column)}");
        }
    }

    private static string Describe(SchemaShape.Column column) => column.Kind switch
    {
        SchemaShape.Column.VectorKind.Scalar => column.IsKey ? $"Key<{column.ItemType}>" : $"{column.ItemType}",
        SchemaShape.Column.VectorKind.VariableVector => $"Vector<{column.ItemType}> of unknown size",
        _ => $"Vector<{column.ItemType}>",
    };
}
