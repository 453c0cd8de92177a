using Plasticity.ML.Reinforcement.Environments.Ale;

namespace Plasticity.ML.Tests.Reinforcement.Ale;

/// <summary>What a user without the shim sees: one exception that says what is missing and how to build it. These run everywhere.</summary>
[TestClass]
public sealed class AleLibraryTests
{
    [TestMethod]
    public void AMissingShimGivesOneExceptionWithTheBuildCommand()
    {
        string missing = Path.Combine(Path.GetTempPath(), "plasticity-no-such-folder", "libale_c.so");
        var e = Assert.ThrowsExactly<AleNotAvailableException>(
            () => AleEnvironment.Create("tetris.bin", new AleOptions { LibraryPath = missing }));
        StringAssert.Contains(e.Message, missing);
        StringAssert.Contains(e.Message, "AleOptions.LibraryPath");
        StringAssert.Contains(e.Message, "bash native/ale-shim/build.sh --ale-source");
        StringAssert.Contains(e.Message, AleLibrary.EnvironmentVariable);
        Assert.IsFalse(AleLibrary.IsAvailable(missing, out string reason));
        Assert.AreEqual(e.Message, reason);
    }

    [TestMethod]
    public void TheEnvironmentVariableIsUsedWhenNoPathIsGivenAndAFolderMeansTheFileInIt()
    {
        string? saved = Environment.GetEnvironmentVariable(AleLibrary.EnvironmentVariable);
        string folder = Path.Combine(Path.GetTempPath(), $"plasticity-shim-folder-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            Environment.SetEnvironmentVariable(AleLibrary.EnvironmentVariable, folder);
            var (path, source) = AleLibrary.Locate(null);
            Assert.AreEqual(Path.Combine(folder, AleLibrary.FileName), path);
            StringAssert.Contains(source, AleLibrary.EnvironmentVariable);
            // An explicit path wins over the variable.
            Assert.AreEqual(Path.GetFullPath("/opt/x/libale_c.so"), AleLibrary.Locate("/opt/x/libale_c.so").Path);
            Environment.SetEnvironmentVariable(AleLibrary.EnvironmentVariable, null);
            Assert.AreEqual(Path.Combine(AppContext.BaseDirectory, AleLibrary.FileName), AleLibrary.Locate(null).Path);
        }
        finally
        {
            Environment.SetEnvironmentVariable(AleLibrary.EnvironmentVariable, saved);
            Directory.Delete(folder);
        }
    }

    [TestMethod]
    public void ALibraryThatIsNotTheShimIsNamedAsSuch()
    {
        // zlib is on every machine that can build the shim; it loads, but exports none of the shim's functions.
        string? zlib = new[] { "/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib64/libz.so.1", "/lib64/libz.so.1" }
            .FirstOrDefault(File.Exists);
        if (zlib is null) Assert.Inconclusive("SKIPPED: no libz.so.1 at the usual places to stand in for a foreign library.");
        var e = Assert.ThrowsExactly<AleNotAvailableException>(() => AleInterface.Create(zlib));
        StringAssert.Contains(e.Message, "does not export ALE_abiVersion");
        StringAssert.Contains(e.Message, "build.sh");
    }

    [TestMethod]
    public void AFileThatIsNotALibraryCannotBeLoadedAndSaysSo()
    {
        string fake = Path.Combine(Path.GetTempPath(), $"plasticity-fake-{Environment.ProcessId}-libale_c.so");
        File.WriteAllText(fake, "not a shared library");
        try
        {
            var e = Assert.ThrowsExactly<AleNotAvailableException>(() => AleInterface.Create(fake));
            StringAssert.Contains(e.Message, "could not be loaded");
            StringAssert.Contains(e.Message, fake);
        }
        finally
        {
            File.Delete(fake);
        }
    }
}
