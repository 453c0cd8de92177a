using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Optimization;

/// <summary>
/// Wraps TorchSharp's <c>torch.optim</c> Adam, AdamW and SGD behind <see cref="IPlasticOptimizer"/>, as a
/// reference. Its state can only be reset as a whole (by rebuilding it).
/// </summary>
public sealed class TorchSharpOptimizer : IPlasticOptimizer
{
    private readonly Parameter[] parameters;
    private optim.Optimizer inner;

    /// <summary>Creates the TorchSharp optimizer named by <paramref name="options"/>.</summary>
    public TorchSharpOptimizer(IEnumerable<Parameter> parameters, OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        this.parameters = parameters.ToArray();
        inner = Build(options.LearningRate);
    }

    /// <inheritdoc />
    public OptimizerOptions Options { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <inheritdoc />
    public double LearningRate
    {
        get => inner.ParamGroups.First().LearningRate;
        set
        {
            foreach (var group in inner.ParamGroups) group.LearningRate = value;
        }
    }

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <inheritdoc />
    public void ZeroGrad() => inner.zero_grad();

    /// <inheritdoc />
    public void Step()
    {
        StepCount++;
        inner.step();
    }

    /// <inheritdoc />
    public void ResetState()
    {
        double lr = LearningRate;
        inner.Dispose();
        inner = Build(lr);
        StepCount = 0;
    }

    /// <inheritdoc />
    public void ResetState(Parameter parameter, long[]? rows = null) =>
        throw new NotSupportedException(
            $"TorchSharp's optimizers cannot reset the state of a single parameter; use {nameof(OptimizerImplementation)}.{nameof(OptimizerImplementation.Plastic)}.");

    /// <inheritdoc />
    public void ResetStateColumns(Parameter parameter, long[] columns) =>
        throw new NotSupportedException(
            $"TorchSharp's optimizers cannot reset the state of single columns; use {nameof(OptimizerImplementation)}.{nameof(OptimizerImplementation.Plastic)}.");

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> StateOf(Parameter parameter) => new Dictionary<string, Tensor>();

    /// <inheritdoc />
    public void Dispose() => inner.Dispose();

    private optim.Optimizer Build(double lr)
    {
        var o = Options;
        return o.Kind switch
        {
            OptimizerKind.Sgd => optim.SGD(parameters, lr, momentum: o.Momentum, nesterov: o.Nesterov, weight_decay: o.WeightDecay),
            OptimizerKind.Adam => optim.Adam(parameters, lr, beta1: o.Beta1, beta2: o.Beta2, eps: o.Epsilon, weight_decay: o.WeightDecay),
            OptimizerKind.AdamW => optim.AdamW(parameters, lr, beta1: o.Beta1, beta2: o.Beta2, eps: o.Epsilon, weight_decay: o.WeightDecay),
            _ => throw new ArgumentException($"Unknown optimizer {o.Kind}."),
        };
    }
}
