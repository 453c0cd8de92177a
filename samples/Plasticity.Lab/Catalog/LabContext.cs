using Spectre.Console;

namespace Plasticity.Lab.Catalog;

/// <summary>What an experiment runs with: its final spec, where outputs go, the console, and cancellation.</summary>
/// <typeparam name="TSpec">The experiment's spec type (supervised or agent experiments).</typeparam>
public abstract class LabContext<TSpec>
{
    /// <summary>Creates a context.</summary>
    protected LabContext(TSpec spec, string outputFolder, LabPreset preset, IAnsiConsole console, bool fresh, CancellationToken cancellationToken)
    {
        Spec = spec;
        OutputFolder = outputFolder;
        Preset = preset;
        Console = console;
        Fresh = fresh;
        CancellationToken = cancellationToken;
    }

    /// <summary>The spec after command-line overrides.</summary>
    public TSpec Spec { get; }

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
}
