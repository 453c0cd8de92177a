using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Plasticity.ML.Common;

namespace Plasticity.ML.Orleans.Hosting;

/// <summary>
/// Hosts a silo that runs search trials, in a few lines: <see cref="RunAsync"/> runs one until cancelled (or SIGTERM,
/// Ctrl+C), <see cref="CreateBuilder"/> gives the host builder to add more, and <see cref="RunIfRequested"/> makes any
/// program a silo when started with <see cref="Arguments"/> (how <see cref="Local.LocalTrialCluster"/> starts its silos).
/// </summary>
/// <example>
/// <code>
/// static async Task Main(string[] args)
/// {
///     TrialWorker.RunIfRequested(args); // the silo's trials run in worker processes of this program
///     TrialSilo.RunIfRequested(args);   // a silo started by LocalTrialCluster
///     await TrialSilo.RunAsync(new TrialSiloSettings
///     {
///         Clustering = TrialClustering.AdoNet("Npgsql", "Host=db;Database=orleans;Username=orleans;Password=..."),
///         AdvertisedAddress = "10.0.0.5",
///     });
/// }
/// </code>
/// </example>
public static class TrialSilo
{
    /// <summary>The first argument of a program started as a silo: <c>--plasticity-silo SETTINGS-JSON</c>.</summary>
    public const string SiloArgument = "--plasticity-silo";

    /// <summary>What a silo started by <see cref="RunAsync"/> prints on its standard output once it has joined the cluster (then its gateway port).</summary>
    public const string ReadyLine = "plasticity-silo ready";

    /// <summary>A host builder with an Orleans silo that runs trials as <paramref name="settings"/> say (clustering, ports, slots); logs warnings to standard error.</summary>
    public static HostApplicationBuilder CreateBuilder(TrialSiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = settings.Name ?? "plasticity-silo" });
        Quiet(builder.Logging);
        builder.UseOrleans(silo =>
        {
            settings.Clustering.Apply(silo, settings.ClusterId, settings.ServiceId, settings.SiloPort, settings.GatewayPort, settings.AdvertisedAddress);
            if (settings.Name is not null) silo.Configure<SiloOptions>(o => o.SiloName = settings.Name);
            if (settings.ProbeTimeout is TimeSpan probe)
            {
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = probe;
                    o.NumMissedProbesLimit = 2;
                });
            }
            silo.AddPlasticityTrials(settings.Trials);
        });
        return builder;
    }

    /// <summary>
    /// Runs a silo until <paramref name="cancellationToken"/> is cancelled, the process gets SIGTERM or Ctrl+C, or (with
    /// <see cref="TrialSiloSettings.ExitWithParent"/>) its standard input closes; then stops it gracefully (its trials are
    /// stopped and the searches run them elsewhere). Prints <see cref="ReadyLine"/> once the silo has started.
    /// </summary>
    public static async Task RunAsync(TrialSiloSettings settings, CancellationToken cancellationToken = default)
    {
        using var host = CreateBuilder(settings).Build();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        if (settings.ExitWithParent) WatchStandardInput(stop);
        await host.StartAsync(stop.Token).ConfigureAwait(false);
        Console.Out.WriteLine($"{ReadyLine} {settings.GatewayPort}");
        Console.Out.Flush();
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StopAsync(grace.Token).ConfigureAwait(false);
    }

    /// <summary>The arguments that make a program calling <see cref="RunIfRequested"/> run a silo with <paramref name="settings"/>.</summary>
    public static IReadOnlyList<string> Arguments(TrialSiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return [SiloArgument, JsonSerializer.Serialize(settings, PlasticityJson.Options)];
    }

    /// <summary>Runs a silo and exits the process when <paramref name="args"/> ask for one (<see cref="Arguments"/>); returns otherwise.</summary>
    public static void RunIfRequested(string[] args)
    {
        if (TryRun(args, out int exitCode)) Environment.Exit(exitCode);
    }

    /// <summary>Runs the silo <paramref name="args"/> ask for and returns true with the exit code; returns false when they ask for none.</summary>
    public static bool TryRun(string[] args, out int exitCode)
    {
        ArgumentNullException.ThrowIfNull(args);
        exitCode = 0;
        if (args.Length == 0 || args[0] != SiloArgument) return false;
        if (args.Length < 2)
        {
            Console.Error.WriteLine($"usage: {SiloArgument} SETTINGS-JSON");
            exitCode = 2;
            return true;
        }
        TrialSiloSettings settings;
        try
        {
            settings = JsonSerializer.Deserialize<TrialSiloSettings>(args[1], PlasticityJson.Options) ?? throw new JsonException("null settings");
            settings.Validate();
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            Console.Error.WriteLine($"The silo settings cannot be used: {e.Message}");
            exitCode = 2;
            return true;
        }
        try
        {
            RunAsync(settings).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"The silo failed: {e}");
            exitCode = 1;
        }
        return true;
    }

    /// <summary>Messages of <paramref name="level"/> and above on standard error (a silo's standard output carries only <see cref="ReadyLine"/>).</summary>
    internal static void Quiet(ILoggingBuilder logging, LogLevel level = LogLevel.Warning)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o => o.SingleLine = true);
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(level);
    }

    private static void WatchStandardInput(CancellationTokenSource stop)
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
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        })
        { IsBackground = true, Name = "plasticity-silo-parent-watch" };
        thread.Start();
    }
}
