using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Plasticity.ML.Orleans.Messages;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Trials;

namespace Plasticity.ML.Orleans.Silo;

/// <summary>
/// The trials running on this silo: the attempt grains start, wait for and cancel them here. A trial runs on the silo's
/// local trial runner (worker processes or dedicated threads, see <see cref="TrialExecution"/>), never on the Orleans
/// scheduler, at most <see cref="TrialSiloOptions.Slots"/> at once. Before it starts a trial the silo checks that it can
/// read the trial's window stream and reach its checkpoint folder, and refuses the trial when it cannot (the search then
/// tries another silo). An attempt nobody asks about for <see cref="TrialSiloOptions.LeaseTimeout"/> is stopped; every
/// trial is stopped when the silo shuts down. Registered by <see cref="Hosting.SiloBuilderExtensions.AddPlasticityTrials"/>;
/// its counters serve monitoring and tests.
/// </summary>
public sealed partial class TrialSiloService : IDisposable
{
    private readonly TrialSiloOptions options;
    private readonly Lazy<ITrialRunner> runner;
    private readonly ConcurrentDictionary<Guid, Attempt> attempts = new();
    private readonly Timer sweeper;
    private readonly ILogger logger;
    private readonly CancellationTokenRegistration stopping;
    private readonly string silo;
    private volatile bool shuttingDown;
    private long started, completed, stopped, refused;

