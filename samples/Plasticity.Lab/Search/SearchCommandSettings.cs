using System.ComponentModel;
using Plasticity.Lab.Catalog;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Plasticity.Lab.Search;

/// <summary>Command-line settings of <see cref="SearchCommand"/>.</summary>
public sealed class SearchCommandSettings : CommandSettings
{
    /// <summary>Preset size.</summary>
    [CommandOption("--preset <PRESET>")]
    [Description("smoke (a few tiny trials) or default (at most ~30 minutes on 2 cores).")]
    [DefaultValue(LabPreset.Default)]
    public LabPreset Preset { get; init; } = LabPreset.Default;

    /// <summary>Tuner.</summary>
    [CommandOption("--tuner <TUNER>")]
    [Description("random, grid, cfo, asha or pbt (default: the preset's; asha for default).")]
    public string? Tuner { get; init; }

    /// <summary>Trial budget.</summary>
    [CommandOption("--trials <N>")]
    [Description("Most trials (overrides the preset; a larger number on resume runs more).")]
    public int? Trials { get; init; }

    /// <summary>Time budget.</summary>
    [CommandOption("--seconds <S>")]
    [Description("Most seconds of search (overrides the preset; counted over resumed sessions).")]
    public double? Seconds { get; init; }

    /// <summary>Trials at once.</summary>
    [CommandOption("--parallel <N>")]
    [Description("Trials run at once, each in its own worker process (default: the preset's, 2).")]
    public int? Parallel { get; init; }

    /// <summary>Runner.</summary>
    [CommandOption("--runner <RUNNER>")]
    [Description("process (default: each trial in a worker process) or in-process.")]
    [DefaultValue("process")]
    public string Runner { get; init; } = "process";

    /// <summary>Local cluster size.</summary>
    [CommandOption("--cluster <N>")]
    [Description("Run the trials on an Orleans cluster of N silo processes on this machine (localhost clustering, loopback TCP ports), stopped at the end.")]
    public int? Cluster { get; init; }

    /// <summary>Kill a silo after this many seconds.</summary>
    [CommandOption("--kill-silo-after <S>")]
    [Description("With --cluster N (N >= 2): kill the last silo (SIGKILL, with its trial workers) once S seconds have passed and it runs a trial; its trial runs again on a live silo.")]
    public double? KillSiloAfter { get; init; }

    /// <summary>Trial slots per silo.</summary>
    [CommandOption("--slots <N>")]
    [Description("With --cluster: trials each silo runs at once (default: the cores shared among the silos, at least 1).")]
    public int? Slots { get; init; }

    /// <summary>ADO.NET provider of an existing cluster.</summary>
    [CommandOption("--cluster-db <INVARIANT>")]
    [Description("Run the trials on an existing cluster (silos started with `Plasticity.Lab silo`) found through the ADO.NET membership database of this provider: Npgsql (PostgreSQL) or Microsoft.Data.SqlClient (SQL Server). Needs --cluster-connection.")]
    public string? ClusterDb { get; init; }

    /// <summary>ADO.NET connection string of an existing cluster.</summary>
    [CommandOption("--cluster-connection <STRING>")]
    [Description("The connection string of the cluster's membership database (with --cluster-db).")]
    public string? ClusterConnection { get; init; }

    /// <summary>Cluster id of an existing cluster.</summary>
    [CommandOption("--cluster-id <ID>")]
    [Description("The id of the existing cluster (with --cluster-db; default plasticity).")]
    [DefaultValue("plasticity")]
    public string ClusterId { get; init; } = "plasticity";

    /// <summary>Seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of the trials and the tuner (default 1).")]
    public long? Seed { get; init; }

    /// <summary>Output folder.</summary>
    [CommandOption("--out <DIR>")]
    [Description("Output folder (default: lab-results/search-<preset>). Running again on the same folder resumes the search.")]
    public string? Out { get; init; }

    /// <summary>Start over.</summary>
    [CommandOption("--fresh")]
    [Description("Delete the folder's search and start over instead of resuming it.")]
    public bool Fresh { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Preset == LabPreset.Full) return ValidationResult.Error("The search has the presets smoke and default.");
        if (Trials is <= 0) return ValidationResult.Error($"--trials must be positive; got {Trials}.");
        if (Seconds is double s && !(s > 0)) return ValidationResult.Error($"--seconds must be positive; got {s}.");
        if (Parallel is <= 0) return ValidationResult.Error($"--parallel must be positive; got {Parallel}.");
        if (Runner is not ("process" or "in-process")) return ValidationResult.Error($"--runner must be process or in-process; got {Runner}.");
        if (Cluster is < 1) return ValidationResult.Error($"--cluster must be at least 1; got {Cluster}.");
        if (KillSiloAfter is double k && !(k >= 0)) return ValidationResult.Error($"--kill-silo-after must be a number of seconds, at least 0; got {k}.");
        if (KillSiloAfter is not null && Cluster is not >= 2) return ValidationResult.Error("--kill-silo-after needs --cluster 2 or more (the first silo keeps the membership of a local cluster, so the last one is killed).");
        if (Slots is < 1) return ValidationResult.Error($"--slots must be at least 1; got {Slots}.");
        if (Slots is not null && Cluster is null) return ValidationResult.Error("--slots sets the slots of the silos of --cluster.");
        if (ClusterDb is not null && Cluster is not null) return ValidationResult.Error("--cluster starts a local cluster; --cluster-db connects to an existing one: choose one.");
        if ((ClusterDb is null) != (ClusterConnection is null)) return ValidationResult.Error("--cluster-db and --cluster-connection go together.");
        if ((Cluster is not null || ClusterDb is not null) && Runner != "process") return ValidationResult.Error("--runner does not apply with a cluster: the silos run the trials.");
        if (Tuner is not null and not ("random" or "grid" or "cfo" or "asha" or "pbt")) return ValidationResult.Error($"--tuner must be random, grid, cfo, asha or pbt; got {Tuner}.");
        return ValidationResult.Success();
    }
}
