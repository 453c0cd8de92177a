using Plasticity.ML.Common;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Interventions.Resets;

/// <summary>
/// Carries out <see cref="HareTortoiseSpec"/>: keeps the tortoise (one tensor per parameter of the network, in
/// <c>parameters()</c> order), updates it after every optimizer step and copies it into the hare when the timing acts.
/// </summary>
/// <remarks>
/// After a plasticity injection (<see cref="Networks.PlasticNetwork.InjectPlasticity"/>) the old head's weights live on
/// in the frozen part of the network and its trainable head starts afresh. The head's tortoise then starts again from
/// the fresh head: its average of the old head, copied back into the live head, would add the old head a second time.
/// The body's tortoise is kept.
/// </remarks>
public sealed class HareTortoiseHook : ScheduledInterventionHook
{
    private readonly HareTortoiseSpec spec;
    private Tensor[] tortoise = [];
    private readonly InjectionFollower injections = new();

    /// <summary>Creates the hook for <paramref name="spec"/>.</summary>
    public HareTortoiseHook(HareTortoiseSpec spec)
        : base((spec ?? throw new ArgumentNullException(nameof(spec))).Timing)
    {
        spec.Validate();
        this.spec = spec;
    }

    /// <summary>The tortoise's tensors, one per parameter of the network (the hook owns them).</summary>
    public IReadOnlyList<Tensor> Tortoise => tortoise;

    /// <inheritdoc />
    public override void OnTrainingStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var t in tortoise) t.Dispose();
        using var noGrad = no_grad();
        tortoise = context.Network.parameters().Select(p => p.DetachedCopy().DetachFromDisposeScope()).ToArray();
        injections.Start(context.Network);
    }

    /// <inheritdoc />
    public override void AfterStep(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Average(context);
        // The EMA includes this step; a reset due now then moves the hare onto the updated tortoise.
        base.AfterStep(context);
    }

    /// <inheritdoc />
    protected override void Act(TrainingContext context, int action)
    {
        using var noGrad = no_grad();
        var parameters = context.Network.parameters().ToArray();
        CheckShape(parameters.Length);
        for (int i = 0; i < parameters.Length; i++) parameters[i].copy_(tortoise[i]);
        if (spec.ResetOptimizerState) context.Optimizer.ResetState();
    }

    /// <inheritdoc />
    public override void SaveState(StateBag state)
    {
        base.SaveState(state);
        state.Set("parameters", tortoise.Length);
        injections.Save(state);
        for (int i = 0; i < tortoise.Length; i++) state.Set($"tortoise.{i}", tortoise[i]);
    }

    /// <inheritdoc />
    public override void LoadState(StateBag state)
    {
        base.LoadState(state);
        long count = state.GetInt64("parameters");
        if (count != tortoise.Length)
            throw new InvalidDataException($"{state.Name}: a tortoise of {count} parameters, but the network has {tortoise.Length}.");
        for (int i = 0; i < tortoise.Length; i++) state.CopyInto($"tortoise.{i}", tortoise[i]);
        injections.Load(state);
    }

    private void Average(TrainingContext context)
    {
        var parameters = context.Network.parameters().ToArray();
        CheckShape(parameters.Length);
        using var noGrad = no_grad();
        foreach (int i in injections.NewlyInjectedHead(context.Network)) tortoise[i].copy_(parameters[i]);
        using var keep = spec.Momentum.ToScalar();
        using var mix = (1 - spec.Momentum).ToScalar();
        for (int i = 0; i < parameters.Length; i++) tortoise[i].mul_(keep).add_(parameters[i], mix);
    }

    private void CheckShape(int parameters)
    {
        if (parameters != tortoise.Length)
            throw new InvalidOperationException($"Hare and Tortoise was started on a network of {tortoise.Length} parameters; this one has {parameters}.");
    }
}
