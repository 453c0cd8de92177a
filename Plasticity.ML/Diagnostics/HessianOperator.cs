using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// The Hessian of a scalar loss with respect to a list of parameters, as a linear operator on flat vectors:
/// <c>H v = d/dtheta (grad L(theta) . v)</c> by double backward (the gradient is built once with
/// <c>create_graph</c> and reused for every product). The Hessian matrix itself is never formed.
/// </summary>
/// <remarks>Dispose it to release the retained graph. Parameters must not change while it is alive. The loss is evaluated
/// inside <see cref="Networks.PlasticNetwork.LayerByLayer"/>, so a sparse-input network's gradient stays differentiable.</remarks>
public sealed class HessianOperator : IDisposable
{
    private readonly Tensor[] parameters;
    private readonly Tensor[] gradient;

    /// <summary>Evaluates <paramref name="loss"/> once and builds its differentiable gradient.</summary>
    /// <param name="loss">Computes the scalar loss from the parameters.</param>
    /// <param name="parameters">The parameters (all must require gradients).</param>
    public HessianOperator(Func<Tensor> loss, IReadOnlyList<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0) throw new ArgumentException("Need at least one parameter.", nameof(parameters));
        if (parameters.Any(p => !p.requires_grad)) throw new ArgumentException("Every parameter must require gradients.", nameof(parameters));
        this.parameters = parameters.ToArray();
        // A scope must not outlive the constructor (scopes are a thread-wide stack), so the tensors kept for later
        // products are detached from it; libtorch keeps the saved activations alive through their graph.
        using var scope = NewDisposeScope();
        {
            using var enable = enable_grad();
            // The sparse-input and fused network paths have first-order backward passes only.
            using var layered = Networks.PlasticNetwork.LayerByLayer();
            var value = loss();
            if (value.numel() != 1) throw new ArgumentException($"The loss must be a scalar; got shape [{string.Join(", ", value.shape)}].", nameof(loss));
            LossValue = value.to_type(ScalarType.Float64).item<double>();
            if (!double.IsFinite(LossValue)) throw new ArithmeticException($"The loss is {LossValue}; the Hessian is undefined.");
            var grads = autograd.grad([value], this.parameters, null, true, true, true);
            gradient = grads.Select((g, i) => g is null ? zeros_like(this.parameters[i]) : g).ToArray();
            using (no_grad())
                Gradient = ParameterVector.Flatten(gradient.Select(g => (Tensor?)g.detach()).ToArray(), this.parameters);
            Gradient.DetachFromDisposeScope();
            foreach (var g in gradient) g.DetachFromDisposeScope();
        }
    }

    /// <summary>Number of parameters (the Hessian is Dimension x Dimension).</summary>
    public long Dimension => ParameterVector.Dimension(parameters);

    /// <summary>The loss at the current parameters.</summary>
    public double LossValue { get; }

    /// <summary>The flat gradient at the current parameters (detached; owned by this operator).</summary>
    public Tensor Gradient { get; }

    /// <summary>The dtype of the parameters (and of the vectors <see cref="Apply"/> takes).</summary>
    public ScalarType DType => parameters[0].dtype;

    /// <summary>The device of the parameters.</summary>
    public Device Device => parameters[0].device;

    /// <summary>Number of Hessian-vector products computed so far.</summary>
    public int Products { get; private set; }

    /// <summary>H v for a flat vector <paramref name="v"/> of length <see cref="Dimension"/>; returns a new detached vector.</summary>
    public Tensor Apply(Tensor v)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (v.numel() != Dimension) throw new ArgumentException($"The vector has {v.numel()} entries; the Hessian has dimension {Dimension}.", nameof(v));
        using var inner = NewDisposeScope();
        using var enable = enable_grad();
        var pieces = ParameterVector.Split(v.to(DType, Device).detach(), parameters);
        Tensor dot = (gradient[0] * pieces[0]).sum();
        for (int i = 1; i < gradient.Length; i++) dot = dot.add((gradient[i] * pieces[i]).sum(), Scalars.One);
        var hv = autograd.grad([dot], parameters, null, true, false, true);
        Products++;
        Tensor flat;
        using (no_grad())
            flat = ParameterVector.Flatten(hv.Select(h => h is null ? null : (Tensor?)h.detach()).ToArray(), parameters);
        return flat.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Gradient.Dispose();
        foreach (var g in gradient) g.Dispose();
    }
}
