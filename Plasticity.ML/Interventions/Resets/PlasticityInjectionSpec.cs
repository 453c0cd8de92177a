using System.Text.Json.Serialization;
using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Interventions.Resets;

/// <summary>
/// Plasticity injection (Nikishin, Oh, Ostrovski, Lyle, Pascanu, Dabney and Barreto 2023, "Deep reinforcement learning
/// with plasticity injection", NeurIPS; arXiv 2305.15555): when it acts, the head (the last <see cref="HeadLayers"/>
/// parameter layers) is frozen, a freshly initialized head is added and a frozen copy of that fresh head subtracted, so
/// the network's function is unchanged at the moment of injection while a new head trains on top of the old one, and
/// the number of trainable parameters stays the same (see <see cref="PlasticNetwork.InjectPlasticity"/>). The body keeps
/// training. The optimizer state of the head is reset (its parameters now start afresh).
/// </summary>
/// <remarks>
/// <para>The paper injects once, in the middle of training: by default this acts at the first task boundary only
/// (<see cref="MaxInjections"/> = 1); give a step <see cref="InterventionSpec.Timing"/> to inject at a chosen step.</para>
/// <para>With a one-layer (linear) head the injected function trains exactly like the old head with a fresh
/// optimizer state: <c>W_old z + (W - W_copy) z</c> is one linear map whose gradient is W's. A head of two or more
/// layers (the default, 2) is what brings fresh nonlinear features.</para>
/// <para>The frozen heads are saved with the run's checkpoints; the probe's copies carry the injected structure.</para>
/// </remarks>
public sealed record PlasticityInjectionSpec : InterventionSpec
{
    /// <summary>Number of parameter layers, counted from the output, that form the injected head.</summary>
    public int HeadLayers { get; init; } = 2;

    /// <summary>Most injections in a run; 0 for no limit (each further injection folds the current head function into the frozen part).</summary>
    public int MaxInjections { get; init; } = 1;

    /// <summary>Zero the optimizer state of the head's parameters at each injection (needs a per-parameter resettable optimizer).</summary>
    public bool ResetOptimizerState { get; init; } = true;

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => $"plasticity-injection-{HeadLayers}";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new Hook(this);

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (HeadLayers < 1) throw new ArgumentException($"{nameof(HeadLayers)} must be at least 1; got {HeadLayers}.");
        if (MaxInjections < 0) throw new ArgumentException($"{nameof(MaxInjections)} must be non-negative; got {MaxInjections}.");
    }

    private sealed class Hook(PlasticityInjectionSpec spec) : ScheduledInterventionHook(spec.Timing)
    {
        private PlasticNetwork? network;

        public override void OnTrainingStart(TrainingContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            network = context.Network;
            int layers = context.Network.ParameterLayers.Count;
            if (spec.HeadLayers > layers)
                throw new ArgumentException($"Plasticity injection: {nameof(HeadLayers)} is {spec.HeadLayers}, but the network has only {layers} parameter layers.");
        }

        protected override void Act(TrainingContext context, int action)
        {
            if (spec.MaxInjections > 0 && action >= spec.MaxInjections) return;
            context.Network.InjectPlasticity(spec.HeadLayers, SeedSequence.CreateRandom(context.Seed, "plasticity-injection", action));
            if (!spec.ResetOptimizerState) return;
            var layers = context.Network.ParameterLayers;
            for (int i = layers.Count - spec.HeadLayers; i < layers.Count; i++)
                foreach (var p in layers[i].parameters()) context.Optimizer.ResetState(p);
        }

        public override void SaveState(StateBag state)
        {
            base.SaveState(state);
            // The network's state_dict holds only its trainable part; the frozen heads are saved here.
            InjectionState.Save(network, state);
        }

        public override void LoadState(StateBag state)
        {
            base.LoadState(state);
            InjectionState.Load(network ?? throw new InvalidOperationException("Plasticity injection was not started."), state);
        }
    }
}
