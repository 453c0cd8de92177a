using Plasticity.ML.Networks;
using TorchSharp.Modules;
using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Gram matrices of per-example gradients of a <see cref="PlasticNetwork"/> from one batched forward pass and one
/// backward pass per output column, instead of one backward pass per example and column.
/// </summary>
/// <remarks>
/// For an affine layer <c>z = W a + b</c> one example's gradient is the outer product <c>dL_i/dW = delta_i a_i'</c>
/// (<c>delta_i = dL_i/dz_i</c>, which a single backward pass of <c>sum_i L_i</c> yields for every example at once when
/// examples do not interact). So for a linear layer <c>&lt;g_i, g_j&gt; = (delta_i . delta_j)(a_i . a_j + 1)</c>, and
/// the k x P gradient matrix is never formed. A convolution's per-example weight gradient is formed from the input
/// patches (<c>delta_i U_i'</c>; out x in x 3 x 3 numbers per example, small). A normalization <c>y = gamma x^ + beta</c>
/// contributes <c>delta^y_i * x^_i</c> for gamma and <c>delta^y_i</c> for beta (summed over positions for BatchNorm's
/// per-channel parameters). Products run in float64. BatchNorm must be in evaluation mode (running statistics):
/// in training mode it mixes the examples, and <see cref="Supports"/> says no.
/// </remarks>
internal static class AffineGradientGram
{
    /// <summary>
    /// True when every parameter that requires gradients belongs to a linear, convolution or normalization layer of
    /// the network and no layer mixes examples (BatchNorm in evaluation mode), so the batched computation is exact.
    /// </summary>
    public static bool Supports(PlasticNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var covered = new HashSet<IntPtr>();
        foreach (var layer in network.ParameterLayers)
        {
            var (weight, bias) = AffineParameters(layer);
            if (weight is null) return false;
            covered.Add(weight.Handle);
            if (bias is not null) covered.Add(bias.Handle);
            if (layer is HiddenLayer { Norm: { } norm })
            {
                if (!NormIsPerExample(norm)) return false;
                foreach (var p in norm.parameters()) covered.Add(p.Handle);
            }
        }
        return network.parameters().Where(p => p.requires_grad).All(p => covered.Contains(p.Handle));
    }

    /// <summary>
    /// The float64 Gram matrix <c>[n r, n r]</c> of the parameter gradients of per-example scalars. <paramref name="scalars"/>
    /// maps the raw output <c>[n, ...]</c> to r scalars, each the sum over examples of one per-example quantity
    /// (e.g. the example losses, or one output column); row <c>i r + c</c> is the gradient of example i's c-th quantity.
    /// Only parameters that require gradients count. Call <see cref="Supports"/> first.
    /// </summary>
    public static Tensor Compute(PlasticNetwork network, Tensor inputs, Func<Tensor, Tensor[]> scalars)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(scalars);
        if (!Supports(network))
            throw new ArgumentException("The network has parameters outside its affine and normalization layers, or BatchNorm in training mode; use per-example backward passes.", nameof(network));
        long n = inputs.shape[0];
        using var scope = NewDisposeScope();
        var record = new ForwardRecord();
        Tensor[] sums;
        using (enable_grad()) sums = scalars(network.ForwardRecording(inputs, record));
        int r = sums.Length;
        if (r == 0) throw new ArgumentException("Need at least one per-example quantity.", nameof(scalars));
        // One backward pass per quantity c gives d(sum_i q_ic)/dt for every recorded t, whose row i is example i's own
        // gradient because examples do not interact. Targets: the affine outputs, then the normalization outputs.
        var targets = record.AffineOutputs.Concat(record.NormOutputs.OfType<Tensor>()).ToArray();
        var deltas = targets.Select(_ => new Tensor[r]).ToArray();
        for (int c = 0; c < r; c++)
        {
            var grads = autograd.grad([sums[c]], targets, null, c < r - 1, false, true);
            for (int t = 0; t < targets.Length; t++) deltas[t][c] = grads[t] is null ? zeros_like(targets[t]) : grads[t];
        }

