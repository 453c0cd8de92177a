using System.Buffers.Binary;
using Microsoft.Build.Utilities;

namespace Plasticity.ML.Tests.Platform;

/// <summary>
/// Runs the build task of Plasticity.ML/buildTransitive/LibStdCxxCompatTask.cs (compiled into this project from
/// the same source file MSBuild's RoslynCodeTaskFactory compiles) on copies of TorchSharp 0.107's unpatched
/// native bridge from the NuGet cache. Known answer (PLATFORM.md): of the versions the bridge needs from
/// libstdc++.so.6, a GCC 12 libstdc++ lacks exactly GLIBCXX_3.4.32.
/// </summary>
[TestClass]
public sealed class LibStdCxxCompatTaskTests
{
    private const string MissingVersion = "GLIBCXX_3.4.32";

    // GCC 13's iostream-init marker: the one symbol of the bridge versioned GLIBCXX_3.4.32.
    private const string MarkerSymbol = "_ZSt21ios_base_library_initv";

    // A version libstdc++ has defined since GCC 4.4 and that the bridge does not ask for; renaming it in a copy
    // of the system library makes a stand-in for a libstdc++ that provides MissingVersion.
    private const string UnneededVersion = "GLIBCXX_3.4.10";

    private static string workFolder = "";

    /// <summary>Fresh scratch folder for the class.</summary>
    [ClassInitialize]
    public static void CreateWorkFolder(TestContext _)
    {
        workFolder = Path.Combine(Path.GetTempPath(), "plasticity-libstdcxx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(workFolder);
    }

    /// <summary>Removes the scratch folder.</summary>
    [ClassCleanup]
    public static void DeleteWorkFolder()
    {
        if (Directory.Exists(workFolder)) Directory.Delete(workFolder, recursive: true);
    }

    [TestMethod]
    public void MarksExactlyTheMissingVersionWeak()
    {
        byte[] original = File.ReadAllBytes(UnpatchedBridge());
        string library = CopyBridge("weak.so");
        var engine = RunTask(library, LibStdCxxLacking());

        byte[] patched = File.ReadAllBytes(library);
        Assert.IsEmpty(engine.Warnings, string.Join("; ", engine.Warnings));
        Assert.HasCount(original.Length, patched);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.HasCount(1, changed, "exactly one byte (the low byte of one vna_flags) must change");

        // Elf64_Vernaux: vna_hash (4), vna_flags (2), vna_other (2), vna_name (4), vna_next (4).
        int flags = changed[0];
        Assert.AreEqual((byte)0, original[flags], "the requirement was not weak before");
        Assert.AreEqual((byte)0x2, patched[flags], "VER_FLG_WEAK is set and nothing else");
        var (dynstr, _) = ElfTestReader.Section(patched, ".dynstr");
        uint name = BinaryPrimitives.ReadUInt32LittleEndian(patched.AsSpan(flags + 4));
        Assert.AreEqual(MissingVersion, ElfTestReader.CString(patched, dynstr + name));
    }

    [TestMethod]
    public void TheOnlySymbolOfTheMissingVersionIsAMarkerThatNoRelocationUses()
    {
        // What makes the weakening safe for TorchSharp 0.107 (PLATFORM.md): the version is named by one undefined
        // dynamic symbol, GCC 13's iostream-init marker, and no relocation refers to it.
        byte[] bridge = File.ReadAllBytes(UnpatchedBridge());
        var symbols = ElfTestReader.UndefinedSymbolsOfVersion(bridge, MissingVersion);
        CollectionAssert.AreEqual(new[] { MarkerSymbol }, symbols.Select(s => s.Name).ToArray());
        Assert.IsFalse(symbols[0].Relocated);
    }

    [TestMethod]
    public void DoesNotWeakenAVersionThatARelocationBindsAndSaysWhy()
    {
        // A copy of the bridge in which one relocation of .rela.plt is pointed at the marker symbol: now the dynamic
        // linker would look the symbol up, so GLIBCXX_3.4.32 is really needed and must stay a hard requirement.
        byte[] bytes = File.ReadAllBytes(UnpatchedBridge());
        int marker = ElfTestReader.DynamicSymbolIndex(bytes, MarkerSymbol);
        var (rela, size) = ElfTestReader.Section(bytes, ".rela.plt");
        Assert.IsGreaterThanOrEqualTo(24L, size);
        // Elf64_Rela: r_offset (8), r_info (8: type low 32 bits, symbol high 32 bits), r_addend (8).
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)rela + 12), (uint)marker);
        string library = Path.Combine(workFolder, "bound.so");
        File.WriteAllBytes(library, bytes);
        Assert.IsTrue(ElfTestReader.UndefinedSymbolsOfVersion(bytes, MissingVersion).Single().Relocated);

        var engine = RunTask(library, LibStdCxxLacking());

        CollectionAssert.AreEqual(bytes, File.ReadAllBytes(library), "a version a relocation binds to must not be weakened");
        Assert.HasCount(1, engine.Warnings);
        StringAssert.Contains(engine.Warnings[0], "really needs " + MissingVersion);
        StringAssert.Contains(engine.Warnings[0], MarkerSymbol);
        StringAssert.Contains(engine.Warnings[0], "bound.so");
    }

    [TestMethod]
    public void RunningTwiceGivesTheSameBytes()
    {
        string library = CopyBridge("twice.so");
        string system = LibStdCxxLacking();
        RunTask(library, system);
        byte[] once = File.ReadAllBytes(library);
        DateTime stamp = File.GetLastWriteTimeUtc(library);

        var engine = RunTask(library, system);

        CollectionAssert.AreEqual(once, File.ReadAllBytes(library));
        Assert.AreEqual(stamp, File.GetLastWriteTimeUtc(library), "a second run must not rewrite the file");
        Assert.IsEmpty(engine.Warnings, string.Join("; ", engine.Warnings));
    }

    [TestMethod]
    public void ChangesNothingWhenTheSystemLibStdCxxProvidesTheVersion()
    {
        byte[] original = File.ReadAllBytes(UnpatchedBridge());
        string library = CopyBridge("provided.so");

        var engine = RunTask(library, LibStdCxxProviding());

        CollectionAssert.AreEqual(original, File.ReadAllBytes(library));
        Assert.IsEmpty(engine.Warnings, string.Join("; ", engine.Warnings));
    }

    [TestMethod]
    public void WarnsAndLeavesAFileThatIsNotElfAlone()
    {
        string notElf = Path.Combine(workFolder, "not-elf.so");
        File.WriteAllText(notElf, "this is not a shared library");

        var engine = RunTask(notElf, LibStdCxxLacking());

        Assert.AreEqual("this is not a shared library", File.ReadAllText(notElf));
        Assert.HasCount(1, engine.Warnings);
        StringAssert.Contains(engine.Warnings[0], "not-elf.so");
    }

    private static RecordingBuildEngine RunTask(string library, string systemLibStdCxx)
    {
        var engine = new RecordingBuildEngine();
        var task = new PlasticityLibStdCxxCompat
        {
            BuildEngine = engine,
            Libraries = [new TaskItem(library)],
            SystemLibStdCxx = systemLibStdCxx,
        };
        Assert.IsTrue(task.Execute(), "the task never fails a build");
        Assert.IsEmpty(engine.Errors, string.Join("; ", engine.Errors));
        return engine;
    }

    private static string CopyBridge(string name)
    {
        string copy = Path.Combine(workFolder, name);
        File.Copy(UnpatchedBridge(), copy, overwrite: true);
        return copy;
    }

    /// <summary>TorchSharp's bridge as NuGet extracted it: the cache copy, which the build task must never touch.</summary>
    private static string UnpatchedBridge()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(path)) Assert.Inconclusive($"TorchSharp's linux-x64 bridge is not in the NuGet cache ({path}).");
        return path;
    }

    /// <summary>The system libstdc++, or a copy with <see cref="MissingVersion"/> renamed away on newer systems.</summary>
    private static string LibStdCxxLacking()
    {
        byte[] bytes = File.ReadAllBytes(SystemLibStdCxx());
        ElfTestReader.ReplaceCString(bytes, MissingVersion, "GLIBCXX_9.9.99");
        return WriteFake("libstdc++-lacking.so.6", bytes);
    }

    /// <summary>A copy of the system libstdc++ that defines <see cref="MissingVersion"/> as well as all it defined.</summary>
    private static string LibStdCxxProviding()
    {
        byte[] bytes = File.ReadAllBytes(SystemLibStdCxx());
        if (!ElfTestReader.ContainsCString(bytes, MissingVersion)
            && ElfTestReader.ReplaceCString(bytes, UnneededVersion, MissingVersion) == 0)
            Assert.Inconclusive($"the system libstdc++ defines neither {MissingVersion} nor {UnneededVersion}.");
        return WriteFake("libstdc++-providing.so.6", bytes);
    }

    private static string SystemLibStdCxx()
    {
        string[] candidates = ["/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6"];
        return candidates.FirstOrDefault(File.Exists) ?? throw new AssertInconclusiveException("no x86-64 libstdc++.so.6 on this machine.");
    }

    private static string WriteFake(string name, byte[] bytes)
    {
        string path = Path.Combine(workFolder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
