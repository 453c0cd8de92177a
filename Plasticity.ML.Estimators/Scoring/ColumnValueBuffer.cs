using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Scoring;

/// <summary>
/// Holds the values of one input column for a block of rows read ahead by <see cref="PlasticScoringCursor"/>, so the
/// column can be served for each row of the block after the input cursor has moved on. Values are deep copies: a
/// getter may reuse its buffers on the next row.
/// </summary>
internal abstract class ColumnValueBuffer
{
    /// <summary>A buffer for <paramref name="column"/> of <paramref name="input"/>, of the column's raw type.</summary>
    public static ColumnValueBuffer Create(DataViewRowCursor input, DataViewSchema.Column column, int capacity)
    {
        var type = typeof(ColumnValueBuffer<>).MakeGenericType(column.Type.RawType);
        return (ColumnValueBuffer)Activator.CreateInstance(type, input, column, capacity)!;
    }

    /// <summary>Reads the input's current value into slot <paramref name="slot"/>.</summary>
    public abstract void Read(int slot);

    /// <summary>A getter serving the slot that <paramref name="currentSlot"/> names.</summary>
    public abstract Delegate Getter(Func<int> currentSlot);
}

/// <summary>The buffer of a column whose raw type is <typeparamref name="T"/>.</summary>
internal sealed class ColumnValueBuffer<T> : ColumnValueBuffer
{
    private readonly ValueGetter<T> source;
    private T[] values;
    private T scratch = default!;

    public ColumnValueBuffer(DataViewRowCursor input, DataViewSchema.Column column, int capacity)
    {
        source = input.GetGetter<T>(column);
        values = new T[capacity];
    }

    public override void Read(int slot)
    {
        if (slot >= values.Length) Array.Resize(ref values, Math.Max(slot + 1, values.Length * 2));
        source(ref scratch);
        values[slot] = Copy(scratch, values[slot]);
    }

    public override Delegate Getter(Func<int> currentSlot) => (ValueGetter<T>)((ref T value) => value = Copy(values[currentSlot()], value));

    /// <summary>A copy of <paramref name="value"/> that owns its memory, reusing <paramref name="destination"/>'s buffers.</summary>
    private static T Copy(T value, T destination)
    {
        switch (value)
        {
            case VBuffer<float> v when destination is VBuffer<float> d: v.CopyTo(ref d); return (T)(object)d;
            case VBuffer<float> v: { VBuffer<float> d = default; v.CopyTo(ref d); return (T)(object)d; }
            case ReadOnlyMemory<char> text: return (T)(object)text.ToString().AsMemory();
            default: return CopyGeneric(value, destination);
        }
    }

    private static T CopyGeneric(T value, T destination)
    {
        // VBuffer<TItem> of other item types: copy through the generic CopyTo; every other raw type is a value type
        // without references to reused memory (numbers, bool, keys, DateTime, DataViewRowId, ...).
        if (typeof(T).IsGenericType && typeof(T).GetGenericTypeDefinition() == typeof(VBuffer<>))
            return VBufferCopier.Copy(value, destination);
        return value;
    }

    /// <summary>Copies VBuffers of any item type (one compiled delegate per item type).</summary>
    private static class VBufferCopier
    {
        private static readonly Func<T, T, T> Copier = Create();

        public static T Copy(T value, T destination) => Copier(value, destination);

        private static Func<T, T, T> Create()
        {
            var item = typeof(T).GetGenericArguments()[0];
            var method = typeof(VBufferCopier).GetMethod(nameof(CopyTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(item);
            return (Func<T, T, T>)method.CreateDelegate(typeof(Func<T, T, T>));
        }

        private static T CopyTyped<TItem>(T value, T destination)
        {
            var source = (VBuffer<TItem>)(object)value!;
            var target = destination is VBuffer<TItem> d ? d : default;
            source.CopyTo(ref target);
            return (T)(object)target;
        }
    }
}
