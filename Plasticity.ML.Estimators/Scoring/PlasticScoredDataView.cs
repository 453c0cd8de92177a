using Microsoft.ML;

namespace Plasticity.ML.Estimators.Scoring;

/// <summary>
/// The lazy result of <see cref="ScoringTransformer{TModel}.Transform"/>: input columns plus the model's outputs,
/// scored a block of rows at a time (<see cref="PlasticScoringCursor"/>).
/// </summary>
internal sealed class PlasticScoredDataView(IDataView input, PlasticNeuralNetworkMapper mapper) : IDataView
{
    public bool CanShuffle => input.CanShuffle;

    public DataViewSchema Schema => mapper.OutputSchema;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = columnsNeeded.ToArray();
        var cursor = input.GetRowCursor(mapper.GetDependencies(active), rand);
        return new PlasticScoringCursor(mapper, cursor, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
