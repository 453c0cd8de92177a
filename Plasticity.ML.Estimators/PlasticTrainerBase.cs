using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using Plasticity.ML.Estimators.Data;
using Plasticity.ML.Estimators.Internal;
using Plasticity.ML.Estimators.Scoring;
using Plasticity.ML.Estimators.Training;

namespace Plasticity.ML.Estimators;

/// <summary>
/// The shared part of the three plastic neural network trainers: an ML.NET trainer estimator
/// (<see cref="ITrainerEstimator{TTransformer, TModel}"/>) that checks the schema, reads the data, trains (fresh, or
/// warm-started from earlier model parameters) and returns a <see cref="PlasticNeuralNetworkTransformer"/>.
/// </summary>
/// <typeparam name="TOptions">The trainer's options.</typeparam>
public abstract class PlasticTrainerBase<TOptions> : ITrainerEstimator<PlasticNeuralNetworkTransformer, PlasticNeuralNetworkModelParameters>
    where TOptions : PlasticTrainerOptionsBase
{
    private readonly IHost host;

    private protected PlasticTrainerBase(IHostEnvironment env, TOptions options, PlasticPredictionKind kind, string name)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        host = env.Register(name);
        TrainerOptions = options;
        Kind = kind;
        Info = MLNetInterop.CreateTrainerInfo();
    }

    /// <summary>The trainer's options (do not change them while a Fit runs).</summary>
    public TOptions TrainerOptions { get; }

    /// <summary>The kind of prediction.</summary>
    public PlasticPredictionKind Kind { get; }

    /// <summary>
    /// What ML.NET needs to know about the trainer: it wants normalized features (scale them, e.g. with
    /// <c>NormalizeMinMax</c>), reads the data once (no caching needed) and supports incremental training
    /// (<see cref="Fit(IDataView, PlasticNeuralNetworkModelParameters)"/>).
    /// </summary>
    public TrainerInfo Info { get; }

    /// <summary>Trains a new model on <paramref name="trainData"/>.</summary>
    public PlasticNeuralNetworkTransformer Fit(IDataView trainData) => Fit(trainData, modelParameters: null, CancellationToken.None);

    /// <summary>
    /// Continues training <paramref name="modelParameters"/> on <paramref name="trainData"/> (ML.NET's incremental
    /// training; a fresh model when null). The previous model is copied, never changed. When
    /// <see cref="PlasticTrainerOptionsBase.RetainOptimizerState"/> is set and the previous model carries optimizer
    /// state, the optimizer resumes that state (a copy). Interventions timed at task boundaries act before the first
    /// new window, as at every boundary between windows. The previous model must have the same feature size and
    /// classes; a regression model keeps its label scaling.
    /// </summary>
    public PlasticNeuralNetworkTransformer Fit(IDataView trainData, PlasticNeuralNetworkModelParameters? modelParameters) =>
        Fit(trainData, modelParameters, CancellationToken.None);

    /// <summary>
    /// Like <see cref="Fit(IDataView, PlasticNeuralNetworkModelParameters)"/>, and stops with
    /// <see cref="OperationCanceledException"/> between mini-batches once <paramref name="cancellationToken"/> is
    /// cancelled (or the ML.NET environment is).
    /// </summary>
    public PlasticNeuralNetworkTransformer Fit(IDataView trainData, PlasticNeuralNetworkModelParameters? modelParameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        Action checkAlive = () =>
        {
            MLNetInterop.ThrowIfCancelled(host);
            cancellationToken.ThrowIfCancellationRequested();
        };
        var options = TrainerOptions;
        var schema = trainData.Schema;
        KeyValuesSnapshot? keyValues = null;
        if (Kind == PlasticPredictionKind.MulticlassClassification)
            keyValues = KeyValuesSnapshot.From(SchemaErrors.LabelColumn(schema, options.LabelColumnName, Kind));
        if (modelParameters is not null)
        {
            if (modelParameters.Kind != Kind)
                throw new ArgumentException($"The model parameters are of a {modelParameters.Kind} model; this trainer trains {Kind}.", nameof(modelParameters));
            var features = SchemaErrors.FeatureColumn(schema, options.FeatureColumnName);
            if (((VectorDataViewType)features.Type).Size != modelParameters.FeatureCount)
                throw SchemaErrors.Mismatch("feature", options.FeatureColumnName, $"known-size vector of Single of size {modelParameters.FeatureCount} (the size the previous model was trained on)", features.Type);
            var label = SchemaErrors.LabelColumn(schema, options.LabelColumnName, Kind);
            if (Kind == PlasticPredictionKind.MulticlassClassification && ((KeyDataViewType)label.Type).Count != (ulong)modelParameters.ClassCount)
                throw SchemaErrors.Mismatch("label", options.LabelColumnName, $"key type with {modelParameters.ClassCount} values (the classes of the previous model)", label.Type);
            keyValues ??= modelParameters.KeyValues;
        }

        // ML.NET's convention: the MLContext's seed decides, unless the trainer's options set one.
        long seed = options.Seed ?? host.Rand.Next();
        using var data = TrainingDataReader.Read(trainData, options.FeatureColumnName, options.LabelColumnName, options.ExampleWeightColumnName,
            options.SegmentColumnName, Kind, checkAlive);
        var outcome = PlasticTrainingEngine.Train(host, options, Kind, data, modelParameters, seed, checkAlive);
        var model = new PlasticNeuralNetworkModelParameters(Kind, data.FeatureCount, data.ClassCount, keyValues, outcome.Network, outcome.WindowsTrained,
            options.Snapshot(seed), outcome.LabelScaling, outcome.OptimizerState, options.RetainOptimizerState);
        return new PlasticNeuralNetworkTransformer(model, options.FeatureColumnName);
    }

    /// <summary>
    /// The input schema plus the columns the trained model will add, annotated as ML.NET's trainers announce theirs.
    /// Throws, in ML.NET's wording, when the feature, label or weight column is missing or of the wrong type.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var options = TrainerOptions;
        SchemaErrors.FeatureColumn(inputSchema, options.FeatureColumnName);
        SchemaErrors.LabelColumn(inputSchema, options.LabelColumnName, Kind);
        if (!string.IsNullOrEmpty(options.ExampleWeightColumnName)) SchemaErrors.WeightColumn(inputSchema, options.ExampleWeightColumnName);
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (var column in ScoreColumns.Shape(Kind, inputSchema, options.LabelColumnName)) columns[column.Name] = column;
        return new SchemaShape(columns.Values);
    }
}
