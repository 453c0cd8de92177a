using System.Runtime.InteropServices;
using System.Text;
using Plasticity.ML.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Training.Checkpoints;

/// <summary>
/// Named pieces of state (numbers, arrays, text, tensors) of one part of a run, as a checkpoint stores them: the
/// network's weights, the optimizer's moments, a hook's counters and anchors, a random stream. Values are copied in
/// and out, bit for bit; reading a missing or mistyped entry throws <see cref="InvalidDataException"/> naming it.
/// </summary>
public sealed class StateBag
{
    // Part: a byte array kept outside the bag's stream (a checkpoint's part file, see CheckpointParts), by name and length.
    private enum Kind : byte { Int64 = 1, Float64 = 2, Text = 3, Int64Array = 4, Float64Array = 5, Float32Array = 6, Bytes = 7, Tensor = 8, Part = 9 }

    private const uint Magic = 0x42534C50; // "PLSB"
    private const int Version = 1;
    private readonly Dictionary<string, (Kind Kind, object Value)> entries = new(StringComparer.Ordinal);

    // The part name (CheckpointParts.NameOf) of a byte entry whose owner knows it, or the part it was read from: asked
    // only when the entry becomes a part, so a replay segment that did not change is not hashed again.
    private readonly Dictionary<string, Func<string>> partNames = new(StringComparer.Ordinal);

    /// <summary>Creates an empty bag; <paramref name="name"/> appears in error messages (e.g. "hook 2 (l2-init)").</summary>
    public StateBag(string name = "state") => Name = name;

    /// <summary>What this bag holds the state of, for messages.</summary>
    public string Name { get; }

    /// <summary>The entry names, in insertion order.</summary>
    public IEnumerable<string> Names => entries.Keys;

    /// <summary>True when an entry of that name exists.</summary>
    public bool Contains(string name) => entries.ContainsKey(name);

    /// <summary>Stores an integer.</summary>
    public void Set(string name, long value) => Put(name, Kind.Int64, value);

    /// <summary>Stores a floating-point number (bit for bit, NaN included).</summary>
    public void Set(string name, double value) => Put(name, Kind.Float64, value);

