using System.Reflection;

namespace Plasticity.ML.Common;

/// <summary>
/// Identifies the code that produced a result, so stored results and checkpoints from other code are not reused
/// silently: the library's informational version plus the module version id of this build of the core (the build is
/// deterministic, so the id changes exactly when the compiled code changes).
/// </summary>
public static class CodeVersion
{
    /// <summary>Such as "0.1.0+3f2c1a9 (build 6d1e...)".</summary>
    public static string Current { get; } = Create();

    private static string Create()
    {
        var assembly = typeof(CodeVersion).Assembly;
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "unknown";
        return $"{version} (build {assembly.ManifestModule.ModuleVersionId:N})";
    }
}
