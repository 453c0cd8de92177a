using Plasticity.ML.Orleans.Hosting;
using Plasticity.ML.Orleans.Silo;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Plasticity.Lab.Commands;

/// <summary>
/// <c>Plasticity.Lab silo</c>: runs an Orleans silo that runs search trials for <c>Plasticity.Lab search --cluster-db</c>
/// (or any search with an <c>OrleansTrialRunner</c>), until Ctrl+C or SIGTERM. One per machine, with ADO.NET clustering.
/// </summary>
public sealed class SiloCommand(IAnsiConsole console) : AsyncCommand<SiloSettings>
{
    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, SiloSettings settings, CancellationToken cancellationToken)
    {
        var silo = new TrialSiloSettings
        {
            ClusterId = settings.ClusterId,
            SiloPort = settings.SiloPort,
            GatewayPort = settings.GatewayPort,
            AdvertisedAddress = settings.Advertise,
            Clustering = settings.ClusterDb is string invariant
                ? TrialClustering.AdoNet(invariant, settings.ClusterConnection!)
                : TrialClustering.Localhost(settings.PrimaryPort),
            Trials = new TrialSiloOptions
            {
                Slots = settings.Slots ?? Environment.ProcessorCount,
                Execution = settings.Threads ? TrialExecution.Threads : TrialExecution.Processes,
            },
        };
        console.MarkupLineInterpolated($"Silo of cluster '{silo.ClusterId}': silo port {silo.SiloPort}, gateway port {silo.GatewayPort}, {silo.Clustering.Kind} clustering, {silo.Trials.Slots} trial slot(s) ({silo.Trials.Execution}). Ctrl+C stops it; its trials then run elsewhere.");
        await TrialSilo.RunAsync(silo, cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
