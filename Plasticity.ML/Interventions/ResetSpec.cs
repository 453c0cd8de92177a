using System.Text.Json.Serialization;
using Plasticity.ML.Common;
using Plasticity.ML.Search;
using Plasticity.ML.Training.Checkpoints;
using Plasticity.ML.Training;

namespace Plasticity.ML.Interventions;

/// <summary>
/// Re-initializes the whole network, or its last <see cref="Layers"/> parameter layers (Nikishin et al. 2022; the
/// paper resets the last layer at every target update), and by default forgets those layers' optimizer state.
/// </summary>
public sealed record ResetSpec : InterventionSpec
{
    /// <summary>Number of parameter layers to reset, counted from the output; 0 resets all layers.</summary>
    /// <remarks>Searched over 1 to 4 (partial resets); a full reset (0) is a different intervention and stays out of the range.</remarks>
    [Range(1, 4, 1)]
    public int Layers { get; init; } = 1;

    /// <summary>Also zero the optimizer state of the reset parameters (needs a per-parameter resettable optimizer).</summary>
    [BooleanChoice(true)]
    public bool ResetOptimizerState { get; init; } = true;

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => Layers == 0 ? "reset-all" : $"reset-last-{Layers}";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new ResetHook(this);

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Layers < 0) throw new ArgumentException($"{nameof(Layers)} must be non-negative; got {Layers}.");
    }

    private sealed class ResetHook(ResetSpec spec) : TrainingHook
    {
        private int resets;

        public override void OnTaskStart(TrainingContext context)
        {
            if (spec.Timing.ActsAtTaskStart(context)) Apply(context);
        }

        public override void AfterStep(TrainingContext context)
        {
            if (spec.Timing.ActsAfterStep(context.GlobalStep)) Apply(context);
        }

        public override void SaveState(StateBag state) => state.Set("resets", resets);

        public override void LoadState(StateBag state) => resets = checked((int)state.GetInt64("resets"));

        private void Apply(TrainingContext context)
        {
            var layers = context.Network.ParameterLayers;
            int count = spec.Layers == 0 ? layers.Count : Math.Min(spec.Layers, layers.Count);
            var random = SeedSequence.CreateRandom(context.Seed, "reset", resets++);
            for (int i = layers.Count - count; i < layers.Count; i++)
            {
                context.Network.ResetLayer(i, random);
                if (!spec.ResetOptimizerState || count == layers.Count) continue;
                foreach (var p in layers[i].parameters()) context.Optimizer.ResetState(p);
            }
            // A full reset forgets all optimizer state, which every implementation supports.
            if (spec.ResetOptimizerState && count == layers.Count) context.Optimizer.ResetState();
        }
    }
}
