using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Plasticity.ML.Common;

namespace Plasticity.ML.Tasks.Streams;

/// <summary>
/// Reads and writes a <see cref="WindowStream"/> as one binary file (little-endian): a header (magic <c>PLWS</c>,
/// format, name, feature count, target kind and count, window count), then per window its sample count, its features
/// as float32 and its labels as int32 or its targets as float32. The file is written atomically; its SHA-256 is what
/// a search's data reference records, so every worker reading it can tell that it reads the same data.
/// </summary>
public static class WindowStreamFile
{
    private const uint Magic = 0x53574C50; // "PLWS"
    private const int Format = 1;

    /// <summary>Writes <paramref name="stream"/> to <paramref name="path"/> atomically and returns the file's SHA-256 (hex).</summary>
    public static string Write(string path, WindowStream stream)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(stream);
        AtomicFile.Write(path, file =>
        {
            using var writer = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(Format);
            writer.Write(stream.Name);
            writer.Write(stream.FeatureCount);
            writer.Write((int)stream.TargetKind);
            writer.Write(stream.TargetCount);
            writer.Write(stream.Count);
            foreach (var window in stream.Windows)
            {
                writer.Write(window.Count);
                writer.Write(MemoryMarshal.AsBytes(window.Features.AsSpan()));
                if (window.Labels is not null) writer.Write(MemoryMarshal.AsBytes(window.Labels.AsSpan()));
                else writer.Write(MemoryMarshal.AsBytes(window.Targets!.AsSpan()));
            }
        });
        return Sha256(path);
    }

    /// <summary>The SHA-256 of the file at <paramref name="path"/>, as upper-case hex.</summary>
    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file));
    }

    /// <summary>The number of windows in the file, read from its header.</summary>
    public static int CountWindows(string path)
    {
        using var file = File.OpenRead(path);
        using var reader = new BinaryReader(file, Encoding.UTF8);
        try
        {
            return ReadHeader(reader).Windows;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw Invalid(path, e);
        }
    }

    /// <summary>
    /// Reads the stream at <paramref name="path"/>: all its windows, or only the first <paramref name="windows"/>.
    /// When <paramref name="expectedSha256"/> is given, a file whose SHA-256 differs is refused (the data changed since
    /// it was referenced). Throws <see cref="InvalidDataException"/> naming the file for anything malformed,
    /// <see cref="FileNotFoundException"/> when it does not exist.
    /// </summary>
    public static WindowStream Read(string path, int? windows = null, string? expectedSha256 = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The window stream file {path} does not exist (or this process cannot see it).", path);
        if (expectedSha256 is not null)
        {
            string actual = Sha256(path);
            if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"The window stream file {path} has SHA-256 {actual}, but {expectedSha256} was expected: the file changed since it was referenced, or this machine sees another file under that path.");
        }
        try
        {
            using var file = File.OpenRead(path);
            using var reader = new BinaryReader(file, Encoding.UTF8);
            var header = ReadHeader(reader);
            int take = windows ?? header.Windows;
            if (take < 1 || take > header.Windows)
                throw new ArgumentOutOfRangeException(nameof(windows), take, $"The stream {path} has {header.Windows} windows; read 1 to {header.Windows}.");
            int outputs = header.Kind == TargetKind.ClassLabels ? 1 : header.Targets;
            var list = new StreamWindow[take];
            for (int w = 0; w < take; w++)
            {
                int count = reader.ReadInt32();
                if (count <= 0) throw new InvalidDataException($"window {w} has {count} samples");
                var features = new float[checked(count * header.Features)];
                ReadExactly(reader, MemoryMarshal.AsBytes(features.AsSpan()), w);
                if (header.Kind == TargetKind.ClassLabels)
                {
                    var labels = new int[count];
                    ReadExactly(reader, MemoryMarshal.AsBytes(labels.AsSpan()), w);
                    list[w] = new StreamWindow(features, labels);
                }
                else
                {
                    var targets = new float[checked(count * outputs)];
                    ReadExactly(reader, MemoryMarshal.AsBytes(targets.AsSpan()), w);
                    list[w] = new StreamWindow(features, targets, count);
                }
            }
            return new WindowStream(header.Name, header.Features, header.Kind, header.Targets, list);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or OverflowException or ArgumentException and not ArgumentOutOfRangeException)
        {
            throw Invalid(path, e);
        }
    }

    private static InvalidDataException Invalid(string path, Exception e) =>
        new($"The window stream file {path} is not valid: {(e is EndOfStreamException ? "it is truncated" : e.Message)}.", e);

    private static (string Name, int Features, TargetKind Kind, int Targets, int Windows) ReadHeader(BinaryReader reader)
    {
        if (reader.ReadUInt32() != Magic) throw new InvalidDataException("it does not start with PLWS (not a window stream file)");
        int format = reader.ReadInt32();
        if (format != Format) throw new InvalidDataException($"it has format {format}; this version reads format {Format}");
        string name = reader.ReadString();
        int features = reader.ReadInt32();
        int kind = reader.ReadInt32();
        int targets = reader.ReadInt32();
        int windows = reader.ReadInt32();
        if (features <= 0 || targets <= 0 || windows <= 0 || !Enum.IsDefined((TargetKind)kind))
            throw new InvalidDataException($"its header is not valid (features {features}, target kind {kind}, targets {targets}, windows {windows})");
        return (name, features, (TargetKind)kind, targets, windows);
    }

    private static void ReadExactly(BinaryReader reader, Span<byte> destination, int window)
    {
        if (reader.BaseStream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false) != destination.Length)
            throw new InvalidDataException($"the file ends inside window {window}");
    }
}
