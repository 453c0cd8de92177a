using System.Buffers.Binary;
using System.IO.Compression;

namespace Plasticity.ML.Data;

/// <summary>
/// Reads IDX files (raw or gzipped), the format of MNIST and Fashion-MNIST: a magic number
/// <c>0x00 0x00 type ndims</c>, <c>ndims</c> big-endian 32-bit sizes, then the values. Only unsigned bytes
/// (type 0x08), the type of every MNIST-format file, are supported. Malformed files raise
/// <see cref="InvalidDataException"/> naming the file and what was wrong.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByteType = 0x08;

    /// <summary>Reads the IDX file at <paramref name="path"/>; gzip is detected from the content, not the name.</summary>
    public static IdxFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads an IDX file from a stream; <paramref name="name"/> appears in error messages.</summary>
    public static IdxFile Read(Stream stream, string name = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] bytes = ReadAll(stream, name);
        return Parse(bytes, name);
    }

    private static byte[] ReadAll(Stream stream, string name)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] raw = buffer.ToArray();
        if (raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b)
        {
            try
            {
                using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
                using var inflated = new MemoryStream();
                gzip.CopyTo(inflated);
                return inflated.ToArray();
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"IDX file '{name}' is not a valid gzip stream (is it truncated?): {e.Message}", e);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException($"IDX file '{name}' is a truncated gzip stream.", e);
            }
        }
        return raw;
    }

    private static IdxFile Parse(byte[] bytes, string name)
    {
        if (bytes.Length < 4)
            throw new InvalidDataException($"IDX file '{name}' is truncated: {bytes.Length} bytes, fewer than the 4-byte magic number.");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"IDX file '{name}' has a wrong magic number 0x{bytes[0]:x2}{bytes[1]:x2}{bytes[2]:x2}{bytes[3]:x2}: it must start with two zero bytes.");
        if (bytes[2] != UnsignedByteType)
            throw new InvalidDataException($"IDX file '{name}' has data type 0x{bytes[2]:x2}; only unsigned bytes (0x08) are supported.");
        int dims = bytes[3];
        if (dims < 1 || dims > 4)
            throw new InvalidDataException($"IDX file '{name}' declares {dims} dimensions; expected 1 to 4.");
        int header = 4 + 4 * dims;
        if (bytes.Length < header)
            throw new InvalidDataException($"IDX file '{name}' is truncated: its header needs {header} bytes, found {bytes.Length}.");

        var sizes = new int[dims];
        long expected = 1;
        for (int i = 0; i < dims; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (size == 0 || size > int.MaxValue)
                throw new InvalidDataException($"IDX file '{name}' declares an invalid size {size} for dimension {i}.");
            sizes[i] = (int)size;
            expected *= size;
        }
        long actual = bytes.Length - header;
        if (actual < expected)
            throw new InvalidDataException($"IDX file '{name}' is truncated: its header declares {expected} values ({string.Join(" x ", sizes)}), but only {actual} bytes follow.");
        if (actual > expected)
            throw new InvalidDataException($"IDX file '{name}' has {actual - expected} bytes after the {expected} values its header declares ({string.Join(" x ", sizes)}); the counts are wrong.");

        return new IdxFile(sizes, bytes.AsSpan(header).ToArray());
    }
}
