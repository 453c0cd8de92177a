using System.Security.Cryptography;

namespace Plasticity.ML.Estimators.Internal;

/// <summary>A length-prefixed byte block followed by its SHA-256, so a truncated or corrupted model part is detected on load.</summary>
internal static class ChecksummedBlock
{
    /// <summary>Writes the length, the bytes and their hash.</summary>
    public static void Write(BinaryWriter writer, byte[] bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes);
        writer.Write(SHA256.HashData(bytes));
    }

    /// <summary>Reads a block written by <see cref="Write"/>; throws <see cref="InvalidDataException"/> naming <paramref name="what"/> if it is damaged.</summary>
    /// <param name="reader">The source.</param>
    /// <param name="what">The block, as in "Invalid {what} length".</param>
    /// <param name="mismatch">The message when the hash does not match.</param>
    public static byte[] Read(BinaryReader reader, string what, string mismatch)
    {
        int length = reader.ReadInt32();
        if (length <= 0 || length > 1 << 30) throw new InvalidDataException($"Invalid {what} length {length}.");
        byte[] bytes = reader.ReadBytes(length);
        byte[] hash = reader.ReadBytes(32);
        if (bytes.Length != length || !SHA256.HashData(bytes).AsSpan().SequenceEqual(hash))
            throw new InvalidDataException(mismatch);
        return bytes;
    }
}
