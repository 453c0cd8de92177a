using Plasticity.ML.Experiments;
using Plasticity.ML.Experiments.Agents;

namespace Plasticity.Lab.Catalog;

/// <summary>
/// A reinforcement-learning experiment of the lab: how to build its agent experiment spec for a preset, and analysis
/// and plots on top of the standard outputs (evaluation, loss and probe CSVs, learning curves, summary.json, report).
/// </summary>
public abstract class AgentLabExperiment : ILabExperiment
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract string Description { get; }

    /// <summary>The experiment's spec at a preset.</summary>
    public abstract AgentExperimentSpec CreateSpec(LabPreset preset);

    /// <inheritdoc />
    /// <remarks>Agent experiments have smoke, default and full presets.</remarks>
    public virtual bool SupportsPreset(LabPreset preset) => preset is LabPreset.Smoke or LabPreset.Default or LabPreset.Full;

    /// <summary>
    /// The spec with the command line's overrides: <c>--seeds</c>, <c>--parallel</c>, <c>--steps</c> (environment steps of
    /// every stage, warm-ups shortened to fit), <c>--data</c>; <c>--tasks</c> only where <see cref="WithTasks"/> defines it.
    /// </summary>
    public AgentExperimentSpec ApplyOverrides(AgentExperimentSpec spec, Commands.RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Tasks is { } tasks) spec = WithTasks(spec, tasks);
        if (settings.Steps is { } steps)
            spec = spec with
            {
                Tracks = spec.Tracks.Select(t => t with
                {
                    Stages = t.Stages.Select(s => s with { Steps = steps, WarmupSteps = Math.Min(s.WarmupSteps, steps / 2) }).ToList(),
                }).ToList(),
            };
        if (settings.Data is { } data)
        {
            if (spec.Data is null) throw new ArgumentException($"--data applies only to experiments with images; '{Name}' has none.");
            spec = spec with { Data = spec.Data with { Source = data } };
        }
        return spec with
        {
            Seeds = settings.Seeds ?? spec.Seeds,
            // --seeds N asks for N consecutive seeds: it replaces a spec's list of seeds.
            SeedList = settings.Seeds is null ? spec.SeedList : null,
            ParallelRuns = settings.Parallel ?? spec.ParallelRuns,
        };
    }

    /// <summary>The spec with <paramref name="tasks"/> tasks; experiments without tasks refuse <c>--tasks</c>.</summary>
    protected virtual AgentExperimentSpec WithTasks(AgentExperimentSpec spec, int tasks) =>
        throw new ArgumentException($"--tasks does not apply to '{Name}': its runs are games, not task sequences (use --steps).");

    /// <summary>Adds experiment-specific files, summary sections and report sections after the standard outputs.</summary>
    public virtual void Analyze(AgentExperimentResult result, AgentLabContext context, Reporting.MarkdownReport report) { }

    /// <summary>A panel of the cheap statistics (units, weights, features; no curvature), measured on replay.</summary>
    protected static ML.Diagnostics.StatisticsPanelOptions UnitsPanel(int samples) => new()
    {
        Units = true,
        Taus = [0.0, 0.1],
        ActivationSamples = samples,
        Weights = true,
        Features = true,
        DistanceFromInitialization = true,
        Churn = false,
        GradientNorm = false,
        HessianTopEigenvalue = false,
        HessianDensity = false,
        HessianTrace = false,
        GradientCovariance = false,
        Ntk = false,
        Loss = ML.Diagnostics.DiagnosticLossKind.Probe,
    };

    /// <summary>The embedded images, for experiments on the classification MDP.</summary>
    protected static DataSpec EmbeddedImages(int samples) => new() { Source = "embedded", Samples = samples, Seed = 0 };
}
