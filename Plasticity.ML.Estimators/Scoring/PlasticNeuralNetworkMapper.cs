using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Estimators.Data;

namespace Plasticity.ML.Estimators.Scoring;

/// <summary>
/// Maps rows of one input schema to rows with the model's output columns appended (ML.NET's <see cref="IRowToRowMapper"/>,
/// which <c>PredictionEngine</c> and transformer chains use), and describes those columns with the annotations ML.NET's
/// scorers attach. Serves every <see cref="IScoringModel"/> (supervised models and exported Q-networks). Immutable and
/// thread-safe; the rows and cursors it makes are not.
/// </summary>
internal sealed class PlasticNeuralNetworkMapper : IRowToRowMapper
{
    private readonly OutputRole[] roles;

    public PlasticNeuralNetworkMapper(IScoringModel model, string featureColumnName, DataViewSchema inputSchema)
    {
        Model = model;
        InputSchema = inputSchema;
        FeatureColumn = SchemaErrors.FeatureColumn(inputSchema, featureColumnName, model.FeatureCount, model.FeatureSizeDescription);
        OutputSchema = model.BuildOutputSchema(inputSchema, out var added);
        roles = [.. Enumerable.Repeat(OutputRole.None, inputSchema.Count), .. added];
    }

    /// <summary>The model.</summary>
    public IScoringModel Model { get; }

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
