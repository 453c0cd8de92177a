using Plasticity.ML.Experiments;
using Plasticity.ML.Training;
using Spectre.Console;

namespace Plasticity.Lab.Catalog;

/// <summary>What a supervised experiment runs with: its final spec, where outputs go, the console, and cancellation.</summary>
public sealed class LabRunContext(ExperimentSpec spec, string outputFolder, LabPreset preset, string presetLabel, IAnsiConsole console, bool fresh, CancellationToken cancellationToken)
    : LabContext<ExperimentSpec>(spec, outputFolder, preset, presetLabel, console, fresh, cancellationToken)
{
    /// <summary>Trains every variant and seed of <see cref="Spec"/> (or of <paramref name="spec"/>) with a progress display.</summary>
    public ExperimentResult RunStandard(ExperimentSpec? spec = null, Func<VariantSpec, long, IEnumerable<TrainingHook>>? extraHooks = null)
    {
        var runSpec = spec ?? Spec;
        if (Fresh)
        {
            string runs = Path.Combine(OutputFolder, "runs");
            if (Directory.Exists(runs)) Directory.Delete(runs, recursive: true);
        }
        var runner = new ExperimentRunner { ExtraHooks = extraHooks, StoredRunsOnly = ReportOnly, ReuseRunsFromOtherCode = ReuseRunsFromOtherCode };
        if (ReportOnly) return runner.Run(runSpec, OutputFolder, cancellationToken: CancellationToken);
        return LabProgress.Run(Console, runSpec, progress => runner.Run(runSpec, OutputFolder, progress, CancellationToken));
    }
}
