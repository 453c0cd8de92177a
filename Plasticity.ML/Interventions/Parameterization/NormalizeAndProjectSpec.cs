using System.Text.Json.Serialization;
using Plasticity.ML.Networks;
using Plasticity.ML.Training;

namespace Plasticity.ML.Interventions.Parameterization;

/// <summary>
/// Normalize-and-project, NaP (Lyle, Zheng, Khetarpal, Martens, van Hasselt, Pascanu and Dabney 2024, "Normalization
/// and effective learning rates in reinforcement learning", NeurIPS; arXiv 2407.01800): with normalization before each
/// nonlinearity the function a layer computes does not depend on the scale of its weights, but the effective learning
/// rate does (<c>ELR ~ lr / ||W||^2</c>), so the norm growth of continual training silently anneals it. NaP projects
/// every weight matrix back onto the sphere of its initial norm after each step, <c>W &lt;- W ||W_0|| / ||W||</c>,
/// which holds each layer's effective learning rate at its initial value. The scale and offset of each normalization
/// layer are projected jointly onto their initial norm too (<see cref="ProjectNormalization"/>), as the paper does for
/// homogeneous activations. See <see cref="NormalizeAndProjectHook"/>.
/// </summary>
/// <remarks>
/// <para>The "normalize" half is the network's: use <see cref="InterventionPresets.NormalizeAndProject"/> (LayerNorm in
/// every hidden layer plus this projection), or set <see cref="NetworkSpec.Normalization"/> yourself. Without
/// normalization the projection still runs, as a norm constraint that changes the function.</para>
/// <para>The statistics panel reports the effective learning rate of each normalized layer
/// (<c>effectiveLearningRate.layer{l}</c>), which this intervention holds constant.</para>
/// <para>A parameterization: it also acts in the plasticity probe's copies, projecting onto this run's initial norms.</para>
/// </remarks>
public sealed record NormalizeAndProjectSpec : InterventionSpec
{
    /// <summary>Creates the spec, acting after every step.</summary>
    public NormalizeAndProjectSpec() => Timing = InterventionTiming.EveryStep;

    /// <summary>Also project each normalization layer's (scale, offset) jointly onto its initial norm.</summary>
    public bool ProjectNormalization { get; init; } = true;

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => "normalize-project";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new NormalizeAndProjectHook(this);

    /// <inheritdoc />
    public override void Validate() => StepwiseTiming.Validate(Timing, "Normalize-and-project");
}
