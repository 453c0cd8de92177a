namespace Plasticity.ML.Estimators.Scoring;

/// <summary>
/// The names of the schema annotations ML.NET's scorers and trainers attach (ML.NET keeps its own list internal; the
/// names are part of its model and data formats, so they do not change).
/// </summary>
internal static class AnnotationKinds
{
    /// <summary>Names of a vector column's slots (the class names on a multiclass Score).</summary>
    public const string SlotNames = "SlotNames";

    /// <summary>The values of a key column.</summary>
    public const string KeyValues = "KeyValues";

    /// <summary>Which scorer produced a column ("Regression", "BinaryClassification", "MulticlassClassification").</summary>
    public const string ScoreColumnKind = "ScoreColumnKind";

    /// <summary>What a scorer's column holds ("Score", "Probability", "PredictedLabel").</summary>
    public const string ScoreValueKind = "ScoreValueKind";

    /// <summary>The number of the set of columns one scorer added (one more than the largest already in the schema).</summary>
    public const string ScoreColumnSetId = "ScoreColumnSetId";

    /// <summary>Whether a column's values are normalized (the binary Probability).</summary>
    public const string IsNormalized = "IsNormalized";

    /// <summary>The label values a multiclass model was trained on.</summary>
    public const string TrainingLabelValues = "TrainingLabelValues";
}
