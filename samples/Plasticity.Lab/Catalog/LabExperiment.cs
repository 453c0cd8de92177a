using Plasticity.ML.Experiments;

namespace Plasticity.Lab.Catalog;

/// <summary>
/// A named experiment of the lab: how to build its spec for a preset and, optionally, extra analysis and
/// plots on top of the standard outputs (summary table, CSV, summary.json, probe/accuracy plots, report).
/// </summary>
public abstract class LabExperiment : ILabExperiment
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract string Description { get; }

    /// <summary>The experiment's spec at a preset.</summary>
    public abstract ExperimentSpec CreateSpec(LabPreset preset);

    /// <summary>
    /// True when the experiment defines <paramref name="preset"/>: every experiment has smoke, default and full; only those
    /// that override this have <see cref="LabPreset.Paper"/>.
    /// </summary>
    public virtual bool SupportsPreset(LabPreset preset) => preset != LabPreset.Paper;

    /// <summary>Runs the experiment; the default trains every variant and seed with <see cref="ExperimentRunner"/>.</summary>
    public virtual ExperimentResult Execute(LabRunContext context) => context.RunStandard();

    /// <summary>Adds experiment-specific files and report sections after the standard outputs.</summary>
    public virtual void Analyze(ExperimentResult result, LabRunContext context, Reporting.MarkdownReport report) { }
}
