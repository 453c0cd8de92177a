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

    /// <summary>Index in <c>.dynsym</c> of the symbol called <paramref name="name"/>.</summary>
    public static int DynamicSymbolIndex(byte[] elf, string name)
    {
        var (dynsym, size) = Section(elf, ".dynsym");
        var (dynstr, _) = Section(elf, ".dynstr");
        for (int i = 1; i < size / 24; i++)
            if (CString(elf, dynstr + BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)dynsym + i * 24))) == name) return i;
        throw new InvalidDataException($"no dynamic symbol {name}");
    }

    /// <summary>
    /// The undefined <c>.dynsym</c> symbols whose <c>.gnu.version</c> entry names <paramref name="version"/>, and whether
    /// an entry of <c>.rela.dyn</c> or <c>.rela.plt</c> refers to each.
    /// </summary>
    public static List<(string Name, bool Relocated)> UndefinedSymbolsOfVersion(byte[] elf, string version)
    {
        var (dynsym, size) = Section(elf, ".dynsym");
        var (dynstr, _) = Section(elf, ".dynstr");
        var (versym, _) = Section(elf, ".gnu.version");
        int index = VersionIndex(elf, version);
        var relocated = new HashSet<long>();
        foreach (var name in new[] { ".rela.dyn", ".rela.plt" })
        {
            var (rela, relaSize) = Section(elf, name);
            for (long at = rela; at < rela + relaSize; at += 24)
                relocated.Add((long)(BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)at + 8)) >> 32));
        }
        var result = new List<(string, bool)>();
        for (int i = 1; i < size / 24; i++)
        {
            int sym = (int)dynsym + i * 24;
            bool undefined = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(sym + 6)) == 0;
            int v = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan((int)versym + i * 2)) & 0x7fff;
            if (undefined && v == index)
                result.Add((CString(elf, dynstr + BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(sym))), relocated.Contains(i)));
        }
        return result;
    }

    /// <summary>The vna_other index that <c>.gnu.version</c> uses for the needed <paramref name="version"/>.</summary>
    private static int VersionIndex(byte[] elf, string version)
    {
        var (verneed, size) = Section(elf, ".gnu.version_r");
        var (dynstr, _) = Section(elf, ".dynstr");
        // Elf64_Verneed: vn_version (2), vn_cnt (2), vn_file (4), vn_aux (4), vn_next (4).
        // Elf64_Vernaux: vna_hash (4), vna_flags (2), vna_other (2), vna_name (4), vna_next (4).
        for (long need = verneed; need < verneed + size;)
        {
            int count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan((int)need + 2));
            long aux = need + BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)need + 8));
            for (int k = 0; k < count; k++)
            {
                if (CString(elf, dynstr + BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)aux + 8))) == version)
                    return BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan((int)aux + 6));
                aux += BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)aux + 12));
            }
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)need + 12));
            if (next == 0) break;
            need += next;
        }
        throw new InvalidDataException($"no version need {version}");
    }
}