        using var noGrad = no_grad();
        // [n r, ...] example-major, in float64.
        Tensor ExampleMajor(int t) => stack(deltas[t], 1).flatten(0, 1).to_type(ScalarType.Float64);
        Tensor Repeated(Tensor perExample) => perExample.detach().to_type(ScalarType.Float64).repeat_interleave(r, 0);
        var gram = zeros(n * r, n * r, dtype: ScalarType.Float64);
        int normIndex = record.AffineOutputs.Count;
        for (int l = 0; l < record.AffineOutputs.Count; l++)
        {
            var layer = network.ParameterLayers[l];
            var (weight, bias) = AffineParameters(layer);
            AddAffine(gram, ExampleMajor(l), Repeated(record.Inputs[l]), layer is HiddenLayer hidden ? hidden.Affine : layer,
                weight!.requires_grad, bias is not null && bias.requires_grad);
            if (record.NormOutputs[l] is not null)
            {
                var norm = ((HiddenLayer)layer).Norm!;
                var (scale, shift) = NormParameters(norm);
                var deltaY = ExampleMajor(normIndex++);
                bool perChannel = norm is not LayerNorm;
                // BatchNorm's scale and shift are per channel: an example's gradient sums over its positions.
                Tensor PerParameter(Tensor perElement) => perChannel && perElement.dim() > 2 ? perElement.flatten(2).sum(2) : perElement.flatten(1);
                if (scale is not null && scale.requires_grad) AddProducts(gram, PerParameter(deltaY * Repeated(Standardize(norm, record.AffineOutputs[l]))));
                if (shift is not null && shift.requires_grad) AddProducts(gram, PerParameter(deltaY));
            }
        }
        return gram.MoveToOuterDisposeScope();
    }

    private static void AddAffine(Tensor gram, Tensor delta, Tensor input, nn.Module affine, bool weightCounts, bool biasCounts)
    {
        using var scope = NewDisposeScope();
        if (delta.dim() == 2)
        {
            var deltaProducts = delta.matmul(delta.t());
            if (weightCounts) gram.add_(deltaProducts * input.matmul(input.t()), Scalars.One);
            if (biasCounts) gram.add_(deltaProducts, Scalars.One);
            return;
        }
        var conv = (Conv2d)affine;
        var flatDelta = delta.flatten(2);
        if (weightCounts)
        {
            var patches = nn.functional.unfold(input, (conv.kernel_size[0], conv.kernel_size[1]), (conv.dilation[0], conv.dilation[1]),
                (conv.padding![0], conv.padding[1]), (conv.stride[0], conv.stride[1]));
            AddProducts(gram, flatDelta.bmm(patches.transpose(1, 2)).flatten(1));
        }
        if (biasCounts) AddProducts(gram, flatDelta.sum(2));
    }

    /// <summary>Adds the inner products of explicit per-example gradient rows <c>[n r, d]</c>.</summary>
    private static void AddProducts(Tensor gram, Tensor rows)
    {
        using var columns = rows.t();
        using var products = rows.matmul(columns);
        gram.add_(products, Scalars.One);
    }

    /// <summary>The normalization's input standardized without its scale and shift: x^ with y = gamma x^ + beta.</summary>
    private static Tensor Standardize(nn.Module norm, Tensor z) => norm switch
    {
        LayerNorm ln => nn.functional.layer_norm(z, ln.normalized_shape, null, null, ln.eps),
        BatchNorm1d bn => nn.functional.batch_norm(z, bn.running_mean, bn.running_var, null, null, false, 0, bn.eps),
        BatchNorm2d bn => nn.functional.batch_norm(z, bn.running_mean, bn.running_var, null, null, false, 0, bn.eps),
        _ => throw new InvalidOperationException($"Unsupported normalization {norm.GetType().Name}."),
    };

    private static bool NormIsPerExample(nn.Module norm) => norm switch
    {
        LayerNorm => true,
        BatchNorm1d bn => !bn.training && bn.running_mean is not null && bn.running_var is not null,
        BatchNorm2d bn => !bn.training && bn.running_mean is not null && bn.running_var is not null,
        _ => false,
    };

    private static (Parameter? Scale, Parameter? Shift) NormParameters(nn.Module norm) => norm switch
    {
        LayerNorm ln => (ln.weight, ln.bias),
        BatchNorm1d bn => (bn.weight, bn.bias),
        BatchNorm2d bn => (bn.weight, bn.bias),
        _ => (null, null),
    };

    private static (Parameter? Weight, Parameter? Bias) AffineParameters(nn.Module layer) => (layer is HiddenLayer hidden ? hidden.Affine : layer) switch
    {
        Linear linear => (linear.weight, linear.bias),
        Conv2d conv when conv.groups == 1 => (conv.weight, conv.bias),
        _ => (null, null),
    };
}