    /// <summary>Stores text.</summary>
    public void Set(string name, string value) => Put(name, Kind.Text, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>Stores a copy of an integer array.</summary>
    public void Set(string name, ReadOnlySpan<long> values) => Put(name, Kind.Int64Array, values.ToArray());

    /// <summary>Stores a copy of a float64 array.</summary>
    public void Set(string name, ReadOnlySpan<double> values) => Put(name, Kind.Float64Array, values.ToArray());

    /// <summary>Stores a copy of a float32 array.</summary>
    public void Set(string name, ReadOnlySpan<float> values) => Put(name, Kind.Float32Array, values.ToArray());

    /// <summary>Stores a copy of a byte array.</summary>
    public void Set(string name, ReadOnlySpan<byte> values) => Put(name, Kind.Bytes, new ReadOnlyMemory<byte>(values.ToArray()));

    /// <summary>
    /// Stores <paramref name="values"/> without copying them, for state of gigabytes (a replay's observations) written
    /// at once: the caller must not change them until the bag is written.
    /// </summary>
    /// <param name="name">The entry.</param>
    /// <param name="values">The bytes, borrowed.</param>
    /// <param name="partName">Gives the bytes' <see cref="CheckpointParts.NameOf"/> when they become a checkpoint part,
    /// for an owner that remembers it while they do not change; null to hash them then.</param>
    internal void SetBorrowed(string name, ReadOnlyMemory<byte> values, Func<string>? partName = null)
    {
        Put(name, Kind.Bytes, values);
        if (partName is not null) partNames[name] = partName;
    }

    /// <summary>The part name of a byte entry read from a checkpoint part (its bytes were checked against it), or given
    /// with <see cref="SetBorrowed"/>; null when the bag does not know it.</summary>
    internal string? PartNameOf(string name) => partNames.TryGetValue(name, out var partName) ? partName() : null;

    /// <summary>Stores a copy of a tensor's values, dtype and shape (from any device).</summary>
    public void Set(string name, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = NewDisposeScope();
        var cpu = value.detach().cpu().contiguous();
        var bytes = new byte[cpu.numel() * cpu.element_size()];
        cpu.bytes.CopyTo(bytes);
        Put(name, Kind.Tensor, new TensorValue(cpu.dtype, cpu.shape.ToArray(), bytes));
    }

    /// <summary>Stores a random stream's state, so that <see cref="Restore"/> continues it exactly.</summary>
    public void Set(string name, RandomStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Set(name, stream.GetState().Select(w => unchecked((long)w)).ToArray());
    }

    /// <summary>Continues <paramref name="stream"/> from the state stored under <paramref name="name"/>.</summary>
    public void Restore(string name, RandomStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var words = Get<long[]>(name, Kind.Int64Array);
        try
        {
            stream.SetState(words.Select(w => unchecked((ulong)w)).ToArray());
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{Name}: '{name}' is not a random stream's state ({e.Message}).", e);
        }
    }

    /// <summary>Reads an integer.</summary>
    public long GetInt64(string name) => Get<long>(name, Kind.Int64);

    /// <summary>Reads a floating-point number.</summary>
    public double GetDouble(string name) => Get<double>(name, Kind.Float64);

    /// <summary>Reads text.</summary>
    public string GetText(string name) => Get<string>(name, Kind.Text);

    /// <summary>Reads a copy of an integer array.</summary>
    public long[] GetInt64Array(string name) => (long[])Get<long[]>(name, Kind.Int64Array).Clone();

    /// <summary>Reads a copy of a float64 array.</summary>
    public double[] GetDoubleArray(string name) => (double[])Get<double[]>(name, Kind.Float64Array).Clone();

    /// <summary>Reads a copy of a float32 array.</summary>
    public float[] GetSingleArray(string name) => (float[])Get<float[]>(name, Kind.Float32Array).Clone();

    /// <summary>Reads a copy of a byte array.</summary>
    public byte[] GetBytes(string name) => Get<ReadOnlyMemory<byte>>(name, Kind.Bytes).ToArray();

    /// <summary>
    /// Removes a byte entry and hands over its array when the bag owns one of exactly the stored length (as a loaded
    /// checkpoint's bags do), so state of gigabytes is adopted rather than copied; null (and the entry kept) otherwise.
    /// </summary>
    internal byte[]? DetachBytes(string name)
    {
        var values = Get<ReadOnlyMemory<byte>>(name, Kind.Bytes);
        if (!MemoryMarshal.TryGetArray(values, out var segment) || segment.Array is null || segment.Offset != 0 || segment.Count != segment.Array.Length)
            return null;
        entries.Remove(name);
        partNames.Remove(name);
        return segment.Array;
    }

    /// <summary>
    /// Copies a stored byte array into <paramref name="destination"/>, which must have its length, without the
    /// intermediate copy <see cref="GetBytes"/> makes (for state of gigabytes).
    /// </summary>
    /// <exception cref="InvalidDataException">The entry is missing, is not bytes, or has another length.</exception>
    public void CopyBytesTo(string name, Span<byte> destination)
    {
        var values = Get<ReadOnlyMemory<byte>>(name, Kind.Bytes);
        if (values.Length != destination.Length)
            throw new InvalidDataException($"{Name}: '{name}' holds {values.Length:N0} bytes, but the target has {destination.Length:N0}.");
        values.Span.CopyTo(destination);
    }

    /// <summary>Reads a tensor as a new CPU tensor (the caller owns it).</summary>
    public Tensor GetTensor(string name)
    {
        var value = Get<TensorValue>(name, Kind.Tensor);
        var result = empty(value.Shape, dtype: value.DType);
        value.Bytes.CopyTo(result.bytes);
        return result;
    }

    /// <summary>
    /// Copies a stored tensor into <paramref name="target"/> (on its device, without recording gradients); throws
    /// <see cref="InvalidDataException"/> when dtype or shape differ.
    /// </summary>
    public void CopyInto(string name, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var value = Get<TensorValue>(name, Kind.Tensor);
        if (value.DType != target.dtype || !value.Shape.SequenceEqual(target.shape))
            throw new InvalidDataException($"{Name}: '{name}' holds a {value.DType} tensor of shape [{string.Join(", ", value.Shape)}], " +
                $"but the target is {target.dtype} [{string.Join(", ", target.shape)}].");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        target.copy_(GetTensor(name));
    }

    /// <summary>Writes the bag in its binary form.</summary>
    public void WriteTo(Stream stream) => WriteTo(stream, storePart: null, partThreshold: 0);

    /// <summary>
    /// Writes the bag; byte arrays of at least <paramref name="partThreshold"/> bytes go to <paramref name="storePart"/>,
    /// which keeps them elsewhere and returns the name the bag records for them (a checkpoint's part files).
    /// </summary>
    internal void WriteTo(Stream stream, Func<ReadOnlyMemory<byte>, string?, string>? storePart, int partThreshold)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(entries.Count);
        foreach (var (name, (kind, value)) in entries)
        {
            writer.Write(name);
            if (kind == Kind.Bytes && storePart is not null && ((ReadOnlyMemory<byte>)value).Length >= partThreshold)
            {
                var large = (ReadOnlyMemory<byte>)value;
                writer.Write((byte)Kind.Part);
                writer.Write(storePart(large, PartNameOf(name)));
                writer.Write(large.Length);
                continue;
            }
            writer.Write((byte)kind);
            switch (kind)
            {
                case Kind.Int64: writer.Write((long)value); break;
                case Kind.Float64: writer.Write((double)value); break;
                case Kind.Text: writer.Write((string)value); break;
                case Kind.Int64Array: WriteArray(writer, (long[])value); break;
                case Kind.Float64Array: WriteArray(writer, (double[])value); break;
                case Kind.Float32Array: WriteArray(writer, (float[])value); break;
                case Kind.Bytes:
                    var bytes = (ReadOnlyMemory<byte>)value;
                    writer.Write(bytes.Length);
                    writer.Write(bytes.Span);
                    break;
                case Kind.Tensor:
                    var t = (TensorValue)value;
                    writer.Write((int)t.DType);
                    WriteArray(writer, t.Shape);
                    WriteArray(writer, t.Bytes);
                    break;
            }
        }
    }

