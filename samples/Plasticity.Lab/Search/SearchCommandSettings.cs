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
        if (Tuner is not null and not ("random" or "grid" or "cfo" or "asha" or "pbt")) return ValidationResult.Error($"--tuner must be random, grid, cfo, asha or pbt; got {Tuner}.");
        return ValidationResult.Success();
    }
}
