namespace Plasticity.ML.Estimators;

/// <summary>The ML.NET task a plastic neural network model solves; decides its label type and output columns.</summary>
public enum PlasticPredictionKind
{
    /// <summary>Single label; outputs a Single <c>Score</c>.</summary>
    Regression = 1,

    /// <summary>Boolean label; outputs Single <c>Score</c> (log-odds), Single <c>Probability</c> and Boolean <c>PredictedLabel</c>.</summary>
    BinaryClassification = 2,

    /// <summary>Key label; outputs a known-size Single vector <c>Score</c> (class probabilities) and a key <c>PredictedLabel</c>.</summary>
    MulticlassClassification = 3,
}
