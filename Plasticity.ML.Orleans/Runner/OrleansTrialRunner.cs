using System.Diagnostics;
using System.Text.Json;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Plasticity.ML.Orleans.Grains;
using Plasticity.ML.Orleans.Messages;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Trials;

namespace Plasticity.ML.Orleans.Runner;

/// <summary>
/// Runs a search's trials on an Orleans cluster: the search (this process, a cluster client) proposes trials; each goes,
/// as its spec's JSON, to an attempt grain placed on a silo with a free slot; the silo runs it off the grain scheduler
/// (worker processes or dedicated threads) and returns its outcome. Each silo offers its slots (one per core by default);
/// <see cref="Capacity"/> is their total, kept current as silos join and leave.
/// </summary>
/// <remarks>
/// <para>It keeps <see cref="ITrialRunner"/>'s contract. A trial that fails by itself (an exception, a NaN) comes back as a
/// failed outcome and is never retried. A trial whose silo dies (it leaves the cluster's membership, stops the trial while
/// shutting down, forgets it, or leaves calls about it unanswered for <see cref="OrleansTrialRunnerOptions.UnreachableTimeout"/>)
/// is lost: it runs again on a live silo, from scratch (its checkpoint folder is rewritten), up to
/// <see cref="OrleansTrialRunnerOptions.MaxAttempts"/> placements; only the attempt that ends is returned, so nothing is
/// counted twice. A silo that cannot read the trial's window stream or reach its checkpoint folder refuses it (an
/// infrastructure error, not the trial's): the trial goes to another silo, and when no silo can run it the runner throws
/// <see cref="InvalidOperationException"/> (the search stops; the trial stays pending). Cancelling stops the trial on its
/// silo (the runner waits for the silo to confirm) and throws <see cref="OperationCanceledException"/>.</para>
/// <para>Data: every silo must be able to read the search's windows (the embedded stream is rebuilt on each silo; a
/// window-stream file must lie on a folder shared at the same path, and its SHA-256 is checked) and reach the search's
/// folder (checkpoints) at the same path.</para>
/// </remarks>
public sealed class OrleansTrialRunner : ITrialRunner, IAsyncDisposable
{
    private readonly IClusterClient client;
    private readonly OrleansTrialRunnerOptions options;
    private readonly Lock gate = new();
    private readonly Dictionary<string, SiloSlots> silos = [];
    private readonly Dictionary<string, string> refusals = [];
    private readonly HashSet<string> withoutTrials = [];
    private readonly CancellationTokenSource disposing = new();
    private readonly string coordinator = $"{Environment.MachineName}/{Environment.ProcessId}";
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long lastContact = Environment.TickCount64;
    private string? lastError;
    private Task? refreshLoop;
    private int order;

    private OrleansTrialRunner(IClusterClient client, OrleansTrialRunnerOptions options)
    {
        this.client = client;
        this.options = options;
    }

