namespace Plasticity.ML.Estimators.Scoring;

/// <summary>The output columns a plastic neural network model adds.</summary>
internal enum OutputRole
{
    /// <summary>Not an output column.</summary>
    None,

    /// <summary>Score.</summary>
    Score,

    /// <summary>Probability (binary only).</summary>
    Probability,

    /// <summary>PredictedLabel (classification only).</summary>
    PredictedLabel,
}
