using System.Net;
using Plasticity.ML.Orleans.Silo;

namespace Plasticity.ML.Orleans.Hosting;

/// <summary>Everything a silo that runs search trials needs (see <see cref="TrialSilo"/>); plain data, so it travels on a command line as JSON.</summary>
public sealed record TrialSiloSettings
{
    /// <summary>The cluster's id: silos and searches with the same id form one cluster.</summary>
    public string ClusterId { get; init; } = "plasticity";

    /// <summary>The service's id (stable across deployments of the cluster).</summary>
    public string ServiceId { get; init; } = "plasticity-search";

    /// <summary>The silo's name (for logs and the membership table); null for Orleans' default.</summary>
    public string? Name { get; init; }

    /// <summary>The silo-to-silo port.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>The port clients (searches) connect to.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>ADO.NET clustering: the IP address other machines reach this silo at; null for Orleans' choice (this machine's first address). Localhost clustering always uses loopback.</summary>
    public string? AdvertisedAddress { get; init; }

    /// <summary>How the silos find each other.</summary>
    public TrialClustering Clustering { get; init; } = TrialClustering.Localhost();

    /// <summary>How the silo runs trials.</summary>
    public TrialSiloOptions Trials { get; init; } = new();

    /// <summary>
    /// How long a silo waits for a probe's answer before it counts as missed (two missed probes declare a silo dead); null
    /// for Orleans' default (5 s, three probes). A short time finds a dead silo sooner, and suits a cluster on one machine.
    /// </summary>
    public TimeSpan? ProbeTimeout { get; init; }

    /// <summary>Stop the silo when its standard input closes (the process that started it died).</summary>
    public bool ExitWithParent { get; init; }

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId)) throw new ArgumentException($"{nameof(ClusterId)} must be set.");
        if (string.IsNullOrWhiteSpace(ServiceId)) throw new ArgumentException($"{nameof(ServiceId)} must be set.");
        if (SiloPort is < 1 or > 65535) throw new ArgumentException($"{nameof(SiloPort)} must be a port number; got {SiloPort}.");
        if (GatewayPort is < 1 or > 65535) throw new ArgumentException($"{nameof(GatewayPort)} must be a port number; got {GatewayPort}.");
        if (GatewayPort == SiloPort) throw new ArgumentException($"{nameof(SiloPort)} and {nameof(GatewayPort)} must differ; both are {SiloPort}.");
        if (AdvertisedAddress is not null && !IPAddress.TryParse(AdvertisedAddress, out _)) throw new ArgumentException($"{nameof(AdvertisedAddress)} must be an IP address; got \"{AdvertisedAddress}\".");
        if (ProbeTimeout is TimeSpan probe && probe <= TimeSpan.Zero) throw new ArgumentException($"{nameof(ProbeTimeout)} must be positive; got {probe}.");
        ArgumentNullException.ThrowIfNull(Clustering, nameof(Clustering));
        Clustering.Validate(forClient: false);
        ArgumentNullException.ThrowIfNull(Trials, nameof(Trials));
        Trials.Validate();
    }
}
