using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Estimators.Internal;
using Plasticity.ML.Estimators.Scoring;

namespace Plasticity.ML.Estimators.Reinforcement;

/// <summary>
/// A trained agent's Q-network as an ML.NET transformer (made by <see cref="AgentTransformerExtensions.ToTransformer"/>).
/// It reads a feature column of raw observations and appends:
/// <list type="bullet">
/// <item><c>Score</c>: a known-size vector of Single, the Q-value of each action (a C51 agent's expected returns), with
/// the action names as its slot names;</item>
/// <item><c>PredictedLabel</c>: the greedy action (the first of ties, as the agent chooses), a key type with one value
/// per action whose KeyValues are the action names, so <c>mlContext.Transforms.Conversion.MapKeyToValue</c> turns it
/// into "left" or "fire".</item>
/// </list>
/// Saved and loaded with <c>mlContext.Model.Save/Load</c>; the file holds the network (spec, convolution geometry and
/// weights, checksummed) and the environment's observation shape, scale and action names.
/// </summary>
/// <remarks>
/// <para>Features: a known-size vector of Single of length <see cref="QNetworkModelParameters.FeatureCount"/>, the
/// observation flattened channels first (<c>[C, H, W]</c> → <c>c * H * W + h * W + w</c>, the environment's own byte
/// layout), holding raw observation values (0 to <see cref="QNetworkModelParameters.ObservationMaximum"/>: the bytes as
/// floats). The transformer scales them as the agent does.</para>
/// <para>The columns carry ML.NET's scorer annotations with score column kind "QValues": the scores are action values,
/// not probabilities.</para>
/// <para><see cref="Transform"/> scores a block of rows per forward pass; a <c>PredictionEngine</c> scores the one row it
/// is given. Thread safety: this object is immutable, and <see cref="Transform"/>, <see cref="GetOutputSchema"/>,
/// <see cref="GetRowToRowMapper"/> and saving may be called from several threads at once; the data views, cursors and
/// rows it returns are single-threaded, as in all of ML.NET, and so is a <c>PredictionEngine</c>.</para>
/// <para>Disposing the transformer disposes its model.</para>
/// </remarks>
/// <example>
/// <code>
/// using var qNetwork = agent.ToTransformer(mlContext);                      // Features: float[400] for MinAtar Breakout
/// mlContext.Model.Save(qNetwork, data.Schema, "breakout-q.zip");
/// var loaded = mlContext.Model.Load("breakout-q.zip", out _);
/// var actions = mlContext.Transforms.Conversion.MapKeyToValue("Action", "PredictedLabel").Fit(loaded.Transform(data));
/// </code>
/// </example>
public sealed class QNetworkTransformer : ISingleFeaturePredictionTransformer<QNetworkModelParameters>, IDisposable
{
    internal const string LoaderSignature = "PlasticQNetwork";

    internal QNetworkTransformer(QNetworkModelParameters model, string featureColumnName)
    {
        Model = model;
        FeatureColumnName = featureColumnName;
        FeatureColumnType = new VectorDataViewType(NumberDataViewType.Single, model.FeatureCount);
    }

    /// <summary>The exported Q-network and what its observations and actions look like.</summary>
    public QNetworkModelParameters Model { get; }

    /// <summary>Name of the feature column (the flattened raw observation).</summary>
    public string FeatureColumnName { get; }

    /// <summary>Type of the feature column: a vector of <see cref="QNetworkModelParameters.FeatureCount"/> Singles.</summary>
    public DataViewType FeatureColumnType { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, or is not a vector of Single of the
    /// observation size (ML.NET's "Schema mismatch for feature column" message, with the expected and actual type).</exception>
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
    void ICanSaveModel.Save(ModelSaveContext ctx) => MLNetInterop.SaveQNetworkTransformer(ctx, this);

    /// <summary>Releases the model's native memory. Do not use the transformer afterwards.</summary>
    public void Dispose() => Model.Dispose();
}
