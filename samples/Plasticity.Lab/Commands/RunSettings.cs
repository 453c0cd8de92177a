using System.ComponentModel;
using Plasticity.Lab.Catalog;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Plasticity.Lab.Commands;

/// <summary>Command-line settings of <see cref="RunCommand"/>.</summary>
public sealed class RunSettings : CommandSettings
{
    /// <summary>Experiment name; the flagship "plasticity" when omitted.</summary>
    [CommandArgument(0, "[experiment]")]
    [Description("Experiment to run (see 'list'); default: plasticity.")]
    public string? Experiment { get; init; }

    /// <summary>Preset size.</summary>
    [CommandOption("--preset <PRESET>")]
    [Description("smoke (under a minute), default (minutes to tens of minutes on 2 cores), full (paper-scale, hours) or paper (one figure of the paper in about an hour; interventions only).")]
    [DefaultValue(LabPreset.Default)]
    public LabPreset Preset { get; init; } = LabPreset.Default;

    /// <summary>Seeds per variant.</summary>
    [CommandOption("--seeds <N>")]
    [Description("Seeds per variant (overrides the preset).")]
    public int? Seeds { get; init; }

    /// <summary>Steps per task.</summary>
    [CommandOption("--steps <N>")]
    [Description("Optimizer steps per task (overrides the preset).")]
    public int? Steps { get; init; }

    /// <summary>Number of tasks.</summary>
    [CommandOption("--tasks <N>")]
    [Description("Number of tasks (overrides the preset).")]
    public int? Tasks { get; init; }

    /// <summary>Output folder.</summary>
    [CommandOption("--out <DIR>")]
    [Description("Output folder (default: lab-results/<experiment>-<preset>, or <experiment>-custom with --spec). Re-running on the same folder resumes.")]
    public string? Out { get; init; }

    /// <summary>Data source.</summary>
    [CommandOption("--data <PATH>")]
    [Description("'embedded' (default), 'system' (/usr/share/datasets/fashion-mnist: 70,000 images) or a folder of MNIST-format IDX files.")]
    public string? Data { get; init; }

    /// <summary>Spec file.</summary>
    [CommandOption("--spec <FILE>")]
    [Description("Run the experiment described by this JSON spec (e.g. a spec.json written by an earlier run).")]
    public string? Spec { get; init; }

    /// <summary>Runs side by side.</summary>
    [CommandOption("--parallel <N>")]
    [Description("Runs trained side by side, one thread each (default: one per core).")]
    public int? Parallel { get; init; }

    /// <summary>Ignore stored runs.</summary>
    [CommandOption("--fresh")]
    [Description("Train every run again instead of reusing finished runs stored in the output folder.")]
    public bool Fresh { get; init; }

    /// <summary>Report the finished runs and train nothing.</summary>
    [CommandOption("--report-only")]
    [Description("Train nothing: write the report, plots and summary of the runs already finished in the output folder, as an interim report (for a look at a long experiment while it runs, from another terminal).")]
    public bool ReportOnly { get; init; }

    /// <summary>Reuse stored runs that other code computed.</summary>
    [CommandOption("--reuse-runs-from-other-code")]
    [Description("Reuse finished runs stored in the output folder whose settings match even when another build of the library computed them (by default they are trained again): for an experiment that outlives a code change, or runs trained on another machine and copied into runs/. The report lists the code versions its runs come from.")]
    public bool ReuseRunsFromOtherCode { get; init; }

    /// <summary>What the run is called in the console, its report and its default folder: the preset's name, or
    /// "custom: FILE" for a run of a spec file (whose settings are the file's, whatever the preset says).</summary>
    public string PresetLabel => Spec is null ? Preset.ToString().ToLowerInvariant() : $"custom: {Path.GetFileName(Spec)}";

    /// <summary>The default output folder of <paramref name="experimentName"/>: lab-results/&lt;experiment&gt;-&lt;preset, or custom&gt;.</summary>
    public string DefaultFolder(string experimentName) =>
        Path.Combine("lab-results", $"{experimentName}-{(Spec is null ? Preset.ToString().ToLowerInvariant() : "custom")}");

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Seeds is <= 0) return ValidationResult.Error($"--seeds must be positive; got {Seeds}.");
        if (Steps is <= 0) return ValidationResult.Error($"--steps must be positive; got {Steps}.");
        if (Tasks is <= 0) return ValidationResult.Error($"--tasks must be positive; got {Tasks}.");
        if (Parallel is <= 0) return ValidationResult.Error($"--parallel must be positive; got {Parallel}.");
        if (ReuseRunsFromOtherCode && Fresh) return ValidationResult.Error("--fresh trains every run again and --reuse-runs-from-other-code reuses stored runs: use one of them.");
        if (ReportOnly && Fresh) return ValidationResult.Error("--report-only trains no run and --fresh trains every run again: use one of them.");
        if (Spec is not null && !File.Exists(Spec)) return ValidationResult.Error($"Spec file '{Spec}' does not exist.");
        if (Experiment is not null && ExperimentCatalog.TryFind(Experiment) is null)
            return ValidationResult.Error($"Unknown experiment '{Experiment}'. Known experiments: {string.Join(", ", ExperimentCatalog.All.Select(e => e.Name))}.");
        return ValidationResult.Success();
    }
}
