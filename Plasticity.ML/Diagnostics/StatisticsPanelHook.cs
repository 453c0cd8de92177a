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
/// The hook also keeps the network's parameters from the start of training (for the distance from initialization) and,
/// between points, measures churn (<see cref="ChurnMeter"/>); both are checkpointed with the run.
/// </remarks>
public sealed class StatisticsPanelHook : TrainingHook
{
    private readonly List<StatisticsPanelArtifact> artifacts = [];
    private readonly ChurnMeter? churn;
    private Tensor[]? initialParameters;

    /// <summary>Creates the hook.</summary>
    /// <param name="options">The statistics to measure.</param>
    /// <param name="sampledObservations">How many observations to draw from a source that is not a supervised task.</param>
    public StatisticsPanelHook(StatisticsPanelOptions options, int sampledObservations = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampledObservations);
        Panel = new StatisticsPanel(options);
        SampledObservations = sampledObservations;
        churn = options.Churn ? new ChurnMeter(options.ChurnEvery, options.ChurnSamples) : null;
    }

    /// <summary>The panel.</summary>
    public StatisticsPanel Panel { get; }

    /// <summary>Observations drawn from a source that is not a supervised task (a replay buffer).</summary>
    public int SampledObservations { get; }

    /// <summary>C_k and Hessian densities of each point, when <see cref="StatisticsPanelOptions.KeepArtifacts"/> is set.</summary>
    public IReadOnlyList<StatisticsPanelArtifact> Artifacts => artifacts;

    /// <summary>The network's parameters when training started (one tensor per parameter), or null before <see cref="OnTrainingStart"/>.</summary>
    public IReadOnlyList<Tensor>? InitialParameters => initialParameters;

    /// <inheritdoc />
    public override void OnTrainingStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (initialParameters is not null) foreach (var t in initialParameters) t.Dispose();
        using (no_grad())
            initialParameters = context.Network.parameters().Select(p => p.DetachedCopy().DetachFromDisposeScope()).ToArray();
        churn?.Start(context.Seed);
    }

    /// <inheritdoc />
    public override Tensor? AdditionalLoss(TrainingContext context)
    {
        // Not a loss term: the moment the step's parameters are final before the update (every earlier hook is done).
        churn?.BeforeUpdate(context);
        return null;
    }

    /// <inheritdoc />
    public override void AfterStep(TrainingContext context) => churn?.AfterUpdate(context);

    /// <inheritdoc />
    public override void SaveState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set("artifacts", PlasticityJson.Serialize(artifacts));
        churn?.Save(state, "churn");
        if (initialParameters is null) return;
        state.Set("initialParameters", initialParameters.Length);
        for (int i = 0; i < initialParameters.Length; i++) state.Set($"initial.{i}", initialParameters[i]);
    }

    /// <inheritdoc />
    public override void LoadState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        artifacts.Clear();
        artifacts.AddRange(PlasticityJson.Deserialize<List<StatisticsPanelArtifact>>(state.GetText("artifacts")));
        churn?.Load(state, "churn");
        if (initialParameters is null || !state.Contains("initialParameters")) return;
        if (state.GetInt64("initialParameters") != initialParameters.Length)
            throw new InvalidDataException($"{state.Name}: initial parameters of {state.GetInt64("initialParameters")} tensors, but the network has {initialParameters.Length}.");
        for (int i = 0; i < initialParameters.Length; i++) state.CopyInto($"initial.{i}", initialParameters[i]);
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
        double learningRate = context.Optimizer.LearningRate;
        if (source is TaskObservations task)
        {
            result = Panel.Measure(context.Network, task.Inputs, task.Objective, task.PreparedTargets, seed, initialParameters, learningRate);
            labels = task.Labels;
        }
        else
        {
            var inputs = source.Sample(Math.Min(SampledObservations, source.Count), SeedSequence.CreateRandom(seed, "statistics-observations"));
            result = Panel.Measure(context.Network, inputs, objective: null, preparedTargets: null, seed, initialParameters, learningRate);
        }
        foreach (var (name, value) in result.Values) record.Statistics[name] = value;
        if (churn is not null && churn.Count > 0) record.Statistics["churn"] = churn.TakeMean();
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
