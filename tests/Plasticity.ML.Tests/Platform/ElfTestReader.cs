using System.Buffers.Binary;
using System.Text;

namespace Plasticity.ML.Tests.Platform;

/// <summary>
/// Just enough ELF reading to check the libstdc++ task from the outside: section lookup by name and
/// string-table reads. Deliberately does not walk <c>.gnu.version_r</c> the way the task does, so the tests
/// do not grade the task with its own parser.
/// </summary>
internal static class ElfTestReader
{
    /// <summary>File offset and size of the section called <paramref name="name"/> (64-bit little-endian ELF).</summary>
    public static (long Offset, long Size) Section(byte[] elf, string name)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3A));
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3C));
        int shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3E));
        long Field64(int index, int at) => (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)(shoff + index * shentsize + at)));
        uint Field32(int index, int at) => BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)(shoff + index * shentsize + at)));
        long names = Field64(shstrndx, 0x18);
        for (int i = 0; i < shnum; i++)
        {
            if (CString(elf, names + Field32(i, 0)) == name)
                return (Field64(i, 0x18), Field64(i, 0x20));
        }
        throw new InvalidDataException($"no section {name}");
    }

    /// <summary>The NUL-terminated ASCII string at <paramref name="offset"/>.</summary>
    public static string CString(byte[] bytes, long offset)
    {
        int start = checked((int)offset);
        int end = Array.IndexOf(bytes, (byte)0, start);
        return Encoding.ASCII.GetString(bytes, start, end - start);
    }

    /// <summary>Whether the file holds the NUL-terminated string <paramref name="text"/> anywhere.</summary>
    public static bool ContainsCString(byte[] bytes, string text) =>
        bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(text + "\0")) >= 0;

    /// <summary>Replaces every NUL-terminated occurrence of <paramref name="from"/> by <paramref name="to"/> (same length).</summary>
    public static int ReplaceCString(byte[] bytes, string from, string to)
    {
        if (from.Length != to.Length) throw new ArgumentException("replacement must keep the length");
        byte[] needle = Encoding.ASCII.GetBytes(from + "\0");
        byte[] replacement = Encoding.ASCII.GetBytes(to + "\0");
        int count = 0;
        for (int at = bytes.AsSpan().IndexOf(needle); at >= 0;)
        {
            replacement.CopyTo(bytes, at);
            count++;
            int next = bytes.AsSpan(at + needle.Length).IndexOf(needle);
            at = next < 0 ? -1 : at + needle.Length + next;
        }
        return count;
    }
}
