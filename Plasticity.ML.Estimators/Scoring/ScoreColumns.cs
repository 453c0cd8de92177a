using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Scoring;

/// <summary>
/// The output columns of a model, annotated as ML.NET's own scorers annotate theirs (score column kind and value kind,
/// the score column set id, slot names of a multiclass score, key values of a multiclass predicted label), so that
/// evaluators, calibrators and tools that look for scores by annotation treat them like ML.NET's.
/// </summary>
internal static class ScoreColumns
{
    /// <summary>The key type of <see cref="AnnotationKinds.ScoreColumnSetId"/>, as ML.NET declares it.</summary>
    private static readonly KeyDataViewType SetIdType = new(typeof(uint), int.MaxValue);

    /// <summary>
    /// The output columns an estimator of <paramref name="kind"/> promises (its <c>GetOutputSchema</c>), with the
    /// annotation shapes ML.NET's trainers announce.
    /// </summary>
    public static IEnumerable<SchemaShape.Column> Shape(PlasticPredictionKind kind, SchemaShape input, string labelColumnName)
    {
        var scalar = SchemaShape.Column.VectorKind.Scalar;
        switch (kind)
        {
            case PlasticPredictionKind.Regression:
                yield return Column(DefaultColumnNames.Score, scalar, NumberDataViewType.Single, false, ScorerAnnotations());
                break;
            case PlasticPredictionKind.BinaryClassification:
                yield return Column(DefaultColumnNames.PredictedLabel, scalar, BooleanDataViewType.Instance, false, ScorerAnnotations());
                yield return Column(DefaultColumnNames.Score, scalar, NumberDataViewType.Single, false, ScorerAnnotations());
                yield return Column(DefaultColumnNames.Probability, scalar, NumberDataViewType.Single, false, ScorerAnnotations(isNormalized: true));
                break;
            default:
                var keyValues = Data.SchemaErrors.Find(Data.SchemaErrors.Find(input, labelColumnName)?.Annotations, AnnotationKinds.KeyValues);
                yield return Column(DefaultColumnNames.PredictedLabel, scalar, NumberDataViewType.UInt32, true,
                    ScorerAnnotations(keyValues: keyValues));
                yield return Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false,
                    ScorerAnnotations(slotNames: keyValues is not null,
                        trainingLabels: keyValues is { } kv ? Column(AnnotationKinds.TrainingLabelValues, kv.Kind, kv.ItemType, kv.IsKey) : null));
                break;
        }
    }

    private static SchemaShape.Column Column(string name, SchemaShape.Column.VectorKind kind, DataViewType type, bool isKey, SchemaShape? annotations = null) =>
        Internal.MLNetInterop.ShapeColumn(name, kind, type, isKey, annotations);

    private static SchemaShape ScorerAnnotations(bool isNormalized = false, bool slotNames = false, SchemaShape.Column? keyValues = null,
        SchemaShape.Column? trainingLabels = null)
    {
        var scalar = SchemaShape.Column.VectorKind.Scalar;
        var columns = new List<SchemaShape.Column>();
        if (slotNames) columns.Add(Column(AnnotationKinds.SlotNames, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false));
        if (trainingLabels is { } labels) columns.Add(labels);
        if (keyValues is { } kv) columns.Add(kv);
        columns.Add(Column(AnnotationKinds.ScoreColumnSetId, scalar, NumberDataViewType.UInt32, true));
        columns.Add(Column(AnnotationKinds.ScoreColumnKind, scalar, TextDataViewType.Instance, false));
        columns.Add(Column(AnnotationKinds.ScoreValueKind, scalar, TextDataViewType.Instance, false));
        if (isNormalized) columns.Add(Column(AnnotationKinds.IsNormalized, scalar, BooleanDataViewType.Instance, false));
        return new SchemaShape(columns);
    }

    /// <summary>The input schema plus the model's output columns; <paramref name="added"/> gets their roles in order.</summary>
    public static DataViewSchema Build(PlasticNeuralNetworkModelParameters model, DataViewSchema input, out List<OutputRole> added)
    {
        uint setId = checked(MaxSetId(input) + 1);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        added = [];
        switch (model.Kind)
        {
            case PlasticPredictionKind.Regression:
                builder.AddColumn(DefaultColumnNames.Score, NumberDataViewType.Single, Annotations(setId, "Regression", "Score"));
                added.Add(OutputRole.Score);
                break;
            case PlasticPredictionKind.BinaryClassification:
                // ML.NET's scorers put the derived PredictedLabel before the model's Score (and Probability).
                builder.AddColumn(DefaultColumnNames.PredictedLabel, BooleanDataViewType.Instance, Annotations(setId, "BinaryClassification", "PredictedLabel"));
                builder.AddColumn(DefaultColumnNames.Score, NumberDataViewType.Single, Annotations(setId, "BinaryClassification", "Score"));
                builder.AddColumn(DefaultColumnNames.Probability, NumberDataViewType.Single, Annotations(setId, "BinaryClassification", "Probability", isNormalized: true));
                added.AddRange([OutputRole.PredictedLabel, OutputRole.Score, OutputRole.Probability]);
                break;
            default:
                builder.AddColumn(DefaultColumnNames.PredictedLabel, new KeyDataViewType(typeof(uint), model.ClassCount),
                    Annotations(setId, "MulticlassClassification", "PredictedLabel", keyValues: model.KeyValues));
                builder.AddColumn(DefaultColumnNames.Score, new VectorDataViewType(NumberDataViewType.Single, model.ClassCount),
                    Annotations(setId, "MulticlassClassification", "Score", slotNames: model.KeyValues?.Values, trainingLabels: model.KeyValues));
                added.AddRange([OutputRole.PredictedLabel, OutputRole.Score]);
                break;
        }
        return builder.ToSchema();
    }

    /// <summary>
    /// The <see cref="AnnotationKinds.ScoreColumnKind"/> of an exported Q-network's columns. ML.NET has no kind for
    /// action values, and its Score is not a probability distribution, so it is not called "MulticlassClassification".
    /// </summary>
    public const string QValuesKind = "QValues";

    /// <summary>
    /// The input schema plus an exported Q-network's columns: a key-typed PredictedLabel with one value per action
    /// (KeyValues: the action names, so <c>MapKeyToValue</c> gives them) and a vector Score of the Q-values (SlotNames:
    /// the action names), in the order ML.NET's multiclass scorer uses.
    /// </summary>
    public static DataViewSchema BuildQValues(IReadOnlyList<string> actionNames, DataViewSchema input, out List<OutputRole> added)
    {
        uint setId = checked(MaxSetId(input) + 1);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        var names = Data.KeyValuesSnapshot.FromText(actionNames);
        builder.AddColumn(DefaultColumnNames.PredictedLabel, new KeyDataViewType(typeof(uint), actionNames.Count),
            Annotations(setId, QValuesKind, "PredictedLabel", keyValues: names));
        builder.AddColumn(DefaultColumnNames.Score, new VectorDataViewType(NumberDataViewType.Single, actionNames.Count),
            Annotations(setId, QValuesKind, "Score", slotNames: actionNames));
        added = [OutputRole.PredictedLabel, OutputRole.Score];
        return builder.ToSchema();
    }

    private static DataViewSchema.Annotations Annotations(uint setId, string columnKind, string valueKind, bool isNormalized = false,
        IReadOnlyList<string>? slotNames = null, Data.KeyValuesSnapshot? keyValues = null, Data.KeyValuesSnapshot? trainingLabels = null)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        if (slotNames is not null)
        {
            var names = slotNames.Select(n => n.AsMemory()).ToArray();
            builder.Add(AnnotationKinds.SlotNames, new VectorDataViewType(TextDataViewType.Instance, names.Length), (ref VBuffer<ReadOnlyMemory<char>> value) =>
            {
                var editor = VBufferEditor.Create(ref value, names.Length);
                names.AsSpan().CopyTo(editor.Values);
                value = editor.Commit();
            });
        }
        keyValues?.AddTo(builder);
        // A multiclass score names its slots by class and records the label values it was trained on.
        trainingLabels?.AddTo(builder, AnnotationKinds.TrainingLabelValues);
        builder.Add(AnnotationKinds.ScoreColumnSetId, SetIdType, (ref uint value) => value = setId);
        builder.Add(AnnotationKinds.ScoreColumnKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = columnKind.AsMemory());
        builder.Add(AnnotationKinds.ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = valueKind.AsMemory());
        if (isNormalized) builder.Add(AnnotationKinds.IsNormalized, BooleanDataViewType.Instance, (ref bool value) => value = true);
        return builder.ToAnnotations();
    }

    /// <summary>The largest score column set id in <paramref name="schema"/>, or 0.</summary>
    private static uint MaxSetId(DataViewSchema schema)
    {
        uint max = 0;
        foreach (var column in schema)
        {
            var annotation = column.Annotations.Schema.GetColumnOrNull(AnnotationKinds.ScoreColumnSetId);
            if (annotation is not { Type: KeyDataViewType { RawType: var raw } } || raw != typeof(uint)) continue;
            uint id = 0;
            column.Annotations.GetValue(AnnotationKinds.ScoreColumnSetId, ref id);
            max = Math.Max(max, id);
        }
        return max;
    }
}