    /// <summary>Reads a bag written by <see cref="WriteTo(Stream)"/>; throws <see cref="InvalidDataException"/> if it is damaged.</summary>
    /// <remarks>A stream that cannot seek is read to its end at most; a length field larger than the rest of a seekable
    /// stream is refused as damage before anything is allocated.</remarks>
    public static StateBag ReadFrom(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadFrom(stream, name, stream.CanSeek ? stream.Length - stream.Position : long.MaxValue);
    }

    /// <summary>Reads a bag of <paramref name="length"/> bytes (a ZIP entry's listed size, for a stream that cannot
    /// seek), so a damaged length field is refused before anything is allocated. Byte arrays kept outside the bag are
    /// read with <paramref name="readPart"/> (given the name the bag records and the length); without it such an entry is
    /// refused.</summary>
    internal static StateBag ReadFrom(Stream stream, string name, long length, Func<string, int, byte[]>? readPart = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bag = new StateBag(name);
        try
        {
            using var reader = new BinaryReader(new BoundedReadStream(stream, length), Encoding.UTF8, leaveOpen: true);
            if (reader.ReadUInt32() != Magic) throw new InvalidDataException($"{name}: not a state bag.");
            int version = reader.ReadInt32();
            if (version != Version) throw new InvalidDataException($"{name}: unknown state format version {version}; this library reads {Version}.");
            int count = reader.ReadInt32();
            if (count < 0) throw new InvalidDataException($"{name}: invalid entry count {count}.");
            for (int i = 0; i < count; i++)
            {
                string entry = reader.ReadString();
                var kind = (Kind)reader.ReadByte();
                if (kind == Kind.Part)
                {
                    string part = reader.ReadString();
                    int partLength = reader.ReadInt32();
                    if (readPart is null) throw new InvalidDataException($"{name}: entry '{entry}' is kept in a part file beside its checkpoint; read it with Checkpoint.Load.");
                    if (partLength < 0) throw new InvalidDataException($"{name}: entry '{entry}' claims {partLength} bytes.");
                    bag.Put(entry, Kind.Bytes, new ReadOnlyMemory<byte>(readPart(part, partLength)));
                    bag.partNames[entry] = () => part;
                    continue;
                }
                object value = kind switch
                {
                    Kind.Int64 => reader.ReadInt64(),
                    Kind.Float64 => reader.ReadDouble(),
                    Kind.Text => reader.ReadString(),
                    Kind.Int64Array => ReadArray<long>(reader, name, entry),
                    Kind.Float64Array => ReadArray<double>(reader, name, entry),
                    Kind.Float32Array => ReadArray<float>(reader, name, entry),
                    Kind.Bytes => new ReadOnlyMemory<byte>(ReadArray<byte>(reader, name, entry)),
                    Kind.Tensor => ReadTensor(reader, name, entry),
                    _ => throw new InvalidDataException($"{name}: entry '{entry}' has the unknown kind {(byte)kind}."),
                };
                bag.Put(entry, kind, value);
            }
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{name}: the state ends early (truncated).", e);
        }
        return bag;
    }

