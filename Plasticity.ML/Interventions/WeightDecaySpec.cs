using System.Text.Json.Serialization;
using Plasticity.ML.Common;
using Plasticity.ML.Search;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Interventions;

/// <summary>How weight decay enters training.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WeightDecayMode>))]
public enum WeightDecayMode
{
    /// <summary>An L2 term <c>(lambda / 2) * ||theta||^2</c> in the loss, so the gradient gains <c>lambda * theta</c>
    /// (the convention of <c>torch.optim</c>'s coupled <c>weight_decay</c>); adaptive optimizers rescale it.</summary>
    Coupled,

    /// <summary>After the optimizer step, <c>theta &lt;- (1 - lr * lambda) * theta</c> (AdamW-style, whatever the optimizer).</summary>
    Decoupled,
}

/// <summary>
/// Weight decay on every parameter, as an intervention independent of the optimizer's own
/// <c>WeightDecay</c> setting (Lyle et al. 2023 use 1e-5). Acts in every step by default.
/// </summary>
public sealed record WeightDecaySpec : InterventionSpec
{
    /// <summary>Creates the spec, acting in every step.</summary>
    public WeightDecaySpec() => Timing = InterventionTiming.EveryStep;

    /// <summary>Decay coefficient lambda.</summary>
    [Range(1e-7, 1e-2, 1e-5, logBase: true)]
    public double Coefficient { get; init; } = 1e-5;

    /// <summary>Coupled (L2 in the loss) or decoupled (shrink after the step).</summary>
    [Choice(new object[] { WeightDecayMode.Coupled, WeightDecayMode.Decoupled }, WeightDecayMode.Coupled)]
    public WeightDecayMode Mode { get; init; } = WeightDecayMode.Coupled;

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => $"weight-decay-{(Mode == WeightDecayMode.Coupled ? "l2" : "decoupled")}-{Coefficient:g3}";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new Hook(this);

    /// <inheritdoc />
    public override void Validate()
    {
        StepwiseTiming.Validate(Timing, "Weight decay");
        if (!(Coefficient >= 0) || double.IsInfinity(Coefficient)) throw new ArgumentException($"{nameof(Coefficient)} must be finite and non-negative; got {Coefficient}.");
    }

    private sealed class Hook(WeightDecaySpec spec) : TrainingHook
    {
        public override Tensor? AdditionalLoss(TrainingContext context)
        {
            if (spec.Mode != WeightDecayMode.Coupled || !StepwiseTiming.ActsInStep(spec.Timing, context.GlobalStep)) return null;
            using var scope = NewDisposeScope();
            Tensor? sum = null;
            foreach (var p in context.Network.parameters())
            {
                var term = (p * p).sum();
                sum = sum is null ? term : sum.add(term, Scalars.One);
            }
            if (sum is null) return null;
            using var half = (spec.Coefficient / 2).ToScalar();
            return sum.mul(half).MoveToOuterDisposeScope();
        }

        public override void AfterStep(TrainingContext context)
        {
            // AfterStep sees the completed step count, so ActsAfterStep is the same moment as ActsInStep above.
            if (spec.Mode != WeightDecayMode.Decoupled || !spec.Timing.ActsAfterStep(context.GlobalStep)) return;
            using var factor = (1 - context.Optimizer.LearningRate * spec.Coefficient).ToScalar();
            using var noGrad = no_grad();
            foreach (var p in context.Network.parameters()) p.mul_(factor);
        }
    }
}
