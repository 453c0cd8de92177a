using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Estimators.Data;

namespace Plasticity.ML.Estimators.Scoring;

/// <summary>
/// Maps rows of one input schema to rows with the model's output columns appended (ML.NET's <see cref="IRowToRowMapper"/>,
/// which <c>PredictionEngine</c> and transformer chains use). Immutable and thread-safe; the rows it makes are not.
/// </summary>
internal sealed class PlasticNeuralNetworkMapper : IRowToRowMapper
{
    private readonly OutputRole[] roles;

    public PlasticNeuralNetworkMapper(PlasticNeuralNetworkTransformer model, DataViewSchema inputSchema)
    {
        Model = model;
        InputSchema = inputSchema;
        FeatureColumn = SchemaErrors.FeatureColumn(inputSchema, model.FeatureColumnName, model.FeatureCount);

        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        var added = new List<OutputRole>();
        switch (model.Kind)
        {
            case PlasticPredictionKind.Regression:
                builder.AddColumn(DefaultColumnNames.Score, NumberDataViewType.Single);
                added.Add(OutputRole.Score);
                break;
            case PlasticPredictionKind.BinaryClassification:
                builder.AddColumn(DefaultColumnNames.Score, NumberDataViewType.Single);
                builder.AddColumn(DefaultColumnNames.Probability, NumberDataViewType.Single);
                builder.AddColumn(DefaultColumnNames.PredictedLabel, BooleanDataViewType.Instance);
                added.AddRange([OutputRole.Score, OutputRole.Probability, OutputRole.PredictedLabel]);
                break;
            default:
                var keyAnnotations = new DataViewSchema.Annotations.Builder();
                model.KeyValues?.AddTo(keyAnnotations);
                builder.AddColumn(DefaultColumnNames.Score, new VectorDataViewType(NumberDataViewType.Single, model.ClassCount));
                builder.AddColumn(DefaultColumnNames.PredictedLabel, new KeyDataViewType(typeof(uint), model.ClassCount), keyAnnotations.ToAnnotations());
                added.AddRange([OutputRole.Score, OutputRole.PredictedLabel]);
                break;
        }
        OutputSchema = builder.ToSchema();
        roles = [.. Enumerable.Repeat(OutputRole.None, inputSchema.Count), .. added];
    }

    /// <summary>The model.</summary>
    public PlasticNeuralNetworkTransformer Model { get; }

    /// <summary>The feature column in the input schema.</summary>
    public DataViewSchema.Column FeatureColumn { get; }

    /// <inheritdoc />
    public DataViewSchema InputSchema { get; }

    /// <inheritdoc />
    public DataViewSchema OutputSchema { get; }

    /// <summary>The role of output column <paramref name="index"/>.</summary>
    public OutputRole RoleOf(int index) => roles[index];

    /// <inheritdoc />
    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = new HashSet<int>();
        foreach (var column in dependingColumns)
        {
            if (column.Index < InputSchema.Count) needed.Add(column.Index);
            else needed.Add(FeatureColumn.Index);
        }
        return needed.Order().Select(i => InputSchema[i]).ToArray();
    }

    /// <inheritdoc />
    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new PlasticScoringRow(this, input, activeColumns);
}
