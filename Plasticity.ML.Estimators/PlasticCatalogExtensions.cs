using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Plasticity.ML.Estimators.Internal;
using Plasticity.ML.Networks;

namespace Plasticity.ML.Estimators;

/// <summary>
/// Adds <c>PlasticNeuralNetwork</c> trainers to ML.NET's regression, binary and multiclass catalogs, and lets ML.NET's
/// <c>OneVersusAll</c> take the binary one.
/// </summary>
/// <remarks>
/// As with ML.NET's own trainers, randomness comes from the <c>MLContext</c>'s seed (set
/// <see cref="PlasticTrainerOptionsBase.Seed"/> in the options to override it), and the features should be normalized
/// first (e.g. <c>mlContext.Transforms.NormalizeMinMax("Features")</c>).
/// </remarks>
public static class PlasticCatalogExtensions
{
    /// <summary>A plastic neural network regression trainer.</summary>
    /// <param name="catalog">The regression trainers catalog.</param>
    /// <param name="labelColumnName">The Single label column.</param>
    /// <param name="featureColumnName">The known-size Single vector feature column.</param>
    /// <param name="exampleWeightColumnName">Optional example-weight column (Single or Double).</param>
    /// <param name="hiddenWidths">Hidden layer widths (default 128, 128).</param>
    /// <param name="normalization">Normalization in the hidden layers (default LayerNorm).</param>
    /// <param name="epochs">Maximum passes over each window of the data (early stopping usually stops sooner).</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    public static PlasticRegressionTrainer PlasticNeuralNetwork(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features, string? exampleWeightColumnName = null,
        int[]? hiddenWidths = null, NormalizationKind normalization = PlasticTrainerOptionsBase.Defaults.Normalization,
        int epochs = PlasticTrainerOptionsBase.Defaults.Epochs, double learningRate = PlasticTrainerOptionsBase.Defaults.LearningRate)
        => PlasticNeuralNetwork(catalog, Fill(new PlasticRegressionTrainer.Options(), labelColumnName, featureColumnName, exampleWeightColumnName, hiddenWidths, normalization, epochs, learningRate));

    /// <summary>A plastic neural network regression trainer with advanced options.</summary>
    public static PlasticRegressionTrainer PlasticNeuralNetwork(this RegressionCatalog.RegressionTrainers catalog, PlasticRegressionTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new PlasticRegressionTrainer(MLNetInterop.EnvironmentOf(catalog), options);
    }

    /// <summary>A plastic neural network binary classification trainer.</summary>
    /// <param name="catalog">The binary classification trainers catalog.</param>
    /// <param name="labelColumnName">The Boolean label column.</param>
    /// <param name="featureColumnName">The known-size Single vector feature column.</param>
    /// <param name="exampleWeightColumnName">Optional example-weight column (Single or Double).</param>
    /// <param name="hiddenWidths">Hidden layer widths (default 128, 128).</param>
    /// <param name="normalization">Normalization in the hidden layers (default LayerNorm).</param>
    /// <param name="epochs">Maximum passes over each window of the data (early stopping usually stops sooner).</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    public static PlasticBinaryClassificationTrainer PlasticNeuralNetwork(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features, string? exampleWeightColumnName = null,
        int[]? hiddenWidths = null, NormalizationKind normalization = PlasticTrainerOptionsBase.Defaults.Normalization,
        int epochs = PlasticTrainerOptionsBase.Defaults.Epochs, double learningRate = PlasticTrainerOptionsBase.Defaults.LearningRate)
        => PlasticNeuralNetwork(catalog, Fill(new PlasticBinaryClassificationTrainer.Options(), labelColumnName, featureColumnName, exampleWeightColumnName, hiddenWidths, normalization, epochs, learningRate));

    /// <summary>A plastic neural network binary classification trainer with advanced options.</summary>
    public static PlasticBinaryClassificationTrainer PlasticNeuralNetwork(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, PlasticBinaryClassificationTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new PlasticBinaryClassificationTrainer(MLNetInterop.EnvironmentOf(catalog), options);
    }

    /// <summary>A plastic neural network multiclass classification trainer.</summary>
    /// <param name="catalog">The multiclass classification trainers catalog.</param>
    /// <param name="labelColumnName">The key-typed label column.</param>
    /// <param name="featureColumnName">The known-size Single vector feature column.</param>
    /// <param name="exampleWeightColumnName">Optional example-weight column (Single or Double).</param>
    /// <param name="hiddenWidths">Hidden layer widths (default 128, 128).</param>
    /// <param name="normalization">Normalization in the hidden layers (default LayerNorm).</param>
    /// <param name="epochs">Maximum passes over each window of the data (early stopping usually stops sooner).</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    public static PlasticMulticlassClassificationTrainer PlasticNeuralNetwork(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features, string? exampleWeightColumnName = null,
        int[]? hiddenWidths = null, NormalizationKind normalization = PlasticTrainerOptionsBase.Defaults.Normalization,
        int epochs = PlasticTrainerOptionsBase.Defaults.Epochs, double learningRate = PlasticTrainerOptionsBase.Defaults.LearningRate)
        => PlasticNeuralNetwork(catalog, Fill(new PlasticMulticlassClassificationTrainer.Options(), labelColumnName, featureColumnName, exampleWeightColumnName, hiddenWidths, normalization, epochs, learningRate));

    /// <summary>A plastic neural network multiclass classification trainer with advanced options.</summary>
    public static PlasticMulticlassClassificationTrainer PlasticNeuralNetwork(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, PlasticMulticlassClassificationTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new PlasticMulticlassClassificationTrainer(MLNetInterop.EnvironmentOf(catalog), options);
    }

    /// <summary>
    /// ML.NET's one-versus-all multiclass trainer over the plastic binary trainer: one binary network per class, the
    /// class with the highest probability wins. Takes the same arguments as ML.NET's
    /// <c>OneVersusAll(binaryEstimator, ...)</c>, which cannot take this trainer directly because it returns its own
    /// transformer type, and returns ML.NET's <see cref="OneVersusAllTrainer"/>.
    /// </summary>
    /// <param name="catalog">The multiclass classification trainers catalog.</param>
    /// <param name="binaryEstimator">The plastic binary trainer (its label column must be <paramref name="labelColumnName"/>).</param>
    /// <param name="labelColumnName">The key-typed label column.</param>
    /// <param name="imputeMissingLabelsAsNegative">Whether missing labels count as negatives instead of being skipped.</param>
    /// <param name="calibrator">The calibrator for binary models without probabilities; the plastic models have their own.</param>
    /// <param name="maximumCalibrationExampleCount">Rows used to train that calibrator.</param>
    /// <param name="useProbabilities">Compare the binary models' probabilities (true) or scores.</param>
    public static OneVersusAllTrainer OneVersusAll(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        PlasticBinaryClassificationTrainer binaryEstimator, string labelColumnName = DefaultColumnNames.Label, bool imputeMissingLabelsAsNegative = false,
        IEstimator<ISingleFeaturePredictionTransformer<ICalibrator>>? calibrator = null, int maximumCalibrationExampleCount = 1000000000, bool useProbabilities = true)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(binaryEstimator);
        var adapter = new OneVersusAllBinaryTrainer(binaryEstimator, MLNetInterop.EnvironmentOf(catalog));
        return catalog.OneVersusAll(adapter, labelColumnName, imputeMissingLabelsAsNegative, calibrator, maximumCalibrationExampleCount, useProbabilities);
    }

    private static T Fill<T>(T options, string label, string features, string? weights, int[]? hiddenWidths, NormalizationKind normalization, int epochs, double learningRate)
        where T : PlasticTrainerOptionsBase
    {
        options.LabelColumnName = label;
        options.FeatureColumnName = features;
        options.ExampleWeightColumnName = weights;
        if (hiddenWidths is not null) options.HiddenWidths = hiddenWidths;
        options.Normalization = normalization;
        options.Epochs = epochs;
        options.Optimizer = options.Optimizer with { LearningRate = learningRate };
        return options;
    }
}