    private void Put(string name, Kind kind, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        entries[name] = (kind, value);
        partNames.Remove(name);
    }

    private T Get<T>(string name, Kind kind)
    {
        if (!entries.TryGetValue(name, out var entry))
            throw new InvalidDataException($"{Name}: the checkpoint has no entry '{name}' (it was written by a different configuration or version).");
        if (entry.Kind != kind)
            throw new InvalidDataException($"{Name}: entry '{name}' holds {entry.Kind}, not {kind}.");
        return (T)entry.Value;
    }

    private static void WriteArray<T>(BinaryWriter writer, T[] values) where T : unmanaged
    {
        writer.Write(values.Length);
        writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static T[] ReadArray<T>(BinaryReader reader, string bag, string entry) where T : unmanaged
    {
        int length = reader.ReadInt32();
        long remaining = ((BoundedReadStream)reader.BaseStream).Remaining;
        if (length < 0 || (long)length * Marshal.SizeOf<T>() > remaining)
            throw new InvalidDataException($"{bag}: entry '{entry}' claims {length} values, more than the state holds (truncated or damaged).");
        var values = new T[length];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private static TensorValue ReadTensor(BinaryReader reader, string bag, string entry)
    {
        var dtype = (ScalarType)reader.ReadInt32();
        var shape = ReadArray<long>(reader, bag, entry);
        var bytes = ReadArray<byte>(reader, bag, entry);
        long elements = shape.Aggregate(1L, (a, b) => a * b);
        if (shape.Any(d => d < 0) || elements * ElementSize(dtype, bag, entry) != bytes.Length)
            throw new InvalidDataException($"{bag}: tensor '{entry}' of shape [{string.Join(", ", shape)}] holds {bytes.Length} bytes.");
        return new TensorValue(dtype, shape, bytes);
    }

    private static int ElementSize(ScalarType dtype, string bag, string entry) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        _ => throw new InvalidDataException($"{bag}: tensor '{entry}' has the unsupported dtype {dtype}."),
    };

    private sealed record TensorValue(ScalarType DType, long[] Shape, byte[] Bytes);

    /// <summary>Reads at most a known number of bytes of a stream and tells how many are left, so array lengths read
    /// from damaged state can be checked against what remains even when the stream cannot seek.</summary>
    private sealed class BoundedReadStream(Stream inner, long length) : Stream
    {
        public long Remaining { get; private set; } = length;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.Length > Remaining) buffer = buffer[..(int)Remaining];
            int read = inner.Read(buffer);
            Remaining -= read;
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
