using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Plasticity.ML.Estimators;

/// <summary>
/// Trains a plastic neural network for binary classification: a Boolean <c>Label</c>, a known-size Single vector of
/// <c>Features</c>; outputs Single <c>Score</c> (log-odds), Single <c>Probability</c> and Boolean
/// <c>PredictedLabel</c>. The head is two logits trained with cross-entropy. Create it with
/// <c>mlContext.BinaryClassification.Trainers.PlasticNeuralNetwork(...)</c>.
/// </summary>
/// <remarks>
/// Like ML.NET's logistic regression, the model outputs a calibrated probability itself: the network is trained with
/// the log-loss, and <c>Probability</c> is the sigmoid of <c>Score</c>. No calibrator is needed; a calibrator estimator
/// such as <c>mlContext.BinaryClassification.Calibrators.Platt()</c> appended to the pipeline refits the probability
/// from <c>Score</c> on held-out data where that helps (a network trained to near-zero loss can be overconfident).
/// For multiclass problems, <c>mlContext.MulticlassClassification.Trainers.OneVersusAll(this trainer)</c> works.
/// </remarks>
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
