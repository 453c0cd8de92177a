using System.ComponentModel;
using System.Net;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Plasticity.Lab.Commands;

/// <summary>Command-line settings of <see cref="SiloCommand"/>.</summary>
public sealed class SiloSettings : CommandSettings
{
    /// <summary>ADO.NET provider.</summary>
    [CommandOption("--cluster-db <INVARIANT>")]
    [Description("The ADO.NET provider of the cluster's membership database: Npgsql (PostgreSQL) or Microsoft.Data.SqlClient (SQL Server). Without it: localhost clustering (one machine).")]
    public string? ClusterDb { get; init; }

    /// <summary>ADO.NET connection string.</summary>
    [CommandOption("--cluster-connection <STRING>")]
    [Description("The connection string of the membership database (with --cluster-db).")]
    public string? ClusterConnection { get; init; }

    /// <summary>Cluster id.</summary>
    [CommandOption("--cluster-id <ID>")]
    [Description("The cluster's id: silos and searches with the same id form one cluster (default plasticity).")]
    [DefaultValue("plasticity")]
    public string ClusterId { get; init; } = "plasticity";

    /// <summary>Silo port.</summary>
    [CommandOption("--silo-port <PORT>")]
    [Description("The silo-to-silo TCP port (default 11111).")]
    [DefaultValue(11111)]
    public int SiloPort { get; init; } = 11111;

    /// <summary>Gateway port.</summary>
    [CommandOption("--gateway-port <PORT>")]
    [Description("The TCP port searches connect to (default 30000).")]
    [DefaultValue(30000)]
    public int GatewayPort { get; init; } = 30000;

    /// <summary>Advertised address.</summary>
    [CommandOption("--advertise <IP>")]
    [Description("With --cluster-db: the IP address the other machines reach this silo at (default: Orleans' choice, this machine's first address).")]
    public string? Advertise { get; init; }

    /// <summary>Primary silo port (localhost clustering).</summary>
    [CommandOption("--primary-port <PORT>")]
    [Description("Localhost clustering: the silo port of the first silo (omit on the first silo itself).")]
    public int? PrimaryPort { get; init; }

    /// <summary>Slots.</summary>
    [CommandOption("--slots <N>")]
    [Description("Trials this silo runs at once (default: one per core).")]
    public int? Slots { get; init; }

    /// <summary>Threads instead of worker processes.</summary>
    [CommandOption("--threads")]
    [Description("Run trials on threads of the silo instead of a worker process each (less start-up, less isolation).")]
    public bool Threads { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if ((ClusterDb is null) != (ClusterConnection is null)) return ValidationResult.Error("--cluster-db and --cluster-connection go together.");
        if (ClusterDb is not null && PrimaryPort is not null) return ValidationResult.Error("--primary-port is for localhost clustering; with --cluster-db the database keeps the membership.");
        if (Advertise is not null && !IPAddress.TryParse(Advertise, out _)) return ValidationResult.Error($"--advertise must be an IP address; got {Advertise}.");
        if (Slots is < 1) return ValidationResult.Error($"--slots must be at least 1; got {Slots}.");
        return ValidationResult.Success();
    }
}
