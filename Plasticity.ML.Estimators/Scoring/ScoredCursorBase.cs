using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Scoring;

/// <summary>
/// What the row-by-row and the batched scoring cursors share: the output schema, which columns are active, and the
/// getters of the output columns, computed from the current row's model outputs (see
/// <see cref="IScoringModel.BuildOutputSchema"/> for how each column reads them).
/// </summary>
internal abstract class ScoredCursorBase : DataViewRowCursor
{
    private readonly bool[] activeOutputs;

    protected ScoredCursorBase(PlasticNeuralNetworkMapper mapper, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        Mapper = mapper;
        activeOutputs = new bool[mapper.OutputSchema.Count];
        foreach (var column in activeColumns)
            if (column.Index >= mapper.InputSchema.Count) activeOutputs[column.Index] = true;
        AnyOutputActive = activeOutputs.Any(a => a);
    }

    protected PlasticNeuralNetworkMapper Mapper { get; }

    /// <summary>Whether any output column is active (else the network never runs).</summary>
    protected bool AnyOutputActive { get; }

    public sealed override DataViewSchema Schema => Mapper.OutputSchema;

    /// <summary>The current row's model outputs.</summary>
    protected abstract ReadOnlySpan<float> CurrentOutputs();

    /// <summary>A getter of an input column.</summary>
    protected abstract ValueGetter<TValue> GetInputGetter<TValue>(DataViewSchema.Column inputColumn);

    /// <summary>Whether an input column is active.</summary>
    protected abstract bool IsInputActive(DataViewSchema.Column inputColumn);

    public sealed override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index < Mapper.InputSchema.Count ? IsInputActive(Mapper.InputSchema[column.Index]) : activeOutputs[column.Index];

    public sealed override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index < Mapper.InputSchema.Count) return GetInputGetter<TValue>(Mapper.InputSchema[column.Index]);
        if (!activeOutputs[column.Index]) throw new InvalidOperationException($"Column '{column.Name}' is not active.");
        // The column's type says how it is computed from the row's outputs (see IScoringModel.BuildOutputSchema).
        Delegate getter = (Mapper.RoleOf(column.Index), column.Type) switch
        {
            (OutputRole.Score, VectorDataViewType) =>
                (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    var outputs = CurrentOutputs();
                    var editor = VBufferEditor.Create(ref value, outputs.Length);
                    outputs.CopyTo(editor.Values);
                    value = editor.Commit();
                }),
            (OutputRole.Score, _) => (ValueGetter<float>)((ref float value) => value = CurrentOutputs()[0]),
            (OutputRole.Probability, _) => (ValueGetter<float>)((ref float value) => value = CurrentOutputs()[1]),
            // ML.NET's binary scorer thresholds the score at 0 (the log-odds; probability 0.5).
            (OutputRole.PredictedLabel, BooleanDataViewType) => (ValueGetter<bool>)((ref bool value) => value = CurrentOutputs()[0] > 0),
            // A key: the index of the largest output (the first of ties), counted from 1 as keys are.
            _ => (ValueGetter<uint>)((ref uint value) => value = ArgMax(CurrentOutputs()) + 1),
        };
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Invalid TValue in GetGetter for column '{column.Name}': {typeof(TValue)}; the column's type is {column.Type}.");
    }

    private static uint ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return (uint)best;
    }
}
