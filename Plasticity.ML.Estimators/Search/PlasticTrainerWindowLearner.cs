using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Common;
using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Tasks.Streams;

namespace Plasticity.ML.Estimators.Search;

/// <summary>The learner of <see cref="PlasticTrainerLearnerFactory"/>: one ML.NET trainer, warm-started window after window.</summary>
internal sealed class PlasticTrainerWindowLearner : IWindowLearner
{
    private const string ModelFile = "model.zip";
    private readonly MLContext ml;
    private readonly PlasticTrialOptions trial;
    private readonly WindowStream stream;
    private readonly Func<IDataView, PlasticNeuralNetworkModelParameters?, CancellationToken, PlasticNeuralNetworkTransformer> fit;
    private readonly string featureColumn;
    private readonly string labelColumn;
    private PlasticNeuralNetworkTransformer? model;
    private DataViewSchema? schema;

    public PlasticTrainerWindowLearner(PlasticTrialOptions trial, long seed, WindowStream stream, string? stateFile)
    {
        this.trial = trial;
        this.stream = stream;
        ml = new MLContext(seed: unchecked((int)(seed & 0x7FFF_FFFF)));
        var options = trial.CreateTrainerOptions();
        // Each Fit gets one window; the columns keep the user's names, so the model scores the user's rows.
        options.SegmentColumnName = null;
        featureColumn = options.FeatureColumnName;
        labelColumn = options.LabelColumnName;
        options.Seed = seed;
        fit = trial.Kind switch
        {
            PlasticPredictionKind.MulticlassClassification => ml.MulticlassClassification.Trainers.PlasticNeuralNetwork((PlasticMulticlassClassificationTrainer.Options)options).Fit,
            PlasticPredictionKind.BinaryClassification => ml.BinaryClassification.Trainers.PlasticNeuralNetwork((PlasticBinaryClassificationTrainer.Options)options).Fit,
            _ => ml.Regression.Trainers.PlasticNeuralNetwork((PlasticRegressionTrainer.Options)options).Fit,
        };
        if (stateFile is null) return;
        ITransformer loaded;
        try
        {
            loaded = ml.Model.Load(stateFile, out schema);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or IOException)
        {
            throw new InvalidDataException($"The model {stateFile} cannot be loaded: {e.Message}", e);
        }
        model = (loaded is TransformerChain<ITransformer> chain ? chain.LastTransformer : loaded) as PlasticNeuralNetworkTransformer
            ?? throw new InvalidDataException($"The model {stateFile} is not a plastic neural network model.");
        if (model.Model.Kind != trial.Kind || model.Model.FeatureCount != stream.FeatureCount)
            throw new InvalidDataException($"The model {stateFile} is a {model.Model.Kind} model over {model.Model.FeatureCount} features; the trial trains {trial.Kind} over {stream.FeatureCount}.");
    }

    /// <summary>The model trained so far (null before the first window).</summary>
    public PlasticNeuralNetworkTransformer? Model => model;

    public WindowScore Score(StreamWindow window, int index)
    {
        if (model is null) throw new InvalidOperationException("Nothing has been learned yet, so there is no model to score a window with.");
        var scored = model.Transform(WindowDataView.Create(ml, trial.Kind, stream, window, trial.ClassNames, featureColumn, labelColumn));
        switch (trial.Kind)
        {
            case PlasticPredictionKind.MulticlassClassification:
            {
                var metrics = ml.MulticlassClassification.Evaluate(scored);
                return new WindowScore(index, metrics.LogLoss, metrics.MicroAccuracy, window.Count);
            }
            case PlasticPredictionKind.BinaryClassification:
            {
                var metrics = ml.BinaryClassification.Evaluate(scored);
                return new WindowScore(index, metrics.LogLoss, metrics.Accuracy, window.Count);
            }
            default:
            {
                var metrics = ml.Regression.Evaluate(scored);
                return new WindowScore(index, metrics.MeanSquaredError, double.NaN, window.Count);
            }
        }
    }

    public void Learn(StreamWindow window, int index, CancellationToken cancellationToken)
    {
        var data = WindowDataView.Create(ml, trial.Kind, stream, window, trial.ClassNames, featureColumn, labelColumn);
        var next = fit(data, model?.Model, cancellationToken);
        model?.Dispose();
        model = next;
        schema = data.Schema;
    }

    public double ProbeLoss(StreamWindow window, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The ML.NET trainers' search has no plasticity probe objective; use accuracy or loss.");

    public string Save(string folder)
    {
        if (model is null || schema is null) throw new InvalidOperationException("Nothing has been learned yet, so there is no model to save.");
        AtomicFile.Write(Path.Combine(folder, ModelFile), file => ml.Model.Save(model, schema, file));
        return ModelFile;
    }

    /// <summary>Hands the model over to the caller (who disposes it); the learner no longer holds it.</summary>
    public PlasticNeuralNetworkTransformer? TakeModel()
    {
        var taken = model;
        model = null;
        return taken;
    }

    public void Dispose() => model?.Dispose();
}
