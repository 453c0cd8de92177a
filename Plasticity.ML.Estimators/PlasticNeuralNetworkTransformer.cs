using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Estimators.Internal;
using Plasticity.ML.Estimators.Scoring;

namespace Plasticity.ML.Estimators;

/// <summary>
/// A trained plastic neural network as an ML.NET prediction transformer: appends <c>Score</c> (and, for classification,
/// <c>Probability</c>/<c>PredictedLabel</c>) to data with the trained feature column, annotated as ML.NET's scorers
/// annotate theirs. <see cref="Model"/> is the model parameters (<c>model.LastTransformer.Model</c>); pass them to a
/// trainer's <c>Fit(data, modelParameters)</c> to keep training. Saved and loaded with <c>mlContext.Model.Save/Load</c>.
/// </summary>
/// <remarks>
/// <para><see cref="Transform"/> scores a block of rows per forward pass (see docs/benchmarks.md for the speed-up over
/// one pass per row); a <c>PredictionEngine</c> scores the one row it is given.</para>
/// <para>Thread safety: this object is immutable, and <see cref="Transform"/>, <see cref="GetOutputSchema"/>,
/// <see cref="GetRowToRowMapper"/> and saving may be called from several threads at once. The data views, cursors and
/// rows it returns are single-threaded, as in all of ML.NET; so is a <c>PredictionEngine</c> (use one per thread, or
/// ML.NET's <c>PredictionEnginePool</c>).</para>
/// <para>Disposing the transformer disposes its model; a transformer that is never disposed frees its native memory
/// when it is garbage collected (see <see cref="PlasticNeuralNetworkModelParameters"/>).</para>
/// </remarks>
public sealed partial class PlasticNeuralNetworkTransformer : ISingleFeaturePredictionTransformer<PlasticNeuralNetworkModelParameters>, IDisposable
{
    internal const string LoaderSignature = "PlasticNeuralNetwork";

    internal PlasticNeuralNetworkTransformer(PlasticNeuralNetworkModelParameters model, string featureColumnName)
    {
        Model = model;
        FeatureColumnName = featureColumnName;
        FeatureColumnType = new VectorDataViewType(NumberDataViewType.Single, model.FeatureCount);
    }

    /// <summary>The trained model: network, training settings, label scaling.</summary>
    public PlasticNeuralNetworkModelParameters Model { get; }

    /// <summary>Name of the feature column the model reads.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Type of the feature column: a vector of <see cref="PlasticNeuralNetworkModelParameters.FeatureCount"/> Singles.</summary>
    public DataViewType FeatureColumnType { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new PlasticNeuralNetworkMapper(Model, FeatureColumnName, inputSchema).OutputSchema;
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new PlasticNeuralNetworkMapper(Model, FeatureColumnName, inputSchema);
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new PlasticScoredDataView(input, new PlasticNeuralNetworkMapper(Model, FeatureColumnName, input.Schema));
    }

    /// <inheritdoc />
    void ICanSaveModel.Save(ModelSaveContext ctx) => MLNetInterop.SaveTransformer(ctx, this);

    /// <summary>Releases the model's native memory. Do not use the transformer afterwards.</summary>
    public void Dispose() => Model.Dispose();
}
