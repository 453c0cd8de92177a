using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Plasticity.ML.Common;
using Plasticity.ML.Search.Trials;

namespace Plasticity.ML.Search.Runners;

/// <summary>
/// The default trial runner: each trial in a worker process of its own, up to <see cref="ProcessPoolOptions.MaxWorkers"/>
/// at once. A native crash, an exhausted memory or a process-wide setting (libtorch's thread count) stays inside its
/// trial; a worker that dies is recorded as a failed trial with its exit code and the end of its error output; a
/// cancelled trial's worker is killed (with its children). Workers are the application itself, started again with trial
/// arguments (see <see cref="TrialWorker"/> and <see cref="TrialWorkerCommand"/>); they read the spec from a file and
/// write the outcome to a file in <see cref="ProcessPoolOptions.WorkFolder"/>, and exit if this process dies.
/// </summary>
public sealed class ProcessPoolTrialRunner : ITrialRunner
{
    private const int ErrorTail = 4000;
    private readonly ProcessPoolOptions options;
    private readonly TrialWorkerCommand command;
    private readonly SemaphoreSlim slots;
    private readonly string workFolder;
    private readonly Lazy<Task> check;

    /// <summary>Creates a pool; throws <see cref="ArgumentException"/> for bad options, <see cref="InvalidOperationException"/> when no worker command can be found.</summary>
    public ProcessPoolTrialRunner(ProcessPoolOptions? options = null)
    {
        this.options = options ?? new ProcessPoolOptions();
        this.options.Validate();
        command = this.options.WorkerCommand ?? TrialWorkerCommand.CurrentApp();
        Capacity = this.options.MaxWorkers;
        slots = new SemaphoreSlim(Capacity, Capacity);
        workFolder = this.options.WorkFolder ?? Path.Combine(Path.GetTempPath(), "plasticity-trials");
        check = new Lazy<Task>(() => CheckWorkerAsync(), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <inheritdoc />
    public int Capacity { get; }

    /// <summary>The command that starts a worker.</summary>
    public TrialWorkerCommand Command => command;

    /// <summary>Raised when a worker process has started for a trial (for monitoring; runs on the runner's thread).</summary>
    public event EventHandler<TrialWorkerEventArgs>? WorkerStarted;

    /// <inheritdoc />
    public async Task<TrialOutcome> RunAsync(TrialSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (options.CheckWorker) await check.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        string folder = Path.Combine(workFolder, $"{Safe(spec.Name)}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(folder);
            string specPath = Path.Combine(folder, "spec.json");
            string outcomePath = Path.Combine(folder, "outcome.json");
            AtomicFile.WriteAllText(specPath, spec.ToJson());
            var clock = Stopwatch.StartNew();
            var errors = new StringBuilder();
            using var process = Start([TrialWorker.TrialArgument, specPath, outcomePath, TrialWorker.ExitWithParentArgument], errors);
            WorkerStarted?.Invoke(this, new TrialWorkerEventArgs(spec.Name, process.Id));
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                throw;
            }
            process.WaitForExit(); // lets the asynchronous readers drain the output
            if (File.Exists(outcomePath))
            {
                try
                {
                    return TrialOutcome.FromJson(await File.ReadAllTextAsync(outcomePath, CancellationToken.None).ConfigureAwait(false));
                }
                catch (JsonException e)
                {
                    return TrialExecutor.Failed(spec, $"The worker process (pid {process.Id}) wrote an unreadable outcome: {e.Message}", clock.Elapsed.TotalSeconds);
                }
            }
            string tail;
            lock (errors) tail = errors.ToString().Trim();
            return TrialExecutor.Failed(spec, $"The worker process (pid {process.Id}) {DescribeExit(process.ExitCode)} without a result{(tail.Length > 0 ? $"; its error output ends: {tail}" : ".")}",
                clock.Elapsed.TotalSeconds);
        }
        finally
        {
            slots.Release();
            try
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>"exited with code 3", or "was killed by signal 9 (SIGKILL)" for the codes 128 + n that .NET reports on Unix.</summary>
    internal static string DescribeExit(int code)
    {
        if (OperatingSystem.IsWindows() || code <= 128 || code > 128 + 64) return $"exited with code {code}";
        int signal = code - 128;
        string name = signal switch { 6 => "SIGABRT", 9 => "SIGKILL", 11 => "SIGSEGV", 15 => "SIGTERM", 4 => "SIGILL", 7 => "SIGBUS", 8 => "SIGFPE", _ => $"signal {signal}" };
        return $"was killed by signal {signal} ({name}; exit code {code})";
    }

    private Process Start(IEnumerable<string> arguments, StringBuilder errors)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Arguments.Concat(arguments)) start.ArgumentList.Add(argument);
        foreach (var (name, value) in options.Environment) start.Environment[name] = value;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"The trial worker `{command}` did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"The trial worker `{command}` cannot be started: {e.Message}", e);
        }
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errors)
            {
                errors.AppendLine(e.Data);
                if (errors.Length > ErrorTail) errors.Remove(0, errors.Length - ErrorTail);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task CheckWorkerAsync()
    {
        var start = new ProcessStartInfo(command.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in command.Arguments.Append(TrialWorker.CheckArgument)) start.ArgumentList.Add(argument);
        foreach (var (name, value) in options.Environment) start.Environment[name] = value;
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"The trial worker `{command}` cannot be started: {e.Message}", e);
        }
        if (process is null) throw new InvalidOperationException($"The trial worker `{command}` did not start.");
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(options.CheckTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
            }
            string answer = process.HasExited ? await stdout.ConfigureAwait(false) : "";
            if (answer.Contains(TrialWorker.CheckAnswer, StringComparison.Ordinal)) return;
            string error = process.HasExited ? (await stderr.ConfigureAwait(false)).Trim() : "";
            throw new InvalidOperationException(
                $"The trial worker command `{command} {TrialWorker.CheckArgument}` did not answer as a trial worker" +
                (process.HasExited ? $" (it {DescribeExit(process.ExitCode)}{(error.Length > 0 ? $": {Truncate(error)}" : "")})" : $" within {options.CheckTimeout.TotalSeconds:F0} s") +
                ". The program must call TrialWorker.RunIfRequested(args) first thing in Main; or set ProcessPoolOptions.WorkerCommand to a program that does.");
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
        }
        catch (Win32Exception)
        {
        }
    }

    private static string Truncate(string text) => text.Length <= ErrorTail ? text : "..." + text[^ErrorTail..];

    private static string Safe(string name) => new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
}
