using System.Runtime.InteropServices;
using Plasticity.ML.Estimators.Internal;
using Plasticity.ML.Optimization;

namespace Plasticity.ML.Estimators.Training;

/// <summary>
/// The binary form of an <see cref="OptimizerState"/> inside a model file (its own entry, beside the model's main
/// stream): a version, then a length-prefixed payload and its SHA-256, so corruption is detected on load. The floats
/// are written raw (little-endian), which keeps them bit-exact and about four times smaller than JSON.
/// </summary>
internal static class OptimizerStateFormat
{
    /// <summary>Name of the entry in the model file.</summary>
    public const string EntryName = "OptimizerState.bin";

    private const int Version = 1;

    /// <summary>Writes <paramref name="state"/>.</summary>
    public static void Write(BinaryWriter writer, OptimizerState state)
    {
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write((int)state.Kind);
            w.Write(state.StepCount);
            w.Write(state.Parameters.Count);
            foreach (var buffers in state.Parameters)
            {
                w.Write(buffers.Count);
                foreach (var (name, values) in buffers.OrderBy(b => b.Key, StringComparer.Ordinal))
                {
                    w.Write(name);
                    w.Write(values.Length);
                    w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
                }
            }
        }
        byte[] bytes = payload.ToArray();
        writer.Write(Version);
        ChecksummedBlock.Write(writer, bytes);
    }

    /// <summary>Reads a state written by <see cref="Write"/>; throws <see cref="InvalidDataException"/> if it is damaged.</summary>
    public static OptimizerState Read(BinaryReader reader)
    {
        int version = reader.ReadInt32();
        if (version != Version) throw new InvalidDataException($"Unknown optimizer state version {version}; this library reads version {Version}.");
        byte[] bytes = ChecksummedBlock.Read(reader, "optimizer state", "The optimizer state does not match its checksum.");

        using var r = new BinaryReader(new MemoryStream(bytes));
        var kind = (OptimizerKind)r.ReadInt32();
        if (!Enum.IsDefined(kind)) throw new InvalidDataException($"Unknown optimizer kind {(int)kind} in the optimizer state.");
        long steps = r.ReadInt64();
        int parameterCount = r.ReadInt32();
        if (parameterCount < 0 || parameterCount > 1 << 20) throw new InvalidDataException($"Invalid parameter count {parameterCount} in the optimizer state.");
        var parameters = new List<Dictionary<string, float[]>>(parameterCount);
        for (int i = 0; i < parameterCount; i++)
        {
            int bufferCount = r.ReadInt32();
            if (bufferCount < 0 || bufferCount > 16) throw new InvalidDataException($"Invalid buffer count {bufferCount} for parameter {i}.");
            var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (int b = 0; b < bufferCount; b++)
            {
                string name = r.ReadString();
                int count = r.ReadInt32();
                if (count < 0 || (long)count * sizeof(float) > bytes.Length) throw new InvalidDataException($"Invalid length {count} of '{name}' for parameter {i}.");
                var values = new float[count];
                if (r.Read(MemoryMarshal.AsBytes(values.AsSpan())) != count * sizeof(float))
                    throw new EndOfStreamException($"The optimizer state ends inside '{name}' of parameter {i}.");
                buffers[name] = values;
            }
            parameters.Add(buffers);
        }
        return new OptimizerState { Kind = kind, StepCount = steps, Parameters = parameters };
    }
}
