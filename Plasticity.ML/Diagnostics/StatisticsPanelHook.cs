using Plasticity.ML.Common;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Records a <see cref="StatisticsPanel"/> at every probe point of a continual run into
/// <see cref="ProbePointRecord.Statistics"/>, and the seconds of each group (plus "panel", the total) into
/// <see cref="ProbePointRecord.StatisticSeconds"/>. Set <see cref="ContinualTrainingOptions.Statistics"/> to have
/// the trainer add it, or add it with <see cref="ContinualTrainer.AddHook"/>.
/// </summary>
/// <remarks>
/// The sample is the current task's inputs and targets (the task the point closes; the first task for the initial
/// point), and the subsets and random vectors come from one seed fixed for the run, so points along a run differ
/// only by the network. The training loss is the run's objective.
/// </remarks>
public sealed class StatisticsPanelHook : TrainingHook
{
    private readonly List<StatisticsPanelArtifact> artifacts = [];

    /// <summary>Creates the hook.</summary>
    public StatisticsPanelHook(StatisticsPanelOptions options)
    {
        Panel = new StatisticsPanel(options);
    }

    /// <summary>The panel.</summary>
    public StatisticsPanel Panel { get; }

    /// <summary>C_k and Hessian densities of each point, when <see cref="StatisticsPanelOptions.KeepArtifacts"/> is set.</summary>
    public IReadOnlyList<StatisticsPanelArtifact> Artifacts => artifacts;

    /// <inheritdoc />
    public override void OnProbePoint(TrainingContext context, ProbePointRecord record)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(record);
        var task = context.Task ?? throw new InvalidOperationException("A probe point needs the current task's data.");
        using var scope = NewDisposeScope();
        var targets = context.Objective.PrepareTargets(task.Targets);
        var result = Panel.Measure(context.Network, task.Inputs, context.Objective, targets, SeedSequence.Derive(context.Seed, "statistics"));
        foreach (var (name, value) in result.Values) record.Statistics[name] = value;
        foreach (var (name, value) in result.Seconds) record.StatisticSeconds[name] = value;
        if (!Panel.Options.KeepArtifacts) return;
        long[]? labels = null;
        if (result.GradientCovarianceSampleRows is { } rows && task.Kind == TargetKind.ClassLabels)
        {
            var all = task.Targets.data<long>();
            labels = rows.Select(r => all[r]).ToArray();
        }
        artifacts.Add(new StatisticsPanelArtifact
        {
            TaskIndex = record.TaskIndex,
            GlobalStep = record.GlobalStep,
            GradientCovariance = result.GradientCovariance,
            GradientCovarianceLabels = labels,
            HessianDensity = result.HessianDensity,
        });
    }
}