    /// <summary>Creates the service of a silo (the silo's dependency injection does this).</summary>
    public TrialSiloService(TrialSiloOptions options, ILocalSiloDetails localSilo, IHostApplicationLifetime lifetime, ILogger<TrialSiloService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(localSilo);
        ArgumentNullException.ThrowIfNull(lifetime);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        this.options = options;
        this.logger = logger;
        silo = localSilo.SiloAddress.ToParsableString();
        runner = new Lazy<ITrialRunner>(CreateRunner, LazyThreadSafetyMode.ExecutionAndPublication);
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(250).Ticks, options.LeaseTimeout.Ticks / 4));
        sweeper = new Timer(_ => Sweep(), null, period, period);
        stopping = lifetime.ApplicationStopping.Register(() => StopAll("the silo is shutting down"));
    }

    /// <summary>This silo's offer: address, slots, execution mode, and the trials running now.</summary>
    public TrialSiloInfo Info => new()
    {
        Silo = silo,
        Slots = options.Slots,
        Cores = Environment.ProcessorCount,
        Machine = Environment.MachineName,
        ProcessId = Environment.ProcessId,
        Execution = options.Execution == TrialExecution.Threads ? "threads" : "processes",
        Running = Running,
    };

    /// <summary>Trials running (or waiting for a slot) on this silo now.</summary>
    public int Running => attempts.Values.Count(a => !a.Done.Task.IsCompleted);

    /// <summary>The names of the trials running on this silo now.</summary>
    public IReadOnlyList<string> RunningTrials => attempts.Values.Where(a => !a.Done.Task.IsCompleted).Select(a => a.Spec.Name).Order(StringComparer.Ordinal).ToList();

    /// <summary>Attempts this silo started.</summary>
    public long Started => Interlocked.Read(ref started);

    /// <summary>Attempts that ended with an outcome (completed or failed by themselves).</summary>
    public long Completed => Interlocked.Read(ref completed);

    /// <summary>Attempts stopped before their end (cancelled by the search, lease run out, silo shutting down).</summary>
    public long Stopped => Interlocked.Read(ref stopped);

    /// <summary>Attempts this silo refused (it cannot reach their data or checkpoint folder, or its workers do not start).</summary>
    public long Refused => Interlocked.Read(ref refused);

    internal async Task<TrialAttemptReport> StartAsync(TrialWork work)
    {
        if (attempts.TryGetValue(work.Attempt, out var existing)) return Report(existing.Touch());
        if (shuttingDown) return new TrialAttemptReport { State = TrialAttemptState.Stopped, Error = "the silo is shutting down", Silo = silo };
        TrialSpec spec;
        try
        {
            spec = TrialSpec.FromJson(work.Spec);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            return Refuse($"this silo cannot read the trial spec (does it run another version of Plasticity.ML?): {e.Message}");
        }
        // Reading the data may take a while (a file on a shared folder, its SHA-256): off the grain's scheduler.
        string? problem = await Task.Run(() => Unreachable(spec)).ConfigureAwait(true);
        if (problem is not null) return Refuse(problem);
        ITrialRunner local;
        try
        {
            local = runner.Value;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return Refuse($"this silo cannot start trial workers: {e.Message}");
        }
        var attempt = new Attempt(work, spec);
        if (!attempts.TryAdd(work.Attempt, attempt)) return Report(attempts[work.Attempt].Touch());
        Interlocked.Increment(ref started);
        LogStarted(logger, spec.Name, work.Number, work.Coordinator ?? "?");
        // The trial's own task: the local runner starts it on a thread or process of its own, never on this grain's scheduler.
        _ = Task.Run(() => RunAsync(attempt, local));
        return Report(attempt);
    }

    internal async Task<TrialAttemptReport> WaitAsync(Guid id, TimeSpan longest)
    {
        if (!attempts.TryGetValue(id, out var attempt)) return Unknown();
        attempt.Touch();
        if (!attempt.Done.Task.IsCompleted) await Task.WhenAny(attempt.Done.Task, Task.Delay(Clamp(longest))).ConfigureAwait(true);
        return Report(attempt.Touch());
    }

    internal async Task<TrialAttemptReport> CancelAsync(Guid id, TimeSpan longest)
    {
        if (!attempts.TryGetValue(id, out var attempt)) return Unknown();
        attempt.Touch().Stop("cancelled by the search");
        if (!attempt.Done.Task.IsCompleted) await Task.WhenAny(attempt.Done.Task, Task.Delay(Clamp(longest))).ConfigureAwait(true);
        return Report(attempt);
    }

    /// <summary>Stops every trial of this silo.</summary>
    public void Dispose()
    {
        StopAll("the silo is shutting down");
        stopping.Dispose();
        sweeper.Dispose();
    }

    private async Task RunAsync(Attempt attempt, ITrialRunner local)
    {
        try
        {
            var outcome = await local.RunAsync(attempt.Spec, attempt.Cancel.Token).ConfigureAwait(false);
            Interlocked.Increment(ref completed);
            attempt.Finish(new TrialAttemptReport { State = TrialAttemptState.Completed, Outcome = outcome.ToJson(), Silo = silo });
            LogFinished(logger, attempt.Spec.Name, outcome.Status.ToString(), outcome.Seconds);
        }
        catch (OperationCanceledException) when (attempt.Cancel.IsCancellationRequested)
        {
            Interlocked.Increment(ref stopped);
            attempt.Finish(new TrialAttemptReport { State = TrialAttemptState.Stopped, Error = attempt.StopReason ?? "stopped", Silo = silo });
            LogStopped(logger, attempt.Spec.Name, attempt.StopReason ?? "stopped");
        }
        catch (Exception e)
        {
            // The local runner itself cannot work (a worker program that does not answer, ...): not the trial's failure.
            Interlocked.Increment(ref refused);
            attempt.Finish(new TrialAttemptReport { State = TrialAttemptState.Refused, Error = $"silo {silo} ({Environment.MachineName}): this silo's trial runner cannot work: {e.GetType().Name}: {e.Message}", Silo = silo });
        }
    }

    /// <summary>Why this silo cannot run <paramref name="spec"/>, or null: the window stream must open here and the checkpoint folder's parent must exist here.</summary>
    private string? Unreachable(TrialSpec spec)
    {
        string where = $"silo {silo} ({Environment.MachineName})";
        if (spec.Data is null) return null; // the trial's own error: it fails by itself
        try
        {
            spec.Data.Open(spec.Windows > 0 ? spec.Windows : null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException)
        {
            return $"{where} cannot read the window stream {spec.Data.Location}: {e.Message} (every silo must reach the data: the embedded stream, or a file on a folder shared at the same path)";
        }
        catch (ArgumentException)
        {
            return null; // a bad reference is the trial's own error: it fails by itself with the message
        }
        foreach (var folder in new[] { spec.CheckpointFolder is null ? null : Path.GetDirectoryName(Path.GetFullPath(spec.CheckpointFolder)), spec.ResumeFrom is null ? null : Path.GetDirectoryName(Path.GetFullPath(spec.ResumeFrom)) })
        {
            if (folder is not null && !Directory.Exists(folder))
                return $"{where} cannot reach the folder {folder} of the trial's checkpoints (is the search's folder shared at the same path on this machine?)";
        }
        return null;
    }

    private TrialAttemptReport Refuse(string error)
    {
        Interlocked.Increment(ref refused);
        LogRefused(logger, error);
        return new TrialAttemptReport { State = TrialAttemptState.Refused, Error = error, Silo = silo };
    }

    private TrialAttemptReport Unknown() => new() { State = TrialAttemptState.Unknown, Error = $"silo {silo} runs no such attempt", Silo = silo };

    private TrialAttemptReport Report(Attempt attempt) => attempt.Done.Task.IsCompleted ? attempt.Done.Task.Result : new TrialAttemptReport { State = TrialAttemptState.Running, Silo = silo };

    private ITrialRunner CreateRunner() => options.Execution == TrialExecution.Threads
        ? new InProcessTrialRunner(options.Slots)
        : new ProcessPoolTrialRunner(new ProcessPoolOptions { MaxWorkers = options.Slots, WorkerCommand = options.WorkerCommand, WorkFolder = options.WorkFolder });

    private void Sweep()
    {
        long now = Environment.TickCount64;
        long lease = (long)options.LeaseTimeout.TotalMilliseconds;
        foreach (var (id, attempt) in attempts)
        {
            if (now - attempt.LastContact <= lease) continue;
            if (!attempt.Done.Task.IsCompleted) attempt.Stop($"no search asked about it for {options.LeaseTimeout.TotalSeconds:F0} s (the search is gone)");
            else attempts.TryRemove(id, out _);
        }
    }

    private void StopAll(string reason)
    {
        shuttingDown = true;
        foreach (var attempt in attempts.Values) attempt.Stop(reason);
    }

    private TimeSpan Clamp(TimeSpan longest) => longest < TimeSpan.Zero ? TimeSpan.Zero : longest > options.StopTimeout + options.LeaseTimeout ? options.StopTimeout + options.LeaseTimeout : longest;

    [LoggerMessage(Level = LogLevel.Information, Message = "Trial {Trial} started (attempt {Number}, from {Coordinator}).")]
    private static partial void LogStarted(ILogger logger, string trial, int number, string coordinator);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trial {Trial} ended: {Status} in {Seconds:F1} s.")]
    private static partial void LogFinished(ILogger logger, string trial, string status, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trial {Trial} stopped: {Reason}.")]
    private static partial void LogStopped(ILogger logger, string trial, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial refused: {Error}")]
    private static partial void LogRefused(ILogger logger, string error);

    /// <summary>One attempt on this silo: its trial, its cancellation, its end, and when a search last asked about it.</summary>
    private sealed class Attempt(TrialWork work, TrialSpec spec)
    {
        private long lastContact = Environment.TickCount64;
        private string? stopReason;

        public TrialWork Work { get; } = work;

        public TrialSpec Spec { get; } = spec;

        public CancellationTokenSource Cancel { get; } = new();

        public TaskCompletionSource<TrialAttemptReport> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long LastContact => Interlocked.Read(ref lastContact);

        public string? StopReason => Volatile.Read(ref stopReason);

        public Attempt Touch()
        {
            Interlocked.Exchange(ref lastContact, Environment.TickCount64);
            return this;
        }

        public void Stop(string reason)
        {
            if (Done.Task.IsCompleted) return;
            Interlocked.CompareExchange(ref stopReason, reason, null);
            try
            {
                Cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public void Finish(TrialAttemptReport report)
        {
            Done.TrySetResult(report);
            Touch();
        }
    }
}
