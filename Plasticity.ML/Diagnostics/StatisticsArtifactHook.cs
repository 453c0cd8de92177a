using System.Globalization;
using Plasticity.ML.Common;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Records a <see cref="StatisticsPanel"/> at every probe point, like <see cref="StatisticsPanelHook"/> (the scalar
/// statistics go into the <see cref="ProbePointRecord"/>), and also saves each point's C_k matrix, its labels and
/// the Hessian density into a folder as soon as they are measured, so they outlive the process (for heatmaps and
/// density curves drawn later, or by another program).
/// </summary>
/// <remarks>
/// Files per point (see <see cref="StatisticsPanelArtifact.WriteFiles"/>), with prefix <see cref="Prefix"/>:
/// <c>initial-ck.csv</c>, <c>initial-ck-labels.csv</c>, <c>initial-hessian-density.json</c>, then
/// <c>task-3-ck.csv</c> ... for the point after task 3 (0-based). <c>panel.json</c> holds the panel options, so a
/// reader can tell whether stored files match the settings it wants.
/// Use it instead of <see cref="ContinualTrainingOptions.Statistics"/>, not in addition (that would measure twice).
/// </remarks>
public sealed class StatisticsArtifactHook : TrainingHook
{
    /// <summary>The name of the file holding the panel options.</summary>
    public const string OptionsFileName = "panel.json";

    private readonly StatisticsPanelHook inner;

    /// <summary>Creates the hook; <see cref="StatisticsPanelOptions.KeepArtifacts"/> is switched on.</summary>
    /// <param name="options">The panel.</param>
    /// <param name="folder">Where the files go (created).</param>
    public StatisticsArtifactHook(StatisticsPanelOptions options, string folder)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Options = options with { KeepArtifacts = true };
        inner = new StatisticsPanelHook(Options);
        Folder = folder;
    }

    /// <summary>The panel options (with artifacts kept).</summary>
    public StatisticsPanelOptions Options { get; }

    /// <summary>The folder of the files.</summary>
    public string Folder { get; }

    /// <summary>Every point's artifacts so far (also kept in memory).</summary>
    public IReadOnlyList<StatisticsPanelArtifact> Artifacts => inner.Artifacts;

    /// <summary>The file prefix of the point after task <paramref name="taskIndex"/> (-1: the initial network).</summary>
    public static string Prefix(int taskIndex) =>
        taskIndex < 0 ? "initial" : "task-" + taskIndex.ToString(CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="folder"/> holds files written with exactly <paramref name="options"/>.</summary>
    public static bool MatchesOptions(string folder, StatisticsPanelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string path = Path.Combine(folder, OptionsFileName);
        if (!File.Exists(path)) return false;
        return File.ReadAllText(path) == PlasticityJson.Serialize(options with { KeepArtifacts = true });
    }

    /// <inheritdoc />
    public override void OnTrainingStart(TrainingContext context)
    {
        inner.OnTrainingStart(context);
        Directory.CreateDirectory(Folder);
        AtomicFile.WriteAllText(Path.Combine(Folder, OptionsFileName), PlasticityJson.Serialize(Options));
    }

    /// <inheritdoc />
    public override Tensor? AdditionalLoss(TrainingContext context) => inner.AdditionalLoss(context);

    /// <inheritdoc />
    public override void AfterStep(TrainingContext context) => inner.AfterStep(context);

    /// <inheritdoc />
    public override void SaveState(StateBag state) => inner.SaveState(state);

    /// <inheritdoc />
    public override void LoadState(StateBag state) => inner.LoadState(state);

    /// <inheritdoc />
    public override void OnProbePoint(TrainingContext context, ProbePointRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        inner.OnProbePoint(context, record);
        inner.Artifacts[^1].WriteFiles(Folder, Prefix(record.TaskIndex));
    }
}
