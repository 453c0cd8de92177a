using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Plasticity.ML.Orleans.Hosting;

/// <summary>
/// How silos find each other and clients find the silos: Orleans' localhost clustering (every silo on one machine,
/// loopback only: the demo and tests), or ADO.NET clustering over a database the silos and the search can all reach
/// (PostgreSQL, SQL Server, MySQL; several machines). Plain data, so a silo's settings travel on its command line.
/// </summary>
public sealed record TrialClustering
{
    /// <summary>"localhost" or "adonet".</summary>
    public string Kind { get; init; } = LocalhostKind;

    /// <summary>Localhost: the silo-to-silo port of the primary silo, which keeps the membership; null on the primary itself.</summary>
    public int? PrimarySiloPort { get; init; }

    /// <summary>Localhost, for a client: the silos' gateway ports.</summary>
    public IReadOnlyList<int> GatewayPorts { get; init; } = [];

    /// <summary>ADO.NET: the provider's invariant name, such as "Npgsql" (PostgreSQL) or "Microsoft.Data.SqlClient" (SQL Server); the app references that provider's package.</summary>
    public string? Invariant { get; init; }

    /// <summary>ADO.NET: the connection string of the database that holds Orleans' membership table (created with Orleans' SQL scripts).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The kind name of localhost clustering.</summary>
    public const string LocalhostKind = "localhost";

    /// <summary>The kind name of ADO.NET clustering.</summary>
    public const string AdoNetKind = "adonet";

    /// <summary>Localhost clustering with the primary silo at <paramref name="primarySiloPort"/> (null for the primary itself) and, for a client, these gateways.</summary>
    public static TrialClustering Localhost(int? primarySiloPort = null, IReadOnlyList<int>? gatewayPorts = null) =>
        new() { Kind = LocalhostKind, PrimarySiloPort = primarySiloPort, GatewayPorts = gatewayPorts ?? [] };

    /// <summary>ADO.NET clustering over the database of <paramref name="connectionString"/> with the provider <paramref name="invariant"/>.</summary>
    public static TrialClustering AdoNet(string invariant, string connectionString) =>
        new() { Kind = AdoNetKind, Invariant = invariant, ConnectionString = connectionString };

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad field.</summary>
    /// <param name="forClient">True for a client's settings (localhost needs the gateway ports then).</param>
    public void Validate(bool forClient)
    {
        switch (Kind)
        {
            case LocalhostKind:
                if (PrimarySiloPort is int port && (port < 1 || port > 65535)) throw new ArgumentException($"{nameof(PrimarySiloPort)} must be a port number; got {port}.");
                if (forClient && (GatewayPorts is null || GatewayPorts.Count == 0)) throw new ArgumentException($"A localhost client needs the silos' {nameof(GatewayPorts)}.");
                if (GatewayPorts is not null && GatewayPorts.Any(p => p < 1 || p > 65535)) throw new ArgumentException($"{nameof(GatewayPorts)} must be port numbers; got {string.Join(", ", GatewayPorts)}.");
                break;
            case AdoNetKind:
                if (string.IsNullOrWhiteSpace(Invariant)) throw new ArgumentException($"ADO.NET clustering needs the provider's {nameof(Invariant)} name (such as Npgsql or Microsoft.Data.SqlClient).");
                if (string.IsNullOrWhiteSpace(ConnectionString)) throw new ArgumentException($"ADO.NET clustering needs the database's {nameof(ConnectionString)}.");
                break;
            default:
                throw new ArgumentException($"{nameof(Kind)} must be \"{LocalhostKind}\" or \"{AdoNetKind}\"; got \"{Kind}\".");
        }
    }

    internal void Apply(ISiloBuilder silo, string clusterId, string serviceId, int siloPort, int gatewayPort, string? advertisedAddress)
    {
        if (Kind == LocalhostKind)
        {
            var primary = PrimarySiloPort is int p ? new IPEndPoint(IPAddress.Loopback, p) : null;
            silo.UseLocalhostClustering(siloPort, gatewayPort, primary, serviceId, clusterId);
            // Loopback only: a demo cluster on one machine is not reachable from the network.
            silo.Configure<EndpointOptions>(o =>
            {
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, siloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Loopback, gatewayPort);
            });
            return;
        }
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = serviceId;
        });
        silo.Configure<EndpointOptions>(o =>
        {
            o.SiloPort = siloPort;
            o.GatewayPort = gatewayPort;
            if (advertisedAddress is not null) o.AdvertisedIPAddress = IPAddress.Parse(advertisedAddress);
        });
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant!;
            o.ConnectionString = ConnectionString!;
        });
    }

    internal void Apply(IClientBuilder client, string clusterId, string serviceId)
    {
        if (Kind == LocalhostKind)
        {
            client.UseLocalhostClustering([.. GatewayPorts], serviceId, clusterId);
            return;
        }
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = serviceId;
        });
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant!;
            o.ConnectionString = ConnectionString!;
        });
    }
}
