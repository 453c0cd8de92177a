using Plasticity.ML.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Optimization;

/// <summary>
/// Wraps TorchSharp's <c>torch.optim</c> Adam, AdamW, SGD and RMSprop behind <see cref="IPlasticOptimizer"/>, as a
/// reference. Its state can only be reset as a whole (by rebuilding it).
/// </summary>
/// <remarks>
/// Unsafe while other threads allocate: TorchSharp's steps make hidden Scalars (see
/// <see cref="OptimizerImplementation.TorchSharp"/>). It is the one place where the build's ban on TorchSharp's
/// optimizers (BannedSymbols.txt, RS0030) is lifted, on purpose, because it exists to compare against them.
/// </remarks>
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
#pragma warning disable RS0030 // TorchSharp's optimizers make hidden Scalars; this reference wrapper exists to run them (see the class remarks).
        return o.Kind switch
        {
            OptimizerKind.Sgd => optim.SGD(parameters, lr, momentum: o.Momentum, nesterov: o.Nesterov, weight_decay: o.WeightDecay),
            OptimizerKind.Adam => optim.Adam(parameters, lr, beta1: o.Beta1, beta2: o.Beta2, eps: o.Epsilon, weight_decay: o.WeightDecay),
            OptimizerKind.AdamW => optim.AdamW(parameters, lr, beta1: o.Beta1, beta2: o.Beta2, eps: o.Epsilon, weight_decay: o.WeightDecay),
            OptimizerKind.RmsProp => optim.RMSProp(parameters, lr, alpha: o.Alpha, eps: o.Epsilon, weight_decay: o.WeightDecay, momentum: o.Momentum, centered: o.Centered),
            _ => throw new ArgumentException($"Unknown optimizer {o.Kind}."),
        };
#pragma warning restore RS0030
    }

    /// <inheritdoc />
    /// <remarks>TorchSharp keeps Adam's step count per parameter; the exported count is this wrapper's own.</remarks>
    public OptimizerState ExportState()
    {
        var states = ((OptimizerHelper)inner).state_dict().State;
        var perParameter = new List<Dictionary<string, float[]>>(parameters.Length);
        for (int i = 0; i < parameters.Length; i++)
        {
            var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
            if (StepCount > 0)
            {
                switch (states[i])
                {
                    case Adam.State adam:
                        buffers["exp_avg"] = CopyToArray(adam.exp_avg);
                        buffers["exp_avg_sq"] = CopyToArray(adam.exp_avg_sq);
                        break;
                    case AdamW.State adamW:
                        buffers["exp_avg"] = CopyToArray(adamW.exp_avg);
                        buffers["exp_avg_sq"] = CopyToArray(adamW.exp_avg_sq);
                        break;
                    case SGD.State sgd when sgd.momentum_buffer is not null:
                        buffers["momentum_buffer"] = CopyToArray(sgd.momentum_buffer);
                        break;
                    case RMSProp.State rms:
                        // TorchSharp allocates every RMSprop buffer; only those the settings use are state.
                        var names = OptimizerState.BufferNamesFor(Options);
                        buffers["square_avg"] = CopyToArray(rms.square_avg);
                        if (names.Contains("grad_avg")) buffers["grad_avg"] = CopyToArray(rms.grad_avg);
                        if (names.Contains("momentum_buffer")) buffers["momentum_buffer"] = CopyToArray(rms.momentum_buffer);
                        break;
                }
            }
            perParameter.Add(buffers);
        }
        return new OptimizerState { Kind = Options.Kind, StepCount = StepCount, Parameters = perParameter };
    }

    /// <inheritdoc />
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Validate(Options.Kind, parameters.Select(p => p.numel()).ToArray(), OptimizerState.BufferNamesFor(Options));
        ResetState();
        if (state.StepCount == 0) return;
        StepCount = state.StepCount;
        var states = ((OptimizerHelper)inner).state_dict().State;
        using var noGrad = no_grad();
        for (int i = 0; i < parameters.Length; i++)
        {
            var buffers = state.Parameters[i];
            var p = parameters[i];
            switch (states[i])
            {
                case Adam.State adam:
                    adam.step = state.StepCount;
                    CopyInto(adam.exp_avg, buffers, "exp_avg", p);
                    CopyInto(adam.exp_avg_sq, buffers, "exp_avg_sq", p);
                    break;
                case AdamW.State adamW:
                    adamW.step = state.StepCount;
                    CopyInto(adamW.exp_avg, buffers, "exp_avg", p);
                    CopyInto(adamW.exp_avg_sq, buffers, "exp_avg_sq", p);
                    break;
                case RMSProp.State rms:
                    rms.step = state.StepCount;
                    CopyInto(rms.square_avg, buffers, "square_avg", p);
                    CopyInto(rms.grad_avg, buffers, "grad_avg", p);
                    CopyInto(rms.momentum_buffer, buffers, "momentum_buffer", p);
                    break;
                case SGD.State sgd when buffers.TryGetValue("momentum_buffer", out var momentum):
                    // torch starts the buffer from the first gradient when it is null; a copy of the saved one replaces that.
                    sgd.momentum_buffer?.Dispose();
                    using (var saved = tensor(momentum, p.shape))
                        sgd.momentum_buffer = saved.to(p.device).DetachFromDisposeScope();
                    break;
            }
        }
    }

    private static void CopyInto(Tensor target, Dictionary<string, float[]> buffers, string name, Parameter parameter)
    {
        if (!buffers.TryGetValue(name, out var values)) return;
        using var source = tensor(values, parameter.shape);
        target.copy_(source);
    }

    private static float[] CopyToArray(Tensor value)
    {
        if (value.dtype != ScalarType.Float32)
            throw new NotSupportedException($"Only float32 optimizer state can be exported; this optimizer's state is {value.dtype}.");
        return value.ToFloatArray();
    }
}
