#nullable enable
// Compiled by MSBuild's RoslynCodeTaskFactory at build time (see Plasticity.ML.targets).
// Why this exists: TorchSharp 0.107's libLibTorchSharp.so records a need for GLIBCXX_3.4.32 (GCC 13's
// libstdc++) for a single marker symbol that no relocation uses. On Debian 12 / Ubuntu 22.04
// (GCC 12's libstdc++) glibc then refuses to load it. Marking that version requirement weak
// (VER_FLG_WEAK in .gnu.version_r) makes glibc accept the library. The task only weakens versions
// the machine's libstdc++ really lacks, so on newer systems it changes nothing.
//
// It weakens a version only when no dynamic symbol binds to it: every undefined .dynsym symbol whose
// .gnu.version entry names that version (the requirement's vna_other index) must be referenced by no
// relocation (.rela.dyn, .rela.plt), so the dynamic linker never looks it up (GCC 13's
// _ZSt21ios_base_library_initv marker is such a symbol). If a relocation does use one, the library really
// needs the newer libstdc++: the task leaves it unpatched and warns, so that the failure is a clear load
// error naming the version, not an "undefined symbol" crash later.
//
// Limit: it decides from the libstdc++ of the machine that BUILDS (the run machine is not known at build
// time). An app built on a machine with a newer libstdc++ (say Ubuntu 24.04) is not patched, and fails to
// load on an older one (Debian 12) it is deployed to; build on (or for) the oldest target, or patch there.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class PlasticityLibStdCxxCompat : Microsoft.Build.Utilities.Task
{
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const uint ShtDynsym = 11;
    private const uint ShtRela = 4;
    private const uint ShtRel = 9;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Native libraries to check and, where needed, patch in place.</summary>
    [Required]
    public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Optional explicit path of the system libstdc++.so.6 (for tests).</summary>
    public string? SystemLibStdCxx { get; set; }

    public override bool Execute()
    {
        string? system = SystemLibStdCxx;
        if (string.IsNullOrEmpty(system)) system = FindSystemLibStdCxx();
        if (system is null || !File.Exists(system))
        {
            Log.LogMessage(MessageImportance.Low, "Plasticity.ML: no system libstdc++.so.6 found; nothing to patch.");
            return true;
        }

        HashSet<string> provided;
        try { provided = new HashSet<string>(ReadVersionDefinitions(File.ReadAllBytes(system)), StringComparer.Ordinal); }
        catch (Exception e)
        {
            Log.LogMessage(MessageImportance.Low, $"Plasticity.ML: could not read {system}: {e.Message}");
            return true;
        }

        foreach (var item in Libraries)
        {
            string path = item.ItemSpec;
            if (!File.Exists(path)) continue;
            try { PatchIfNeeded(path, provided); }
            catch (Exception e)
            {
                Log.LogWarning($"Plasticity.ML: could not apply the libstdc++ compatibility fix to {path}: {e.Message}");
            }
        }
        return true;
    }

    private void PatchIfNeeded(string path, HashSet<string> provided)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var weakened = new List<string>();
        foreach (var need in ReadVersionNeeds(bytes))
        {
            if (!need.File.StartsWith("libstdc++.so", StringComparison.Ordinal)) continue;
            if (provided.Contains(need.Version)) continue;
            if ((need.Flags & VerFlgWeak) != 0) continue;
            var (bound, markers) = SymbolsOfVersion(bytes, need.Index);
            if (bound.Count > 0)
            {
                string symbols = string.Join(", ", bound.Take(5)) + (bound.Count > 5 ? " and " + (bound.Count - 5) + " more" : "");
                Log.LogWarning(
                    "Plasticity.ML: " + Path.GetFileName(path) + " really needs " + need.Version + " from a newer libstdc++.so.6 than " +
                    "this machine's: relocations bind " + symbols + " to it. It is left unpatched, so it will fail to load here with " +
                    "an error naming that version; install a libstdc++ that defines " + need.Version + " or use a TorchSharp build " +
                    "for this system. (" + path + ")");
                continue;
            }
            WriteUInt16(bytes, need.FlagsOffset, (ushort)(need.Flags | VerFlgWeak));
            weakened.Add(need.Version + (markers.Count > 0 ? " (named only by " + string.Join(", ", markers) + ", which no relocation uses)" : ""));
        }
        if (weakened.Count == 0) return;

        // Write beside, then rename: never leaves a half-written library, and never writes through a
        // hard link into the NuGet cache. Keep the timestamp so incremental copies stay quiet.
        DateTime stamp = File.GetLastWriteTimeUtc(path);
        string temp = path + ".plasticity-tmp";
        File.WriteAllBytes(temp, bytes);
        File.SetLastWriteTimeUtc(temp, stamp);
        // rename(2) on Unix: atomic.
        File.Replace(temp, path, null);
        Log.LogMessage(MessageImportance.Low,
            $"Plasticity.ML: marked {string.Join(", ", weakened)} weak in {path} (system libstdc++ lacks them).");
    }

    private static string? FindSystemLibStdCxx()
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };
        return candidates.FirstOrDefault(File.Exists);
    }

    // Plain classes, not records: the task factory compiles against a framework without IsExternalInit.
    private sealed class VersionNeed
    {
        public VersionNeed(string file, string version, ushort flags, int flagsOffset, ushort index)
        {
            File = file; Version = version; Flags = flags; FlagsOffset = flagsOffset; Index = index;
        }
        public string File { get; }
        public string Version { get; }
        public ushort Flags { get; }
        public int FlagsOffset { get; }
        /// <summary>vna_other: the index that .gnu.version entries use for this version.</summary>
        public ushort Index { get; }
    }

    /// <summary>
    /// The undefined dynamic symbols whose .gnu.version entry is <paramref name="versionIndex"/>: those a relocation
    /// refers to (they bind to the version at load time) and those none does (markers the linker never looks up).
    /// </summary>
    private static (List<string> Bound, List<string> Markers) SymbolsOfVersion(byte[] b, ushort versionIndex)
    {
        var sections = ReadSections(b);
        var bound = new List<string>();
        var markers = new List<string>();
        for (int d = 0; d < sections.Count; d++)
        {
            var dynsym = sections[d];
            if (dynsym.Type != ShtDynsym) continue;
            var strtab = sections[(int)dynsym.Link];
            var versym = sections.FirstOrDefault(s => s.Type == ShtGnuVersym && s.Link == (uint)d);
            if (versym is null) continue;
            long count = dynsym.Size / 24;
            var relocated = new HashSet<long>();
            foreach (var rel in sections.Where(s => (s.Type == ShtRela || s.Type == ShtRel) && s.Link == (uint)d))
            {
                int entrySize = rel.Type == ShtRela ? 24 : 16;
                for (long off = rel.Offset; off + entrySize <= rel.Offset + rel.Size; off += entrySize)
                    relocated.Add((long)(BitConverter.ToUInt64(b, checked((int)off + 8)) >> 32));
            }
            for (long i = 1; i < count; i++)
            {
                int sym = checked((int)(dynsym.Offset + i * 24));
                ushort shndx = BitConverter.ToUInt16(b, sym + 6);
                if (shndx != 0) continue; // defined here, not looked up elsewhere
                ushort version = (ushort)(BitConverter.ToUInt16(b, checked((int)(versym.Offset + i * 2))) & 0x7fff);
                if (version != versionIndex) continue;
                string name = ReadString(b, strtab, BitConverter.ToUInt32(b, sym));
                (relocated.Contains(i) ? bound : markers).Add(name);
            }
        }
        return (bound, markers);
    }

    private sealed class Section
    {
        public Section(uint type, long offset, long size, uint link, uint info)
        {
            Type = type; Offset = offset; Size = size; Link = link; Info = info;
        }
        public uint Type { get; }
        public long Offset { get; }
        public long Size { get; }
        public uint Link { get; }
        public uint Info { get; }
    }

    private static List<Section> ReadSections(byte[] b)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (b[4] != 2 || b[5] != 1) throw new InvalidDataException("only 64-bit little-endian ELF is supported");
        long shoff = (long)BitConverter.ToUInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A);
        int shnum = BitConverter.ToUInt16(b, 0x3C);
        var sections = new List<Section>(shnum);
        for (int i = 0; i < shnum; i++)
        {
            int h = checked((int)(shoff + (long)i * shentsize));
            sections.Add(new Section(
                BitConverter.ToUInt32(b, h + 4),
                (long)BitConverter.ToUInt64(b, h + 0x18),
                (long)BitConverter.ToUInt64(b, h + 0x20),
                BitConverter.ToUInt32(b, h + 0x28),
                BitConverter.ToUInt32(b, h + 0x2C)));
        }
        return sections;
    }

    private static string ReadString(byte[] b, Section strtab, uint offset)
    {
        int start = checked((int)(strtab.Offset + offset));
        int end = start;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, start, end - start);
    }

    private static IEnumerable<string> ReadVersionDefinitions(byte[] b)
    {
        var sections = ReadSections(b);
        foreach (var s in sections.Where(s => s.Type == ShtGnuVerdef))
        {
            var strtab = sections[(int)s.Link];
            long p = s.Offset;
            for (uint i = 0; i < s.Info; i++)
            {
                int entry = checked((int)p);
                uint aux = BitConverter.ToUInt32(b, entry + 12);
                uint next = BitConverter.ToUInt32(b, entry + 16);
                uint name = BitConverter.ToUInt32(b, entry + checked((int)aux));
                yield return ReadString(b, strtab, name);
                if (next == 0) break;
                p += next;
            }
        }
    }

    private static IEnumerable<VersionNeed> ReadVersionNeeds(byte[] b)
    {
        var sections = ReadSections(b);
        foreach (var s in sections.Where(s => s.Type == ShtGnuVerneed))
        {
            var strtab = sections[(int)s.Link];
            long p = s.Offset;
            for (uint i = 0; i < s.Info; i++)
            {
                int entry = checked((int)p);
                ushort count = BitConverter.ToUInt16(b, entry + 2);
                string file = ReadString(b, strtab, BitConverter.ToUInt32(b, entry + 4));
                long a = p + BitConverter.ToUInt32(b, entry + 8);
                for (int k = 0; k < count; k++)
                {
                    int aux = checked((int)a);
                    ushort flags = BitConverter.ToUInt16(b, aux + 4);
                    ushort index = BitConverter.ToUInt16(b, aux + 6);
                    string version = ReadString(b, strtab, BitConverter.ToUInt32(b, aux + 8));
                    yield return new VersionNeed(file, version, flags, aux + 4, index);
                    uint nextAux = BitConverter.ToUInt32(b, aux + 12);
                    if (nextAux == 0) break;
                    a += nextAux;
                }
                uint next = BitConverter.ToUInt32(b, entry + 12);
                if (next == 0) break;
                p += next;
            }
        }
    }

    private static void WriteUInt16(byte[] b, int offset, ushort value)
    {
        b[offset] = (byte)value;
        b[offset + 1] = (byte)(value >> 8);
    }
}
