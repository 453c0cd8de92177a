using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Scoring;

/// <summary>
/// A row that passes the input row's columns through and adds the model's output columns, running the network on one
/// row (the path of a <c>PredictionEngine</c>, which hands one row at a time). The network runs once per row position,
/// on first use of any output column. Each instance owns its buffers; one instance is not thread-safe (like every
/// ML.NET row).
/// </summary>
internal sealed class PlasticScoringRow : ScoredCursorBase
{
    private readonly DataViewRow input;
    private readonly ValueGetter<VBuffer<float>>? featureGetter;
    private readonly float[] features;
    private readonly float[] outputs;
    private VBuffer<float> featureBuffer;
    private long cachedPosition = -1;

    public PlasticScoringRow(PlasticNeuralNetworkMapper mapper, DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        : base(mapper, activeColumns)
    {
        this.input = input;
        featureGetter = AnyOutputActive ? input.GetGetter<VBuffer<float>>(mapper.FeatureColumn) : null;
        features = new float[mapper.Model.FeatureCount];
        outputs = new float[mapper.Model.OutputWidth];
    }

    public override long Position => input.Position;

    public override long Batch => input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    public override bool MoveNext() =>
        input is DataViewRowCursor cursor ? cursor.MoveNext() : throw new InvalidOperationException("A mapped row cannot move; use a cursor.");

    protected override bool IsInputActive(DataViewSchema.Column inputColumn) => input.IsColumnActive(inputColumn);

    protected override ValueGetter<TValue> GetInputGetter<TValue>(DataViewSchema.Column inputColumn) => input.GetGetter<TValue>(inputColumn);

    /// <summary>Runs the network on the current row once per position.</summary>
    protected override ReadOnlySpan<float> CurrentOutputs()
    {
        if (cachedPosition != input.Position || cachedPosition < 0)
        {
            featureGetter!(ref featureBuffer);
            if (featureBuffer.Length != features.Length)
                throw new InvalidOperationException($"Feature column '{Mapper.FeatureColumn.Name}' has {featureBuffer.Length} values in row {input.Position}; the model expects {features.Length}.");
            featureBuffer.CopyTo(features);
            Mapper.Model.Score(features, 1, outputs);
            cachedPosition = input.Position;
        }
        return outputs;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && input is DataViewRowCursor) input.Dispose();
        base.Dispose(disposing);
    }
}
