using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Interventions.Churn;

/// <summary>
/// Carries out <see cref="ChurnReductionSpec"/>. In each step's <see cref="AdditionalLoss"/> it draws a reference batch,
/// compares the network's predictions on it with those of its copy from before the previous update (theta-), and then
/// moves the copy to the current parameters, so that the next update is compared with this one's starting point. The
/// adaptive coefficient is updated after each successful step from the task and churn losses of the last updates.
/// </summary>
/// <remarks>
/// The reference batch runs through the network in its current mode: in training mode a BatchNorm network's running
/// statistics also see it. At each probe point the hook records <c>churnReductionCoefficient</c> and
/// <c>churnReductionLoss</c> (the mean churn term over the window).
/// </remarks>
public sealed class ChurnReductionHook : TrainingHook
{
    private readonly ChurnReductionSpec spec;
    private RandomStream? random;
    private PlasticNetwork? previous;
    private Dictionary<string, Tensor>? restoredPrevious;
    private RollingMean taskLosses;
    private RollingMean churnLosses;
    private double pendingTask = double.NaN;
    private double pendingChurn = double.NaN;

    /// <summary>Creates the hook for <paramref name="spec"/>.</summary>
    public ChurnReductionHook(ChurnReductionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        this.spec = spec;
        taskLosses = new RollingMean(spec.Window);
        churnLosses = new RollingMean(spec.Window);
        Coefficient = spec.InitialCoefficient;
    }

    /// <summary>The coefficient lambda the next update uses.</summary>
    public double Coefficient { get; private set; }

    /// <summary>Updates completed since training started.</summary>
    public long Updates { get; private set; }

    /// <summary>The churn term of the last update (the mean squared change of the reference predictions), or NaN.</summary>
    public double LastChurnLoss { get; private set; } = double.NaN;