    /// <summary>
    /// Connects to the cluster of <paramref name="client"/> (a started Orleans client): waits until
    /// <see cref="OrleansTrialRunnerOptions.MinSilos"/> silos offer trial slots, then keeps the view of the cluster current
    /// until disposed. Throws <see cref="InvalidOperationException"/> naming what it found when the silos do not come in
    /// <see cref="OrleansTrialRunnerOptions.ConnectTimeout"/>, and <see cref="ArgumentException"/> for bad options.
    /// </summary>
    public static async Task<OrleansTrialRunner> ConnectAsync(IClusterClient client, OrleansTrialRunnerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var settings = options ?? new OrleansTrialRunnerOptions();
        settings.Validate();
        var runner = new OrleansTrialRunner(client, settings);
        try
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                await runner.RefreshAsync(cancellationToken).ConfigureAwait(false);
                int count = runner.Silos.Count;
                if (count >= settings.MinSilos) break;
                if (clock.Elapsed > settings.ConnectTimeout)
                    throw new InvalidOperationException(
                        $"After {settings.ConnectTimeout.TotalSeconds:F0} s the cluster has {count} silo(s) that run trials; {settings.MinSilos} were asked for" +
                        (runner.lastError is null ? "." : $" (last error: {runner.lastError})") +
                        " Silos run trials when they are built with AddPlasticityTrials (TrialSilo does it).");
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            }
            runner.refreshLoop = Task.Run(() => runner.RefreshLoopAsync(runner.disposing.Token), CancellationToken.None);
            return runner;
        }
        catch
        {
            await runner.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The trials the cluster runs at once: <see cref="OrleansTrialRunnerOptions.Capacity"/>, or the slots of its live silos (at least 1).</summary>
    public int Capacity
    {
        get
        {
            if (options.Capacity is int fixedCapacity) return fixedCapacity;
            lock (gate) return Math.Max(1, silos.Values.Where(s => !refusals.ContainsKey(s.Key)).Sum(s => s.Info.Slots));
        }
    }

    /// <summary>The silos that run trials now, as they described themselves.</summary>
    public IReadOnlyList<TrialSiloInfo> Silos
    {
        get
        {
            lock (gate) return silos.Values.OrderBy(s => s.Order).Select(s => s.Info).ToList();
        }
    }

    /// <summary>Raised when an attempt at a trial started on a silo (on the runner's thread; keep handlers short).</summary>
    public event EventHandler<TrialAttemptEventArgs>? AttemptStarted;

    /// <summary>Raised when an attempt ended with the trial's outcome (completed or failed by itself).</summary>
    public event EventHandler<TrialAttemptEventArgs>? AttemptFinished;

    /// <summary>Raised when an attempt was lost with its silo; the trial runs again elsewhere, or fails after <see cref="OrleansTrialRunnerOptions.MaxAttempts"/>.</summary>
    public event EventHandler<TrialAttemptEventArgs>? AttemptLost;

    /// <summary>Raised when a silo refused a trial (it cannot reach the data or the checkpoint folder); the runner uses that silo no more.</summary>
    public event EventHandler<TrialAttemptEventArgs>? AttemptRefused;

    /// <inheritdoc />
    public async Task<TrialOutcome> RunAsync(TrialSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ObjectDisposedException.ThrowIf(disposing.IsCancellationRequested, this);
        cancellationToken.ThrowIfCancellationRequested();
        // The silos check that the checkpoint folder's parent exists where they run (a shared folder); it is made here.
        if (spec.CheckpointFolder is not null) Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(spec.CheckpointFolder))!);
        string json = spec.ToJson();
        var clock = Stopwatch.StartNew();
        var losses = new List<string>();
        int number = 1;
        while (true)
        {
            var slot = await AcquireAsync(cancellationToken).ConfigureAwait(false);
            Result result;
            try
            {
                result = await RunAttemptAsync(slot, spec, json, number, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Release(slot);
            }
            switch (result.Kind)
            {
                case ResultKind.Completed:
                    AttemptFinished?.Invoke(this, new TrialAttemptEventArgs(spec.Name, number, slot.Key));
                    return result.Outcome!;
                case ResultKind.Refused:
                    lock (gate) refusals.TryAdd(slot.Key, result.Reason!);
                    AttemptRefused?.Invoke(this, new TrialAttemptEventArgs(spec.Name, number, slot.Key, result.Reason));
                    Pulse();
                    break;
                case ResultKind.Draining:
                    // The silo is shutting down: nothing ran there; it takes no more trials, and this one goes elsewhere.
                    Suspend(slot);
                    break;
                case ResultKind.Misplaced:
                    // The silo went away between the choice and the start: nothing ran; choose again once the view is fresh.
                    await Task.Delay(options.RefreshInterval, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    // A silo that just lost a trial is dying or cut off: the trial runs again on another one.
                    Suspend(slot);
                    losses.Add($"attempt {number} on silo {slot.Key}: {result.Reason}");
                    AttemptLost?.Invoke(this, new TrialAttemptEventArgs(spec.Name, number, slot.Key, result.Reason));
                    if (losses.Count >= options.MaxAttempts)
                        return TrialExecutor.Failed(spec,
                            $"The trial was lost with its silo {losses.Count} time(s) and is not run again ({nameof(OrleansTrialRunnerOptions)}.{nameof(OrleansTrialRunnerOptions.MaxAttempts)} = {options.MaxAttempts}): {string.Join("; ", losses)}",
                            clock.Elapsed.TotalSeconds);
                    number++;
                    break;
            }
        }
    }

    /// <summary>Reads the cluster's membership now and asks new silos what they offer (the runner also does this every <see cref="OrleansTrialRunnerOptions.RefreshInterval"/>).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        Dictionary<SiloAddress, SiloStatus> hosts;
        try
        {
            hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(options.CallTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            lastError = $"{e.GetType().Name}: {e.Message}";
            return;
        }
        Interlocked.Exchange(ref lastContact, Environment.TickCount64);
        var active = hosts.Where(h => h.Value == SiloStatus.Active).ToDictionary(h => h.Key.ToParsableString(), h => h.Key);
        List<SiloAddress> unknown;
        bool removed = false;
        lock (gate)
        {
            foreach (var key in silos.Keys.Where(k => !active.ContainsKey(k)).ToList())
            {
                silos.Remove(key, out var gone);
                gone!.Gone.Cancel();
                removed = true;
            }
            unknown = active.Where(a => !silos.ContainsKey(a.Key) && !withoutTrials.Contains(a.Key)).Select(a => a.Value).ToList();
        }
        if (removed) Pulse();
        foreach (var address in unknown)
        {
            TrialSiloInfo info;
            try
            {
                info = await OnSilo(address, () => client.GetGrain<ITrialSiloGrain>(address.ToParsableString()).GetInfoAsync()).WaitAsync(options.CallTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                lastError = $"silo {address}: {e.GetType().Name}: {e.Message}";
                continue; // not ready yet: asked again at the next refresh
            }
            string key = address.ToParsableString();
            lock (gate)
            {
                if (info.Silo != key) withoutTrials.Add(key); // the hint was not honoured: that silo hosts no trial grains
                else if (info.Slots > 0) silos.TryAdd(key, new SiloSlots(address, key, info, order++));
            }
        }
        if (unknown.Count > 0) Pulse();
    }

    /// <summary>Stops reading the cluster's membership. Trials still running are not stopped (cancel them through the search).</summary>
    public async ValueTask DisposeAsync()
    {
        if (disposing.IsCancellationRequested) return;
        await disposing.CancelAsync().ConfigureAwait(false);
        if (refreshLoop is not null)
        {
            try
            {
                await refreshLoop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        Pulse();
    }

    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(options.RefreshInterval, cancellationToken).ConfigureAwait(false);
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Result> RunAttemptAsync(SiloSlots slot, TrialSpec spec, string json, int number, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        var grain = client.GetGrain<ITrialAttemptGrain>(id);
        var work = new TrialWork { Attempt = id, Number = number, Spec = json, Coordinator = coordinator };
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, slot.Gone.Token);
        TrialAttemptReport report;
        try
        {
            report = await OnSilo(slot.Address, () => grain.StartAsync(work)).WaitAsync(options.CallTimeout, watch.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CancelAttemptAsync(grain).ConfigureAwait(false);
            throw new OperationCanceledException(cancellationToken);
        }
        catch (Exception e)
        {
            // It may have started before the silo went silent: ask it to stop (best effort; the silo's lease stops it anyway).
            _ = CancelAttemptAsync(grain);
            return slot.Gone.IsCancellationRequested ? Result.Misplaced() : Result.Lost($"the start was not answered ({Describe(e)})");
        }
        if (report.Silo != slot.Key)
        {
            // The placement hint was not honoured (the silo left the cluster meanwhile): stop it wherever it went, choose again.
            _ = CancelAttemptAsync(grain);
            return Result.Misplaced();
        }
        if (report.State == TrialAttemptState.Refused) return Result.Refused(report.Error ?? $"silo {slot.Key} refused the trial");
        if (report.State == TrialAttemptState.Stopped) return Result.Draining();
        AttemptStarted?.Invoke(this, new TrialAttemptEventArgs(spec.Name, number, slot.Key));
        long? failingSince = null;
        while (true)
        {
            switch (report.State)
            {
                case TrialAttemptState.Completed:
                    return Result.Completed(Read(spec, report, slot));
                case TrialAttemptState.Refused:
                    return Result.Refused(report.Error ?? $"silo {slot.Key} refused the trial");
                case TrialAttemptState.Unknown:
                    return Result.Lost(report.Error ?? "the silo no longer knows the trial (it restarted, or the trial's grain moved)");
                case TrialAttemptState.Stopped:
                    return Result.Lost($"the silo stopped the trial: {report.Error}");
            }
            try
            {
                report = await grain.WaitAsync(options.PollInterval).WaitAsync(options.PollInterval + options.CallTimeout, watch.Token).ConfigureAwait(false);
                failingSince = null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await CancelAttemptAsync(grain).ConfigureAwait(false);
                throw new OperationCanceledException(cancellationToken);
            }
            catch (Exception) when (slot.Gone.IsCancellationRequested)
            {
                return Result.Lost("the silo left the cluster (declared dead by the cluster's membership)");
            }
            catch (Exception e)
            {
                long now = Environment.TickCount64;
                failingSince ??= now;
                if (now - Interlocked.Read(ref lastContact) > (long)options.UnreachableTimeout.TotalMilliseconds)
                    throw new InvalidOperationException($"The search has had no contact with the Orleans cluster for {options.UnreachableTimeout.TotalSeconds:F0} s (last error: {Describe(e)}); it stops, and its trials in flight run again when it resumes.", e);
                if (now - failingSince > (long)options.UnreachableTimeout.TotalMilliseconds)
                {
                    _ = CancelAttemptAsync(grain);
                    return Result.Lost($"the silo left calls about the trial unanswered for {options.UnreachableTimeout.TotalSeconds:F0} s ({Describe(e)})");
                }
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, options.PollInterval.TotalMilliseconds)), watch.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // the silo is gone: the next round says so
                }
            }
        }
    }

    private TrialOutcome Read(TrialSpec spec, TrialAttemptReport report, SiloSlots slot)
    {
        try
        {
            var outcome = TrialOutcome.FromJson(report.Outcome ?? throw new JsonException("the report has no outcome"));
            return outcome with { Worker = $"{outcome.Worker} (silo {slot.Key})" };
        }
        catch (JsonException e)
        {
            return TrialExecutor.Failed(spec, $"Silo {slot.Key} returned an unreadable outcome: {e.Message}", 0);
        }
    }

    private async Task CancelAttemptAsync(ITrialAttemptGrain grain)
    {
        try
        {
            await grain.CancelAsync(options.CancelTimeout).WaitAsync(options.CancelTimeout + options.CallTimeout).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: a silo that cannot be reached stops the attempt itself when its lease runs out.
        }
    }

    private async Task<SiloSlots> AcquireAsync(CancellationToken cancellationToken)
    {
        var waiting = Stopwatch.StartNew();
        while (true)
        {
            Task signal;
            lock (gate)
            {
                var usable = silos.Values.Where(s => !refusals.ContainsKey(s.Key) && !s.Gone.IsCancellationRequested).ToList();
                long now = Environment.TickCount64;
                var free = usable.Where(s => s.Busy < s.Info.Slots && s.SuspendedUntil <= now).OrderBy(s => (double)s.Busy / s.Info.Slots).ThenBy(s => s.Order).FirstOrDefault();
                if (free is not null)
                {
                    free.Busy++;
                    return free;
                }
                if (usable.Count == 0 && refusals.Count > 0 && silos.Keys.All(refusals.ContainsKey))
                    throw new InvalidOperationException($"No silo of the cluster can run this search's trials: {string.Join("; ", refusals.Values)}");
                if (usable.Count == 0 && waiting.Elapsed > options.NoSiloTimeout)
                    throw new InvalidOperationException($"The cluster has had no silo that runs trials for {options.NoSiloTimeout.TotalSeconds:F0} s{(lastError is null ? "" : $" (last error: {lastError})")}.");
                signal = changed.Task;
            }
            if (Environment.TickCount64 - Interlocked.Read(ref lastContact) > (long)options.UnreachableTimeout.TotalMilliseconds)
                throw new InvalidOperationException($"The search has had no contact with the Orleans cluster for {options.UnreachableTimeout.TotalSeconds:F0} s{(lastError is null ? "" : $" (last error: {lastError})")}.");
            ObjectDisposedException.ThrowIf(disposing.IsCancellationRequested, this);
            try
            {
                await signal.WaitAsync(options.RefreshInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    /// <summary>Takes no more trials to <paramref name="slot"/>'s silo for <see cref="OrleansTrialRunnerOptions.UnreachableTimeout"/>, or until the membership drops it.</summary>
    private void Suspend(SiloSlots slot)
    {
        lock (gate) slot.SuspendedUntil = Environment.TickCount64 + (long)options.UnreachableTimeout.TotalMilliseconds;
    }

    private void Release(SiloSlots slot)
    {
        lock (gate) slot.Busy--;
        Pulse();
    }

    private void Pulse()
    {
        TaskCompletionSource old;
        lock (gate)
        {
            old = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        old.TrySetResult();
    }

    /// <summary>Makes the first call of a grain activate it on <paramref name="silo"/> (Orleans' placement hint).</summary>
    private static async Task<T> OnSilo<T>(SiloAddress silo, Func<Task<T>> call)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    private static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message}";

    private enum ResultKind
    {
        Completed,
        Refused,
        Lost,
        Misplaced,
        Draining,
    }

    private sealed record Result(ResultKind Kind, TrialOutcome? Outcome, string? Reason)
    {
        public static Result Completed(TrialOutcome outcome) => new(ResultKind.Completed, outcome, null);

        public static Result Refused(string reason) => new(ResultKind.Refused, null, reason);

        public static Result Lost(string reason) => new(ResultKind.Lost, null, reason);

        public static Result Misplaced() => new(ResultKind.Misplaced, null, null);

        public static Result Draining() => new(ResultKind.Draining, null, null);
    }

    /// <summary>A silo's slots as the runner counts them.</summary>
    private sealed class SiloSlots(SiloAddress address, string key, TrialSiloInfo info, int order)
    {
        public SiloAddress Address { get; } = address;

        public string Key { get; } = key;

        public TrialSiloInfo Info { get; } = info;

        public int Order { get; } = order;

        public int Busy { get; set; }

        /// <summary>Until when (<see cref="Environment.TickCount64"/>) the silo takes no trials: it lost one, or is shutting down.</summary>
        public long SuspendedUntil { get; set; }

        public CancellationTokenSource Gone { get; } = new();
    }
}
