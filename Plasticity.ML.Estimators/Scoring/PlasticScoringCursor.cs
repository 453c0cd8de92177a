using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Scoring;

/// <summary>
/// The cursor of <see cref="ScoringTransformer{TModel}.Transform"/>: it reads a block of rows ahead from its one
/// input cursor (their features, and a copy of every active input column), scores the block with one forward pass,
/// and then serves the rows one by one. Blocks start small and double up to <see cref="MaxBlockRows"/>, so reading a
/// few rows stays cheap while a full pass costs a few forward passes instead of one per row. The scores are the ones
/// row-by-row scoring gives (the same code runs on a block of one row), up to the float rounding of the matrix
/// product, which libtorch may order differently for different block sizes.
/// </summary>
internal sealed class PlasticScoringCursor : ScoredCursorBase
{
    /// <summary>Rows of the first block.</summary>
    internal const int FirstBlockRows = 16;

    /// <summary>Largest block, in rows (fewer for very wide rows; see the constructor).</summary>
    internal const int MaxBlockRows = 1024;

    private readonly DataViewRowCursor input;
    private readonly Dictionary<int, ColumnValueBuffer> buffers = [];
    private readonly ValueGetter<VBuffer<float>>? featureGetter;
    private readonly ValueGetter<DataViewRowId> idGetter;
    private readonly int maxBlock;
    private float[] features = [];
    private float[] outputs = [];
    private DataViewRowId[] ids = [];
    private VBuffer<float> featureBuffer;
    private int blockSize = FirstBlockRows;
    private int count;
    private int slot = -1;
    private long position = -1;
    private bool done;

    public PlasticScoringCursor(PlasticNeuralNetworkMapper mapper, DataViewRowCursor input, IEnumerable<DataViewSchema.Column> activeColumns)
        : base(mapper, activeColumns)
    {
        this.input = input;
        var active = activeColumns.ToArray();
        foreach (var column in active.Where(c => c.Index < mapper.InputSchema.Count).Select(c => mapper.InputSchema[c.Index]))
            buffers[column.Index] = ColumnValueBuffer.Create(input, column, FirstBlockRows);
        featureGetter = AnyOutputActive ? input.GetGetter<VBuffer<float>>(mapper.FeatureColumn) : null;
        idGetter = input.GetIdGetter();
        // Keep a block's features under about 4 MB, whatever the row width.
        maxBlock = Math.Clamp((1 << 20) / Math.Max(1, mapper.Model.FeatureCount), FirstBlockRows, MaxBlockRows);
    }

    public override long Position => position;

    public override long Batch => input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = ids[Current()];

    public override bool MoveNext()
    {
        if (done) return false;
        if (++slot >= count)
        {
            if (!ReadBlock())
            {
                done = true;
                return false;
            }
            slot = 0;
        }
        position++;
        return true;
    }

    protected override bool IsInputActive(DataViewSchema.Column inputColumn) => buffers.ContainsKey(inputColumn.Index);

    protected override ValueGetter<TValue> GetInputGetter<TValue>(DataViewSchema.Column inputColumn)
    {
        if (!buffers.TryGetValue(inputColumn.Index, out var buffer)) throw new InvalidOperationException($"Column '{inputColumn.Name}' is not active.");
        return buffer.Getter(Current) as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Invalid TValue in GetGetter for column '{inputColumn.Name}': {typeof(TValue)}; the column's type is {inputColumn.Type}.");
    }

    protected override ReadOnlySpan<float> CurrentOutputs()
    {
        int k = Mapper.Model.OutputWidth;
        return outputs.AsSpan(Current() * k, k);
    }

    /// <summary>The slot of the current row; throws before the first or after the last MoveNext.</summary>
    private int Current() => slot >= 0 && slot < count && !done
        ? slot
        : throw new InvalidOperationException("The cursor is not on a row: call MoveNext first (and only while it returns true).");

    /// <summary>Reads and scores the next block; false when the input is exhausted.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private bool ReadBlock()
    {
        int d = Mapper.Model.FeatureCount, k = Mapper.Model.OutputWidth;
        if (ids.Length < blockSize)
        {
            Array.Resize(ref ids, blockSize);
            if (featureGetter is not null)
            {
                features = new float[blockSize * d];
                outputs = new float[blockSize * k];
            }
        }
        int n = 0;
        while (n < blockSize && input.MoveNext())
        {
            idGetter(ref ids[n]);
            foreach (var buffer in buffers.Values) buffer.Read(n);
            if (featureGetter is not null)
            {
                featureGetter(ref featureBuffer);
                if (featureBuffer.Length != d)
                    throw new InvalidOperationException($"Feature column '{Mapper.FeatureColumn.Name}' has {featureBuffer.Length} values in row {input.Position}; the model expects {d}.");
                featureBuffer.CopyTo(features.AsSpan(n * d, d));
            }
            n++;
        }
        count = n;
        if (n == 0) return false;
        if (featureGetter is not null) Mapper.Model.Score(features, n, outputs);
        blockSize = Math.Min(blockSize * 2, maxBlock);
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) input.Dispose();
        base.Dispose(disposing);
    }
}
