using Plasticity.ML.Reinforcement.Environments.Ale;

namespace Plasticity.ML.Tests.Reinforcement.Ale;

/// <summary>
/// Finds the ALE shim and the Tetris ROM for the ALE tests, and marks a test Inconclusive (reported as skipped,
/// with the reason) when either is missing: ALE is optional and built by the user (CI builds it from
/// ../shared/vendor/ale and sets PLASTICITY_ALE_LIBRARY).
/// </summary>
internal static class AleTestSupport
{
    /// <summary>Overrides where the Tetris ROM is read from.</summary>
    public const string RomVariable = "PLASTICITY_ALE_ROM";

    /// <summary>The shim must load, else the test is skipped with the loader's reason.</summary>
    public static void RequireLibrary()
    {
        if (!AleLibrary.IsAvailable(null, out string reason))
            Assert.Inconclusive("SKIPPED: the ALE shim is not available. " + reason);
    }

    /// <summary>The shim must load and the Tetris ROM must exist; returns the ROM's path.</summary>
    public static string RequireTetris()
    {
        RequireLibrary();
        return TetrisRom();
    }

    /// <summary>The Tetris ROM: <see cref="RomVariable"/>, else ../shared/vendor/ale/tetris.bin next to the repository; skips when absent.</summary>
    public static string TetrisRom()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(RomVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            if (!File.Exists(fromEnvironment)) Assert.Inconclusive($"SKIPPED: {RomVariable} = '{fromEnvironment}' is not a file.");
            return fromEnvironment;
        }
        string? repository = RepositoryRoot();
        string? rom = repository is null ? null : Path.GetFullPath(Path.Combine(repository, "..", "shared", "vendor", "ale", "tetris.bin"));
        if (rom is null || !File.Exists(rom))
            Assert.Inconclusive($"SKIPPED: the Tetris ROM was not found (looked at {rom ?? "../shared/vendor/ale/tetris.bin beside the repository"}); set {RomVariable}.");
        return rom!;
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Plasticity.ML.sln"))) return dir.FullName;
        return null;
    }
}
