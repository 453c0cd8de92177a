using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Plasticity.ML.Estimators;

/// <summary>
/// Trains a plastic neural network for multiclass classification: a key-typed <c>Label</c>, a known-size Single
/// vector of <c>Features</c>; outputs a vector <c>Score</c> of class probabilities and a key <c>PredictedLabel</c>
/// carrying the label's KeyValues (so <c>MapKeyToValue</c> works). Create it with
/// <c>mlContext.MulticlassClassification.Trainers.PlasticNeuralNetwork(...)</c>.
/// </summary>
public sealed class PlasticMulticlassClassificationTrainer : PlasticTrainerBase<PlasticMulticlassClassificationTrainer.Options>
{
    /// <summary>Options of <see cref="PlasticMulticlassClassificationTrainer"/>.</summary>
    public sealed class Options : PlasticTrainerOptionsBase
    {
    }

    internal PlasticMulticlassClassificationTrainer(IHostEnvironment env, Options options)
        : base(env, options, PlasticPredictionKind.MulticlassClassification, "PlasticMulticlassClassificationTrainer")
    {
    }
}
