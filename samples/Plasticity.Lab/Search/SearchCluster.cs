using System.Collections.Concurrent;
using Plasticity.ML.Orleans.Hosting;
using Plasticity.ML.Orleans.Local;
using Plasticity.ML.Orleans.Runner;
using Plasticity.ML.Orleans.Silo;
using Plasticity.ML.Search.Runners;
using Spectre.Console;

namespace Plasticity.Lab.Search;

/// <summary>
/// The Orleans cluster a lab search runs its trials on: N silo processes of the lab on this machine (<c>--cluster N</c>,
/// stopped at the end; <c>--kill-silo-after S</c> kills the last one mid-trial), or an existing cluster found through its
/// ADO.NET membership database (<c>--cluster-db</c>). Prints the trials lost with a silo and the silos that refuse trials.
/// </summary>
internal sealed class SearchCluster : IAsyncDisposable
{
    private readonly LocalTrialCluster? local;
    private readonly TrialClusterConnection? remote;
    private readonly IAnsiConsole console;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> running = new();
    private readonly CancellationTokenSource stop = new();
    private Task? killer;

    private SearchCluster(LocalTrialCluster? local, TrialClusterConnection? remote, IAnsiConsole console)
    {
        this.local = local;
        this.remote = remote;
        this.console = console;
        Runner.AttemptStarted += (_, e) => running.GetOrAdd(e.Silo, _ => new()).TryAdd(e.Trial, 0);
        Runner.AttemptFinished += (_, e) => Ended(e);
        Runner.AttemptLost += (_, e) =>
        {
            Ended(e);
            console.MarkupLineInterpolated($"[yellow]trial {e.Trial} was lost with silo {e.Silo} ({e.Reason}); it runs again on a live silo[/]");
        };
        Runner.AttemptRefused += (_, e) => console.MarkupLineInterpolated($"[yellow]silo {e.Silo} refused trial {e.Trial}: {e.Reason}[/]");
    }

    /// <summary>The trial runner on the cluster.</summary>
    public OrleansTrialRunner Runner => local?.Runner ?? remote!.Runner;

    /// <summary>Starts or connects to the cluster the settings ask for; null when they ask for none.</summary>
    public static async Task<SearchCluster?> StartAsync(SearchCommandSettings settings, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (settings.Cluster is int silos)
        {
            console.MarkupLineInterpolated($"Starting a local Orleans cluster of {silos} silo processes (localhost clustering, loopback TCP)...");
            var cluster = await LocalTrialCluster.StartAsync(new LocalTrialClusterOptions
            {
                Silos = silos,
                Command = TrialWorkerCommand.ForAssembly(typeof(LabApp).Assembly),
                Trials = settings.Slots is int slots ? new TrialSiloOptions { Slots = slots } : null,
            }, cancellationToken).ConfigureAwait(false);
            var search = new SearchCluster(cluster, null, console);
            search.Describe();
            if (settings.KillSiloAfter is double seconds) search.killer = Task.Run(() => search.KillLastSiloAsync(TimeSpan.FromSeconds(seconds)));
            return search;
        }
        if (settings.ClusterDb is string invariant)
        {
            console.MarkupLineInterpolated($"Connecting to the Orleans cluster '{settings.ClusterId}' through its {invariant} membership database...");
            var connection = await TrialClusterConnection.ConnectAsync(new TrialClientSettings
            {
                ClusterId = settings.ClusterId,
                Clustering = TrialClustering.AdoNet(invariant, settings.ClusterConnection!),
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            var search = new SearchCluster(null, connection, console);
            search.Describe();
            return search;
        }
        return null;
    }

    /// <summary>Stops the silo killer, then the cluster (local silos are stopped; an existing cluster is only disconnected).</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        if (killer is not null) await killer.ConfigureAwait(false);
        if (local is not null) await local.DisposeAsync().ConfigureAwait(false);
        if (remote is not null) await remote.DisposeAsync().ConfigureAwait(false);
    }

    private void Describe()
    {
        var silos = Runner.Silos;
        console.MarkupLineInterpolated($"Cluster: {silos.Count} silo(s), {Runner.Capacity} trial slot(s): {string.Join("; ", silos.Select(s => s.ToString()))}");
    }

    private void Ended(Plasticity.ML.Orleans.Runner.TrialAttemptEventArgs e)
    {
        if (running.TryGetValue(e.Silo, out var trials)) trials.TryRemove(e.Trial, out _);
    }

    /// <summary>After <paramref name="delay"/>, kills the last silo as soon as it runs a trial.</summary>
    private async Task KillLastSiloAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, stop.Token).ConfigureAwait(false);
            var victim = local!.Silos[^1];
            string port = $":{victim.SiloPort}@";
            while (true)
            {
                var trials = running.Where(r => r.Key.Contains(port, StringComparison.Ordinal)).SelectMany(r => r.Value.Keys).ToList();
                if (trials.Count > 0)
                {
                    local.Kill(victim.Index);
                    console.MarkupLineInterpolated($"[yellow]Killed silo {victim.Index} (pid {victim.ProcessId}, SIGKILL) while it ran trial {string.Join(", ", trials)}; the search goes on without it.[/]");
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(50), stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            console.MarkupLine("[grey]The search ended before the silo to kill ran a trial; no silo was killed.[/]");
        }
    }
}
