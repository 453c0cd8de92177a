using System.Reflection;
using System.Runtime.InteropServices;

namespace Plasticity.ML.Search.Runners;

/// <summary>
/// How a <see cref="ProcessPoolTrialRunner"/> starts a worker process: an executable and the arguments before the
/// trial's own (<see cref="TrialWorker"/> adds those). The program started must call
/// <see cref="TrialWorker.RunIfRequested"/> first thing in its <c>Main</c>.
/// </summary>
/// <param name="FileName">The executable (the app's host, or the <c>dotnet</c> muxer).</param>
/// <param name="Arguments">Arguments before the trial's (such as the app's .dll for <c>dotnet</c>).</param>
public sealed record TrialWorkerCommand(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>
    /// The running application started again: its own executable, or <c>dotnet app.dll</c> when it runs through the
    /// muxer. The default, so a library user only adds <c>TrialWorker.RunIfRequested(args);</c> at the start of
    /// <c>Main</c>. Throws <see cref="InvalidOperationException"/> when the process has no entry assembly on disk (a test
    /// host, a single-file bundle); name the worker with <see cref="ForAssembly(Assembly)"/> then.
    /// </summary>
    public static TrialWorkerCommand CurrentApp()
    {
        string? process = Environment.ProcessPath;
        var entry = Assembly.GetEntryAssembly();
        if (process is null || entry is null)
            throw new InvalidOperationException("This process has no entry assembly to start again as a trial worker; set the worker command with TrialWorkerCommand.ForAssembly(...).");
        if (!IsMuxer(process)) return new TrialWorkerCommand(process, []);
        if (string.IsNullOrEmpty(entry.Location))
            throw new InvalidOperationException("The entry assembly has no file (single-file app?); set the worker command with TrialWorkerCommand.ForAssembly(...).");
        return new TrialWorkerCommand(process, [entry.Location]);
    }

    /// <summary>
    /// <c>dotnet &lt;assembly&gt;.dll</c>: the program in <paramref name="assembly"/> (an executable project's main
    /// assembly, whose <c>.runtimeconfig.json</c> lies beside it) as the worker.
    /// </summary>
    public static TrialWorkerCommand ForAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        if (string.IsNullOrEmpty(assembly.Location)) throw new ArgumentException($"The assembly {assembly.GetName().Name} has no file to run.", nameof(assembly));
        return new TrialWorkerCommand(Muxer, [assembly.Location]);
    }

    /// <summary>
    /// <c>dotnet exec --runtimeconfig ... --depsfile ... program.dll</c>: a program run with another application's
    /// runtime configuration and dependencies (so the worker can load every assembly that application can, such as a
    /// test project's learner types).
    /// </summary>
    public static TrialWorkerCommand ForAssembly(string program, string runtimeConfig, string depsFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        ArgumentException.ThrowIfNullOrEmpty(runtimeConfig);
        ArgumentException.ThrowIfNullOrEmpty(depsFile);
        return new TrialWorkerCommand(Muxer, ["exec", "--runtimeconfig", runtimeConfig, "--depsfile", depsFile, program]);
    }

    /// <summary>The command line as one string, for messages.</summary>
    public override string ToString() => string.Join(' ', Arguments.Prepend(FileName).Select(a => a.Contains(' ') ? $"\"{a}\"" : a));

    /// <summary>The <c>dotnet</c> muxer of the running runtime (found from the runtime's folder), or "dotnet" from the PATH.</summary>
    private static string Muxer
    {
        get
        {
            string? process = Environment.ProcessPath;
            if (process is not null && IsMuxer(process)) return process;
            // The runtime lives in <root>/shared/Microsoft.NETCore.App/<version>/; the muxer in <root>.
            string root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
            string candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            return File.Exists(candidate) ? candidate : "dotnet";
        }
    }

    private static bool IsMuxer(string path) => Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
}
