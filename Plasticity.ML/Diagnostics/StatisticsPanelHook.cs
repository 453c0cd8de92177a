using Plasticity.ML.Common;
using Plasticity.ML.Training;
using static TorchSharp.torch;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Records a <see cref="StatisticsPanel"/> at every probe point of a run into <see cref="ProbePointRecord.Statistics"/>,
/// and the seconds of each group (plus "panel", the total) into <see cref="ProbePointRecord.StatisticSeconds"/>. Set
/// <see cref="ContinualTrainingOptions.Statistics"/> to have the continual trainer add it, or add it to any learner's
/// <see cref="TrainingSession"/>.
/// </summary>
/// <remarks>
/// The sample is the learner's <see cref="TrainingContext.Observations"/> at the point. With a supervised task's
/// observations (<see cref="TaskObservations"/>) the panel sees all of the task's inputs and targets (the task the point
/// closes; the first task for the initial point), and a <see cref="DiagnosticLossKind.Training"/> panel differentiates
/// the run's objective. Other sources (a replay buffer) give <see cref="SampledObservations"/> observations drawn from a
/// seed fixed for the run, and need <see cref="DiagnosticLossKind.Probe"/> when a statistic differentiates a loss.
/// Subsets and random vectors come from one seed fixed for the run, so points along a run differ only by the network.
/// </remarks>
public sealed class StatisticsPanelHook : TrainingHook
{
    private readonly List<StatisticsPanelArtifact> artifacts = [];

    /// <summary>Creates the hook.</summary>
    /// <param name="options">The statistics to measure.</param>
    /// <param name="sampledObservations">How many observations to draw from a source that is not a supervised task.</param>
    public StatisticsPanelHook(StatisticsPanelOptions options, int sampledObservations = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampledObservations);
        Panel = new StatisticsPanel(options);
        SampledObservations = sampledObservations;
    }

    /// <summary>The panel.</summary>
    public StatisticsPanel Panel { get; }

    /// <summary>Observations drawn from a source that is not a supervised task (a replay buffer).</summary>
    public int SampledObservations { get; }

    /// <summary>C_k and Hessian densities of each point, when <see cref="StatisticsPanelOptions.KeepArtifacts"/> is set.</summary>
    public IReadOnlyList<StatisticsPanelArtifact> Artifacts => artifacts;

    /// <inheritdoc />
    public override void SaveState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set("artifacts", PlasticityJson.Serialize(artifacts));
    }

    /// <inheritdoc />
    public override void LoadState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        artifacts.Clear();
        artifacts.AddRange(PlasticityJson.Deserialize<List<StatisticsPanelArtifact>>(state.GetText("artifacts")));
    }

    /// <inheritdoc />
    public override void OnProbePoint(TrainingContext context, ProbePointRecord record)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(record);
        var source = context.Observations ?? throw new InvalidOperationException(
            "A probe point needs observations to measure the statistics on; the learner provides none (TrainingContext.Observations is null).");
        using var scope = NewDisposeScope();
        long seed = SeedSequence.Derive(context.Seed, "statistics");
        StatisticsPanelResult result;
        Tensor? labels = null;
        if (source is TaskObservations task)
        {
            result = Panel.Measure(context.Network, task.Inputs, task.Objective, task.PreparedTargets, seed);
            labels = task.Labels;
        }
        else
        {
            var inputs = source.Sample(Math.Min(SampledObservations, source.Count), SeedSequence.CreateRandom(seed, "statistics-observations"));
            result = Panel.Measure(context.Network, inputs, objective: null, preparedTargets: null, seed);
        }
        foreach (var (name, value) in result.Values) record.Statistics[name] = value;
        foreach (var (name, value) in result.Seconds) record.StatisticSeconds[name] = value;
        if (!Panel.Options.KeepArtifacts) return;
        long[]? rowLabels = null;
        if (result.GradientCovarianceSampleRows is { } rows && labels is not null)
        {
            var all = labels.data<long>();
            rowLabels = rows.Select(r => all[r]).ToArray();
        }
        artifacts.Add(new StatisticsPanelArtifact
        {
            TaskIndex = record.TaskIndex,
            GlobalStep = record.GlobalStep,
            GradientCovariance = result.GradientCovariance,
            GradientCovarianceLabels = rowLabels,
            HessianDensity = result.HessianDensity,
        });
    }
}
