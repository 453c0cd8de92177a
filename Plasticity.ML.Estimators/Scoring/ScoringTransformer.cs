using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Scoring;

/// <summary>
/// What the plastic transformers share: one feature column of Singles in, the model's scores appended by the shared
/// mapper and block cursor, disposal of the model. <see cref="PlasticNeuralNetworkTransformer"/> (supervised models) and
/// <see cref="Reinforcement.QNetworkTransformer"/> (exported Q-networks) differ only in their model and how they save.
/// </summary>
/// <typeparam name="TModel">The model parameters.</typeparam>
/// <remarks>Immutable: <see cref="Transform"/>, <see cref="GetOutputSchema"/>, <see cref="GetRowToRowMapper"/> and saving
/// may be called from several threads at once; the data views, cursors and rows they return are single-threaded, as in
/// all of ML.NET.</remarks>
public abstract class ScoringTransformer<TModel> : ISingleFeaturePredictionTransformer<TModel>, IDisposable
    where TModel : class, IDisposable
{
    private readonly IScoringModel scoring;

    private protected ScoringTransformer(TModel model, IScoringModel scoring, string featureColumnName)
    {
        Model = model;
        this.scoring = scoring;
        FeatureColumnName = featureColumnName;
        FeatureColumnType = new VectorDataViewType(NumberDataViewType.Single, scoring.FeatureCount);
    }

    /// <summary>The model parameters (<c>model.LastTransformer.Model</c>).</summary>
    public TModel Model { get; }

    /// <summary>Name of the feature column the model reads.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Type of the feature column: a known-size vector of Singles, as many as the model reads.</summary>
    public DataViewType FeatureColumnType { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, or is not a vector of Single of the
    /// model's size (ML.NET's "Schema mismatch for feature column" message, with the expected and actual type).</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => GetMapper(inputSchema).OutputSchema;

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => GetMapper(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new PlasticScoredDataView(input, GetMapper(input.Schema));
    }

    /// <inheritdoc />
    void ICanSaveModel.Save(ModelSaveContext ctx) => Save(ctx);

    /// <summary>Writes the transformer in its own layout (through <c>Internal/MLNetInterop</c>).</summary>
    private protected abstract void Save(ModelSaveContext ctx);

    /// <summary>Releases the model's native memory. Do not use the transformer afterwards.</summary>
    public void Dispose()
    {
        Model.Dispose();
        GC.SuppressFinalize(this);
    }

    private PlasticNeuralNetworkMapper GetMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new PlasticNeuralNetworkMapper(scoring, FeatureColumnName, inputSchema);
    }
}
