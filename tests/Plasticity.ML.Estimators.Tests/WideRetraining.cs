using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Tests;

/// <summary>
/// A service's retraining loop as the memory and finalizer tests run it: 64 rows of 64 random features and a random
/// label, and a regression trainer with a wide network (64-512-512-1: 296k weights, 1.2 MB of native memory per model),
/// one epoch on all rows (two optimizer steps per fit).
/// </summary>
internal sealed class WideRetraining
{
    public sealed class WideRow
    {
        [VectorType(64)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private readonly IEstimator<ITransformer> trainer;

    public WideRetraining()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(2);
        var rows = Enumerable.Range(0, 64).Select(_ => new WideRow
        {
            Features = Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble()).ToArray(),
            Label = (float)random.NextDouble(),
        }).ToList();
        Data = ml.Data.LoadFromEnumerable(rows);
        trainer = ml.Regression.Trainers.PlasticNeuralNetwork(new PlasticRegressionTrainer.Options
        {
            HiddenWidths = [512, 512], Epochs = 1, ValidationFraction = 0, MinimumSteps = 0, Seed = 3,
        });
    }

    /// <summary>The rows the models train on and score.</summary>
    public IDataView Data { get; }

    /// <summary>A new model, trained from the same seed each time.</summary>
    public ITransformer Fit() => trainer.Fit(Data);
}
