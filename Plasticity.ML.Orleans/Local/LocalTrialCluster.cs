using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Plasticity.ML.Orleans.Hosting;
using Plasticity.ML.Orleans.Runner;
using Plasticity.ML.Orleans.Silo;
using Plasticity.ML.Search.Runners;

namespace Plasticity.ML.Orleans.Local;

/// <summary>
/// A real Orleans cluster on this machine, in one call: <see cref="StartAsync"/> starts N silo processes (the application
/// itself, see <see cref="TrialSilo.RunIfRequested"/>) with Orleans' localhost clustering on free loopback TCP ports,
/// connects a client and an <see cref="OrleansTrialRunner"/> to them, and <see cref="DisposeAsync"/> stops them all.
/// <see cref="Kill"/> kills a silo as a crash would (SIGKILL, with its trial workers), to show that a search survives it.
/// </summary>
/// <remarks>
/// Localhost clustering keeps its membership on the first silo (index 0): kill another one. For several machines, run
/// silos with ADO.NET clustering instead (<see cref="TrialSiloSettings"/>, <see cref="TrialClusterConnection"/>).
/// </remarks>
public sealed class LocalTrialCluster : IAsyncDisposable
{
    private const int ErrorTail = 4000;
    private readonly List<(LocalSilo Silo, Process Process, StringBuilder Errors)> processes = [];
    private TrialClusterConnection? connection;

    private LocalTrialCluster()
    {
    }

    /// <summary>The silos as started (a killed one stays listed).</summary>
    public IReadOnlyList<LocalSilo> Silos => processes.Select(p => p.Silo).ToList();

    /// <summary>The search's connection to the cluster.</summary>
    public TrialClusterConnection Connection => connection ?? throw new InvalidOperationException("The cluster has not started.");

    /// <summary>The trial runner on the cluster (pass it to <c>SearchExperiment.SetRunner</c>).</summary>
    public OrleansTrialRunner Runner => Connection.Runner;

    /// <summary>
    /// Starts the silos (the first, then the others), waits until each says it is ready, and connects the runner. Throws
    /// <see cref="InvalidOperationException"/> with a silo's error output when one exits or does not start in time.
    /// </summary>
    public static async Task<LocalTrialCluster> StartAsync(LocalTrialClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        var settings = options ?? new LocalTrialClusterOptions();
        settings.Validate();
        var command = settings.Command ?? TrialWorkerCommand.CurrentApp();
        var trials = settings.Trials ?? new TrialSiloOptions { Slots = Math.Max(1, Environment.ProcessorCount / settings.Silos) };
        string clusterId = settings.ClusterId ?? $"plasticity-local-{Guid.NewGuid():N}";
        var ports = FreePorts(2 * settings.Silos);
        var cluster = new LocalTrialCluster();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.StartTimeout);
            TrialSiloSettings Silo(int i) => new()
            {
                ClusterId = clusterId,
                ServiceId = clusterId,
                Name = $"silo-{i}",
                SiloPort = ports[2 * i],
                GatewayPort = ports[2 * i + 1],
                Clustering = TrialClustering.Localhost(i == 0 ? null : ports[0]),
                Trials = trials,
                ProbeTimeout = TimeSpan.FromSeconds(1), // one machine: a killed silo is found dead in seconds
                ExitWithParent = true,
            };
            // The primary first: the others join through it.
            await cluster.StartSiloAsync(command, 0, Silo(0), settings.Environment, timeout.Token).ConfigureAwait(false);
            await Task.WhenAll(Enumerable.Range(1, settings.Silos - 1).Select(i => cluster.StartSiloAsync(command, i, Silo(i), settings.Environment, timeout.Token))).ConfigureAwait(false);
            cluster.connection = await TrialClusterConnection.ConnectAsync(
                new TrialClientSettings { ClusterId = clusterId, ServiceId = clusterId, Clustering = TrialClustering.Localhost(gatewayPorts: [.. Enumerable.Range(0, settings.Silos).Select(i => ports[2 * i + 1])]) },
                settings.Runner with { MinSilos = settings.Silos, ConnectTimeout = settings.StartTimeout },
                cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            string errors = cluster.ErrorOutput();
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"The local cluster's silos did not start within {settings.StartTimeout.TotalSeconds:F0} s.{errors}");
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills silo <paramref name="index"/> and its trial workers at once (SIGKILL), as a crash would.</summary>
    public void Kill(int index)
    {
        if (index < 0 || index >= processes.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The cluster has silos 0 to {processes.Count - 1}.");
        var process = processes[index].Process;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Whether silo <paramref name="index"/>'s process has ended.</summary>
    public bool HasExited(int index) => processes[index].Process.HasExited;

    /// <summary>Disconnects, then stops every silo: gracefully (its standard input closes), by force after 15 seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
        connection = null;
        foreach (var (_, process, _) in processes)
        {
            try
            {
                if (!process.HasExited) process.StandardInput.Close();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
            }
        }
        foreach (var (_, process, _) in processes)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                }
                catch (InvalidOperationException)
                {
                }
            }
            process.Dispose();
        }
        processes.Clear();
    }

    private async Task StartSiloAsync(TrialWorkerCommand command, int index, TrialSiloSettings settings, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Arguments.Concat(TrialSilo.Arguments(settings))) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var errors = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"The silo program `{command}` did not start.");
        lock (processes) processes.Add((new LocalSilo(index, process.Id, settings.SiloPort, settings.GatewayPort), process, errors));
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith(TrialSilo.ReadyLine, StringComparison.Ordinal) == true) ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errors)
            {
                errors.AppendLine(e.Data);
                if (errors.Length > ErrorTail) errors.Remove(0, errors.Length - ErrorTail);
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"Silo {index} (`{command} {TrialSilo.SiloArgument} ...`) exited with code {SafeExitCode(process)} before it was ready.{Tail(errors)}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private string ErrorOutput() => string.Concat(processes.Select(p => Tail(p.Errors) is { Length: > 0 } tail ? $"\nSilo {p.Silo.Index}:{tail}" : ""));

    private static string Tail(StringBuilder errors)
    {
        lock (errors)
        {
            string text = errors.ToString().Trim();
            return text.Length == 0 ? "" : $" Its error output ends: {text}";
        }
    }

    private static string SafeExitCode(Process process)
    {
        try
        {
            process.WaitForExit();
            return process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    /// <summary>Free loopback TCP ports, held together while chosen so they differ.</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var listener in listeners) listener.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}
