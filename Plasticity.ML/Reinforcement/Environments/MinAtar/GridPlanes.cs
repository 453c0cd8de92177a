using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Plasticity.ML.Reinforcement.Environments.MinAtar;

/// <summary>
/// Writing 10x10 boolean planes into a channels-first byte observation: single cells, and whole planes from ten
/// 10-bit row masks (bit c of row r = cell (r, c)), eight cells per 64-bit store through a lookup table.
/// </summary>
internal static class GridPlanes
{
    /// <summary>Rows and columns of every MinAtar grid.</summary>
    public const int Size = 10;

    /// <summary>Cells of one plane.</summary>
    public const int Cells = Size * Size;

    /// <summary>Entry m holds byte k = bit k of m: eight 0/1 cells in one little-endian store.</summary>
    private static readonly ulong[] Spread = CreateSpread();

    /// <summary>Marks cell (<paramref name="row"/>, <paramref name="column"/>) of <paramref name="channel"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Set(Span<byte> observation, int channel, int row, int column) =>
        observation[channel * Cells + row * Size + column] = 1;

    /// <summary>Writes a whole plane (every cell, set or not) from ten row masks.</summary>
    public static void WriteRows(Span<byte> observation, int channel, ReadOnlySpan<ushort> rows)
    {
        // One bounds check for the plane and the rows, then raw stores: this runs several times per step.
        ref byte plane = ref MemoryMarshal.GetReference(observation.Slice(channel * Cells, Cells));
        ref ushort row = ref MemoryMarshal.GetReference(rows[..Size]);
        ref ulong spread = ref MemoryMarshal.GetArrayDataReference(Spread);
        for (int r = 0; r < Size; r++)
        {
            int mask = Unsafe.Add(ref row, r);
            ref byte cells = ref Unsafe.Add(ref plane, r * Size);
            ulong low = Unsafe.Add(ref spread, mask & 0xFF);
            Unsafe.WriteUnaligned(ref cells, BitConverter.IsLittleEndian ? low : BinaryPrimitives.ReverseEndianness(low));
            Unsafe.Add(ref cells, 8) = (byte)((mask >> 8) & 1);
            Unsafe.Add(ref cells, 9) = (byte)((mask >> 9) & 1);
        }
    }

    private static ulong[] CreateSpread()
    {
        var table = new ulong[256];
        for (int m = 0; m < 256; m++)
            for (int k = 0; k < 8; k++)
                if (((m >> k) & 1) != 0) table[m] |= 1UL << (8 * k);
        return table;
    }
}