    /// <inheritdoc />
    public override void OnTrainingStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        random = RandomStream.For(context.Seed, "churn-reduction");
        previous?.Dispose();
        previous = null;
        taskLosses = new RollingMean(spec.Window);
        churnLosses = new RollingMean(spec.Window);
        Coefficient = spec.InitialCoefficient;
        Updates = 0;
        LastChurnLoss = double.NaN;
    }

    /// <inheritdoc />
    public override Tensor? AdditionalLoss(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (random is null) throw new InvalidOperationException("C-CHAIN was not started.");
        var network = context.Network;
        pendingTask = context.StepLoss;
        pendingChurn = double.NaN;
        RestorePrevious(network);
        Tensor? term = null;
        if (previous is not null)
        {
            var observations = context.Observations ?? throw new InvalidOperationException(
                "C-CHAIN needs observations to draw its reference batch from; the learner provides none (TrainingContext.Observations is null).");
            int size = spec.ReferenceBatch > 0 ? spec.ReferenceBatch : (int)(context.BatchInputs?.shape[0] ?? throw new InvalidOperationException("C-CHAIN needs the step's mini-batch."));
            using var scope = NewDisposeScope();
            var reference = observations.Sample(size, random);
            if (previous.training != network.training) previous.train(network.training);
            Tensor target;
            using (no_grad()) target = previous.Predict(reference);
            var churn = nn.functional.mse_loss(network.Predict(reference), target);
            pendingChurn = TrainingSession.ValueOf(churn);
            using var coefficient = Coefficient.ToScalar();
            term = churn.mul(coefficient).MoveToOuterDisposeScope();
        }
        // The parameters of this update's start become theta- of the next one.
        Snapshot(network);
        return term;
    }

    /// <inheritdoc />
    public override void AfterStep(TrainingContext context)
    {
        Updates++;
        if (double.IsFinite(pendingTask)) taskLosses.Add(Math.Abs(pendingTask));
        if (double.IsFinite(pendingChurn))
        {
            churnLosses.Add(pendingChurn);
            LastChurnLoss = pendingChurn;
        }
        if (Updates >= spec.AdaptAfterSteps && churnLosses.Count > 0)
            Coefficient = spec.TargetRelativeScale * taskLosses.Mean / (churnLosses.Mean + 1e-8);
        pendingTask = double.NaN;
        pendingChurn = double.NaN;
    }

    /// <inheritdoc />
    public override void OnProbePoint(TrainingContext context, ProbePointRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        record.Statistics["churnReductionCoefficient"] = Coefficient;
        // Undefined before the first update (no churn term yet): left out, not recorded as NaN, which reads as a failure.
        if (churnLosses.Count > 0) record.Statistics["churnReductionLoss"] = churnLosses.Mean;
    }

    /// <inheritdoc />
    public override void SaveState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (random is null) throw new InvalidOperationException("C-CHAIN was not started.");
        state.Set("random", random);
        state.Set("coefficient", Coefficient);
        state.Set("updates", Updates);
        state.Set("lastChurnLoss", LastChurnLoss);
        taskLosses.Save(state, "taskLosses");
        churnLosses.Save(state, "churnLosses");
        var snapshot = previous is not null ? previous.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value) : restoredPrevious;
        state.Set("previous", snapshot is null ? 0 : 1);
        if (snapshot is null) return;
        state.Set("previousNames", string.Join('\n', snapshot.Keys));
        foreach (var (name, value) in snapshot) state.Set($"previous.{name}", value);
    }

    /// <inheritdoc />
    public override void LoadState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (random is null) throw new InvalidOperationException("C-CHAIN was not started.");
        state.Restore("random", random);
        Coefficient = state.GetDouble("coefficient");
        Updates = state.GetInt64("updates");
        LastChurnLoss = state.GetDouble("lastChurnLoss");
        taskLosses = RollingMean.Load(state, "taskLosses", spec.Window);
        churnLosses = RollingMean.Load(state, "churnLosses", spec.Window);
        previous?.Dispose();
        previous = null;
        DisposeRestored();
        if (state.GetInt64("previous") == 0) return;
        // Applied at the next step, once every hook has restored the network (an injection changes its structure).
        restoredPrevious = state.GetText("previousNames").Split('\n')
            .ToDictionary(name => name, name => state.GetTensor($"previous.{name}"), StringComparer.Ordinal);
    }

    private void Snapshot(PlasticNetwork network)
    {
        int injections = network.Injection?.Count ?? 0;
        if (previous is null || (previous.Injection?.Count ?? 0) != injections)
        {
            previous?.Dispose();
            previous = network.DeepCopy();
            foreach (var p in previous.parameters()) p.requires_grad_(false);
            return;
        }
        previous.CopyStateFrom(network);
    }

    private void RestorePrevious(PlasticNetwork network)
    {
        if (restoredPrevious is null) return;
        previous = network.DeepCopy();
        foreach (var p in previous.parameters()) p.requires_grad_(false);
        using (no_grad())
            foreach (var (name, value) in previous.state_dict()) value.copy_(restoredPrevious[name]);
        DisposeRestored();
    }

    private void DisposeRestored()
    {
        if (restoredPrevious is null) return;
        foreach (var t in restoredPrevious.Values) t.Dispose();
        restoredPrevious = null;
    }

    /// <summary>The mean of the last <c>capacity</c> values added (summed afresh each time, as the reference's np.mean).</summary>
    private sealed class RollingMean(int capacity)
    {
        private readonly Queue<double> values = new();

        public int Count => values.Count;

        public double Mean => values.Sum() / values.Count;

        public void Add(double value)
        {
            values.Enqueue(value);
            if (values.Count > capacity) values.Dequeue();
        }

        public void Save(StateBag state, string name) => state.Set(name, values.ToArray());

        public static RollingMean Load(StateBag state, string name, int capacity)
        {
            var mean = new RollingMean(capacity);
            foreach (double v in state.GetDoubleArray(name)) mean.Add(v);
            return mean;
        }
    }
}
