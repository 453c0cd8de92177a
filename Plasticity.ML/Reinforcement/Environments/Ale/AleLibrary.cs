using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Plasticity.ML.Reinforcement.Environments.Ale;

/// <summary>
/// Finds and loads our native shim over the Arcade Learning Environment (<c>libale_c.so</c>, built by
/// <c>native/ale-shim/build.sh</c>). ALE is GPL-2.0 and has no C API, so Plasticity.ML never ships it: users build
/// the shim, which links ALE statically, and point Plasticity.ML at it.
/// </summary>
/// <remarks>
/// Where the shim is looked for, first match of these three wins (a source that is set but wrong is an error, it
/// does not fall through to the next): the explicit path (<see cref="AleOptions.LibraryPath"/>), else the
/// environment variable <see cref="EnvironmentVariable"/>, else <see cref="FileName"/> in the application's folder
/// (<see cref="AppContext.BaseDirectory"/>). A path may name the library file or the folder holding it.
/// </remarks>
public static class AleLibrary
{
    /// <summary>The environment variable that names the shim (a file or its folder): <c>PLASTICITY_ALE_LIBRARY</c>.</summary>
    public const string EnvironmentVariable = "PLASTICITY_ALE_LIBRARY";

    /// <summary>The interface version of ale_c.h this library speaks (<c>ALE_C_ABI_VERSION</c>).</summary>
    public const int AbiVersion = 1;

    /// <summary>The shim's file name on this operating system: <c>libale_c.so</c>, <c>libale_c.dylib</c> or <c>ale_c.dll</c>.</summary>
    public static string FileName =>
        OperatingSystem.IsWindows() ? "ale_c.dll" : OperatingSystem.IsMacOS() ? "libale_c.dylib" : "libale_c.so";

    /// <summary>How to build the shim, as printed in every "not available" message.</summary>
    public static string BuildInstructions =>
        "Build it from the Plasticity.ML repository (needs cmake, a C++17 compiler and zlib's headers, e.g. "
        + "`apt-get install cmake g++ zlib1g-dev`): `bash native/ale-shim/build.sh --ale-source "
        + "<ALE source tarball or folder, e.g. ale-0.12.1-src.tar.gz> --out <folder>` (or `--ale-prefix <ALE install "
        + $"folder>` for an ALE installed with BUILD_CPP_LIB=ON), then set {EnvironmentVariable}=<folder>/{FileName} "
        + $"(or AleOptions.LibraryPath), or copy {FileName} next to the application.";

    private static readonly ConcurrentDictionary<string, AleNative> Loaded = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the shim can be found and loaded; when not, <paramref name="reason"/> says why and how to build it
    /// (the message <see cref="AleNotAvailableException"/> would carry).
    /// </summary>
    /// <param name="libraryPath">An explicit path (file or folder), or null to use the environment variable, then the app folder.</param>
    /// <param name="reason">Empty when available.</param>
    public static bool IsAvailable(string? libraryPath, out string reason)
    {
        try
        {
            Load(libraryPath);
            reason = "";
            return true;
        }
        catch (AleNotAvailableException e)
        {
            reason = e.Message;
            return false;
        }
    }

    /// <summary>
    /// The full path of the shim that <paramref name="libraryPath"/> (or, when null, the environment variable, then
    /// the app folder) designates, and a description of the source it came from. The file may not exist.
    /// </summary>
    /// <param name="libraryPath">An explicit path (file or folder), or null.</param>
    public static (string Path, string Source) Locate(string? libraryPath)
    {
        if (!string.IsNullOrWhiteSpace(libraryPath))
            return (FileIn(libraryPath), $"AleOptions.LibraryPath = '{libraryPath}'");
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return (FileIn(fromEnvironment), $"the environment variable {EnvironmentVariable} = '{fromEnvironment}'");
        return (Path.Combine(AppContext.BaseDirectory, FileName),
            $"the application folder (AleOptions.LibraryPath and {EnvironmentVariable} are not set)");
    }

    /// <summary>Loads the shim once per path and returns its entry points; throws <see cref="AleNotAvailableException"/>.</summary>
    internal static AleNative Load(string? libraryPath)
    {
        var (path, source) = Locate(libraryPath);
        if (Loaded.TryGetValue(path, out var native)) return native;
        if (!File.Exists(path))
        {
            throw new AleNotAvailableException(
                $"The Arcade Learning Environment is not available: its native shim {FileName} was not found at '{path}' "
                + $"(from {source}). " + BuildInstructions);
        }
        IntPtr handle;
        try
        {
            handle = NativeLibrary.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new AleNotAvailableException(
                $"The Arcade Learning Environment is not available: '{path}' (from {source}) exists but could not be "
                + $"loaded ({e.Message}). Rebuild it on this machine. " + BuildInstructions, e);
        }
        native = AleNative.Bind(handle, path, source);
        return Loaded.GetOrAdd(path, native);
    }

    private static string FileIn(string pathOrFolder)
    {
        string full = Path.GetFullPath(pathOrFolder);
        return Directory.Exists(full) ? Path.Combine(full, FileName) : full;
    }
}
