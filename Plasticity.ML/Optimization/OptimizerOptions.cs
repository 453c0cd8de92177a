using System.Text.Json.Serialization;
using Plasticity.ML.Search;

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

    /// <summary>TorchSharp's <c>torch.optim</c> classes (state is only resettable as a whole), as a reference.</summary>
    /// <remarks>
    /// Not safe while other threads of the process allocate (parallel runs, a UI, ML.NET scoring): every step of
    /// TorchSharp 0.107's optimizers makes hidden <c>Scalar</c>s per parameter (<c>mul_(beta1)</c>,
    /// <c>add_(grad, alpha)</c>, <c>addcdiv_(value)</c>, ...) that a garbage collection started on another thread can
    /// free while libtorch reads them, which aborts the process (see BannedSymbols.txt; TorchSharp PRs #1434 and
    /// #1496). That code is TorchSharp's, so it cannot be fixed here. <see cref="Experiments.ExperimentRunner"/>
    /// therefore runs an experiment that uses this implementation one run at a time; in your own code, use it from
    /// one thread only, or use <see cref="Plastic"/>, which computes the same update safely.
    /// </remarks>
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
    [Range(1e-5, 1e-1, 1e-3, logBase: true)]
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>SGD and RMSProp momentum (0 for none).</summary>
    public double Momentum { get; init; }

    /// <summary>Use Nesterov momentum (SGD).</summary>
    public bool Nesterov { get; init; }

    /// <summary>Adam's first-moment decay.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's second-moment decay.</summary>
    [Range(0.9, 0.9999, 0.999)]
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam's and RMSProp's epsilon, added outside the square root: <c>m / (sqrt(v) + eps)</c>.</summary>
    [Range(1e-10, 1e-2, 1e-8, logBase: true)]
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Adam's epsilon inside the square root, <c>m / (sqrt(v + epsBar) + eps)</c> (the paper's Eq. 6); 0 for none.
    /// RMSProp adds it under its square root too (TensorFlow's and optax's RMSProp put their epsilon there).</summary>
    public double EpsilonInsideSqrt { get; init; }

    /// <summary>Weight decay: coupled (L2 on the gradient) for SGD, Adam and RMSProp, decoupled for AdamW.</summary>
    public double WeightDecay { get; init; }

    /// <summary>
    /// TRAC (<see cref="TracOptimizer"/>): when set, the optimizer above becomes TRAC's base optimizer and TRAC tunes the
    /// distance from the initial parameters; null (the default) for the plain optimizer. The plasticity probe's copies,
    /// built from the same options, use TRAC too.
    /// </summary>
    public TracOptions? Trac { get; init; }

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
        Trac?.Validate();
        if (Alpha is < 0 or >= 1) throw new ArgumentException($"{nameof(Alpha)} must lie in [0, 1); got {Alpha}.");
        if (Centered && Kind != OptimizerKind.RmsProp) throw new ArgumentException($"{nameof(Centered)} applies to {nameof(OptimizerKind.RmsProp)} only; the optimizer is {Kind}.");
        if (Nesterov && Kind == OptimizerKind.RmsProp) throw new ArgumentException($"{nameof(OptimizerKind.RmsProp)} has no Nesterov momentum; set {nameof(Nesterov)} to false.");
        if (Implementation == OptimizerImplementation.TorchSharp && EpsilonInsideSqrt != 0)
            throw new ArgumentException($"TorchSharp's {Kind} has no epsilon inside the square root; use {nameof(OptimizerImplementation.Plastic)} for {nameof(EpsilonInsideSqrt)}.");
    }
}
