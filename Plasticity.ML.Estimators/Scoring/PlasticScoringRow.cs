using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace Plasticity.ML.Estimators.Scoring;

/// <summary>
/// A row (or cursor) that passes the input columns through and adds the model's output columns. The network runs
/// once per row position, on first use of any output column. Each instance owns its buffers, so different rows and
/// cursors can be used from different threads at once; one instance is not thread-safe (like every ML.NET cursor).
/// </summary>
internal sealed class PlasticScoringRow : DataViewRowCursor
{
    private readonly PlasticNeuralNetworkMapper mapper;
    private readonly DataViewRow input;
    private readonly bool[] activeOutputs;
    private readonly ValueGetter<VBuffer<float>> featureGetter;
    private readonly float[] features;
    private readonly float[] outputs;
    private VBuffer<float> featureBuffer;
    private long cachedPosition = -1;

    public PlasticScoringRow(PlasticNeuralNetworkMapper mapper, DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        this.mapper = mapper;
        this.input = input;
        activeOutputs = new bool[mapper.OutputSchema.Count];
        foreach (var column in activeColumns)
            if (column.Index >= mapper.InputSchema.Count) activeOutputs[column.Index] = true;
        featureGetter = activeOutputs.Any(a => a) ? input.GetGetter<VBuffer<float>>(mapper.FeatureColumn) : (ref VBuffer<float> _) => throw new InvalidOperationException("No output column is active.");
        features = new float[mapper.Model.FeatureCount];
        outputs = new float[Math.Max(2, mapper.Model.ClassCount)];
    }

    public override DataViewSchema Schema => mapper.OutputSchema;

    public override long Position => input.Position;

    public override long Batch => input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    public override bool MoveNext() =>
        input is DataViewRowCursor cursor ? cursor.MoveNext() : throw new InvalidOperationException("A mapped row cannot move; use a cursor.");

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index < mapper.InputSchema.Count ? input.IsColumnActive(mapper.InputSchema[column.Index]) : activeOutputs[column.Index];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index < mapper.InputSchema.Count) return input.GetGetter<TValue>(mapper.InputSchema[column.Index]);
        if (!activeOutputs[column.Index]) throw new InvalidOperationException($"Column '{column.Name}' is not active.");
        Delegate getter = mapper.RoleOf(column.Index) switch
        {
            OutputRole.Score when mapper.Model.Kind == PlasticPredictionKind.MulticlassClassification =>
                (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    Compute();
                    int k = mapper.Model.ClassCount;
                    var editor = VBufferEditor.Create(ref value, k);
                    outputs.AsSpan(0, k).CopyTo(editor.Values);
                    value = editor.Commit();
                }),
            OutputRole.Score => (ValueGetter<float>)((ref float value) => { Compute(); value = outputs[0]; }),
            OutputRole.Probability => (ValueGetter<float>)((ref float value) => { Compute(); value = outputs[1]; }),
            OutputRole.PredictedLabel when mapper.Model.Kind == PlasticPredictionKind.BinaryClassification =>
                (ValueGetter<bool>)((ref bool value) => { Compute(); value = outputs[0] > 0; }),
            _ => (ValueGetter<uint>)((ref uint value) => { Compute(); value = ArgMax() + 1; }),
        };
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Invalid TValue in GetGetter for column '{column.Name}': {typeof(TValue)}; the column's type is {column.Type}.");
    }

    private uint ArgMax()
    {
        int best = 0;
        for (int i = 1; i < mapper.Model.ClassCount; i++) if (outputs[i] > outputs[best]) best = i;
        return (uint)best;
    }

    /// <summary>Runs the network on the current row once per position.</summary>
    private void Compute()
    {
        if (cachedPosition == input.Position && cachedPosition >= 0) return;
        featureGetter(ref featureBuffer);
        if (featureBuffer.Length != features.Length)
            throw new InvalidOperationException($"Feature column '{mapper.FeatureColumn.Name}' has {featureBuffer.Length} values in row {input.Position}; the model expects {features.Length}.");
        featureBuffer.CopyTo(features);
        mapper.Model.Score(features, outputs);
        cachedPosition = input.Position;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && input is DataViewRowCursor) input.Dispose();
        base.Dispose(disposing);
    }
}
