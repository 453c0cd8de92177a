using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Optimization;

/// <summary>
/// SGD (momentum, Nesterov, coupled weight decay), Adam (coupled weight decay, optional epsilon inside the square
/// root) and AdamW, with state tensors addressable per parameter and per row. Matches <c>torch.optim</c>'s
/// update rules.
/// </summary>
public sealed class PlasticOptimizer : IPlasticOptimizer
{
    private readonly Parameter[] parameters;
    private readonly Dictionary<Parameter, Dictionary<string, Tensor>> state = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates an optimizer over <paramref name="parameters"/>.</summary>
    public PlasticOptimizer(IEnumerable<Parameter> parameters, OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        LearningRate = options.LearningRate;
        this.parameters = parameters.ToArray();
    }

    /// <inheritdoc />
    public OptimizerOptions Options { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <inheritdoc />
    public double LearningRate { get; set; }

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <inheritdoc />
    public void ZeroGrad()
    {
        foreach (var p in parameters)
        {
            var g = p.grad;
            if (g is not null) g.zero_();
        }
    }

    /// <inheritdoc />
    public void Step()
    {
        StepCount++;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var p in parameters)
        {
            var grad = p.grad;
            if (grad is null) continue;
            switch (Options.Kind)
            {
                case OptimizerKind.Sgd: SgdStep(p, grad); break;
                default: AdamStep(p, grad); break;
            }
        }
    }

    private void SgdStep(Parameter p, Tensor grad)
    {
        var o = Options;
        var g = o.WeightDecay != 0 ? grad.add(p, alpha: o.WeightDecay) : grad;
        if (o.Momentum != 0)
        {
            var s = StateFor(p);
            if (!s.TryGetValue("momentum_buffer", out var buffer))
            {
                buffer = g.detach().clone().DetachFromDisposeScope();
                s["momentum_buffer"] = buffer;
            }
            else
            {
                buffer.mul_(o.Momentum).add_(g);
            }
            g = o.Nesterov ? g.add(buffer, alpha: o.Momentum) : buffer;
        }
        p.add_(g, alpha: -LearningRate);
    }

    private void AdamStep(Parameter p, Tensor grad)
    {
        var o = Options;
        var s = StateFor(p);
        if (!s.TryGetValue("exp_avg", out var m))
        {
            m = zeros_like(p).DetachFromDisposeScope();
            s["exp_avg"] = m;
            s["exp_avg_sq"] = zeros_like(p).DetachFromDisposeScope();
        }
        var v = s["exp_avg_sq"];
        Tensor g = grad;
        if (o.Kind == OptimizerKind.AdamW)
        {
            if (o.WeightDecay != 0) p.mul_(1 - LearningRate * o.WeightDecay);
        }
        else if (o.WeightDecay != 0)
        {
            g = grad.add(p, alpha: o.WeightDecay);
        }
        m.mul_(o.Beta1).add_(g, alpha: 1 - o.Beta1);
        v.mul_(o.Beta2).addcmul_(g, g, value: 1 - o.Beta2);
        double bias1 = 1 - Math.Pow(o.Beta1, StepCount);
        double bias2 = 1 - Math.Pow(o.Beta2, StepCount);
        var vHat = v / bias2;
        if (o.EpsilonInsideSqrt != 0) vHat = vHat.add_(o.EpsilonInsideSqrt);
        var denominator = vHat.sqrt_().add_(o.Epsilon);
        p.addcdiv_(m, denominator, value: -LearningRate / bias1);
    }

    private Dictionary<string, Tensor> StateFor(Parameter p)
    {
        if (!state.TryGetValue(p, out var s))
        {
            s = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            state[p] = s;
        }
        return s;
    }

    /// <inheritdoc />
    public void ResetState()
    {
        foreach (var s in state.Values)
            foreach (var t in s.Values) t.Dispose();
        state.Clear();
        StepCount = 0;
    }

    /// <inheritdoc />
    public void ResetState(Parameter parameter, long[]? rows = null)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!parameters.Contains(parameter, ReferenceEqualityComparer.Instance))
            throw new ArgumentException("The parameter is not updated by this optimizer.", nameof(parameter));
        if (!state.TryGetValue(parameter, out var s)) return;
        using var noGrad = no_grad();
        foreach (var t in s.Values)
        {
            if (rows is null)
            {
                t.zero_();
            }
            else if (rows.Length > 0)
            {
                using var index = tensor(rows);
                t.index_fill_(0, index, 0.0);
            }
        }
    }

    /// <inheritdoc />
    public void ResetStateColumns(Parameter parameter, long[] columns)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(columns);
        if (!parameters.Contains(parameter, ReferenceEqualityComparer.Instance))
            throw new ArgumentException("The parameter is not updated by this optimizer.", nameof(parameter));
        if (parameter.dim() < 2) throw new ArgumentException($"A parameter of {parameter.dim()} dimension(s) has no columns.", nameof(parameter));
        if (columns.Length == 0 || !state.TryGetValue(parameter, out var s)) return;
        using var noGrad = no_grad();
        using var index = tensor(columns);
        foreach (var t in s.Values) t.index_fill_(1, index, 0.0);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> StateOf(Parameter parameter) =>
        state.TryGetValue(parameter, out var s) ? s : new Dictionary<string, Tensor>();

    /// <inheritdoc />
    public void Dispose() => ResetState();
}
