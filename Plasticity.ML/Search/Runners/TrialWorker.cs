using Plasticity.ML.Common;
using Plasticity.ML.Search.Trials;

namespace Plasticity.ML.Search.Runners;

/// <summary>
/// The worker side of <see cref="ProcessPoolTrialRunner"/>: an application that runs searches with the process pool
/// calls <see cref="RunIfRequested"/> first thing in <c>Main</c>. When the pool starts the application again as a
/// worker (arguments <c>--plasticity-trial SPEC OUTCOME</c>), the call runs that one trial through
/// <see cref="TrialExecutor.Execute"/>, writes its outcome, and ends the process; otherwise it returns at once and the
/// application runs as usual.
/// </summary>
/// <example>
/// <code>
/// static int Main(string[] args)
/// {
///     TrialWorker.RunIfRequested(args); // a trial worker of a process-pool search ends here
///     ...
/// }
/// </code>
/// </example>
public static class TrialWorker
{
    /// <summary>The first argument of a worker started for a trial: <c>--plasticity-trial SPEC.json OUTCOME.json [--exit-with-parent]</c>.</summary>
    public const string TrialArgument = "--plasticity-trial";

    /// <summary>The argument of the pool's check that the command is a worker; the worker prints <see cref="CheckAnswer"/>.</summary>
    public const string CheckArgument = "--plasticity-trial-check";

    /// <summary>What a worker prints for <see cref="CheckArgument"/> (with the protocol version).</summary>
    public const string CheckAnswer = "plasticity-trial-worker 1";

    /// <summary>Ends the worker when its standard input closes (the pool that started it died).</summary>
    public const string ExitWithParentArgument = "--exit-with-parent";

    /// <summary>Runs the requested trial and exits the process with its exit code; returns when <paramref name="args"/> ask for no trial.</summary>
    public static void RunIfRequested(string[] args)
    {
        if (TryRun(args, out int exitCode)) Environment.Exit(exitCode);
    }

    /// <summary>
    /// Runs the trial <paramref name="args"/> ask for (or answers the pool's check) and returns true with the exit
    /// code the process should end with; returns false when <paramref name="args"/> ask for nothing of the kind.
    /// </summary>
    public static bool TryRun(string[] args, out int exitCode)
    {
        ArgumentNullException.ThrowIfNull(args);
        exitCode = 0;
        if (args.Length == 0) return false;
        if (args[0] == CheckArgument)
        {
            Console.Out.WriteLine(CheckAnswer);
            Console.Out.Flush();
            return true;
        }
        if (args[0] != TrialArgument) return false;
        if (args.Length < 3)
        {
            Console.Error.WriteLine($"usage: {TrialArgument} SPEC.json OUTCOME.json [{ExitWithParentArgument}]");
            exitCode = 2;
            return true;
        }
        using var poolGone = new CancellationTokenSource();
        if (args.Skip(3).Contains(ExitWithParentArgument)) WatchParent(poolGone);
        TrialSpec spec;
        try
        {
            spec = TrialSpec.FromJson(File.ReadAllText(args[1]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"The trial spec {args[1]} cannot be read: {e.Message}");
            exitCode = 2;
            return true;
        }
        TrialOutcome outcome;
        try
        {
            outcome = TrialExecutor.Execute(spec, poolGone.Token);
        }
        catch (OperationCanceledException) when (poolGone.IsCancellationRequested)
        {
            Console.Error.WriteLine("The pool that started this worker is gone; the trial stopped without a result.");
            exitCode = 3;
            return true;
        }
        AtomicFile.WriteAllText(args[2], outcome.ToJson());
        return true;
    }

    /// <summary>
    /// Stops the trial when standard input reaches its end: the pool holds the pipe open while it waits for this worker,
    /// so the end means the pool died. The trial is cancelled (it stops between steps and the process ends normally);
    /// a trial that does not stop within 30 seconds is ended by force. Exiting from this thread while the trial runs in
    /// libtorch would tear the runtime down under native code.
    /// </summary>
    private static void WatchParent(CancellationTokenSource poolGone)
    {
        var thread = new Thread(() =>
        {
            try
            {
                using var input = Console.OpenStandardInput();
                var buffer = new byte[64];
                while (input.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
            }
            poolGone.Cancel();
            Thread.Sleep(TimeSpan.FromSeconds(30));
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            self.Kill();
        })
        { IsBackground = true, Name = "trial-worker-parent-watch" };
        thread.Start();
    }
}
