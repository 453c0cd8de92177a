using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Plasticity.ML.Estimators;

/// <summary>
/// Trains a plastic neural network for binary classification: a Boolean <c>Label</c>, a known-size Single vector of
/// <c>Features</c>; outputs Single <c>Score</c> (log-odds), Single <c>Probability</c> and Boolean
/// <c>PredictedLabel</c>. The head is two logits trained with cross-entropy. Create it with
/// <c>mlContext.BinaryClassification.Trainers.PlasticNeuralNetwork(...)</c>.
/// </summary>
public sealed class PlasticBinaryClassificationTrainer : PlasticTrainerBase<PlasticBinaryClassificationTrainer.Options>
{
    /// <summary>Options of <see cref="PlasticBinaryClassificationTrainer"/>.</summary>
    public sealed class Options : PlasticTrainerOptionsBase
    {
    }

    internal PlasticBinaryClassificationTrainer(IHostEnvironment env, Options options)
        : base(env, options, PlasticPredictionKind.BinaryClassification, "PlasticBinaryClassificationTrainer")
    {
    }
}
