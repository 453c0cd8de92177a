using Spectre.Console;

namespace Plasticity.Lab.Catalog;

/// <summary>What an experiment runs with: its final spec, where outputs go, the console, and cancellation.</summary>
/// <typeparam name="TSpec">The experiment's spec type (supervised or agent experiments).</typeparam>
public abstract class LabContext<TSpec>
{
    /// <summary>Creates a context.</summary>
    protected LabContext(TSpec spec, string outputFolder, LabPreset preset, string presetLabel, IAnsiConsole console, bool fresh, CancellationToken cancellationToken)
    {
        Spec = spec;
        OutputFolder = outputFolder;
        Preset = preset;
        PresetLabel = presetLabel;
        Console = console;
        Fresh = fresh;
        CancellationToken = cancellationToken;
    }

    /// <summary>The spec after command-line overrides.</summary>
    public TSpec Spec { get; }

    /// <summary>The output folder.</summary>
    public string OutputFolder { get; }

    /// <summary>The preset (for a run of a spec file, the one the command line named; the file's settings rule).</summary>
    public LabPreset Preset { get; }

    /// <summary>What the run is, for reports: the preset's name, or "custom: FILE" for a run of a spec file.</summary>
    public string PresetLabel { get; }

    /// <summary>Where to write messages.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Ignore stored runs and train everything again.</summary>
    public bool Fresh { get; }

    /// <summary>Train nothing: report the runs already finished in <see cref="OutputFolder"/> (<c>--report-only</c>).</summary>
    public bool ReportOnly { get; init; }

    /// <summary>Reuse stored runs with matching settings that other code computed (<c>--reuse-runs-from-other-code</c>).</summary>
    public bool ReuseRunsFromOtherCode { get; init; }

    /// <summary>Cancels the run.</summary>
    public CancellationToken CancellationToken { get; }
}
