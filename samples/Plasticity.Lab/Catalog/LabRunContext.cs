using Plasticity.ML.Experiments;
using Plasticity.ML.Training;
using Spectre.Console;

namespace Plasticity.Lab.Catalog;

/// <summary>What an experiment runs with: its final spec, where outputs go, the console, and cancellation.</summary>
public sealed class LabRunContext
{
    /// <summary>Creates a context.</summary>
    public LabRunContext(ExperimentSpec spec, string outputFolder, LabPreset preset, IAnsiConsole console, bool fresh, CancellationToken cancellationToken)
    {
        Spec = spec;
        OutputFolder = outputFolder;
        Preset = preset;
        Console = console;
        Fresh = fresh;
        CancellationToken = cancellationToken;
    }

    /// <summary>The spec after command-line overrides.</summary>
    public ExperimentSpec Spec { get; }

    /// <summary>The output folder.</summary>
    public string OutputFolder { get; }

    /// <summary>The preset.</summary>
    public LabPreset Preset { get; }

    /// <summary>Where to write messages.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Ignore stored runs and train everything again.</summary>
    public bool Fresh { get; }

    /// <summary>Cancels the run.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Trains every variant and seed of <see cref="Spec"/> (or of <paramref name="spec"/>) with a progress display.</summary>
    public ExperimentResult RunStandard(ExperimentSpec? spec = null, Func<VariantSpec, long, IEnumerable<TrainingHook>>? extraHooks = null)
    {
        var runSpec = spec ?? Spec;
        if (Fresh)
        {
            string runs = Path.Combine(OutputFolder, "runs");
            if (Directory.Exists(runs)) Directory.Delete(runs, recursive: true);
        }
        var runner = new ExperimentRunner { ExtraHooks = extraHooks };
        return LabProgress.Run(Console, runSpec, progress => runner.Run(runSpec, OutputFolder, progress, CancellationToken));
    }
}
