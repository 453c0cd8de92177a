using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Networks;

namespace Plasticity.ML.Estimators;

/// <summary>Adds <c>PlasticNeuralNetwork</c> trainers to ML.NET's regression, binary and multiclass catalogs.</summary>
public static class PlasticCatalogExtensions
{
    /// <summary>A plastic neural network regression trainer.</summary>
    /// <param name="catalog">The regression trainers catalog.</param>
    /// <param name="labelColumnName">The Single label column.</param>
    /// <param name="featureColumnName">The known-size Single vector feature column.</param>
    /// <param name="hiddenWidths">Hidden layer widths (default 64, 64).</param>
    /// <param name="normalization">Normalization in the hidden layers.</param>
    /// <param name="epochs">Passes over each window of the data.</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    /// <param name="seed">Seed of the initial weights and batch order.</param>
    public static PlasticRegressionTrainer PlasticNeuralNetwork(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
        int[]? hiddenWidths = null, NormalizationKind normalization = NormalizationKind.None,
        int epochs = PlasticTrainerOptionsBase.Defaults.Epochs, double learningRate = PlasticTrainerOptionsBase.Defaults.LearningRate, long seed = 0)
        => PlasticNeuralNetwork(catalog, Fill(new PlasticRegressionTrainer.Options(), labelColumnName, featureColumnName, hiddenWidths, normalization, epochs, learningRate, seed));

    /// <summary>A plastic neural network regression trainer with advanced options.</summary>
    public static PlasticRegressionTrainer PlasticNeuralNetwork(this RegressionCatalog.RegressionTrainers catalog, PlasticRegressionTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new PlasticRegressionTrainer(catalog.GetEnvironment(), options);
    }

    /// <summary>A plastic neural network binary classification trainer.</summary>
    /// <param name="catalog">The binary classification trainers catalog.</param>
    /// <param name="labelColumnName">The Boolean label column.</param>
    /// <param name="featureColumnName">The known-size Single vector feature column.</param>
    /// <param name="hiddenWidths">Hidden layer widths (default 64, 64).</param>
    /// <param name="normalization">Normalization in the hidden layers.</param>
    /// <param name="epochs">Passes over each window of the data.</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    /// <param name="seed">Seed of the initial weights and batch order.</param>
    public static PlasticBinaryClassificationTrainer PlasticNeuralNetwork(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
        int[]? hiddenWidths = null, NormalizationKind normalization = NormalizationKind.None,
        int epochs = PlasticTrainerOptionsBase.Defaults.Epochs, double learningRate = PlasticTrainerOptionsBase.Defaults.LearningRate, long seed = 0)
        => PlasticNeuralNetwork(catalog, Fill(new PlasticBinaryClassificationTrainer.Options(), labelColumnName, featureColumnName, hiddenWidths, normalization, epochs, learningRate, seed));

    /// <summary>A plastic neural network binary classification trainer with advanced options.</summary>
    public static PlasticBinaryClassificationTrainer PlasticNeuralNetwork(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, PlasticBinaryClassificationTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new PlasticBinaryClassificationTrainer(catalog.GetEnvironment(), options);
    }

    /// <summary>A plastic neural network multiclass classification trainer.</summary>
    /// <param name="catalog">The multiclass classification trainers catalog.</param>
    /// <param name="labelColumnName">The key-typed label column.</param>
    /// <param name="featureColumnName">The known-size Single vector feature column.</param>
    /// <param name="hiddenWidths">Hidden layer widths (default 64, 64).</param>
    /// <param name="normalization">Normalization in the hidden layers.</param>
    /// <param name="epochs">Passes over each window of the data.</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    /// <param name="seed">Seed of the initial weights and batch order.</param>
    public static PlasticMulticlassClassificationTrainer PlasticNeuralNetwork(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
        int[]? hiddenWidths = null, NormalizationKind normalization = NormalizationKind.None,
        int epochs = PlasticTrainerOptionsBase.Defaults.Epochs, double learningRate = PlasticTrainerOptionsBase.Defaults.LearningRate, long seed = 0)
        => PlasticNeuralNetwork(catalog, Fill(new PlasticMulticlassClassificationTrainer.Options(), labelColumnName, featureColumnName, hiddenWidths, normalization, epochs, learningRate, seed));

    /// <summary>A plastic neural network multiclass classification trainer with advanced options.</summary>
    public static PlasticMulticlassClassificationTrainer PlasticNeuralNetwork(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, PlasticMulticlassClassificationTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new PlasticMulticlassClassificationTrainer(catalog.GetEnvironment(), options);
    }

    private static T Fill<T>(T options, string label, string features, int[]? hiddenWidths, NormalizationKind normalization, int epochs, double learningRate, long seed)
        where T : PlasticTrainerOptionsBase
    {
        options.LabelColumnName = label;
        options.FeatureColumnName = features;
        if (hiddenWidths is not null) options.HiddenWidths = hiddenWidths;
        options.Normalization = normalization;
        options.Epochs = epochs;
        options.Optimizer = options.Optimizer with { LearningRate = learningRate };
        options.Seed = seed;
        return options;
    }
}
