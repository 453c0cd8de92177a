using System.Text.Json.Serialization;
using Plasticity.ML.Common;
using Plasticity.ML.Training;

namespace Plasticity.ML.Interventions.Resets;

/// <summary>
/// A layer-reset schedule: whenever the <see cref="InterventionSpec.Timing"/> acts (every N steps or at task
/// boundaries), the chosen parameter layers (<see cref="Reset"/>) are re-initialized, and optionally every other layer
/// is shrunk toward a fresh initialization, <c>theta &lt;- alpha theta + (1 - alpha) theta_fresh</c>
/// (<see cref="ShrinkOthers"/>, <see cref="ShrinkFactor"/>). The second form is the recipe of SR-SPR (D'Oro, Schwarzer,
/// Nikishin, Bacon, Bellemare and Courville 2023, "Sample-efficient reinforcement learning by breaking the replay ratio
/// barrier", ICLR: shrink-and-perturb the encoder with alpha = 0.8, reset the head) and of BBF (Schwarzer, Obando-Ceron,
/// Courville, Bellemare, Agarwal and Castro 2023, "Bigger, better, faster", ICML: alpha = 0.5); see <see cref="SrSpr"/>
/// and <see cref="Bbf"/>. Resets after Nikishin et al. 2022 ("The primacy bias in deep RL").
/// </summary>
/// <remarks>
/// Layers are indices into <c>PlasticNetwork.ParameterLayers</c> (hidden layers, then the output layer); a negative
/// index counts from the end (-1 is the output layer). A reset layer's normalization returns to the identity and, by
/// default, its optimizer state is zeroed; shrunk layers keep theirs. Random draws come from a stream derived from the
/// run seed and the action count, so schedules are reproducible (and resume exactly: the count is checkpointed).
/// </remarks>
public sealed record LayerResetSpec : InterventionSpec
{
    /// <summary>The layers to re-initialize (negative indices count from the end).</summary>
    public int[] Reset { get; init; } = [-1];

    /// <summary>Shrink every layer that is not reset toward a fresh initialization.</summary>
    public bool ShrinkOthers { get; init; }

    /// <summary>alpha of the shrink: the weight kept of the current parameters (the rest is a fresh draw).</summary>
    public double ShrinkFactor { get; init; } = 0.8;

    /// <summary>Zero the optimizer state of the reset layers (needs a per-parameter resettable optimizer).</summary>
    public bool ResetOptimizerState { get; init; } = true;

    /// <summary>SR-SPR's recipe: reset the last <paramref name="headLayers"/> layers, shrink the rest with alpha = 0.8.</summary>
    public static LayerResetSpec SrSpr(int headLayers = 2, InterventionTiming? timing = null) =>
        ShrinkEncoderResetHead(headLayers, 0.8, timing);

    /// <summary>BBF's recipe: reset the last <paramref name="headLayers"/> layers, shrink the rest with alpha = 0.5.</summary>
    public static LayerResetSpec Bbf(int headLayers = 2, InterventionTiming? timing = null) =>
        ShrinkEncoderResetHead(headLayers, 0.5, timing);

    /// <summary>Reset the last <paramref name="headLayers"/> layers and shrink every other one with alpha = <paramref name="shrinkFactor"/>.</summary>
    public static LayerResetSpec ShrinkEncoderResetHead(int headLayers, double shrinkFactor, InterventionTiming? timing = null)
    {
        if (headLayers < 1) throw new ArgumentOutOfRangeException(nameof(headLayers), headLayers, "The head has at least one layer.");
        return new LayerResetSpec
        {
            Reset = Enumerable.Range(1, headLayers).Select(k => -k).Reverse().ToArray(),
            ShrinkOthers = true,
            ShrinkFactor = shrinkFactor,
            Timing = timing ?? InterventionTiming.AtTaskBoundaries,
        };
    }

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName =>
        $"layer-reset[{string.Join(",", Reset)}]" + (ShrinkOthers ? $"-shrink-{ShrinkFactor:g3}" : "");

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new Hook(this);

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Reset is null || Reset.Length == 0) throw new ArgumentException($"{nameof(Reset)} must name at least one layer.");
        if (Reset.Distinct().Count() != Reset.Length) throw new ArgumentException($"{nameof(Reset)} names a layer twice: [{string.Join(", ", Reset)}].");
        if (!(ShrinkFactor >= 0 && ShrinkFactor <= 1)) throw new ArgumentException($"{nameof(ShrinkFactor)} must lie in [0, 1]; got {ShrinkFactor}.");
    }

    /// <summary>Value equality, including the elements of <see cref="Reset"/> (a record compares arrays by reference).</summary>
    public bool Equals(LayerResetSpec? other) =>
        other is not null && base.Equals(other) && Reset.SequenceEqual(other.Reset) && ShrinkOthers == other.ShrinkOthers
        && ShrinkFactor.Equals(other.ShrinkFactor) && ResetOptimizerState == other.ResetOptimizerState;

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(base.GetHashCode(), Reset.Aggregate(17, (h, i) => h * 31 + i), ShrinkOthers, ShrinkFactor, ResetOptimizerState);

    /// <summary>The reset layers as indices in [0, <paramref name="layerCount"/>), ascending; throws naming the field when one is out of range.</summary>
    public int[] ResolveReset(int layerCount)
    {
        var resolved = Reset.Select(i => i < 0 ? layerCount + i : i).ToArray();
        if (resolved.Any(i => i < 0 || i >= layerCount))
            throw new ArgumentException($"{nameof(Reset)} [{string.Join(", ", Reset)}] names a layer the network does not have (it has {layerCount} parameter layers).");
        if (resolved.Distinct().Count() != resolved.Length)
            throw new ArgumentException($"{nameof(Reset)} [{string.Join(", ", Reset)}] names a layer twice once negative indices are resolved.");
        return resolved.Order().ToArray();
    }

    private sealed class Hook(LayerResetSpec spec) : ScheduledInterventionHook(spec.Timing)
    {
        public override void OnTrainingStart(TrainingContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            spec.ResolveReset(context.Network.ParameterLayers.Count);
        }

        protected override void Act(TrainingContext context, int action)
        {
            var network = context.Network;
            int count = network.ParameterLayers.Count;
            var reset = spec.ResolveReset(count);
            if (spec.ShrinkOthers)
            {
                var others = Enumerable.Range(0, count).Except(reset).ToArray();
                ShrinkPerturb.Apply(network, spec.ShrinkFactor, 1 - spec.ShrinkFactor, SeedSequence.CreateRandom(context.Seed, "layer-shrink", action), others);
            }
            var random = SeedSequence.CreateRandom(context.Seed, "layer-reset", action);
            foreach (int layer in reset)
            {
                network.ResetLayer(layer, random);
                if (!spec.ResetOptimizerState) continue;
                foreach (var p in network.ParameterLayers[layer].parameters()) context.Optimizer.ResetState(p);
            }
        }
    }
}
