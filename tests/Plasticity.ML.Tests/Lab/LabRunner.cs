using System.Diagnostics;
using Plasticity.Lab;
using Spectre.Console;

namespace Plasticity.ML.Tests.Lab;

/// <summary>
/// Runs the lab's command line in-process with a plain, wide, non-interactive console and captures what it prints.
/// The experiments run in their default mode, several runs side by side.
/// </summary>
internal static class LabRunner
{
    public static (int Exit, string Output) Run(params string[] args) => Run(CancellationToken.None, args);

    /// <summary>Runs the lab with a cancellation token (what Ctrl+C cancels in a terminal).</summary>
    public static (int Exit, string Output) Run(CancellationToken cancellationToken, params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        return (LabApp.Run(args, console, cancellationToken), writer.ToString());
    }

    /// <summary>
    /// Runs the lab with <paramref name="arguments"/> as a separate process (the test host must survive the signal) into
    /// <paramref name="folder"/>, and sends it <paramref name="signal"/> (KILL, TERM, ...) as soon as a run has written a
    /// checkpoint; returns its exit code and output.
    /// </summary>
    public static (int Exit, string Output) RunAndSignal(string[] arguments, string folder, string signal)
    {
        string lab = Path.Combine(AppContext.BaseDirectory, "Plasticity.Lab.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments.Prepend(lab).Concat(["--out", folder])) start.ArgumentList.Add(argument);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string runs = Path.Combine(folder, "runs");
        var clock = Stopwatch.StartNew();
        while (!(Directory.Exists(runs) && Directory.EnumerateFiles(runs, "*.checkpoint").Any()))
        {
            Assert.IsFalse(process.HasExited, "the lab finished before it wrote a checkpoint");
            Assert.IsLessThan(120.0, clock.Elapsed.TotalSeconds, "no checkpoint appeared");
            Thread.Sleep(5);
        }
        using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            kill.WaitForExit();
        Assert.IsTrue(process.WaitForExit(120_000), "the lab did not stop");
        process.WaitForExit(); // drains the output
        return (process.ExitCode, string.Join("\n", output));
    }
}
