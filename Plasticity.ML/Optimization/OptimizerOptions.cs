using System.Text.Json.Serialization;

namespace Plasticity.ML.Optimization;

/// <summary>The optimization algorithm.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OptimizerKind>))]
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent, optionally with (Nesterov) momentum and coupled weight decay.</summary>
    Sgd,

    /// <summary>Adam (Kingma and Ba) with coupled weight decay (L2 added to the gradient).</summary>
    Adam,

    /// <summary>AdamW: Adam with decoupled weight decay.</summary>
    AdamW,

    /// <summary>
    /// RMSProp (Hinton; <c>torch.optim.RMSprop</c>'s rule), optionally centered (Graves 2013: the gradient is divided by
    /// an estimate of its standard deviation rather than its root mean square), with momentum and coupled weight decay.
    /// MinAtar's reference DQN uses it centered with lr 2.5e-4, alpha 0.95, epsilon 0.01.
    /// </summary>
    RmsProp,
}

/// <summary>Which code runs the optimizer step.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OptimizerImplementation>))]
public enum OptimizerImplementation
{
    /// <summary>Plasticity.ML's own step, whose state is addressable per parameter and per unit.</summary>
    Plastic,

    /// <summary>TorchSharp's <c>torch.optim</c> classes (state is only resettable as a whole).</summary>
    TorchSharp,
}

/// <summary>Optimizer settings. The plasticity probe builds its fresh optimizer from the same options.</summary>
public sealed record OptimizerOptions
{
    /// <summary>Algorithm.</summary>
    public OptimizerKind Kind { get; init; } = OptimizerKind.Adam;

    /// <summary>Implementation.</summary>
    public OptimizerImplementation Implementation { get; init; } = OptimizerImplementation.Plastic;

    /// <summary>Step size.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>SGD and RMSProp momentum (0 for none).</summary>
    public double Momentum { get; init; }

    /// <summary>Use Nesterov momentum (SGD).</summary>
    public bool Nesterov { get; init; }

    /// <summary>Adam's first-moment decay.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's second-moment decay.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam's and RMSProp's epsilon, added outside the square root: <c>m / (sqrt(v) + eps)</c>.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Adam's epsilon inside the square root, <c>m / (sqrt(v + epsBar) + eps)</c> (the paper's Eq. 6); 0 for none.
    /// RMSProp adds it under its square root too (TensorFlow's and optax's RMSProp put their epsilon there).</summary>
    public double EpsilonInsideSqrt { get; init; }

    /// <summary>Weight decay: coupled (L2 on the gradient) for SGD, Adam and RMSProp, decoupled for AdamW.</summary>
    public double WeightDecay { get; init; }

    /// <summary>RMSProp's decay of its running averages (<c>torch.optim.RMSprop</c>'s alpha; MinAtar's DQN uses 0.95).</summary>
    public double Alpha { get; init; } = 0.99;

    /// <summary>Centered RMSProp: divide by <c>sqrt(E[g^2] - E[g]^2)</c> instead of <c>sqrt(E[g^2])</c>.</summary>
    public bool Centered { get; init; }

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"{nameof(LearningRate)} must be positive and finite; got {LearningRate}.");
        if (Momentum is < 0 or >= 1) throw new ArgumentException($"{nameof(Momentum)} must lie in [0, 1); got {Momentum}.");
        if (Beta1 is < 0 or >= 1) throw new ArgumentException($"{nameof(Beta1)} must lie in [0, 1); got {Beta1}.");
        if (Beta2 is < 0 or >= 1) throw new ArgumentException($"{nameof(Beta2)} must lie in [0, 1); got {Beta2}.");
        if (Epsilon < 0) throw new ArgumentException($"{nameof(Epsilon)} must be non-negative; got {Epsilon}.");
        if (EpsilonInsideSqrt < 0) throw new ArgumentException($"{nameof(EpsilonInsideSqrt)} must be non-negative; got {EpsilonInsideSqrt}.");
        if (WeightDecay < 0) throw new ArgumentException($"{nameof(WeightDecay)} must be non-negative; got {WeightDecay}.");
        if (Nesterov && Momentum == 0) throw new ArgumentException("Nesterov momentum needs Momentum > 0.");
        if (Alpha is < 0 or >= 1) throw new ArgumentException($"{nameof(Alpha)} must lie in [0, 1); got {Alpha}.");
        if (Centered && Kind != OptimizerKind.RmsProp) throw new ArgumentException($"{nameof(Centered)} applies to {nameof(OptimizerKind.RmsProp)} only; the optimizer is {Kind}.");
        if (Nesterov && Kind == OptimizerKind.RmsProp) throw new ArgumentException($"{nameof(OptimizerKind.RmsProp)} has no Nesterov momentum; set {nameof(Nesterov)} to false.");
        if (Implementation == OptimizerImplementation.TorchSharp && EpsilonInsideSqrt != 0)
            throw new ArgumentException($"TorchSharp's {Kind} has no epsilon inside the square root; use {nameof(OptimizerImplementation.Plastic)} for {nameof(EpsilonInsideSqrt)}.");
    }
}
