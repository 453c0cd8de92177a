using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Plasticity.ML.Estimators.Data;
using Plasticity.ML.Estimators.Training;

namespace Plasticity.ML.Estimators;

/// <summary>
/// The shared part of the three plastic neural network trainers: schema checks, reading the data, training
/// (fresh or warm-started from a previous model), and building the transformer.
/// </summary>
/// <typeparam name="TOptions">The trainer's options.</typeparam>
public abstract class PlasticTrainerBase<TOptions> : IEstimator<PlasticNeuralNetworkTransformer>
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
    }

    /// <summary>The trainer's options (do not change them while a Fit runs).</summary>
    public TOptions TrainerOptions { get; }

    /// <summary>The kind of prediction.</summary>
    public PlasticPredictionKind Kind { get; }

    /// <summary>Trains a new model on <paramref name="trainData"/>.</summary>
    public PlasticNeuralNetworkTransformer Fit(IDataView trainData) => Fit(trainData, previousModel: null);

    /// <summary>
    /// Trains on <paramref name="trainData"/>, starting from <paramref name="previousModel"/>'s weights when it is not
    /// null (its network is copied, never changed). When <see cref="PlasticTrainerOptionsBase.RetainOptimizerState"/> is
    /// set and the previous model carries optimizer state, the optimizer resumes that state (a copy). Interventions timed
    /// at task boundaries act before the first new window, as at every boundary between windows. The previous model must
    /// have the same feature size and classes.
    /// </summary>
    public PlasticNeuralNetworkTransformer Fit(IDataView trainData, PlasticNeuralNetworkTransformer? previousModel) =>
        Fit(trainData, previousModel, CancellationToken.None);

    /// <summary>
    /// Like <see cref="Fit(IDataView, PlasticNeuralNetworkTransformer?)"/>, and stops with <see cref="OperationCanceledException"/>
    /// between mini-batches once <paramref name="cancellationToken"/> is cancelled (or the ML.NET environment is).
    /// </summary>
    public PlasticNeuralNetworkTransformer Fit(IDataView trainData, PlasticNeuralNetworkTransformer? previousModel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        Action checkAlive = () =>
        {
            host.CheckAlive();
            cancellationToken.ThrowIfCancellationRequested();
        };
        var options = TrainerOptions;
        var data = TrainingDataReader.Read(trainData, options.FeatureColumnName, options.LabelColumnName, options.SegmentColumnName, Kind, checkAlive);
        KeyValuesSnapshot? keyValues = Kind == PlasticPredictionKind.MulticlassClassification
            ? KeyValuesSnapshot.From(trainData.Schema[options.LabelColumnName])
            : null;
        if (previousModel is not null)
        {
            if (previousModel.Kind != Kind)
                throw new ArgumentException($"The previous model is a {previousModel.Kind} model; this trainer trains {Kind}.", nameof(previousModel));
            if (previousModel.FeatureCount != data.FeatureCount)
                throw SchemaErrors.Mismatch("feature", options.FeatureColumnName, $"known-size vector of Single of size {previousModel.FeatureCount} (the size the previous model was trained on)", trainData.Schema[options.FeatureColumnName].Type);
            if (Kind == PlasticPredictionKind.MulticlassClassification && previousModel.ClassCount != data.ClassCount)
                throw SchemaErrors.Mismatch("label", options.LabelColumnName, $"key type with {previousModel.ClassCount} values (the classes of the previous model)", trainData.Schema[options.LabelColumnName].Type);
            keyValues ??= previousModel.KeyValues;
        }
        var (network, windows, optimizerState) = PlasticTrainingEngine.Train(host, options, Kind, data, previousModel, checkAlive);
        return new PlasticNeuralNetworkTransformer(Kind, options.FeatureColumnName, data.FeatureCount, data.ClassCount, keyValues, network, windows, options.Snapshot(),
            optimizerState, options.RetainOptimizerState);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaErrors.FeatureColumn(inputSchema, TrainerOptions.FeatureColumnName);
        SchemaErrors.LabelColumn(inputSchema, TrainerOptions.LabelColumnName, Kind);
        var columns = inputSchema.ToDictionary(c => c.Name);
        var scalar = SchemaShape.Column.VectorKind.Scalar;
        switch (Kind)
        {
            case PlasticPredictionKind.Regression:
                columns[DefaultColumnNames.Score] = new SchemaShape.Column(DefaultColumnNames.Score, scalar, NumberDataViewType.Single, false);
                break;
            case PlasticPredictionKind.BinaryClassification:
                columns[DefaultColumnNames.Score] = new SchemaShape.Column(DefaultColumnNames.Score, scalar, NumberDataViewType.Single, false);
                columns[DefaultColumnNames.Probability] = new SchemaShape.Column(DefaultColumnNames.Probability, scalar, NumberDataViewType.Single, false);
                columns[DefaultColumnNames.PredictedLabel] = new SchemaShape.Column(DefaultColumnNames.PredictedLabel, scalar, BooleanDataViewType.Instance, false);
                break;
            default:
                inputSchema.TryFindColumn(TrainerOptions.LabelColumnName, out var label);
                columns[DefaultColumnNames.Score] = new SchemaShape.Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
                columns[DefaultColumnNames.PredictedLabel] = new SchemaShape.Column(DefaultColumnNames.PredictedLabel, scalar, NumberDataViewType.UInt32, true, label.Annotations);
                break;
        }
        return new SchemaShape(columns.Values);
    }
}
